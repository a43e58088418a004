#include "credential/keystore.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credential/multibase.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/seal.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define KEY_FILE_MAX 4096

static int read_file(const char *path, char *out, size_t size, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -errno;
    size_t got = 0;
    for (;;) {
        if (got == size) {
            close(fd);
            return -EFBIG;
        }
        ssize_t n = read(fd, out + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return -e;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return 0;
}

/*
 * Reads the legacy key file PATH: the sealed seed (its text, to be stored as
 * it is, since it is sealed under the same key), when it was made, and
 * checks that the seed opens and matches the public key.
 */
static int legacy_load(const char *path, const unsigned char key[SEAL_KEY_BYTES],
                       int64_t institution, char *sealed_out, size_t sealed_size,
                       char created_out[21], char *why)
{
    char text[KEY_FILE_MAX];
    size_t len = 0;
    int rc = read_file(path, text, sizeof(text), &len);
    if (rc) {
        snprintf(why, CRED_WHY_SIZE, "cannot read the key file %.150s: %s", path, strerror(-rc));
        return CRED_ERR_NOMEM;
    }
    json_t *doc;
    if (json_read(text, len, 4, 1, &doc)) {
        snprintf(why, CRED_WHY_SIZE, "the key file %.150s is not JSON", path);
        return CRED_ERR_NOT_JSON;
    }
    int err = CRED_ERR_NOT_JSON;
    const char *sealed = json_string_value(json_object_get(doc, "seed"));
    const char *mk = json_string_value(json_object_get(doc, "publicKeyMultibase"));
    const char *created = json_string_value(json_object_get(doc, "created"));
    json_t *inst = json_object_get(doc, "institution");
    char hex[2 * 32 + 1];
    unsigned char seed[32], pk[32];
    size_t n;
    struct cred_signer s;
    if (!sealed || !mk || !json_is_integer(inst) || json_integer_value(inst) != institution ||
        strlen(sealed) >= sealed_size || seal_decrypt(key, sealed, hex, sizeof(hex)) ||
        sodium_hex2bin(seed, sizeof(seed), hex, strlen(hex), NULL, &n, NULL) || n != 32 ||
        ed25519_multikey_parse(mk, pk)) {
        snprintf(why, CRED_WHY_SIZE,
                 "the key file %.150s is damaged or sealed under another data directory's key",
                 path);
        goto done;
    }
    cred_signer_from_seed(&s, seed);
    int same = memcmp(pk, s.public_key, 32) == 0;
    cred_signer_clear(&s);
    if (!same) {
        snprintf(why, CRED_WHY_SIZE, "the key file %.150s does not match its public key", path);
        goto done;
    }
    snprintf(sealed_out, sealed_size, "%s", sealed);
    if (created && strlen(created) == 20)
        snprintf(created_out, 21, "%s", created);
    else
        time_iso8601(time_now(), created_out);
    err = CRED_OK;
done:
    sodium_memzero(seed, sizeof(seed));
    sodium_memzero(hex, sizeof(hex));
    json_decref(doc);
    return err;
}

/* A new seed sealed under KEY into *SEALED (cc_free it). */
static int new_seed(const unsigned char key[SEAL_KEY_BYTES], char **sealed)
{
    unsigned char seed[32];
    char hex[2 * 32 + 1];
    randombytes_buf(seed, sizeof(seed));
    sodium_bin2hex(hex, sizeof(hex), seed, sizeof(seed));
    sodium_memzero(seed, sizeof(seed));
    int rc = seal_encrypt(key, hex, sealed);
    sodium_memzero(hex, sizeof(hex));
    return rc ? CRED_ERR_NOMEM : CRED_OK;
}

/* The public key of the sealed SEALED (opened under KEY) as a multikey. */
static int public_of(const unsigned char key[SEAL_KEY_BYTES], const char *sealed,
                     struct cred_signer *s)
{
    char hex[2 * 32 + 1];
    unsigned char seed[32];
    size_t n;
    int bad = seal_decrypt(key, sealed, hex, sizeof(hex)) ||
              sodium_hex2bin(seed, sizeof(seed), hex, strlen(hex), NULL, &n, NULL) || n != 32;
    if (!bad)
        cred_signer_from_seed(s, seed);
    sodium_memzero(seed, sizeof(seed));
    sodium_memzero(hex, sizeof(hex));
    return bad ? CRED_ERR_NOT_JSON : CRED_OK;
}

/* Inserts key NUMBER of INSTITUTION (sealed seed SEALED) active from FROM; 1 when it existed. */
static int insert_key(struct store *db, const unsigned char key[SEAL_KEY_BYTES],
                      int64_t institution, int number, const char *sealed, const char *from,
                      char *why)
{
    struct cred_signer s;
    if (public_of(key, sealed, &s)) {
        snprintf(why, CRED_WHY_SIZE, "the new key cannot be opened");
        return CRED_ERR_NOT_JSON;
    }
    char mk[ED25519_MULTIKEY_LEN + 1];
    ed25519_multikey(s.public_key, mk);
    cred_signer_clear(&s);
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO credential_keys (institution_id, number, public_key,"
                      " seed_sealed, active_from) VALUES (?, ?, ?, ?, ?)"
                      " ON CONFLICT DO NOTHING",
                      &st)) {
        snprintf(why, CRED_WHY_SIZE, "cannot store the new key");
        return CRED_ERR_NOMEM;
    }
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, number);
    store_bind_text(st, 3, mk);
    store_bind_text(st, 4, sealed);
    store_bind_text(st, 5, from);
    int rc = store_step(st);
    store_finish(st);
    if (rc) {
        snprintf(why, CRED_WHY_SIZE, "cannot store the new key");
        return CRED_ERR_NOMEM;
    }
    return store_changes(db) ? CRED_OK : 1;
}

/* The current key's sealed seed and number; 1 when there is none. */
static int current(struct store *db, int64_t institution, char **sealed, int *number)
{
    struct store_stmt *st;
    *sealed = NULL;
    if (store_prepare(db,
                      "SELECT seed_sealed, number FROM credential_keys WHERE institution_id = ?"
                      " AND active_until IS NULL ORDER BY number DESC LIMIT 1",
                      &st))
        return CRED_ERR_NOMEM;
    store_bind_int(st, 1, institution);
    int rc = store_step(st), err = 1;
    if (rc == STORE_ROW) {
        *sealed = cc_strdup(store_col_text(st, 0));
        *number = (int)store_col_int(st, 1);
        err = *sealed ? CRED_OK : CRED_ERR_NOMEM;
    } else if (rc < 0) {
        err = CRED_ERR_NOMEM;
    }
    store_finish(st);
    return err;
}

int keystore_signer(struct store *db, const unsigned char seal_key[SEAL_KEY_BYTES], const char *dir,
                    int64_t institution, struct cred_signer *out, int *number, int *created,
                    char *why)
{
    why[0] = 0;
    if (created)
        *created = 0;
    char *sealed = NULL;
    int n = 0;
    int err = current(db, institution, &sealed, &n);
    if (err == 1) {
        /* None yet: the key file of an earlier version, or a new key, as key-1. */
        char path[4200], from[21], legacy[1024];
        time_iso8601(time_now(), from);
        char *fresh = NULL;
        int imported = 0;
        if (dir) {
            snprintf(path, sizeof(path), "%s/%s/institution-%" PRId64 ".json", dir, KEYSTORE_DIR,
                     institution);
            if (access(path, F_OK) == 0) {
                if ((err = legacy_load(path, seal_key, institution, legacy, sizeof(legacy), from,
                                       why)))
                    return err;
                imported = 1;
            }
        }
        if (!imported && (err = new_seed(seal_key, &fresh))) {
            snprintf(why, CRED_WHY_SIZE, "cannot seal a new key");
            return err;
        }
        err = insert_key(db, seal_key, institution, 1, imported ? legacy : fresh, from, why);
        if (fresh) {
            sodium_memzero(fresh, strlen(fresh));
            cc_free(fresh);
        }
        if (err < 0)
            return err;
        if (err == 0 && created)
            *created = 1;
        /* Another thread may have made key-1 meanwhile (err 1): its key is the one. */
        err = current(db, institution, &sealed, &n);
    }
    if (err) {
        snprintf(why, CRED_WHY_SIZE, "cannot read the key of institution %" PRId64, institution);
        return err < 0 ? err : CRED_ERR_NOMEM;
    }
    err = public_of(seal_key, sealed, out);
    cc_free(sealed);
    if (err) {
        snprintf(why, CRED_WHY_SIZE,
                 "the key of institution %" PRId64 " is sealed under another data directory's key",
                 institution);
        return err;
    }
    if (number)
        *number = n;
    return CRED_OK;
}

int keystore_rotate(struct store *db, const unsigned char seal_key[SEAL_KEY_BYTES],
                    int64_t institution, int *number, char *why)
{
    why[0] = 0;
    char *fresh = NULL;
    if (new_seed(seal_key, &fresh)) {
        snprintf(why, CRED_WHY_SIZE, "cannot seal a new key");
        return CRED_ERR_NOMEM;
    }
    char now[21];
    time_iso8601(time_now(), now);
    int err = CRED_ERR_NOMEM, next = 1;
    struct store_stmt *st;
    if (store_begin(db)) {
        snprintf(why, CRED_WHY_SIZE, "the database is busy");
        goto done;
    }
    if (store_prepare(db,
                      "SELECT coalesce(max(number), 0) + 1 FROM credential_keys"
                      " WHERE institution_id = ?",
                      &st))
        goto rollback;
    store_bind_int(st, 1, institution);
    if (store_step(st) == STORE_ROW)
        next = (int)store_col_int(st, 0);
    store_finish(st);
    if (store_prepare(db,
                      "UPDATE credential_keys SET active_until = ? WHERE institution_id = ?"
                      " AND active_until IS NULL",
                      &st))
        goto rollback;
    store_bind_text(st, 1, now);
    store_bind_int(st, 2, institution);
    int rc = store_step(st);
    store_finish(st);
    if (rc)
        goto rollback;
    if (insert_key(db, seal_key, institution, next, fresh, now, why))
        goto rollback;
    if (store_commit(db))
        goto rollback;
    if (number)
        *number = next;
    err = CRED_OK;
    goto done;
rollback:
    store_rollback(db);
    if (!why[0])
        snprintf(why, CRED_WHY_SIZE, "cannot store the new key");
done:
    sodium_memzero(fresh, strlen(fresh));
    cc_free(fresh);
    return err;
}

static void read_key(struct store_stmt *st, struct keystore_key *k)
{
    memset(k, 0, sizeof(*k));
    k->institution = store_col_int(st, 0);
    k->number = (int)store_col_int(st, 1);
    snprintf(k->public_key, sizeof(k->public_key), "%s", store_col_text(st, 2));
    snprintf(k->active_from, sizeof(k->active_from), "%s", store_col_text(st, 3));
    snprintf(k->active_until, sizeof(k->active_until), "%s", store_col_text(st, 4));
}

int keystore_list(struct store *db, int64_t institution, keystore_key_fn fn, void *ctx)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT institution_id, number, public_key, active_from, active_until"
                      " FROM credential_keys WHERE institution_id = ? ORDER BY number",
                      &st))
        return CRED_ERR_NOMEM;
    store_bind_int(st, 1, institution);
    int rc, stop = 0;
    struct keystore_key k;
    while (!stop && (rc = store_step(st)) == STORE_ROW) {
        read_key(st, &k);
        stop = fn(ctx, &k);
    }
    store_finish(st);
    if (stop)
        return stop;
    return rc < 0 ? CRED_ERR_NOMEM : CRED_OK;
}

int keystore_get(struct store *db, int64_t institution, int number, struct keystore_key *out)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT institution_id, number, public_key, active_from, active_until"
                      " FROM credential_keys WHERE institution_id = ? AND number = ?",
                      &st))
        return CRED_ERR_NOMEM;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, number);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        read_key(st, out);
    store_finish(st);
    if (rc < 0)
        return CRED_ERR_NOMEM;
    return rc == STORE_ROW ? CRED_OK : CRED_ERR_METHOD_UNRESOLVED;
}

int keystore_signer_of(struct store *db, const unsigned char seal_key[SEAL_KEY_BYTES],
                       int64_t institution, const char *public_key, struct cred_signer *out,
                       int *number)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT seed_sealed, number FROM credential_keys WHERE institution_id = ?"
                      " AND public_key = ?",
                      &st))
        return CRED_ERR_NOMEM;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, public_key);
    int rc = store_step(st), err = CRED_ERR_METHOD_UNRESOLVED;
    if (rc == STORE_ROW) {
        err = public_of(seal_key, store_col_text(st, 0), out);
        if (number)
            *number = (int)store_col_int(st, 1);
    } else if (rc < 0) {
        err = CRED_ERR_NOMEM;
    }
    store_finish(st);
    return err;
}

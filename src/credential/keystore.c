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

/* Reads the key file PATH into S under the seal KEY. */
static int load(const char *path, const unsigned char key[SEAL_KEY_BYTES], int64_t institution,
                struct cred_signer *s, char *why)
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
    json_t *inst = json_object_get(doc, "institution");
    char hex[2 * 32 + 1];
    unsigned char seed[32], pk[32];
    size_t n;
    if (!sealed || !mk || !json_is_integer(inst) || json_integer_value(inst) != institution ||
        seal_decrypt(key, sealed, hex, sizeof(hex)) ||
        sodium_hex2bin(seed, sizeof(seed), hex, strlen(hex), NULL, &n, NULL) || n != 32 ||
        ed25519_multikey_parse(mk, pk)) {
        snprintf(why, CRED_WHY_SIZE,
                 "the key file %.150s is damaged or sealed under another data directory's key",
                 path);
        goto done;
    }
    cred_signer_from_seed(s, seed);
    if (memcmp(pk, s->public_key, 32) != 0) {
        cred_signer_clear(s);
        snprintf(why, CRED_WHY_SIZE, "the key file %.150s does not match its public key", path);
        goto done;
    }
    err = CRED_OK;
done:
    sodium_memzero(seed, sizeof(seed));
    sodium_memzero(hex, sizeof(hex));
    json_decref(doc);
    return err;
}

/* Makes a new key file at PATH unless one appears meanwhile (link never replaces). */
static int create(const char *dir, const char *path, const unsigned char key[SEAL_KEY_BYTES],
                  int64_t institution, char *why)
{
    unsigned char seed[32];
    char hex[2 * 32 + 1];
    randombytes_buf(seed, sizeof(seed));
    sodium_bin2hex(hex, sizeof(hex), seed, sizeof(seed));
    struct cred_signer s;
    cred_signer_from_seed(&s, seed);
    sodium_memzero(seed, sizeof(seed));
    char *sealed = NULL;
    int rc = seal_encrypt(key, hex, &sealed);
    sodium_memzero(hex, sizeof(hex));
    cred_signer_clear(&s);
    if (rc) {
        snprintf(why, CRED_WHY_SIZE, "cannot seal the new key");
        return CRED_ERR_NOMEM;
    }
    char mk[ED25519_MULTIKEY_LEN + 1], now[21];
    ed25519_multikey(s.public_key, mk);
    time_iso8601(time_now(), now);
    json_t *doc = json_pack("{s:I,s:s,s:s,s:s,s:s}", "institution", (json_int_t)institution, "type",
                            "Ed25519", "created", now, "publicKeyMultibase", mk, "seed", sealed);
    free(sealed);
    char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
    json_decref(doc);
    if (!text)
        return CRED_ERR_NOMEM;
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s/.institution-%" PRId64 ".%ld.%08x", dir, institution,
             (long)getpid(), randombytes_random());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int ok = fd >= 0;
    size_t len = strlen(text);
    if (ok)
        ok = write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    free(text);
    if (ok && link(tmp, path) != 0 && errno != EEXIST)
        ok = 0;
    unlink(tmp);
    if (!ok) {
        snprintf(why, CRED_WHY_SIZE, "cannot write the key file %.150s: %s", path, strerror(errno));
        return CRED_ERR_NOMEM;
    }
    return CRED_OK;
}

int keystore_signer(const char *dir, int64_t institution, struct cred_signer *out, int *created,
                    char *why)
{
    why[0] = 0;
    if (created)
        *created = 0;
    unsigned char key[SEAL_KEY_BYTES];
    if (seal_key_load(dir, key)) {
        snprintf(why, CRED_WHY_SIZE, "cannot read or create the data directory's key in %.150s",
                 dir);
        return CRED_ERR_NOMEM;
    }
    char kdir[4096], path[4200];
    snprintf(kdir, sizeof(kdir), "%s/%s", dir, KEYSTORE_DIR);
    snprintf(path, sizeof(path), "%s/institution-%" PRId64 ".json", kdir, institution);
    int err;
    if (mkdir(kdir, 0700) != 0 && errno != EEXIST) {
        snprintf(why, CRED_WHY_SIZE, "cannot create %.150s: %s", kdir, strerror(errno));
        err = CRED_ERR_NOMEM;
        goto done;
    }
    if (access(path, F_OK) != 0) {
        if ((err = create(kdir, path, key, institution, why)))
            goto done;
        if (created)
            *created = 1;
    }
    err = load(path, key, institution, out, why);
done:
    sodium_memzero(key, sizeof(key));
    return err;
}

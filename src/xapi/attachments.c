#include "xapi/attachments.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"
#include "util/secret.h"
#include "util/banned.h"

static int problem(struct xapi_problem *p, const char *path, const char *msg)
{
    snprintf(p->path, sizeof(p->path), "%s", path);
    p->msg = msg;
    p->arg[0] = 0;
    return XAPI_ERR_INVALID;
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Calls FN for each attachment of each statement in STATEMENTS (an array). */
typedef int (*each_fn)(void *ctx, const json_t *statement, const json_t *attachment, size_t si,
                       size_t ai);

static int each_attachment(const json_t *statements, each_fn fn, void *ctx)
{
    size_t si, ai;
    json_t *st, *a;
    json_array_foreach (statements, si, st) {
        json_array_foreach (json_object_get(st, "attachments"), ai, a) {
            int err = fn(ctx, st, a, si, ai);
            if (err)
                return err;
        }
    }
    return 0;
}

struct match {
    struct xapi_blob *blobs;
    size_t n;
    int *used;
    struct xapi_problem *p;
};

static int needs_part(void *ctx, const json_t *st, const json_t *a, size_t si, size_t ai)
{
    struct match *m = ctx;
    const char *sha2 = json_string_value(json_object_get(a, "sha2"));
    const char *usage = json_string_value(json_object_get(a, "usageType"));
    int signature = usage && strcmp(usage, XAPI_SIGNATURE_USAGE) == 0;
    char path[64];
    snprintf(path, sizeof(path), "[%zu].attachments[%zu]", si, ai);
    for (size_t i = 0; i < m->n; i++) {
        if (sha2 && strcasecmp(m->blobs[i].sha2, sha2) == 0) {
            m->used[i] = 1;
            if (signature) {
                const char *ct = json_string_value(json_object_get(a, "contentType"));
                if (!ct || strcmp(ct, "application/octet-stream") != 0)
                    return problem(m->p, path, "xapi_signature_content_type");
                return xapi_jws_verify(m->blobs[i].data, m->blobs[i].len, st, m->p);
            }
            return 0;
        }
    }
    if (signature || !json_object_get(a, "fileUrl"))
        return problem(m->p, path, "xapi_attachment_missing");
    return 0;
}

int xapi_attachments_check(const json_t *statements, const struct multipart *mp,
                           struct xapi_blob *blobs, size_t *nblobs, struct xapi_problem *p)
{
    *nblobs = 0;
    for (int i = 1; i < mp->nparts; i++) {
        const struct multipart_part *part = &mp->part[i];
        const char *hash = multipart_header(part, "X-Experience-API-Hash");
        const char *cte = multipart_header(part, "Content-Transfer-Encoding");
        char path[32];
        snprintf(path, sizeof(path), "part %d", i + 1);
        if (!hash)
            return problem(p, path, "xapi_attachment_hash_missing");
        if (!cte || strcasecmp(cte, "binary") != 0)
            return problem(p, path, "xapi_attachment_encoding");
        struct xapi_blob *b = &blobs[(*nblobs)++];
        sha256_hex(part->content, part->len, b->sha2);
        if (strcasecmp(b->sha2, hash) != 0)
            return problem(p, path, "xapi_attachment_hash_mismatch");
        b->content_type = multipart_header(part, "Content-Type");
        if (!b->content_type)
            b->content_type = "application/octet-stream";
        b->data = part->content;
        b->len = part->len;
    }
    int used[MULTIPART_MAX_PARTS] = {0};
    struct match m = {blobs, *nblobs, used, p};
    int err = each_attachment(statements, needs_part, &m);
    if (err)
        return err;
    for (size_t i = 0; i < *nblobs; i++)
        if (!used[i]) {
            char path[32];
            snprintf(path, sizeof(path), "part %zu", i + 2);
            return problem(p, path, "xapi_attachment_unused");
        }
    return XAPI_OK;
}

int xapi_attachments_need_none(const json_t *statements, struct xapi_problem *p)
{
    struct match m = {NULL, 0, NULL, p};
    return each_attachment(statements, needs_part, &m);
}

int xapi_attachments_store(struct store *db, int64_t institution, const struct xapi_blob *blobs,
                           size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct store_stmt *st;
        if (store_prepare(
                db,
                "INSERT INTO xapi_attachments (institution_id, sha2, content_type, content)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                &st))
            return XAPI_ERR_STORE;
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, blobs[i].sha2);
        store_bind_text(st, 3, blobs[i].content_type);
        store_bind_blob(st, 4, blobs[i].data, blobs[i].len);
        int err = store_step(st);
        store_finish(st);
        if (err)
            return XAPI_ERR_STORE;
    }
    return XAPI_OK;
}

struct writer {
    struct store *db;
    int64_t institution;
    const char *boundary;
    struct buf *out;
    json_t *done; /* sha2 values written */
};

static int write_part(void *ctx, const json_t *st, const json_t *a, size_t si, size_t ai)
{
    struct writer *w = ctx;
    const char *sha2 = json_string_value(json_object_get(a, "sha2"));
    if (!sha2 || json_object_get(w->done, sha2))
        return 0;
    struct store_stmt *s;
    if (store_prepare(w->db,
                      "SELECT content_type, content FROM xapi_attachments WHERE institution_id = ?"
                      " AND sha2 = ?",
                      &s))
        return XAPI_ERR_STORE;
    store_bind_int(s, 1, w->institution);
    store_bind_text(s, 2, sha2);
    int err = store_step(s);
    if (err == STORE_ROW) {
        size_t len;
        const void *data = store_col_blob(s, 1, &len);
        err = buf_addf(w->out,
                       "\r\n--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: binary\r\n"
                       "X-Experience-API-Hash: %s\r\n\r\n",
                       w->boundary, store_col_text(s, 0), sha2) ||
              buf_add(w->out, data, len);
        json_object_set_new(w->done, sha2, json_true());
    }
    store_finish(s);
    return err < 0 ? XAPI_ERR_STORE : err ? XAPI_ERR_NOMEM : 0;
}

int xapi_attachments_write_parts(struct store *db, int64_t institution, const json_t *statements,
                                 const char *boundary, struct buf *out)
{
    struct writer w = {db, institution, boundary, out, json_object()};
    int err = each_attachment(statements, write_part, &w);
    json_decref(w.done);
    return err;
}

/* Decodes base64url SRC (LEN chars) into a new buffer; NULL when malformed. */
static unsigned char *b64url(const char *src, size_t len, size_t *out_len)
{
    unsigned char *out = cc_malloc(len + 1);
    if (!out)
        return NULL;
    if (sodium_base642bin(out, len + 1, src, len, NULL, out_len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
        cc_free(out);
        return NULL;
    }
    out[*out_len] = 0;
    return out;
}

/* The public key of the first certificate of the JWS header's x5c, or NULL. */
static EVP_PKEY *x5c_key(const json_t *header)
{
    const char *cert = json_string_value(json_array_get(json_object_get(header, "x5c"), 0));
    if (!cert)
        return NULL;
    size_t n = strlen(cert), len;
    unsigned char *der = cc_malloc(n + 1);
    EVP_PKEY *key = NULL;
    if (der && sodium_base642bin(der, n + 1, cert, n, NULL, &len, NULL,
                                 sodium_base64_VARIANT_ORIGINAL) == 0) {
        const unsigned char *p = der;
        X509 *x = d2i_X509(NULL, &p, (long)len);
        if (x) {
            key = X509_get_pubkey(x);
            X509_free(x);
        }
    }
    cc_free(der);
    return key;
}

/*
 * Cuts the seconds of result.duration to hundredths: the spec compares
 * durations only that far ("PT1.23456S" and "PT1.23S" are equal).
 */
static void truncate_duration(json_t *result)
{
    const char *d = json_string_value(json_object_get(result, "duration"));
    const char *dot = d ? strchr(d, '.') : NULL;
    if (!dot)
        return;
    size_t digits = strspn(dot + 1, "0123456789");
    if (digits <= 2 || dot[1 + digits] != 'S')
        return;
    char cut[128];
    snprintf(cut, sizeof(cut), "%.*s%s", (int)(dot + 3 - d), d, dot + 1 + digits);
    json_object_set_new(result, "duration", json_string(cut));
}

/* The statement without what the LRS adds or the signature itself changes. */
static json_t *comparable(const json_t *st)
{
    static const char *const drop[] = {"authority", "stored",      "version",
                                       "id",        "attachments", "timestamp"};
    json_t *c = json_deep_copy(st);
    for (size_t i = 0; c && i < sizeof(drop) / sizeof(drop[0]); i++)
        json_object_del(c, drop[i]);
    if (c)
        truncate_duration(json_object_get(c, "result"));
    return c;
}

int xapi_jws_verify(const char *sig, size_t len, const json_t *statement, struct xapi_problem *p)
{
    const char *dot1 = memchr(sig, '.', len);
    const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - sig)) : NULL;
    if (!dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - sig)))
        return problem(p, "signature", "xapi_signature_malformed");
    size_t hl, pl, sl;
    unsigned char *h = b64url(sig, (size_t)(dot1 - sig), &hl);
    unsigned char *pay = b64url(dot1 + 1, (size_t)(dot2 - dot1 - 1), &pl);
    unsigned char *s = b64url(dot2 + 1, len - (size_t)(dot2 + 1 - sig), &sl);
    json_t *header = h ? json_loadb((const char *)h, hl, 0, NULL) : NULL;
    json_t *payload = pay ? json_loadb((const char *)pay, pl, 0, NULL) : NULL;
    int err = XAPI_OK;
    const char *alg = json_string_value(json_object_get(header, "alg"));
    const EVP_MD *md = NULL;
    if (!s || !json_is_object(header) || !json_is_object(payload)) {
        err = problem(p, "signature", "xapi_signature_malformed");
        goto done;
    }
    if (alg && !strcmp(alg, "RS256"))
        md = EVP_sha256();
    else if (alg && !strcmp(alg, "RS384"))
        md = EVP_sha384();
    else if (alg && !strcmp(alg, "RS512"))
        md = EVP_sha512();
    if (!md) {
        err = problem(p, "signature", "xapi_signature_algorithm");
        goto done;
    }
    json_t *a = comparable(payload), *b = comparable(statement);
    int same = a && b && json_equal(a, b);
    json_decref(a);
    json_decref(b);
    if (!same) {
        err = problem(p, "signature", "xapi_signature_payload");
        goto done;
    }
    /* With a certificate the signature is checked; without one there is no key to check it with. */
    EVP_PKEY *key = x5c_key(header);
    if (key) {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        int ok =
            ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
            EVP_DigestVerify(ctx, s, sl, (const unsigned char *)sig, (size_t)(dot2 - sig)) == 1;
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_free(key);
        if (!ok)
            err = problem(p, "signature", "xapi_signature_invalid");
    }
done:
    json_decref(header);
    json_decref(payload);
    cc_free(h);
    cc_free(pay);
    cc_free(s);
    return err;
}

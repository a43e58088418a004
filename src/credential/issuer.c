#include "credential/issuer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/account.h"
#include "credential/keystore.h"
#include "credential/multibase.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/banned.h"

/* ------------------------------------------------------------ URLs and DIDs */

/* The length of the scheme ("http://", "https://") of S, or 0. */
static size_t scheme_len(const char *s)
{
    return strncasecmp(s, "https://", 8) == 0 ? 8 : strncasecmp(s, "http://", 7) == 0 ? 7 : 0;
}

int issuer_base_ok(const char *base)
{
    size_t n = base ? strlen(base) : 0, sl = n ? scheme_len(base) : 0;
    if (!sl || n > ISSUER_BASE_MAX || n == sl || base[n - 1] == '/' || base[sl] == '/')
        return 0;
    for (size_t i = sl; i < n; i++) {
        unsigned char c = (unsigned char)base[i];
        /* Letters, digits and what a host, port and plain path need; no user, query, escapes. */
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == ':' || c == '/' || c == '[' || c == ']'))
            return 0;
        if (c == '/' && base[i + 1] == '/')
            return 0;
    }
    return 1;
}

void issuer_web_did(const char *base, char *out)
{
    size_t o = (size_t)snprintf(out, RESOLVER_ID_MAX, "did:web:");
    const char *s = base + scheme_len(base);
    int in_host = 1;
    for (; *s && o + 4 < RESOLVER_ID_MAX; s++) {
        if (*s == '/') {
            in_host = 0;
            out[o++] = ':';
        } else if (*s == ':' && in_host) {
            memcpy(out + o, "%3A", 3);
            o += 3;
        } else {
            out[o++] = (char)(*s >= 'A' && *s <= 'Z' && in_host ? *s + 32 : *s);
        }
    }
    out[o] = 0;
}

void issuer_did(const char *base, int64_t institution, const char *method, char *out)
{
    char web[RESOLVER_ID_MAX];
    issuer_web_did(base, web);
    if (strcmp(method, "host") == 0)
        snprintf(out, RESOLVER_ID_MAX, "%s", web);
    else
        snprintf(out, RESOLVER_ID_MAX, "%.400s:institutions:%" PRId64, web, institution);
}

void issuer_status_url(const char *base, int64_t institution, int64_t list, char *out)
{
    snprintf(out, ISSUER_URL_MAX, "%s/credentials/status/%" PRId64 "/%" PRId64, base, institution,
             list);
}

/* ------------------------------------------------------------ the profile */

int issuer_profile_get(struct store *db, int64_t institution, struct issuer_profile *out)
{
    memset(out, 0, sizeof(*out));
    out->institution = institution;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT name_en, name_zh, url, image, email, did_method, updated_at"
                      " FROM credential_issuers WHERE institution_id = ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        utf8_copy(out->name_en, sizeof(out->name_en), store_col_text(st, 0));
        utf8_copy(out->name_zh, sizeof(out->name_zh), store_col_text(st, 1));
        utf8_copy(out->url, sizeof(out->url), store_col_text(st, 2));
        utf8_copy(out->image, sizeof(out->image), store_col_text(st, 3));
        utf8_copy(out->email, sizeof(out->email), store_col_text(st, 4));
        utf8_copy(out->did_method, sizeof(out->did_method), store_col_text(st, 5));
        utf8_copy(out->updated_at, sizeof(out->updated_at), store_col_text(st, 6));
    }
    store_finish(st);
    if (rc < 0)
        return BADGE_ERR_STORE;
    if (rc == STORE_ROW)
        return BADGE_OK;
    struct auth_institution inst;
    int err = auth_institution_get(db, institution, &inst);
    if (err)
        return err == AUTH_ERR_NOT_FOUND ? BADGE_ERR_NOT_FOUND : BADGE_ERR_STORE;
    utf8_copy(out->name_en, sizeof(out->name_en), inst.name_en);
    utf8_copy(out->name_zh, sizeof(out->name_zh), inst.name_zh);
    snprintf(out->did_method, sizeof(out->did_method), "web");
    return BADGE_OK;
}

/* An absolute http(s) URL of printable ASCII, at most ISSUER_URL_MAX bytes. */
static int url_ok(const char *s)
{
    size_t n = strlen(s);
    if (n > ISSUER_URL_MAX || !scheme_len(s) || n <= scheme_len(s) || s[scheme_len(s)] == '/')
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '"' ||
            s[i] == '<' || s[i] == '>' || s[i] == '\\')
            return 0;
    return 1;
}

/* name@host.tld, printable ASCII without spaces, at most ISSUER_EMAIL_MAX bytes. */
static int email_ok(const char *s)
{
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n > ISSUER_EMAIL_MAX || !at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
        at[1] == '.' || s[n - 1] == '.')
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '<' ||
            s[i] == '>' || s[i] == '"')
            return 0;
    return 1;
}

int issuer_profile_set(struct store *db, int64_t institution, const struct issuer_input *in,
                       struct issuer_profile *out, struct badge_problem *p)
{
    if (in->name_en && !auth_name_ok(in->name_en, ISSUER_NAME_MAX))
        return badge_problem(p, "name_en", "issuer_name");
    if (in->name_zh && !auth_name_ok(in->name_zh, ISSUER_NAME_MAX))
        return badge_problem(p, "name_zh", "issuer_name");
    if (in->url && *in->url && !url_ok(in->url))
        return badge_problem(p, "url", "issuer_url");
    if (in->image && *in->image && !url_ok(in->image))
        return badge_problem(p, "image", "issuer_url");
    if (in->email && *in->email && !email_ok(in->email))
        return badge_problem(p, "email", "issuer_email");
    if (in->did_method && strcmp(in->did_method, "web") && strcmp(in->did_method, "host") &&
        strcmp(in->did_method, "key"))
        return badge_problem(p, "did_method", "issuer_did_method");
    struct issuer_profile cur;
    int err = issuer_profile_get(db, institution, &cur);
    if (err)
        return err;
    char now[21];
    time_iso8601(time_now(), now);
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO credential_issuers (institution_id, name_en, name_zh, url,"
                      " image, email, did_method, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                      " ON CONFLICT (institution_id) DO UPDATE SET name_en = excluded.name_en,"
                      " name_zh = excluded.name_zh, url = excluded.url, image = excluded.image,"
                      " email = excluded.email, did_method = excluded.did_method,"
                      " updated_at = excluded.updated_at",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, in->name_en ? in->name_en : cur.name_en);
    store_bind_text(st, 3, in->name_zh ? in->name_zh : cur.name_zh);
    store_bind_text(st, 4, in->url ? in->url : cur.url);
    store_bind_text(st, 5, in->image ? in->image : cur.image);
    store_bind_text(st, 6, in->email ? in->email : cur.email);
    store_bind_text(st, 7, in->did_method ? in->did_method : cur.did_method);
    store_bind_text(st, 8, now);
    int rc = store_step(st);
    store_finish(st);
    if (rc)
        return BADGE_ERR_STORE;
    return issuer_profile_get(db, institution, out);
}

int issuer_signer(struct store *db, const unsigned char seal_key[SEAL_KEY_BYTES], const char *dir,
                  const char *base, int64_t institution, struct cred_signer *out, char *why)
{
    struct issuer_profile p;
    if (issuer_profile_get(db, institution, &p)) {
        snprintf(why, CRED_WHY_SIZE, "cannot read the issuer profile of institution %" PRId64,
                 institution);
        return CRED_ERR_NOMEM;
    }
    int number = 0;
    int err = keystore_signer(db, seal_key, dir, institution, out, &number, NULL, why);
    if (err || strcmp(p.did_method, "key") == 0)
        return err;
    issuer_did(base, institution, p.did_method, out->issuer);
    if (strcmp(p.did_method, "host") == 0)
        snprintf(out->method, sizeof(out->method), "%.400s#institution-%" PRId64 "-key-%d",
                 out->issuer, institution, number);
    else
        snprintf(out->method, sizeof(out->method), "%.400s#key-%d", out->issuer, number);
    return CRED_OK;
}

json_t *issuer_profile_json(const struct issuer_profile *p, const struct cred_signer *signer,
                            const char *lang)
{
    int zh = lang && strcmp(lang, "zh-CN") == 0;
    json_t *o = json_pack("{s:s,s:[s],s:s}", "id", signer->issuer, "type", "Profile", "name",
                          zh ? p->name_zh : p->name_en);
    if (!o)
        return NULL;
    int bad = 0;
    if (p->url[0])
        bad |= json_object_set_new(o, "url", json_string(p->url));
    if (p->email[0])
        bad |= json_object_set_new(o, "email", json_string(p->email));
    if (p->image[0])
        bad |= json_object_set_new(o, "image",
                                   json_pack("{s:s,s:s}", "id", p->image, "type", "Image"));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ------------------------------------------------------------ DID documents */

struct doc_build {
    json_t *methods, *assertion;
    const char *controller;
    int64_t institution;
    int server; /* ids #institution-N-key-K rather than #key-K */
    int failed;
};

static int add_method(void *ctx, const struct keystore_key *k)
{
    struct doc_build *b = ctx;
    char id[RESOLVER_ID_MAX];
    if (b->server)
        snprintf(id, sizeof(id), "%.400s#institution-%" PRId64 "-key-%d", b->controller,
                 k->institution, k->number);
    else
        snprintf(id, sizeof(id), "%.400s#key-%d", b->controller, k->number);
    /*
     * Old keys stay (what they signed must keep verifying), marked by the time
     * they were active: not "revoked" or "expires", which would make
     * verifiers refuse what they signed while they were current.
     */
    json_t *m =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s*}", "id", id, "type", "Multikey", "controller",
                  b->controller, "publicKeyMultibase", k->public_key, "activeFrom", k->active_from,
                  "activeUntil", k->active_until[0] ? k->active_until : NULL);
    if (!m || json_array_append_new(b->methods, m) ||
        json_array_append_new(b->assertion, json_string(id))) {
        b->failed = 1;
        return 1;
    }
    return 0;
}

static json_t *document_shell(const char *id)
{
    return json_pack("{s:[s,s],s:s,s:[],s:[]}", "@context", "https://www.w3.org/ns/did/v1",
                     "https://w3id.org/security/multikey/v1", "id", id, "verificationMethod",
                     "assertionMethod");
}

/* Adds the keys of INSTITUTION to DOC. */
static int add_keys(struct store *db, json_t *doc, int64_t institution, int server)
{
    struct doc_build b = {json_object_get(doc, "verificationMethod"),
                          json_object_get(doc, "assertionMethod"),
                          json_string_value(json_object_get(doc, "id")),
                          institution,
                          server,
                          0};
    int err = keystore_list(db, institution, add_method, &b);
    return err || b.failed ? BADGE_ERR_STORE : BADGE_OK;
}

int issuer_did_document(struct store *db, const char *base, int64_t institution, json_t **out)
{
    *out = NULL;
    char did[RESOLVER_ID_MAX];
    issuer_did(base, institution, "web", did);
    json_t *doc = document_shell(did);
    if (!doc)
        return BADGE_ERR_NOMEM;
    int err = add_keys(db, doc, institution, 0);
    if (!err && !json_array_size(json_object_get(doc, "verificationMethod")))
        err = BADGE_ERR_NOT_FOUND;
    if (err) {
        json_decref(doc);
        return err;
    }
    *out = doc;
    return BADGE_OK;
}

int issuer_server_document(struct store *db, const char *base, json_t **out)
{
    *out = NULL;
    char did[RESOLVER_ID_MAX];
    issuer_web_did(base, did);
    json_t *doc = document_shell(did);
    json_t *aka = json_array();
    struct store_stmt *st;
    int err = doc && aka ? BADGE_OK : BADGE_ERR_NOMEM;
    if (!err &&
        store_prepare(db, "SELECT DISTINCT institution_id FROM credential_keys ORDER BY 1", &st))
        err = BADGE_ERR_STORE;
    int64_t ids[1024];
    size_t n = 0;
    if (!err) {
        while (n < 1024 && store_step(st) == STORE_ROW)
            ids[n++] = store_col_int(st, 0);
        store_finish(st);
    }
    for (size_t i = 0; i < n && !err; i++) {
        char inst[RESOLVER_ID_MAX];
        issuer_did(base, ids[i], "web", inst);
        err = add_keys(db, doc, ids[i], 1);
        if (!err && json_array_append_new(aka, json_string(inst)))
            err = BADGE_ERR_NOMEM;
    }
    if (!err && json_object_set(doc, "alsoKnownAs", aka))
        err = BADGE_ERR_NOMEM;
    json_decref(aka);
    if (err) {
        json_decref(doc);
        return err;
    }
    *out = doc;
    return BADGE_OK;
}

/* ------------------------------------------------------------ resolver hooks */

/* Reads a positive decimal number at *S, moving past it; 0 when there is none. */
static int64_t number_at(const char **s)
{
    int64_t v = 0;
    const char *p = *s;
    while (*p >= '0' && *p <= '9' && v < 1000000000000)
        v = v * 10 + (*p++ - '0');
    if (p == *s || (**s == '0'))
        return 0;
    *s = p;
    return v;
}

static int lookup(void *arg, const char *method, struct resolver_key *out)
{
    struct issuer_lookup *l = arg;
    size_t n = strlen(l->did);
    if (strncmp(method, l->did, n) != 0)
        return RESOLVER_ERR_NOT_FOUND;
    const char *s = method + n;
    int64_t institution = 0, number = 0;
    char controller[RESOLVER_ID_MAX];
    if (strncmp(s, ":institutions:", 14) == 0) {
        s += 14;
        if (!(institution = number_at(&s)) || strncmp(s, "#key-", 5) != 0)
            return RESOLVER_ERR_NOT_FOUND;
        s += 5;
        snprintf(controller, sizeof(controller), "%.400s:institutions:%" PRId64, l->did,
                 institution);
    } else if (strncmp(s, "#institution-", 13) == 0) {
        s += 13;
        if (!(institution = number_at(&s)) || strncmp(s, "-key-", 5) != 0)
            return RESOLVER_ERR_NOT_FOUND;
        s += 5;
        snprintf(controller, sizeof(controller), "%s", l->did);
    } else {
        return RESOLVER_ERR_NOT_FOUND;
    }
    if (!(number = number_at(&s)) || *s || number > 1000000)
        return RESOLVER_ERR_NOT_FOUND;
    struct keystore_key k;
    int err = keystore_get(l->db, institution, (int)number, &k);
    if (err)
        return err == CRED_ERR_METHOD_UNRESOLVED ? RESOLVER_ERR_NOT_FOUND : RESOLVER_ERR_NOMEM;
    memset(out, 0, sizeof(*out));
    if (ed25519_multikey_parse(k.public_key, out->public_key))
        return RESOLVER_ERR_INVALID;
    out->type = RESOLVER_KEY_ED25519;
    snprintf(out->id, sizeof(out->id), "%s", method);
    snprintf(out->controller, sizeof(out->controller), "%s", controller);
    out->assertion_method = 1;
    return RESOLVER_OK;
}

static int status_lookup(void *arg, const char *url, json_t **list, int64_t *fetched_ms)
{
    struct issuer_lookup *l = arg;
    char prefix[ISSUER_BASE_MAX + 32];
    snprintf(prefix, sizeof(prefix), "%s/credentials/status/", l->base);
    size_t n = strlen(prefix);
    if (strncmp(url, prefix, n) != 0)
        return RESOLVER_ERR_NOT_FOUND;
    const char *s = url + n;
    int64_t institution = number_at(&s), number = 0;
    if (!institution || *s++ != '/' || !(number = number_at(&s)) || *s)
        return RESOLVER_ERR_NOT_FOUND;
    struct store_stmt *st;
    if (store_prepare(l->db,
                      "SELECT credential FROM status_lists WHERE institution_id = ? AND list = ?",
                      &st))
        return RESOLVER_ERR_NOMEM;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, number);
    int rc = store_step(st), err = RESOLVER_ERR_NOT_FOUND;
    if (rc == STORE_ROW && *store_col_text(st, 0)) {
        *list = json_loads(store_col_text(st, 0), 0, NULL);
        err = *list ? RESOLVER_OK : RESOLVER_ERR_INVALID;
    } else if (rc < 0) {
        err = RESOLVER_ERR_NOMEM;
    }
    store_finish(st);
    /* Read from the database now: as fresh as it gets. */
    *fetched_ms = time_now_ms();
    return err;
}

void issuer_resolver_init(struct resolver *r, struct issuer_lookup *l, struct store *db,
                          const char *base)
{
    l->db = db;
    snprintf(l->base, sizeof(l->base), "%s", base);
    issuer_web_did(base, l->did);
    r->lookup = lookup;
    r->lookup_arg = l;
    r->status_lookup = status_lookup;
    r->status_arg = l;
}

#include "credential/resolver.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "credential/multibase.h"
#include "util/banned.h"

void resolver_key_release(struct resolver_key *key)
{
    json_decref(key->jwk);
    key->jwk = NULL;
}

void resolver_init(struct resolver *r)
{
    r->documents = NULL;
    r->lookup = NULL;
    r->lookup_arg = NULL;
    r->status_lists = NULL;
    r->status_lookup = NULL;
    r->status_arg = NULL;
}

void resolver_release(struct resolver *r)
{
    json_decref(r->documents);
    r->documents = NULL;
    json_decref(r->status_lists);
    r->status_lists = NULL;
}

int resolver_pin(struct resolver *r, json_t *doc)
{
    if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "id")))
        return RESOLVER_ERR_INVALID;
    if (!r->documents && !(r->documents = json_array()))
        return RESOLVER_ERR_NOMEM;
    return json_array_append(r->documents, doc) ? RESOLVER_ERR_NOMEM : RESOLVER_OK;
}

int resolver_pin_status_list(struct resolver *r, json_t *list, int64_t fetched_ms)
{
    if (!json_is_object(list) || !json_is_string(json_object_get(list, "id")))
        return RESOLVER_ERR_INVALID;
    if (!r->status_lists && !(r->status_lists = json_array()))
        return RESOLVER_ERR_NOMEM;
    json_t *entry = json_pack("{s:O,s:I}", "credential", list, "fetched", (json_int_t)fetched_ms);
    return entry && !json_array_append_new(r->status_lists, entry) ? RESOLVER_OK
                                                                   : RESOLVER_ERR_NOMEM;
}

int resolver_status_list(const struct resolver *r, const char *url, json_t **list,
                         int64_t *fetched_ms)
{
    *list = NULL;
    *fetched_ms = -1;
    size_t i;
    const json_t *entry;
    json_array_foreach (r ? r->status_lists : NULL, i, entry) {
        json_t *doc = json_object_get(entry, "credential");
        const char *id = json_string_value(json_object_get(doc, "id"));
        if (id && strcmp(id, url) == 0) {
            *list = json_incref(doc);
            *fetched_ms = json_integer_value(json_object_get(entry, "fetched"));
            return RESOLVER_OK;
        }
    }
    if (r && r->status_lookup)
        return r->status_lookup(r->status_arg, url, list, fetched_ms);
    return RESOLVER_ERR_NOT_FOUND;
}

int resolver_did_key(const char *s, struct resolver_key *out)
{
    memset(out, 0, sizeof(*out));
    if (strncmp(s, "did:key:", 8) != 0)
        return RESOLVER_ERR_NOT_FOUND;
    const char *mk = s + 8;
    const char *hash = strchr(mk, '#');
    size_t mk_len = hash ? (size_t)(hash - mk) : strlen(mk);
    char multikey[ED25519_MULTIKEY_LEN + 1];
    if (mk_len != ED25519_MULTIKEY_LEN)
        return RESOLVER_ERR_INVALID;
    memcpy(multikey, mk, mk_len);
    multikey[mk_len] = 0;
    /* The one method of a did:key document is the key itself, with its multikey as fragment. */
    if (hash && strcmp(hash + 1, multikey) != 0)
        return RESOLVER_ERR_INVALID;
    if (ed25519_multikey_parse(multikey, out->public_key))
        return RESOLVER_ERR_INVALID;
    out->type = RESOLVER_KEY_ED25519;
    snprintf(out->controller, sizeof(out->controller), "did:key:%s", multikey);
    snprintf(out->id, sizeof(out->id), "did:key:%s#%s", multikey, multikey);
    out->assertion_method = 1;
    return RESOLVER_OK;
}

/* Whether REF (a string or an object with "id") in a document whose id is DOC_ID names METHOD. */
static int names(const json_t *ref, const char *doc_id, const char *method)
{
    const char *s = json_is_string(ref) ? json_string_value(ref)
                                        : json_string_value(json_object_get(ref, "id"));
    if (!s)
        return 0;
    if (strcmp(s, method) == 0)
        return 1;
    /* A relative reference "#key-1" within the document. */
    size_t n = strlen(doc_id);
    return s[0] == '#' && strncmp(method, doc_id, n) == 0 && strcmp(method + n, s) == 0;
}

static int key_from_entry(const json_t *entry, struct resolver_key *out, char *why)
{
    const char *mb = json_string_value(json_object_get(entry, "publicKeyMultibase"));
    const json_t *jwk = json_object_get(entry, "publicKeyJwk");
    if (mb) {
        if (ed25519_multikey_parse(mb, out->public_key)) {
            snprintf(why, RESOLVER_WHY, "publicKeyMultibase of %.160s is not an Ed25519 key",
                     out->id);
            return RESOLVER_ERR_INVALID;
        }
        out->type = RESOLVER_KEY_ED25519;
        return RESOLVER_OK;
    }
    if (json_is_object(jwk)) {
        const char *kty = json_string_value(json_object_get(jwk, "kty"));
        if (json_object_get(jwk, "d")) {
            snprintf(why, RESOLVER_WHY, "the key of %.160s is a private key", out->id);
            return RESOLVER_ERR_INVALID;
        }
        if (kty && strcmp(kty, "OKP") == 0) {
            const char *crv = json_string_value(json_object_get(jwk, "crv"));
            const char *x = json_string_value(json_object_get(jwk, "x"));
            unsigned char raw[48];
            size_t n = 0;
            /* base64url without padding, 43 characters for 32 bytes */
            if (!crv || strcmp(crv, "Ed25519") != 0 || !x ||
                sodium_base642bin(raw, sizeof(raw), x, strlen(x), NULL, &n, NULL,
                                  sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
                n != 32) {
                snprintf(why, RESOLVER_WHY, "the OKP key of %.160s is not an Ed25519 key", out->id);
                return RESOLVER_ERR_INVALID;
            }
            memcpy(out->public_key, raw, 32);
            out->type = RESOLVER_KEY_ED25519;
            return RESOLVER_OK;
        }
        if (kty && (strcmp(kty, "RSA") == 0 || strcmp(kty, "EC") == 0)) {
            out->jwk = json_deep_copy(jwk);
            if (!out->jwk)
                return RESOLVER_ERR_NOMEM;
            out->type = RESOLVER_KEY_JWK;
            return RESOLVER_OK;
        }
        snprintf(why, RESOLVER_WHY, "the key of %.160s has an unsupported kty", out->id);
        return RESOLVER_ERR_INVALID;
    }
    snprintf(why, RESOLVER_WHY, "%.160s has neither publicKeyMultibase nor publicKeyJwk", out->id);
    return RESOLVER_ERR_INVALID;
}

static int from_document(const json_t *doc, const char *method, struct resolver_key *out, char *why)
{
    const char *doc_id = json_string_value(json_object_get(doc, "id"));
    /* The method's entry: in verificationMethod, or embedded in assertionMethod. */
    const json_t *entry = NULL;
    const char *lists[] = {"verificationMethod", "assertionMethod"};
    for (int l = 0; l < 2 && !entry; l++) {
        const json_t *arr = json_object_get(doc, lists[l]);
        size_t i;
        const json_t *v;
        json_array_foreach (arr, i, v)
            if (json_is_object(v) && names(v, doc_id, method)) {
                entry = v;
                break;
            }
    }
    if (!entry) {
        snprintf(why, RESOLVER_WHY, "the document of %.90s has no method %.90s", doc_id, method);
        return RESOLVER_ERR_NOT_FOUND;
    }
    snprintf(out->id, sizeof(out->id), "%s", method);
    const char *controller = json_string_value(json_object_get(entry, "controller"));
    snprintf(out->controller, sizeof(out->controller), "%s", controller ? controller : doc_id);
    const json_t *am = json_object_get(doc, "assertionMethod");
    size_t i;
    const json_t *v;
    json_array_foreach (am, i, v)
        if (names(v, doc_id, method))
            out->assertion_method = 1;
    return key_from_entry(entry, out, why);
}

int resolver_resolve(const struct resolver *r, const char *method, struct resolver_key *out,
                     char *why)
{
    why[0] = 0;
    memset(out, 0, sizeof(*out));
    if (strlen(method) >= RESOLVER_ID_MAX) {
        snprintf(why, RESOLVER_WHY, "the verification method id is too long");
        return RESOLVER_ERR_INVALID;
    }
    int err = resolver_did_key(method, out);
    if (err != RESOLVER_ERR_NOT_FOUND) {
        if (err)
            snprintf(why, RESOLVER_WHY, "%.160s is a malformed did:key (only Ed25519 keys)",
                     method);
        return err;
    }
    if (r && r->lookup) {
        memset(out, 0, sizeof(*out));
        err = r->lookup(r->lookup_arg, method, out);
        if (err != RESOLVER_ERR_NOT_FOUND) {
            if (err)
                snprintf(why, RESOLVER_WHY, "the key of %.160s cannot be read", method);
            return err;
        }
    }
    /* The controller document is the one whose id is the method without its fragment. */
    const char *hash = strchr(method, '#');
    size_t base_len = hash ? (size_t)(hash - method) : strlen(method);
    size_t i;
    const json_t *doc;
    json_array_foreach (r ? r->documents : NULL, i, doc) {
        const char *id = json_string_value(json_object_get(doc, "id"));
        if (strlen(id) == base_len && strncmp(id, method, base_len) == 0) {
            memset(out, 0, sizeof(*out));
            err = from_document(doc, method, out, why);
            if (err)
                resolver_key_release(out);
            return err;
        }
    }
    snprintf(
        why, RESOLVER_WHY,
        "%.160s cannot be resolved offline: it is not a did:key and no document for it is pinned",
        method);
    return RESOLVER_ERR_NOT_FOUND;
}

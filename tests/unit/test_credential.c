/*
 * Unit tests of credential/: the 1EdTech eddsa-rdfc-2022 vectors (OB 3.0 and
 * CLR 2.0) reproduced byte for byte from tests/fixtures/ob3/ (canonical
 * N-Quads of document and proof, both hashes, the data to sign, the signature,
 * the proofValue, the multikey); RDFC-1.0 on its own (isomorphic datasets,
 * escaping, the permutation work limit on cliques); JSON-LD details (every
 * bundled scoped context, numbers, JCS, @json, lists, language maps, strict
 * mode); multibase and did:key; signing and verifying, with a table of
 * tampered credentials each failing for its own reason; VC-JWT with EdDSA;
 * the key store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credential/contexts.h"
#include "credential/credential.h"
#include "credential/jsonld.h"
#include "credential/jwt.h"
#include "credential/keystore.h"
#include "credential/multibase.h"
#include "credential/proof.h"
#include "credential/rdfc.h"
#include "credential/resolver.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/timeutil.h"
#include "util/seal.h"
#include "auth/account.h"
#include "store/store.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define NOW_2026   1795000000000LL /* 2026-11-18, after every validFrom below */

/* ---------------------------------------------------------------- fixtures */

static char *read_fixture(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/fixtures/ob3/%s", CC_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = 0;
    fclose(f);
    return s;
}

/* The hex (or other token) that follows LABEL in the vector text, into OUT. */
static void vector_value(const char *text, const char *label, char *out, size_t size)
{
    const char *at = strstr(text, label);
    if (!at)
        fail_msg("the vector has no \"%s\"", label);
    at += strlen(label);
    while (*at == ':' || *at == ' ' || *at == '\n' || *at == '\t')
        at++;
    size_t n = 0;
    while (at[n] && at[n] != '\n' && at[n] != ' ' && n + 1 < size)
        n++;
    memcpy(out, at, n);
    out[n] = 0;
}

/* The first JSON object after LABEL in the vector text. */
static json_t *vector_json(const char *text, const char *label)
{
    const char *at = strstr(text, label);
    if (!at)
        fail_msg("the vector has no \"%s\"", label);
    at = strchr(at, '{');
    int depth = 0, in_str = 0;
    const char *p = at;
    for (; *p; p++) {
        if (in_str) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                in_str = 0;
        } else if (*p == '"')
            in_str = 1;
        else if (*p == '{')
            depth++;
        else if (*p == '}' && --depth == 0)
            break;
    }
    json_error_t e;
    json_t *v = json_loadb(at, (size_t)(p - at + 1), 0, &e);
    if (!v)
        fail_msg("the JSON after \"%s\" does not parse: %s", label, e.text);
    return v;
}

static void hex_of(const unsigned char *b, size_t n, char *out)
{
    sodium_bin2hex(out, n * 2 + 1, b, n);
}

/* Every value of one vector folder (obv3p0, clrv2p0). */
static void check_vector(const char *dir)
{
    char rel[256], pk_hex[80], sk_hex[140], doc_hash[80], proof_hash[80], data_hex[140],
        sig_hex[140], proof_value[120];
    snprintf(rel, sizeof(rel), "%s/vector.txt", dir);
    char *text = read_fixture(rel);
    snprintf(rel, sizeof(rel), "%s/document-canon.txt", dir);
    char *doc_canon = read_fixture(rel);
    snprintf(rel, sizeof(rel), "%s/proof-canon.txt", dir);
    char *proof_canon = read_fixture(rel);
    vector_value(text, "Public key (hex)", pk_hex, sizeof(pk_hex));
    vector_value(text, "Private key (hex)", sk_hex, sizeof(sk_hex));
    vector_value(text, "Document hash (hex)", doc_hash, sizeof(doc_hash));
    vector_value(text, "Proof hash (hex)", proof_hash, sizeof(proof_hash));
    vector_value(text, "Data to sign (hex)", data_hex, sizeof(data_hex));
    vector_value(text, "Signature (hex)", sig_hex, sizeof(sig_hex));
    vector_value(text, "Proof value (hex)", proof_value, sizeof(proof_value));
    json_t *doc = vector_json(text, "The credential used in the example is:");
    json_t *proof = vector_json(text, "Proof value (hex)"); /* the "Proof" object after it */
    json_object_del(proof, "proofValue");

    /* Canonical forms and hashes. */
    struct buf dnq, pnq;
    buf_init(&dnq, 1 << 20);
    buf_init(&pnq, 1 << 20);
    unsigned char data[64];
    char why[CRED_WHY_SIZE] = "";
    int err = proof_hash_data(doc, proof, data, &dnq, &pnq, why);
    if (err)
        fail_msg("%s: %s", dir, why);
    assert_string_equal(dnq.data, doc_canon);
    assert_string_equal(pnq.data, proof_canon);
    char hex[129];
    hex_of(data, 32, hex);
    assert_string_equal(hex, proof_hash);
    hex_of(data + 32, 32, hex);
    assert_string_equal(hex, doc_hash);
    hex_of(data, 64, hex);
    assert_string_equal(hex, data_hex);

    /* The signature with the vector's key, and its proofValue. */
    unsigned char sk[64], pk[32], sig[64];
    size_t n;
    assert_int_equal(sodium_hex2bin(sk, 64, sk_hex, strlen(sk_hex), NULL, &n, NULL), 0);
    assert_int_equal(n, 64);
    assert_int_equal(sodium_hex2bin(pk, 32, pk_hex, strlen(pk_hex), NULL, &n, NULL), 0);
    crypto_sign_detached(sig, NULL, data, 64, sk);
    hex_of(sig, 64, hex);
    assert_string_equal(hex, sig_hex);
    char value[PROOF_VALUE_MAX];
    proof_value_encode(sig, value);
    assert_string_equal(value, proof_value);
    char mk[ED25519_MULTIKEY_LEN + 1];
    ed25519_multikey(pk, mk);
    assert_string_equal(mk, "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi");

    /* The signed credential verifies with the issuer's controller document pinned. */
    json_t *signed_doc = vector_json(text, "Signed credential");
    char *signed_text = json_dumps(signed_doc, 0);
    struct resolver r;
    resolver_init(&r);
    json_t *controller = json_pack(
        "{s:s,s:[{s:s,s:s,s:s,s:s}],s:[s]}", "id", "https://example.edu/issuers/565049",
        "verificationMethod", "id",
        "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        "type", "Multikey", "controller", "https://example.edu/issuers/565049",
        "publicKeyMultibase", mk, "assertionMethod",
        "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi");
    assert_int_equal(resolver_pin(&r, controller), 0);
    struct cred_report rep;
    err = cred_verify(signed_text, strlen(signed_text), &r, NOW_2026, &rep);
    if (err)
        fail_msg("%s: the signed vector does not verify: %s", dir,
                 rep.checks[CRED_CHECK_SIGNATURE].detail);
    cred_report_release(&rep);
    /* Without the document the method cannot be resolved offline. */
    err = cred_verify(signed_text, strlen(signed_text), NULL, NOW_2026, &rep);
    assert_int_equal(err, CRED_ERR_METHOD_UNRESOLVED);
    cred_report_release(&rep);

    resolver_release(&r);
    json_decref(controller);
    free(signed_text);
    json_decref(signed_doc);
    buf_release(&dnq);
    buf_release(&pnq);
    json_decref(doc);
    json_decref(proof);
    free(text);
    free(doc_canon);
    free(proof_canon);
}

static void vector_ob3_byte_for_byte(void **state)
{
    check_vector("obv3p0");
}

static void vector_clr2_byte_for_byte(void **state)
{
    check_vector("clrv2p0");
}

/* ---------------------------------------------------------------- RDFC-1.0 */

static char *canon_nquads(const char *nq, size_t max_work, int *err_out)
{
    struct rdf_dataset d;
    rdf_dataset_init(&d, 100000, 1 << 24);
    int err = rdf_nquads_parse(nq, strlen(nq), &d);
    if (err)
        fail_msg("N-Quads do not parse: %d", err);
    struct buf out;
    buf_init(&out, 1 << 24);
    err = rdfc_canonize(&d, max_work, &out);
    rdf_dataset_release(&d);
    if (err_out)
        *err_out = err;
    else if (err)
        fail_msg("rdfc failed: %d", err);
    return buf_detach(&out, NULL);
}

/* A published example (rdf-canon's): a cycle of three in a named graph, and the escapes. */
static void rdfc_cycle_and_escapes(void **state)
{
    const char *in = "_:e0 <http://example.org/vocab#next> _:e1 _:g .\n"
                     "_:e0 <http://example.org/vocab#prev> _:e2 _:g .\n"
                     "_:e1 <http://example.org/vocab#next> _:e2 _:g .\n"
                     "_:e1 <http://example.org/vocab#prev> _:e0 _:g .\n"
                     "_:e2 <http://example.org/vocab#next> _:e0 _:g .\n"
                     "_:e2 <http://example.org/vocab#prev> _:e1 _:g .\n"
                     "<urn:ex:s> <urn:ex:p> "
                     "\"\\u0008\\u0009\\u000a\\u000b\\u000c\\u000d\\u0022\\u005c\\u007f\" _:g .\n";
    const char *want = "<urn:ex:s> <urn:ex:p> \"\\b\\t\\n\\u000B\\f\\r\\\"\\\\\\u007F\" _:c14n0 .\n"
                       "_:c14n1 <http://example.org/vocab#next> _:c14n2 _:c14n0 .\n"
                       "_:c14n1 <http://example.org/vocab#prev> _:c14n3 _:c14n0 .\n"
                       "_:c14n2 <http://example.org/vocab#next> _:c14n3 _:c14n0 .\n"
                       "_:c14n2 <http://example.org/vocab#prev> _:c14n1 _:c14n0 .\n"
                       "_:c14n3 <http://example.org/vocab#next> _:c14n1 _:c14n0 .\n"
                       "_:c14n3 <http://example.org/vocab#prev> _:c14n2 _:c14n0 .\n";
    char *got = canon_nquads(in, 0, NULL);
    assert_string_equal(got, want);
    cc_free(got);
}

/* The same graph with other labels and in another order gives the same bytes. */
static void rdfc_isomorphic_datasets_agree(void **state)
{
    const char *a = "_:x <urn:p> _:y .\n_:y <urn:p> _:z .\n_:z <urn:p> _:x .\n"
                    "_:x <urn:q> \"1\" .\n_:w <urn:p> _:x .\n_:y <urn:r> _:w .\n";
    const char *b = "_:n3 <urn:p> _:n1 .\n_:n1 <urn:q> \"1\" .\n_:n2 <urn:p> _:n3 .\n"
                    "_:n9 <urn:p> _:n1 .\n_:n2 <urn:r> _:n9 .\n_:n1 <urn:p> _:n2 .\n";
    char *ca = canon_nquads(a, 0, NULL), *cb = canon_nquads(b, 0, NULL);
    assert_string_equal(ca, cb);
    assert_non_null(strstr(ca, "_:c14n"));
    assert_null(strstr(ca, "_:x"));
    cc_free(ca);
    cc_free(cb);
    /* Two disjoint, identical triangles: N-degree hashing on automorphic nodes. */
    const char *t1 = "_:a <urn:p> _:b .\n_:b <urn:p> _:c .\n_:c <urn:p> _:a .\n"
                     "_:d <urn:p> _:e .\n_:e <urn:p> _:f .\n_:f <urn:p> _:d .\n";
    const char *t2 = "_:f <urn:p> _:d .\n_:q <urn:p> _:r .\n_:d <urn:p> _:e .\n"
                     "_:r <urn:p> _:s .\n_:e <urn:p> _:f .\n_:s <urn:p> _:q .\n";
    ca = canon_nquads(t1, 0, NULL);
    cb = canon_nquads(t2, 0, NULL);
    assert_string_equal(ca, cb);
    cc_free(ca);
    cc_free(cb);
}

/* A clique of N blank nodes, every one linked to every other: all hashes alike. */
static char *clique(int n)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (i != j)
                assert_int_equal(buf_addf(&b, "_:n%d <urn:ex:p> _:n%d .\n", i, j), 0);
    return buf_detach(&b, NULL);
}

static void rdfc_clique_small_is_canonical_large_is_refused(void **state)
{
    char *small = clique(4);
    char *c1 = canon_nquads(small, 0, NULL);
    /* Relabelled: n0..n3 -> n3..n0 is the same graph by symmetry; check label-free stability. */
    assert_int_equal(strlen(c1) > 0, 1);
    assert_non_null(strstr(c1, "_:c14n3"));
    cc_free(c1);
    cc_free(small);
    char *big = clique(9);
    int err;
    char *c2 = canon_nquads(big, 2000, &err);
    assert_int_equal(err, RDFC_ERR_TOO_COMPLEX);
    cc_free(c2);
    cc_free(big);
}

static void rdfc_repeated_quads_count_once(void **state)
{
    char *a = canon_nquads("<urn:s> <urn:p> \"x\" .\n<urn:s> <urn:p> \"x\" .\n", 0, NULL);
    assert_string_equal(a, "<urn:s> <urn:p> \"x\" .\n");
    cc_free(a);
    char *b =
        canon_nquads("<urn:s> <urn:p> \"x\"@en .\n<urn:s> <urn:p> \"1\"^^<urn:t> .\n", 0, NULL);
    assert_string_equal(b, "<urn:s> <urn:p> \"1\"^^<urn:t> .\n<urn:s> <urn:p> \"x\"@en .\n");
    cc_free(b);
}

/* ---------------------------------------------------------------- JSON-LD */

static char *canon_json(const char *json, int strict, int *err_out, char *why)
{
    json_error_t e;
    json_t *doc = json_loads(json, 0, &e);
    if (!doc)
        fail_msg("bad test JSON: %s", e.text);
    struct jsonld_options opt = {0};
    opt.strict = strict;
    struct rdf_dataset d;
    rdf_dataset_init(&d, 100000, 1 << 24);
    char w[JSONLD_WHY_SIZE];
    int err = jsonld_to_rdf(doc, &opt, &d, why ? why : w);
    struct buf out;
    buf_init(&out, 1 << 24);
    if (!err)
        assert_int_equal(rdfc_canonize(&d, 0, &out), 0);
    rdf_dataset_release(&d);
    json_decref(doc);
    if (err_out)
        *err_out = err;
    else if (err)
        fail_msg("to RDF failed %d: %s", err, why ? why : w);
    return buf_detach(&out, NULL);
}

/* Every scoped context of every bundled context processes (bundled ones skip the early check). */
static void jsonld_every_bundled_scoped_context_processes(void **state)
{
    assert_true(jsonld_bundled_contexts_count >= 12);
    for (size_t i = 0; i < jsonld_bundled_contexts_count; i++) {
        const char *url = jsonld_bundled_contexts[i].path;
        const json_t *doc = jsonld_context_document(url);
        assert_non_null(doc);
        const json_t *ctx = json_object_get(doc, "@context");
        const char *term;
        const json_t *def;
        json_object_foreach ((json_t *)ctx, term, def) {
            if (!json_is_object(def) || !json_object_get(def, "@context"))
                continue;
            /* Under the VC v2 context, or v1 for the
             * contexts of the VC 1.1 era (OB 3.0.0 and 3.0.1 redefine v2's protected
             * "description"). */
            int err = -1;
            char why[JSONLD_WHY_SIZE];
            const char *bases[] = {JSONLD_CONTEXT_VC_V2, JSONLD_CONTEXT_VC_V1};
            for (int b = 0; b < 2 && err; b++) {
                /* Classes (capitalised) as a node's type, properties as a property. */
                json_t *t = term[0] >= 'A' && term[0] <= 'Z'
                                ? json_pack("{s:[s,s],s:s,s:s}", "@context", bases[b], url, "id",
                                            "urn:ex:1", "type", term)
                                : json_pack("{s:[s,s],s:s,s:{s:s}}", "@context", bases[b], url,
                                            "id", "urn:ex:1", term, "id", "urn:ex:2");
                json_t *expanded = NULL;
                err = jsonld_expand(t, NULL, &expanded, why);
                json_decref(expanded);
                json_decref(t);
            }
            if (err)
                fail_msg("%s: term %s: %s", url, term, why);
        }
    }
}

static void jsonld_numbers_and_booleans(void **state)
{
    char out[32];
    jsonld_number_lexical(5, 0, out);
    assert_string_equal(out, "5");
    jsonld_number_lexical(5.3, 0, out);
    assert_string_equal(out, "5.3E0");
    jsonld_number_lexical(0.5, 0, out);
    assert_string_equal(out, "5.0E-1");
    jsonld_number_lexical(1e21, 0, out);
    assert_string_equal(out, "1.0E21");
    jsonld_number_lexical(-12, 1, out);
    assert_string_equal(out, "-1.2E1");
    char *c = canon_json("{\"@context\":{\"p\":\"urn:p\",\"d\":{\"@id\":\"urn:d\",\"@type\":"
                         "\"http://www.w3.org/2001/XMLSchema#double\"}},\"@id\":\"urn:s\","
                         "\"p\":[1,2.5,true],\"d\":3}",
                         1, NULL, NULL);
    assert_string_equal(c,
                        "<urn:s> <urn:d> \"3.0E0\"^^<http://www.w3.org/2001/XMLSchema#double> .\n"
                        "<urn:s> <urn:p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
                        "<urn:s> <urn:p> \"2.5E0\"^^<http://www.w3.org/2001/XMLSchema#double> .\n"
                        "<urn:s> <urn:p> \"true\"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n");
    cc_free(c);
}

static void jsonld_json_literal_is_jcs(void **state)
{
    struct buf b;
    buf_init(&b, 4096);
    json_t *v = json_loads("{\"b\":1,\"a\":[1.5,\"x\\n\",1e30,null],\"\\u00e9\":{},\"c\":0.000001}",
                           0, NULL);
    assert_int_equal(jsonld_jcs_write(v, &b), 0);
    assert_string_equal(b.data,
                        "{\"a\":[1.5,\"x\\n\",1e+30,null],\"b\":1,\"c\":0.000001,\"\xc3\xa9\":{}}");
    json_decref(v);
    buf_release(&b);
    /* VC v2's JsonSchema.jsonSchema is @json. */
    char *c =
        canon_json("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"id\":\"urn:s\","
                   "\"type\":\"JsonSchema\",\"jsonSchema\":{\"z\":1,\"a\":true}}",
                   1, NULL, NULL);
    assert_non_null(strstr(c, "\"{\\\"a\\\":true,\\\"z\\\":1}\"^^"
                              "<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>"));
    cc_free(c);
}

static void jsonld_lists_languages_graphs(void **state)
{
    char *c =
        canon_json("{\"@context\":{\"l\":{\"@id\":\"urn:l\",\"@container\":\"@list\"},"
                   "\"n\":{\"@id\":\"urn:n\",\"@container\":\"@language\"},"
                   "\"g\":{\"@id\":\"urn:g\",\"@container\":\"@graph\"}},"
                   "\"@id\":\"urn:s\",\"l\":[\"a\",\"b\"],\"n\":{\"EN\":\"x\",\"zh-CN\":\"y\"},"
                   "\"g\":{\"@id\":\"urn:t\",\"l\":[]}}",
                   1, NULL, NULL);
    assert_non_null(strstr(c, "<urn:s> <urn:n> \"x\"@en .\n"));
    assert_non_null(strstr(c, "<urn:s> <urn:n> \"y\"@zh-cn .\n"));
    assert_non_null(strstr(c, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> \"a\" .\n"));
    assert_non_null(strstr(c, "<urn:t> <urn:l> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> "
                              "_:c14n"));
    cc_free(c);
}

static void jsonld_strict_refuses_what_would_be_dropped(void **state)
{
    int err;
    char why[JSONLD_WHY_SIZE];
    const char *doc = "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"id\":\"urn:s\","
                      "\"type\":\"VerifiableCredential\",\"nickname\":\"x\"}";
    char *c = canon_json(doc, 1, &err, why);
    assert_int_equal(err, JSONLD_ERR_UNDEFINED);
    assert_non_null(strstr(why, "nickname"));
    cc_free(c);
    c = canon_json(doc, 0, &err, why);
    assert_int_equal(err, 0);
    assert_null(strstr(c, "nickname"));
    cc_free(c);
    c = canon_json("{\"@context\":[\"https://example.org/unknown/v1\"],\"@id\":\"urn:s\"}", 0, &err,
                   why);
    assert_int_equal(err, JSONLD_ERR_NOT_BUNDLED);
    assert_non_null(strstr(why, "context not bundled"));
    cc_free(c);
    /* VC v2's terms are protected: an embedded context may not redefine them. */
    c = canon_json("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\",{\"name\":\"urn:x\"}],"
                   "\"@id\":\"urn:s\",\"name\":\"n\"}",
                   1, &err, why);
    assert_int_equal(err, JSONLD_ERR_PROTECTED);
    cc_free(c);
    c = canon_json("{\"@context\":{\"@vocab\":\"urn:v#\"},\"@id\":\"rel/x\",\"p\":1}", 1, &err,
                   why);
    assert_int_equal(err, JSONLD_ERR_UNDEFINED);
    cc_free(c);
}

/* Malformed JSON-LD is refused, never a crash. */
static void jsonld_malformed_is_refused(void **state)
{
    static const char *const docs[] = {
        "{\"@context\":5}",
        "{\"@context\":{\"p\":{\"@id\":5}}}",
        "{\"@context\":{\"a\":\"b:x\",\"b\":\"a:y\"},\"a\":1}",
        "{\"@context\":{\"p\":{\"@container\":\"@nonsense\"}}}",
        "{\"@context\":{\"@version\":1.0}}",
        "{\"@id\":5}",
        "{\"@context\":{\"p\":\"urn:p\"},\"p\":{\"@value\":1,\"@language\":\"en\"}}",
        "{\"@context\":{\"@id\":\"urn:x\"}}",
        "{\"@context\":{\"p\":{\"@reverse\":\"urn:r\",\"@id\":\"urn:p\"}}}",
        "{\"@context\":{\"@propagate\":\"yes\"}}",
    };
    for (size_t i = 0; i < N_ELEMS(docs); i++) {
        int err;
        char why[JSONLD_WHY_SIZE];
        char *c = canon_json(docs[i], 0, &err, why);
        if (err == 0)
            fail_msg("accepted: %s", docs[i]);
        assert_true(why[0] != 0);
        cc_free(c);
    }
}

/* ---------------------------------------------------------------- multibase, did:key */

static void multibase_round_trips(void **state)
{
    unsigned char in[] = {0, 0, 1, 2, 3, 255, 254};
    struct buf b;
    buf_init(&b, 256);
    assert_int_equal(base58btc_encode(in, sizeof(in), &b), 0);
    assert_int_equal(strncmp(b.data, "11", 2), 0); /* leading zero bytes are '1's */
    unsigned char out[16];
    size_t n;
    assert_int_equal(base58btc_decode(b.data, b.len, out, sizeof(out), &n), 0);
    assert_int_equal(n, sizeof(in));
    assert_memory_equal(out, in, sizeof(in));
    buf_release(&b);
    assert_int_equal(base58btc_decode("0OIl", 4, out, sizeof(out), &n), MULTIBASE_ERR_INVALID);
    assert_int_equal(multibase_decode_z("uAAAA", out, sizeof(out), &n), MULTIBASE_ERR_INVALID);
    unsigned char pk[32];
    assert_int_equal(ed25519_multikey_parse("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", pk),
                     0);
    char hex[65];
    sodium_bin2hex(hex, sizeof(hex), pk, 32);
    assert_string_equal(hex, "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5");
}

static void did_key_resolves_offline(void **state)
{
    struct resolver_key k;
    const char *did = "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";
    char method[200];
    snprintf(method, sizeof(method), "%s#%s", did, did + 8);
    assert_int_equal(resolver_did_key(method, &k), 0);
    assert_string_equal(k.controller, did);
    assert_true(k.assertion_method);
    assert_int_equal(resolver_did_key("did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#"
                                      "z6MkpLiVYeMky6Wqy8TzcG9Vr5A1KWNkQzSHoJhXd9cACsfz",
                                      &k),
                     RESOLVER_ERR_INVALID);
    assert_int_equal(
        resolver_did_key("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", &k),
        RESOLVER_ERR_INVALID); /* secp256k1: not an Ed25519 key */
    assert_int_equal(resolver_did_key("did:web:example.com", &k), RESOLVER_ERR_NOT_FOUND);
    char why[RESOLVER_WHY];
    assert_int_equal(resolver_resolve(NULL, "did:web:example.com#key-1", &k, why),
                     RESOLVER_ERR_NOT_FOUND);
    assert_non_null(strstr(why, "offline"));
}

/* ---------------------------------------------------------------- sign and verify */

static const char *unsigned_ob3 =
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
    "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],"
    "\"id\":\"urn:uuid:6a0b4c52-5d3e-4f8e-9b1e-0d4b2c1a9f10\","
    "\"type\":[\"VerifiableCredential\",\"OpenBadgeCredential\"],"
    "\"issuer\":{\"type\":[\"Profile\"],\"name\":\"Changsha Care College\"},"
    "\"validFrom\":\"2026-01-01T00:00:00Z\",\"validUntil\":\"2030-01-01T00:00:00Z\","
    "\"name\":\"Hand hygiene\","
    "\"credentialSubject\":{\"id\":\"did:example:student1\",\"type\":[\"AchievementSubject\"],"
    "\"achievement\":{\"id\":\"urn:uuid:2f1d7c9a-0b8e-4a57-9d54-3c2b1e0f9a88\","
    "\"type\":[\"Achievement\"],\"name\":\"Hand hygiene\",\"description\":\"Washes hands in the "
    "WHO five moments.\",\"criteria\":{\"narrative\":\"Observed by a teacher.\"},"
    "\"alignment\":[{\"type\":[\"Alignment\"],\"targetName\":\"Hand hygiene\",\"targetUrl\":"
    "\"https://example.org/case/items/1\",\"targetType\":\"CFItem\"}]}}}";

static struct cred_signer test_signer(unsigned char fill)
{
    unsigned char seed[32];
    memset(seed, fill, sizeof(seed));
    struct cred_signer s;
    cred_signer_from_seed(&s, seed);
    return s;
}

static json_t *sign_ob3(const struct cred_signer *s)
{
    json_t *doc = json_loads(unsigned_ob3, 0, NULL);
    json_t *out;
    char why[CRED_WHY_SIZE];
    int err = cred_sign(doc, s, "2026-02-01T08:00:00Z", &out, why);
    if (err)
        fail_msg("sign: %s", why);
    json_decref(doc);
    return out;
}

static int verify_json(const json_t *doc, int64_t now, struct cred_report *rep)
{
    char *text = json_dumps(doc, 0);
    int err = cred_verify(text, strlen(text), NULL, now, rep);
    free(text);
    return err;
}

static void sign_then_verify(void **state)
{
    struct cred_signer s = test_signer(7);
    json_t *signed_doc = sign_ob3(&s);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(signed_doc, "issuer"), "id")), s.issuer);
    struct cred_report rep;
    assert_int_equal(verify_json(signed_doc, NOW_2026, &rep), 0);
    for (int i = 0; i < CRED_CHECK_COUNT; i++)
        assert_int_equal(rep.checks[i].result, CRED_CHECK_PASSED);
    assert_string_equal(rep.issuer, s.issuer);
    json_t *j = cred_report_json(&rep);
    assert_true(json_is_true(json_object_get(j, "verified")));
    json_decref(j);
    cred_report_release(&rep);
    /* Signing twice, or for another issuer, is refused. */
    json_t *again;
    char why[CRED_WHY_SIZE];
    json_object_del(signed_doc, "proof");
    struct cred_signer other = test_signer(8);
    assert_int_equal(cred_sign(signed_doc, &other, "2026-02-01T08:00:00Z", &again, why),
                     CRED_ERR_ISSUER);
    json_decref(signed_doc);
    signed_doc = sign_ob3(&s);
    assert_int_equal(cred_sign(signed_doc, &s, "2026-02-01T08:00:00Z", &again, why),
                     CRED_ERR_ALREADY_SIGNED);
    json_decref(signed_doc);
}

/* One tampering and the reason it must be refused for. */
struct tamper {
    const char *name;
    const char *path;  /* "a.b" member to change ("proof.x": in the proof) */
    const char *value; /* JSON, or NULL to delete */
    int64_t now;
    int want;
};

static json_t *at_path(json_t *doc, const char *path, char *last, size_t size)
{
    char tmp[128];
    snprintf(tmp, sizeof(tmp), "%s", path);
    char *dot;
    char *p = tmp;
    while ((dot = strchr(p, '.'))) {
        *dot = 0;
        doc = json_object_get(doc, p);
        p = dot + 1;
    }
    snprintf(last, size, "%s", p);
    return doc;
}

static void tampered_credentials_fail_for_their_reason(void **state)
{
    struct cred_signer s = test_signer(7), other = test_signer(9);
    char other_method[600], other_value[PROOF_VALUE_MAX + 4], sig_elsewhere[PROOF_VALUE_MAX + 4];
    snprintf(other_method, sizeof(other_method), "\"%s\"", other.method);
    /* A well-formed signature over other data. */
    unsigned char sig[64];
    crypto_sign_detached(sig, NULL, (const unsigned char *)"x", 1, s.secret_key);
    char v[PROOF_VALUE_MAX];
    proof_value_encode(sig, v);
    snprintf(other_value, sizeof(other_value), "\"%s\"", v);
    snprintf(sig_elsewhere, sizeof(sig_elsewhere), "\"%s\"", v);
    const struct tamper table[] = {
        {"changed field", "name", "\"Hand hygiene (gold)\"", NOW_2026, CRED_ERR_SIGNATURE},
        {"changed subject", "credentialSubject.id", "\"did:example:student2\"", NOW_2026,
         CRED_ERR_SIGNATURE},
        {"changed achievement", "credentialSubject.achievement.name", "\"X\"", NOW_2026,
         CRED_ERR_SIGNATURE},
        {"changed proof value", "proof.proofValue", other_value, NOW_2026, CRED_ERR_SIGNATURE},
        {"changed proof created", "proof.created", "\"2026-02-02T08:00:00Z\"", NOW_2026,
         CRED_ERR_SIGNATURE},
        {"garbled proof value", "proof.proofValue", "\"zNotBase58!\"", NOW_2026,
         CRED_ERR_PROOF_VALUE},
        {"wrong key", "proof.verificationMethod", other_method, NOW_2026,
         CRED_ERR_METHOD_NOT_AUTHORIZED},
        {"unknown context", "@context",
         "[\"https://www.w3.org/ns/credentials/v2\",\"https://example.org/evil/v1\"]", NOW_2026,
         CRED_ERR_CONTEXT_NOT_BUNDLED},
        {"wrong first context", "@context",
         "[\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"]", NOW_2026,
         CRED_ERR_NOT_CREDENTIAL},
        {"undefined term added", "nickname", "\"x\"", NOW_2026, CRED_ERR_UNDEFINED_TERM},
        {"missing proof", "proof", NULL, NOW_2026, CRED_ERR_NO_PROOF},
        {"missing verificationMethod", "proof.verificationMethod", NULL, NOW_2026,
         CRED_ERR_PROOF_FIELD},
        {"missing proofValue", "proof.proofValue", NULL, NOW_2026, CRED_ERR_PROOF_FIELD},
        {"missing proofPurpose", "proof.proofPurpose", NULL, NOW_2026, CRED_ERR_PROOF_FIELD},
        {"wrong proofPurpose", "proof.proofPurpose", "\"authentication\"", NOW_2026,
         CRED_ERR_PROOF_PURPOSE},
        {"wrong cryptosuite", "proof.cryptosuite", "\"eddsa-jcs-2022\"", NOW_2026,
         CRED_ERR_CRYPTOSUITE},
        {"wrong proof type", "proof.type", "\"Ed25519Signature2020\"", NOW_2026,
         CRED_ERR_PROOF_TYPE},
        {"unresolvable method", "proof.verificationMethod", "\"did:web:example.com#key-1\"",
         NOW_2026, CRED_ERR_METHOD_UNRESOLVED},
        {"proof context mismatch", "proof.@context", "[\"https://www.w3.org/2018/credentials/v1\"]",
         NOW_2026, CRED_ERR_CONTEXT_MISMATCH},
        {"malformed date", "validFrom", "\"yesterday\"", NOW_2026, CRED_ERR_DATE},
        {"expired", NULL, NULL, 1900000000000LL /* 2030-03 */, CRED_ERR_EXPIRED},
        {"not yet valid", NULL, NULL, 1700000000000LL /* 2023-11 */, CRED_ERR_NOT_YET_VALID},
        {"protected term redefined", "@context",
         "[\"https://www.w3.org/ns/credentials/v2\","
         "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\",{\"name\":\"urn:x\"}]",
         NOW_2026, CRED_ERR_PROTECTED_TERM},
    };
    (void)sig_elsewhere;
    for (size_t i = 0; i < N_ELEMS(table); i++) {
        json_t *doc = sign_ob3(&s);
        if (table[i].path) {
            char last[64];
            json_t *parent = at_path(doc, table[i].path, last, sizeof(last));
            assert_non_null(parent);
            if (table[i].value)
                json_object_set_new(parent, last,
                                    json_loads(table[i].value, JSON_DECODE_ANY, NULL));
            else
                json_object_del(parent, last);
        }
        struct cred_report rep;
        int err = verify_json(doc, table[i].now, &rep);
        /* Refused, and the reason is among the failed checks (a changed date also breaks the
         * signature, which comes first). */
        int found = 0;
        for (int c = 0; c < CRED_CHECK_COUNT; c++)
            if (rep.checks[c].result == CRED_CHECK_FAILED && rep.checks[c].error == table[i].want)
                found = 1;
        if (!err || !found)
            fail_msg("%s: got %s, want %s", table[i].name, cred_error_name(err),
                     cred_error_name(table[i].want));
        assert_int_equal(rep.error, err);
        cred_report_release(&rep);
        json_decref(doc);
    }
    /* A credential re-labelled for another issuer and key still carries the first key's
     * signature: the method is the issuer's own, the signature is not. */
    json_t *doc = sign_ob3(&s);
    json_object_set_new(json_object_get(doc, "issuer"), "id", json_string(other.issuer));
    json_object_set_new(json_object_get(doc, "proof"), "verificationMethod",
                        json_string(other.method));
    struct cred_report rep;
    assert_int_equal(verify_json(doc, NOW_2026, &rep), CRED_ERR_SIGNATURE);
    assert_int_equal(rep.checks[CRED_CHECK_METHOD].result, CRED_CHECK_PASSED);
    cred_report_release(&rep);
    json_decref(doc);
}

static void bad_input_is_refused(void **state)
{
    struct cred_report rep;
    assert_int_equal(cred_verify("not json", 8, NULL, NOW_2026, &rep), CRED_ERR_NOT_JSON);
    cred_report_release(&rep);
    assert_int_equal(cred_verify("[1,2]", 5, NULL, NOW_2026, &rep), CRED_ERR_NOT_JSON);
    cred_report_release(&rep);
    /* Deep nesting and huge input. */
    struct buf b;
    buf_init(&b, 1 << 22);
    for (int i = 0; i < 200; i++)
        assert_int_equal(buf_adds(&b, "{\"a\":"), 0);
    assert_int_equal(cred_verify(b.data, b.len, NULL, NOW_2026, &rep), CRED_ERR_TOO_LARGE);
    cred_report_release(&rep);
    buf_reset(&b);
    assert_int_equal(buf_adds(&b, "{\"x\":\""), 0);
    for (int i = 0; i < CRED_MAX_BYTES; i += 64)
        assert_int_equal(
            buf_adds(&b, "0123456789012345678901234567890123456789012345678901234567890123"), 0);
    assert_int_equal(buf_adds(&b, "\"}"), 0);
    assert_int_equal(cred_verify(b.data, b.len, NULL, NOW_2026, &rep), CRED_ERR_TOO_LARGE);
    cred_report_release(&rep);
    buf_release(&b);
}

/* ---------------------------------------------------------------- VC-JWT */

static char *b64url_str(const void *data, size_t n)
{
    char *out = malloc(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
    sodium_bin2base64(out, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                      data, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

static char *make_jwt(const struct cred_signer *s, const char *alg, const char *payload_extra)
{
    char header[700];
    snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}", alg,
             s->method);
    json_t *vc = json_loads(unsigned_ob3, 0, NULL);
    json_object_set_new(vc, "issuer", json_string(s->issuer));
    json_t *payload = json_pack("{s:s,s:s,s:I,s:o}", "iss", s->issuer, "jti",
                                "urn:uuid:6a0b4c52-5d3e-4f8e-9b1e-0d4b2c1a9f10", "nbf",
                                (json_int_t)1767225600, "vc", vc);
    if (payload_extra) {
        json_t *extra = json_loads(payload_extra, 0, NULL);
        json_object_update(payload, extra);
        json_decref(extra);
    }
    char *ptext = json_dumps(payload, 0);
    char *h = b64url_str(header, strlen(header)), *p = b64url_str(ptext, strlen(ptext));
    size_t n = strlen(h) + strlen(p) + 200;
    char *jwt = malloc(n);
    snprintf(jwt, n, "%s.%s", h, p);
    unsigned char sig[64];
    crypto_sign_detached(sig, NULL, (const unsigned char *)jwt, strlen(jwt), s->secret_key);
    char *sg = b64url_str(sig, 64);
    char *full = malloc(n + strlen(sg));
    snprintf(full, n + strlen(sg), "%s.%s", jwt, sg);
    free(h);
    free(p);
    free(sg);
    free(jwt);
    free(ptext);
    json_decref(payload);
    return full;
}

static void jwt_eddsa_verifies_and_tampering_fails(void **state)
{
    struct cred_signer s = test_signer(3);
    char *jwt = make_jwt(&s, "EdDSA", NULL);
    assert_true(jwt_looks_like(jwt, strlen(jwt)));
    struct cred_report rep;
    int err = cred_verify(jwt, strlen(jwt), NULL, NOW_2026, &rep);
    if (err)
        fail_msg("jwt: %s %s", cred_error_name(err), rep.checks[CRED_CHECK_SIGNATURE].detail);
    assert_int_equal(rep.format, CRED_FORMAT_JWT);
    assert_string_equal(rep.algorithm, "EdDSA");
    cred_report_release(&rep);
    /* A changed payload character. */
    char *dot = strchr(jwt, '.');
    dot[5] = dot[5] == 'A' ? 'B' : 'A';
    err = cred_verify(jwt, strlen(jwt), NULL, NOW_2026, &rep);
    assert_true(err == CRED_ERR_SIGNATURE || err == CRED_ERR_JWT);
    cred_report_release(&rep);
    free(jwt);
    /* "none" and other algorithms are refused. */
    jwt = make_jwt(&s, "none", NULL);
    assert_int_equal(cred_verify(jwt, strlen(jwt), NULL, NOW_2026, &rep), CRED_ERR_JWT_ALG);
    cred_report_release(&rep);
    free(jwt);
    jwt = make_jwt(&s, "EdDSA", "{\"exp\": 1767225700}");
    assert_int_equal(cred_verify(jwt, strlen(jwt), NULL, NOW_2026, &rep), CRED_ERR_EXPIRED);
    cred_report_release(&rep);
    free(jwt);
    jwt = make_jwt(&s, "EdDSA", "{\"iss\": \"did:example:someone-else\"}");
    assert_int_equal(cred_verify(jwt, strlen(jwt), NULL, NOW_2026, &rep), CRED_ERR_ISSUER);
    cred_report_release(&rep);
    free(jwt);
    /* A token signed by another key that names this issuer's key. */
    struct cred_signer t = test_signer(4);
    jwt = make_jwt(&t, "EdDSA", NULL);
    char *first = strchr(jwt, '.');
    char *mine = make_jwt(&s, "EdDSA", NULL);
    /* s's header and payload with t's signature */
    char *last_t = strrchr(jwt, '.');
    char *last_s = strrchr(mine, '.');
    size_t n = (size_t)(last_s - mine) + strlen(last_t) + 1;
    char *mixed = malloc(n);
    snprintf(mixed, n, "%.*s%s", (int)(last_s - mine), mine, last_t);
    (void)first;
    assert_int_equal(cred_verify(mixed, strlen(mixed), NULL, NOW_2026, &rep), CRED_ERR_SIGNATURE);
    cred_report_release(&rep);
    free(mixed);
    free(mine);
    free(jwt);
}

/* ---------------------------------------------------------------- key store */

static void keystore_keeps_one_key_per_institution(void **state)
{
    char dir[] = "/tmp/cc-credential-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct store *db;
    assert_int_equal(store_open("sqlite::memory:", &db), 0);
    assert_int_equal(store_migrate(db), 0);
    int64_t i1, i2, i3;
    struct auth_problem ap;
    assert_int_equal(auth_institution_create(db, "One", "一", "CN", &i1, &ap), 0);
    assert_int_equal(auth_institution_create(db, "Two", "二", "US", &i2, &ap), 0);
    assert_int_equal(auth_institution_create(db, "Three", "三", "US", &i3, &ap), 0);
    unsigned char key[SEAL_KEY_BYTES];
    assert_int_equal(seal_key_load(dir, key), 0);
    struct cred_signer a, b, c;
    char why[CRED_WHY_SIZE];
    int created, number;
    assert_int_equal(keystore_signer(db, key, dir, i1, &a, &number, &created, why), 0);
    assert_true(created);
    assert_int_equal(number, 1);
    assert_int_equal(keystore_signer(db, key, dir, i1, &b, &number, &created, why), 0);
    assert_false(created);
    assert_string_equal(a.issuer, b.issuer);
    assert_memory_equal(a.secret_key, b.secret_key, sizeof(a.secret_key));
    assert_int_equal(keystore_signer(db, key, dir, i2, &c, NULL, NULL, why), 0);
    assert_string_not_equal(a.issuer, c.issuer);
    /* The seed is sealed: the table does not hold it in the clear. */
    struct store_stmt *st;
    assert_int_equal(store_prepare(db, "SELECT seed_sealed FROM credential_keys", &st), 0);
    char seed_hex[65];
    sodium_bin2hex(seed_hex, sizeof(seed_hex), a.secret_key, 32);
    while (store_step(st) == STORE_ROW)
        assert_null(strstr(store_col_text(st, 0), seed_hex));
    store_finish(st);
    /* A key file of an earlier version is imported as key-1. */
    unsigned char seed[32];
    randombytes_buf(seed, sizeof(seed));
    struct cred_signer legacy;
    cred_signer_from_seed(&legacy, seed);
    char hex[65], mk[ED25519_MULTIKEY_LEN + 1], path[512];
    sodium_bin2hex(hex, sizeof(hex), seed, sizeof(seed));
    ed25519_multikey(legacy.public_key, mk);
    char *sealed;
    assert_int_equal(seal_encrypt(key, hex, &sealed), 0);
    snprintf(path, sizeof(path), "%s/" KEYSTORE_DIR, dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/" KEYSTORE_DIR "/institution-%lld.json", dir, (long long)i3);
    FILE *f = fopen(path, "w");
    fprintf(f,
            "{\"institution\": %lld, \"type\": \"Ed25519\", \"created\": "
            "\"2026-01-02T03:04:05Z\", \"publicKeyMultibase\": \"%s\", \"seed\": \"%s\"}",
            (long long)i3, mk, sealed);
    fclose(f);
    cc_free(sealed);
    struct cred_signer d;
    assert_int_equal(keystore_signer(db, key, dir, i3, &d, &number, &created, why), 0);
    assert_true(created);
    assert_string_equal(d.issuer, legacy.issuer);
    struct keystore_key k;
    assert_int_equal(keystore_get(db, i3, 1, &k), 0);
    assert_string_equal(k.active_from, "2026-01-02T03:04:05Z");
    /* Rotation: a new current key; the old one stays, ended. */
    int next;
    assert_int_equal(keystore_rotate(db, key, i1, &next, why), 0);
    assert_int_equal(next, 2);
    assert_int_equal(keystore_signer(db, key, dir, i1, &b, &number, NULL, why), 0);
    assert_int_equal(number, 2);
    assert_string_not_equal(a.issuer, b.issuer);
    assert_int_equal(keystore_get(db, i1, 1, &k), 0);
    assert_true(k.active_until[0] != 0);
    ed25519_multikey(a.public_key, mk);
    assert_int_equal(keystore_signer_of(db, key, i1, mk, &c, &number), 0);
    assert_int_equal(number, 1);
    assert_memory_equal(a.secret_key, c.secret_key, sizeof(a.secret_key));
    store_close(&db);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_ob3_byte_for_byte),
        cmocka_unit_test(vector_clr2_byte_for_byte),
        cmocka_unit_test(rdfc_cycle_and_escapes),
        cmocka_unit_test(rdfc_isomorphic_datasets_agree),
        cmocka_unit_test(rdfc_clique_small_is_canonical_large_is_refused),
        cmocka_unit_test(rdfc_repeated_quads_count_once),
        cmocka_unit_test(jsonld_every_bundled_scoped_context_processes),
        cmocka_unit_test(jsonld_numbers_and_booleans),
        cmocka_unit_test(jsonld_json_literal_is_jcs),
        cmocka_unit_test(jsonld_lists_languages_graphs),
        cmocka_unit_test(jsonld_strict_refuses_what_would_be_dropped),
        cmocka_unit_test(jsonld_malformed_is_refused),
        cmocka_unit_test(multibase_round_trips),
        cmocka_unit_test(did_key_resolves_offline),
        cmocka_unit_test(sign_then_verify),
        cmocka_unit_test(tampered_credentials_fail_for_their_reason),
        cmocka_unit_test(bad_input_is_refused),
        cmocka_unit_test(jwt_eddsa_verifies_and_tampering_fails),
        cmocka_unit_test(keystore_keeps_one_key_per_institution),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Credentials issued and verified per second against the ceiling of bare
 * Ed25519 in the same run (called by bench/credential.sh from `make bench`).
 *
 *   bench_credential SECONDS ROUNDS
 *
 * One thread. Issue: cred_sign() of an Open Badges 3.0 credential (strict
 * JSON-LD to RDF with the bundled contexts, RDFC-1.0 of the document and of
 * the proof configuration, two SHA-256, an Ed25519 signature, base58btc).
 * Verify: cred_verify() of the signed credential as text (JSON parsing, the
 * checks, the same canonicalisation, did:key resolution, Ed25519
 * verification). The ceilings: crypto_sign_detached and
 * crypto_sign_verify_detached of the 64 bytes a proof signs, alone. The four
 * are measured in turn, ROUNDS times for SECONDS each, and the median of each
 * is printed with the ratios.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/account.h"
#include "credential/achievement.h"
#include "credential/award.h"
#include "credential/credential.h"
#include "store/store.h"
#include "util/log.h"
#include "util/banned.h"

static const char *unsigned_ob3 =
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
    "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],"
    "\"id\":\"urn:uuid:6a0b4c52-5d3e-4f8e-9b1e-0d4b2c1a9f10\","
    "\"type\":[\"VerifiableCredential\",\"OpenBadgeCredential\"],"
    "\"issuer\":{\"type\":[\"Profile\"],\"name\":\"Changsha Care College\","
    "\"url\":\"https://care.example.edu\"},"
    "\"validFrom\":\"2026-01-01T00:00:00Z\",\"name\":\"Safe transfer\","
    "\"credentialSubject\":{\"id\":\"did:example:student1\",\"type\":[\"AchievementSubject\"],"
    "\"achievement\":{\"id\":\"urn:uuid:2f1d7c9a-0b8e-4a57-9d54-3c2b1e0f9a88\","
    "\"type\":[\"Achievement\"],\"name\":\"Safe transfer\",\"description\":\"Transfers a "
    "resident from bed to wheelchair safely.\",\"criteria\":{\"narrative\":\"Observed three "
    "times.\"},\"inLanguage\":\"en\",\"alignment\":[{\"type\":[\"Alignment\"],\"targetName\":"
    "\"Transfers\",\"targetUrl\":\"https://example.org/case/items/1\",\"targetCode\":\"NA-12\","
    "\"targetType\":\"CFItem\"}]}}}";

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

enum { ISSUE, VERIFY, SIGN, CHECK, KINDS };

static struct cred_signer signer;
static json_t *unsigned_doc;
static char *signed_text;
static unsigned char data[64], sig[64];

static int once(int kind)
{
    char why[CRED_WHY_SIZE];
    json_t *out;
    struct cred_report rep;
    switch (kind) {
    case ISSUE:
        if (cred_sign(unsigned_doc, &signer, "2026-02-01T08:00:00Z", &out, why))
            return -1;
        json_decref(out);
        return 0;
    case VERIFY: {
        int err = cred_verify(signed_text, strlen(signed_text), NULL, 1795000000000LL, &rep);
        cred_report_release(&rep);
        return err ? -1 : 0;
    }
    case SIGN:
        crypto_sign_detached(sig, NULL, data, sizeof(data), signer.secret_key);
        return 0;
    default:
        return crypto_sign_verify_detached(sig, data, sizeof(data), signer.public_key) ? -1 : 0;
    }
}

/*
 * Issuance through the whole path for SECONDS: an award of a stored achievement to a
 * student in a SQLite database on disk (durable commits), with a status list entry, the
 * credential signed and stored, and its xAPI statement recorded. Returns awards/s, or -1.
 */
static double full_path(double seconds)
{
    char dir[] = "/tmp/cc-bench-credential-XXXXXX";
    if (!mkdtemp(dir))
        return -1;
    char url[128], cmd[160];
    snprintf(url, sizeof(url), "sqlite:%s/bench.db", dir);
    struct store *db;
    struct auth_problem ap;
    int64_t inst = 0;
    struct auth_user u;
    struct auth_new_user s = {"bench.student", "Bench Student", "student", "en", "correct-horse-9"};
    double rate = -1;
    if (store_open(url, &db))
        return -1;
    if (store_migrate(db) ||
        auth_institution_create(db, "Bench College", "测试学院", "CN", &inst, &ap) ||
        auth_user_create(db, inst, &s, &u, &ap))
        goto done;
    unsigned char seal[SEAL_KEY_BYTES];
    randombytes_buf(seal, sizeof(seal));
    struct award_context ctx = {db, seal, NULL, "https://campus.example.edu"};
    json_t *in = json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}", "name", "en", "Safe transfer",
                           "zh-CN", "安全转移", "description", "en", "d", "zh-CN", "描述",
                           "criteria", "en", "c", "zh-CN", "标准");
    json_t *out = NULL;
    struct badge_problem p;
    int err = achievement_create(db, inst, u.id, in, &out, &p);
    json_decref(in);
    if (err)
        goto done;
    struct award_request req = {.achievement = json_integer_value(json_object_get(out, "id")),
                                .user = u.id,
                                .source = "manual"};
    json_decref(out);
    double start = now_s(), end;
    long n = 0;
    do {
        if (award_issue(&ctx, inst, &req, 0, NULL, &p))
            goto done;
        n++;
        end = now_s();
    } while (end - start < seconds);
    rate = (double)n / (end - start);
done:
    store_close(&db);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd))
        fprintf(stderr, "bench_credential: cannot remove %s\n", dir);
    return rate;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? strtod(argv[1], NULL) : 3;
    int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
    if (sodium_init() < 0 || seconds <= 0 || rounds < 1 || rounds > 99)
        return 1;
    unsigned char seed[32];
    memset(seed, 7, sizeof(seed));
    cred_signer_from_seed(&signer, seed);
    unsigned_doc = json_loads(unsigned_ob3, 0, NULL);
    json_t *signed_doc;
    char why[CRED_WHY_SIZE];
    if (!unsigned_doc ||
        cred_sign(unsigned_doc, &signer, "2026-02-01T08:00:00Z", &signed_doc, why)) {
        fprintf(stderr, "bench_credential: cannot sign: %s\n", why);
        return 1;
    }
    signed_text = json_dumps(signed_doc, JSON_COMPACT);
    json_decref(signed_doc);
    randombytes_buf(data, sizeof(data));
    crypto_sign_detached(sig, NULL, data, sizeof(data), signer.secret_key);
    double rate[KINDS][99];
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < KINDS; k++) {
            double start = now_s(), end;
            long n = 0;
            do {
                for (int i = 0; i < 16; i++, n++)
                    if (once(k)) {
                        fprintf(stderr, "bench_credential: operation %d failed\n", k);
                        return 1;
                    }
                end = now_s();
            } while (end - start < seconds);
            rate[k][r] = (double)n / (end - start);
        }
    }
    double med[KINDS];
    for (int k = 0; k < KINDS; k++) {
        qsort(rate[k], (size_t)rounds, sizeof(double), cmp_double);
        med[k] = rate[k][rounds / 2];
    }
    printf("credential size: %zu bytes (OB 3.0, eddsa-rdfc-2022, did:key); one thread\n",
           strlen(signed_text));
    printf("  issue  (canonicalise + sign):    %9.0f credentials/s   %.3f x bare Ed25519 sign "
           "(%.0f/s)\n",
           med[ISSUE], med[ISSUE] / med[SIGN], med[SIGN]);
    printf("  verify (canonicalise + verify):  %9.0f credentials/s   %.3f x bare Ed25519 verify "
           "(%.0f/s)\n",
           med[VERIFY], med[VERIFY] / med[CHECK], med[CHECK]);
    log_set_level(LOG_LEVEL_WARN);
    double full = full_path(seconds);
    if (full < 0) {
        fprintf(stderr, "bench_credential: issuing through the database failed\n");
        return 1;
    }
    printf("  issue through the whole path:    %9.0f awards/s        %.3f x issue above "
           "(database on disk, status list entry, signed, stored, xAPI statement; durable "
           "commits)\n",
           full, full / med[ISSUE]);
    free(signed_text);
    json_decref(unsigned_doc);
    cred_signer_clear(&signer);
    return 0;
}

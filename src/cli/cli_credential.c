/*
 * carecampus credential canon|sign and carecampus verify: the credential
 * engine at the command line, for engineers checking a canonical form or a
 * signature by hand and for verifying a credential offline.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "credential/credential.h"
#include "credential/keystore.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/secret.h"
#include "util/seal.h"
#include "util/timeutil.h"
#include "util/banned.h"

/* Reads FILE ("-": standard input) whole into *OUT (cc_free it); at most CRED_MAX_BYTES. */
static int read_input(const char *cmd, const char *file, char **out, size_t *len)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "carecampus %s: cannot open %s: %s\n", cmd, file, strerror(errno));
        return CLI_FAIL;
    }
    char *data = cc_malloc(CRED_MAX_BYTES + 2);
    size_t n = data ? fread(data, 1, CRED_MAX_BYTES + 1, f) : 0;
    int bad = !data || ferror(f);
    if (f != stdin)
        fclose(f);
    if (bad) {
        cc_free(data);
        fprintf(stderr, "carecampus %s: cannot read %s\n", cmd, file);
        return CLI_FAIL;
    }
    if (n > CRED_MAX_BYTES) {
        cc_free(data);
        fprintf(stderr, "carecampus %s: %s is larger than %d bytes\n", cmd, file, CRED_MAX_BYTES);
        return CLI_FAIL;
    }
    data[n] = 0;
    *out = data;
    *len = n;
    return CLI_OK;
}

/* Reads and parses the JSON credential FILE into *DOC. */
static int read_json(const char *cmd, const char *file, json_t **doc)
{
    char *data;
    size_t len;
    if (read_input(cmd, file, &data, &len))
        return CLI_FAIL;
    int err = json_read(data, len, CRED_MAX_DEPTH, 1, doc);
    cc_free(data);
    if (err) {
        fprintf(stderr, "carecampus %s: %s is not a JSON object%s\n", cmd, file,
                err == JSON_READ_TOO_DEEP ? " (it nests too deeply)" : "");
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int canon(int argc, char **argv)
{
    static const struct option options[] = {
        {"proof", no_argument, NULL, 'p'}, {"as-is", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    enum cred_canon_part part = CRED_CANON_DOCUMENT;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'p')
            part = CRED_CANON_PROOF;
        else if (c == 'a')
            part = CRED_CANON_AS_IS;
        else
            return cli_usage_error("credential", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("credential", "canon takes one FILE");
    json_t *doc;
    if (read_json("credential canon", argv[optind], &doc))
        return CLI_FAIL;
    struct buf out;
    buf_init(&out, 64u << 20);
    char why[CRED_WHY_SIZE];
    int err = cred_canonize(doc, part, &out, why);
    json_decref(doc);
    if (err) {
        fprintf(stderr, "carecampus credential canon: %s (%s)\n", why[0] ? why : "failed",
                cred_error_name(err));
        buf_release(&out);
        return CLI_FAIL;
    }
    fwrite(out.data, 1, out.len, stdout);
    buf_release(&out);
    return CLI_OK;
}

static int sign(int argc, char **argv)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {"institution", required_argument, NULL, 'i'},
                                            {"created", required_argument, NULL, 'c'},
                                            {NULL, 0, NULL, 0}};
    const char *data = "./data", *db_url = NULL, *created = NULL;
    int64_t institution = 1;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'd')
            data = optarg;
        else if (c == 'b')
            db_url = optarg;
        else if (c == 'i') {
            if (!(institution = cli_parse_id(optarg)))
                return cli_usage_error("credential", "--institution takes a positive id");
        } else if (c == 'c')
            created = optarg;
        else
            return cli_usage_error("credential", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("credential", "sign takes one FILE");
    char now[21];
    int64_t ms;
    if (created && (strlen(created) < 19 || created[10] != 'T' || time_parse_iso8601(created, &ms)))
        return cli_usage_error("credential",
                               "--created takes a date-time like 2026-11-29T12:00:00Z");
    if (!created) {
        time_iso8601(time_now(), now);
        created = now;
    }
    const char *file = argv[optind];
    json_t *doc;
    if (read_json("credential sign", file, &doc))
        return CLI_FAIL;
    struct store *db;
    unsigned char seal_key[SEAL_KEY_BYTES];
    if (cli_open_institution("credential sign", data, db_url, institution, &db)) {
        json_decref(doc);
        return CLI_FAIL;
    }
    struct cred_signer signer;
    char why[CRED_WHY_SIZE] = "cannot read or create the data directory's key";
    int err = seal_key_load(data, seal_key) ? CRED_ERR_NOMEM : CRED_OK;
    if (!err)
        err = keystore_signer(db, seal_key, data, institution, &signer, NULL, NULL, why);
    sodium_memzero(seal_key, sizeof(seal_key));
    store_close(&db);
    json_t *signed_doc = NULL;
    if (!err)
        err = cred_sign(doc, &signer, created, &signed_doc, why);
    cred_signer_clear(&signer);
    json_decref(doc);
    if (err) {
        fprintf(stderr, "carecampus credential sign: %s (%s)\n", why[0] ? why : "failed",
                cred_error_name(err));
        return CLI_FAIL;
    }
    char *text = json_dumps(signed_doc, JSON_INDENT(2));
    json_decref(signed_doc);
    if (!text) {
        fprintf(stderr, "carecampus credential sign: out of memory\n");
        return CLI_FAIL;
    }
    puts(text);
    free(text);
    return CLI_OK;
}

int cli_credential(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("credential", "say canon or sign");
    if (strcmp(argv[1], "canon") == 0)
        return canon(argc - 1, argv + 1);
    if (strcmp(argv[1], "sign") == 0)
        return sign(argc - 1, argv + 1);
    return cli_usage_error("credential", "'%s' is not canon or sign", argv[1]);
}

/* Pins the DID or controller document(s) of FILE: one document, or an array of them. */
static int pin_file(struct resolver *r, const char *file)
{
    char *data;
    size_t len;
    if (read_input("verify", file, &data, &len))
        return CLI_FAIL;
    json_t *doc;
    int err = json_read(data, len, 16, 0, &doc);
    cc_free(data);
    if (err || (!json_is_object(doc) && !json_is_array(doc))) {
        json_decref(doc);
        fprintf(stderr, "carecampus verify: %s is not a JSON document\n", file);
        return CLI_FAIL;
    }
    size_t n = json_is_array(doc) ? json_array_size(doc) : 1;
    for (size_t i = 0; i < n && !err; i++)
        err = resolver_pin(r, json_is_array(doc) ? json_array_get(doc, i) : doc);
    json_decref(doc);
    if (err) {
        fprintf(stderr, "carecampus verify: %s holds a document without an id\n", file);
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* The modification time of FILE in milliseconds, -1 when unknown. */
static int64_t file_mtime_ms(const char *file)
{
    struct stat st;
    if (stat(file, &st))
        return -1;
    return (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
}

/* Pins the status list credential(s) of FILE, copied when the file was last written. */
static int pin_status_file(struct resolver *r, const char *file)
{
    char *data;
    size_t len;
    if (read_input("verify", file, &data, &len))
        return CLI_FAIL;
    json_t *doc;
    int err = json_read(data, len, CRED_MAX_DEPTH, 0, &doc);
    cc_free(data);
    if (err || (!json_is_object(doc) && !json_is_array(doc))) {
        json_decref(doc);
        fprintf(stderr, "carecampus verify: %s is not a status list credential\n", file);
        return CLI_FAIL;
    }
    int64_t at = file_mtime_ms(file);
    size_t n = json_is_array(doc) ? json_array_size(doc) : 1;
    for (size_t i = 0; i < n && !err; i++)
        err = resolver_pin_status_list(r, json_is_array(doc) ? json_array_get(doc, i) : doc, at);
    json_decref(doc);
    if (err) {
        fprintf(stderr, "carecampus verify: %s holds a status list without an id\n", file);
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* The file of the status list URL in the cache directory DIR: its SHA-256 in hex, ".json". */
static void cache_path(const char *dir, const char *url, char *out, size_t size)
{
    char hex[SECRET_SHA256_HEX_LEN + 1];
    secret_sha256_hex(url, strlen(url), hex);
    snprintf(out, size, "%s/%s.json", dir, hex);
}

/* The status lookup of --status-cache: a list copied into the directory earlier. */
static int cache_lookup(void *arg, const char *url, json_t **list, int64_t *fetched_ms)
{
    char path[4200];
    cache_path(arg, url, path, sizeof(path));
    FILE *f = fopen(path, "rb");
    if (!f)
        return RESOLVER_ERR_NOT_FOUND;
    char *data = cc_malloc(CRED_MAX_BYTES + 1);
    size_t n = data ? fread(data, 1, CRED_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!data || n > CRED_MAX_BYTES) {
        cc_free(data);
        return RESOLVER_ERR_INVALID;
    }
    int err = json_read(data, n, CRED_MAX_DEPTH, 1, list);
    cc_free(data);
    if (err)
        return RESOLVER_ERR_INVALID;
    *fetched_ms = file_mtime_ms(path);
    return RESOLVER_OK;
}

static size_t take_body(char *p, size_t size, size_t n, void *arg)
{
    return buf_add(arg, p, size * n) ? 0 : size * n;
}

/* Fetches the status list URL into the cache directory DIR (a copy for offline use). */
static int cache_fetch(const char *dir, const char *url)
{
    if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) {
        fprintf(stderr, "carecampus verify: %s is not an http(s) URL; not fetched\n", url);
        return CLI_FAIL;
    }
    CURL *c = curl_easy_init();
    if (!c)
        return CLI_FAIL;
    struct buf body;
    buf_init(&body, CRED_MAX_BYTES);
    long status = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    json_t *doc = NULL;
    int ok = rc == CURLE_OK && status == 200 &&
             !json_read(body.data ? body.data : "", body.len, CRED_MAX_DEPTH, 1, &doc);
    json_decref(doc);
    if (!ok) {
        fprintf(stderr, "carecampus verify: cannot fetch the status list %s (%s)\n", url,
                rc != CURLE_OK ? curl_easy_strerror(rc) : "not a JSON document");
        buf_release(&body);
        return CLI_FAIL;
    }
    char path[4200], tmp[4300];
    cache_path(dir, url, path, sizeof(path));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    ok = f && fwrite(body.data, 1, body.len, f) == body.len;
    if (f)
        ok = fclose(f) == 0 && ok;
    buf_release(&body);
    if (!ok || rename(tmp, path)) {
        fprintf(stderr, "carecampus verify: cannot write %s: %s\n", path, strerror(errno));
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* Fetches the status lists the credential in DATA names into the cache DIR. */
static void refresh_cache(const char *dir, const char *data, size_t len)
{
    json_t *doc;
    if (json_read(data, len, CRED_MAX_DEPTH, 1, &doc))
        return; /* not JSON (a JWT): its payload names the lists; left to the verifier */
    const json_t *cs = json_object_get(doc, "credentialStatus");
    size_t n = json_is_array(cs) ? json_array_size(cs) : cs ? 1 : 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_is_array(cs) ? json_array_get(cs, i) : cs;
        const char *url = json_string_value(json_object_get(e, "statusListCredential"));
        if (url && cache_fetch(dir, url) == CLI_OK)
            fprintf(stderr, "carecampus verify: fetched %s\n", url);
    }
    json_decref(doc);
}

/* "2 h", "3 d": how long ago MS was, for people. */
static void age_text(int64_t ms, int64_t now_ms, char *out, size_t size)
{
    int64_t s = (now_ms - ms) / 1000;
    if (s < 0)
        s = 0;
    if (s < 120)
        snprintf(out, size, "%lld s", (long long)s);
    else if (s < 7200)
        snprintf(out, size, "%lld min", (long long)(s / 60));
    else if (s < 172800)
        snprintf(out, size, "%lld h", (long long)(s / 3600));
    else
        snprintf(out, size, "%lld d", (long long)(s / 86400));
}

int cli_verify(int argc, char **argv)
{
    static const struct option options[] = {{"json", no_argument, NULL, 'j'},
                                            {"did-document", required_argument, NULL, 'd'},
                                            {"now", required_argument, NULL, 'n'},
                                            {"status-list", required_argument, NULL, 's'},
                                            {"status-cache", required_argument, NULL, 'c'},
                                            {"refresh-status", no_argument, NULL, 'r'},
                                            {NULL, 0, NULL, 0}};
    int as_json = 0, c, rc = CLI_USAGE, refresh = 0;
    const char *cache = NULL;
    int64_t now_ms = time_now_ms();
    struct resolver resolver;
    resolver_init(&resolver);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'j') {
            as_json = 1;
        } else if (c == 'd') {
            if (pin_file(&resolver, optarg)) {
                rc = CLI_FAIL;
                goto done;
            }
        } else if (c == 's') {
            if (pin_status_file(&resolver, optarg)) {
                rc = CLI_FAIL;
                goto done;
            }
        } else if (c == 'c') {
            struct stat st;
            if (stat(optarg, &st) || !S_ISDIR(st.st_mode)) {
                rc = cli_usage_error("verify", "--status-cache takes a directory that exists");
                goto done;
            }
            cache = optarg;
        } else if (c == 'r') {
            refresh = 1;
        } else if (c == 'n') {
            if (time_parse_iso8601(optarg, &now_ms)) {
                rc = cli_usage_error("verify", "--now takes a date-time like 2026-11-29T12:00:00Z");
                goto done;
            }
        } else {
            rc = cli_usage_error("verify", "unknown option '%s'", argv[optind - 1]);
            goto done;
        }
    }
    if (optind != argc - 1) {
        rc = cli_usage_error("verify", "name one FILE to verify");
        goto done;
    }
    if (refresh && !cache) {
        rc = cli_usage_error("verify", "--refresh-status needs --status-cache DIR");
        goto done;
    }
    char *data;
    size_t len;
    if (read_input("verify", argv[optind], &data, &len)) {
        rc = CLI_FAIL;
        goto done;
    }
    if (cache) {
        if (refresh)
            refresh_cache(cache, data, len);
        resolver.status_lookup = cache_lookup;
        resolver.status_arg = (void *)cache;
    }
    struct cred_report report;
    int err = cred_verify(data, len, &resolver, now_ms, &report);
    cc_free(data);
    if (as_json) {
        json_t *j = cred_report_json(&report);
        char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        json_decref(j);
        if (text)
            puts(text);
        free(text);
    } else {
        static const char *const results[] = {"not run", "passed", "FAILED"};
        printf("%s\n", err ? "NOT VERIFIED" : "verified");
        if (report.issuer[0])
            printf("issuer:      %s\n", report.issuer);
        if (report.method[0])
            printf("key:         %s\n", report.method);
        if (report.algorithm[0])
            printf("algorithm:   %s\n", report.algorithm);
        if (report.valid_from[0])
            printf("valid from:  %s\n", report.valid_from);
        if (report.valid_until[0])
            printf("valid until: %s\n", report.valid_until);
        if (report.status_list[0]) {
            char at[25] = "unknown", age[32] = "";
            if (report.status_fetched_ms >= 0) {
                time_format_ms(report.status_fetched_ms, at);
                age_text(report.status_fetched_ms, time_now_ms(), age, sizeof(age));
            }
            printf("status list: %s (copy of %s%s%s%s)\n", report.status_list, at,
                   age[0] ? ", " : "", age, age[0] ? " old" : "");
        }
        for (int i = 0; i < CRED_CHECK_COUNT; i++) {
            const struct cred_check_outcome *o = &report.checks[i];
            printf("  %-12s %-8s", cred_check_name((enum cred_check)i), results[o->result]);
            if (o->result == CRED_CHECK_FAILED)
                printf(" %s: %s", cred_error_name(o->error), o->detail);
            printf("\n");
        }
    }
    cred_report_release(&report);
    rc = err ? CLI_FAIL : CLI_OK;
done:
    resolver_release(&resolver);
    return rc;
}

/*
 * carecampus credential canon|sign and carecampus verify: the credential
 * engine at the command line, for engineers checking a canonical form or a
 * signature by hand and for verifying a credential offline.
 */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "credential/credential.h"
#include "credential/keystore.h"
#include "util/alloc.h"
#include "util/json.h"
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

int cli_verify(int argc, char **argv)
{
    static const struct option options[] = {{"json", no_argument, NULL, 'j'},
                                            {"did-document", required_argument, NULL, 'd'},
                                            {"now", required_argument, NULL, 'n'},
                                            {NULL, 0, NULL, 0}};
    int as_json = 0, c, rc = CLI_USAGE;
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
    char *data;
    size_t len;
    if (read_input("verify", argv[optind], &data, &len)) {
        rc = CLI_FAIL;
        goto done;
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

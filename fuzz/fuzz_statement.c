/*
 * Fuzzes statement validation: whatever json_read accepts is validated as a
 * request body and, when it is an object, as one statement, under xAPI 1.0.3
 * and 2.0. Validation must not crash, leak or read out of bounds, and what it
 * reports must be usable: a known message, a UTF-8 path; a statement alone
 * and the same statement as a batch of one agree; a valid statement's actor
 * has an identity key unless it is an anonymous group.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/utf8.h"
#include "xapi/messages.h"
#include "xapi/statement.h"
#include "xapi/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Like assert(), but also in builds with NDEBUG. */
#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

static void check_problem(int rc, const struct xapi_problem *p)
{
    CHECK(rc == XAPI_OK || rc == XAPI_ERR_INVALID || rc == XAPI_ERR_NOMEM);
    if (rc != XAPI_ERR_INVALID)
        return;
    CHECK(p->msg != NULL);
    CHECK(xapi_message(p->msg, LANG_EN) != p->msg);
    CHECK(xapi_message(p->msg, LANG_ZH) != p->msg);
    CHECK(memchr(p->path, 0, sizeof(p->path)) != NULL);
    CHECK(memchr(p->arg, 0, sizeof(p->arg)) != NULL);
    CHECK(utf8_valid(p->path, strlen(p->path)));
    CHECK(utf8_valid(p->arg, strlen(p->arg)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *body;
    if (json_read((const char *)data, size, JSON_MAX_DEPTH, 0, &body) != JSON_READ_OK)
        return 0;
    for (int v = XAPI_V103; v <= XAPI_V20; v++) {
        struct xapi_problem p;
        int rc = xapi_statements_validate(body, (enum xapi_version)v, &p);
        check_problem(rc, &p);
        if (!json_is_object(body))
            continue;

        struct xapi_problem one;
        int rc1 = xapi_statement_validate(body, (enum xapi_version)v, &one);
        check_problem(rc1, &one);
        CHECK(rc1 == rc);
        if (rc1 == XAPI_ERR_INVALID) {
            CHECK(strcmp(one.path, p.path) == 0 && strcmp(one.msg, p.msg) == 0);
            /* In a batch of one, the same problem, under "[0]". */
            json_t *batch = json_pack("[O]", body);
            struct xapi_problem b;
            CHECK(xapi_statements_validate(batch, (enum xapi_version)v, &b) == XAPI_ERR_INVALID);
            CHECK(strncmp(b.path, "[0]", 3) == 0 && strcmp(b.msg, one.msg) == 0);
            if (strlen(one.path) + 4 < sizeof(b.path))
                CHECK(strcmp(b.path + 3 + (one.path[0] && one.path[0] != '['), one.path) == 0);
            json_decref(batch);
        }
        if (rc1 == XAPI_OK) {
            const json_t *actor = json_object_get(body, "actor");
            char key[256];
            int k = xapi_agent_key(actor, key, sizeof(key));
            const char *type = json_string_value(json_object_get(actor, "objectType"));
            int anonymous = type && strcmp(type, "Group") == 0 && !json_object_get(actor, "mbox") &&
                            !json_object_get(actor, "mbox_sha1sum") &&
                            !json_object_get(actor, "openid") && !json_object_get(actor, "account");
            CHECK(anonymous ? k == -1 : (k == 0 || k == XAPI_ERR_NOMEM));
            CHECK(xapi_agent_validate(actor, (enum xapi_version)v, "actor", &one) == XAPI_OK);
        }
    }
    json_decref(body);
    return 0;
}

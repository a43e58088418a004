#include "xapi/record.h"

#include <stdio.h>

#include "xapi/statement.h"
#include "xapi/statements.h"
#include "util/banned.h"

json_t *xapi_user_agent(const char *login, const char *name)
{
    json_t *a = json_pack("{s:s, s:{s:s, s:s}}", "objectType", "Agent", "account", "homePage",
                          XAPI_PLATFORM_HOMEPAGE, "name", login);
    if (a && name)
        json_object_set_new(a, "name", json_string(name));
    return a;
}

/* The platform as the authority of what it records itself. */
static json_t *platform_authority(void)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s}}", "objectType", "Agent", "name", "CareCampus",
                     "account", "homePage", "https://lrs.carecampus.invalid/platform", "name",
                     "carecampus");
}

int xapi_record_many(struct store *db, int64_t institution, const json_t *statements,
                     struct xapi_problem *p)
{
    int err = xapi_statements_validate(statements, XAPI_V20, p);
    if (err)
        return err;
    json_t *list = json_deep_copy(statements);
    json_t *ids = json_array();
    json_t *authority = platform_authority();
    if (!json_is_array(list) || !ids || !authority) {
        err = XAPI_ERR_NOMEM;
        goto done;
    }
    struct xapi_writer w = {institution, 0, authority, XAPI_V20};
    err = xapi_statements_store(db, &w, list, NULL, 0, ids, p);
done:
    json_decref(list);
    json_decref(ids);
    json_decref(authority);
    return err;
}

int xapi_record(struct store *db, int64_t institution, const json_t *statement, char id[37],
                struct xapi_problem *p)
{
    int err = xapi_statement_validate(statement, XAPI_V20, p);
    if (err)
        return err;
    json_t *list = json_pack("[o]", json_deep_copy(statement));
    json_t *ids = json_array();
    json_t *authority = platform_authority();
    if (!list || !ids || !authority) {
        err = XAPI_ERR_NOMEM;
        goto done;
    }
    struct xapi_writer w = {institution, 0, authority, XAPI_V20};
    err = xapi_statements_store(db, &w, list, NULL, 0, ids, p);
    if (!err && id)
        snprintf(id, 37, "%s", json_string_value(json_array_get(ids, 0)));
done:
    json_decref(list);
    json_decref(ids);
    json_decref(authority);
    return err;
}

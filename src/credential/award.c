#include "credential/award.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "auth/class.h"
#include "credential/achievement.h"
#include "credential/contexts.h"
#include "credential/issuer.h"
#include "credential/keystore.h"
#include "credential/status.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "xapi/record.h"
#include "xapi/statements.h"
#include "util/banned.h"

#define OB3_CONTEXT "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#define CLR_CONTEXT "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

/* Seconds-precision xsd:dateTime of MS. */
static void date_of(int64_t ms, char out[21])
{
    time_iso8601(ms / 1000, out);
}

/* ------------------------------------------------------------ signers */

/*
 * The signer for credentials of ISSUER (a DID INSTITUTION issued under):
 * a did:key names its key, which may be an older one; a did:web is signed
 * by the current key under that DID.
 */
static int signer_for(const struct award_context *ctx, int64_t institution, const char *issuer,
                      struct cred_signer *out, char *why)
{
    if (strncmp(issuer, "did:key:", 8) == 0) {
        int err = keystore_signer_of(ctx->db, ctx->seal_key, institution, issuer + 8, out, NULL);
        if (err)
            snprintf(why, CRED_WHY_SIZE, "the key of %.200s is not this institution's", issuer);
        return err;
    }
    int number = 0;
    int err =
        keystore_signer(ctx->db, ctx->seal_key, ctx->dir, institution, out, &number, NULL, why);
    if (err)
        return err;
    snprintf(out->issuer, sizeof(out->issuer), "%s", issuer);
    size_t n = strlen(issuer);
    char suffix[64];
    snprintf(suffix, sizeof(suffix), ":institutions:%" PRId64, institution);
    size_t sn = strlen(suffix);
    if (n > sn && strcmp(issuer + n - sn, suffix) == 0)
        snprintf(out->method, sizeof(out->method), "%.400s#key-%d", issuer, number);
    else
        snprintf(out->method, sizeof(out->method), "%.400s#institution-%" PRId64 "-key-%d", issuer,
                 institution, number);
    return CRED_OK;
}

/* ------------------------------------------------------------ status lists */

/* Signs status list LIST of INSTITUTION as it now stands and stores the signed list. */
static int status_sign(const struct award_context *ctx, int64_t institution, int64_t list)
{
    struct store_stmt *st;
    if (store_prepare(ctx->db,
                      "SELECT bits, issuer FROM status_lists WHERE institution_id = ? AND list = ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, list);
    char *encoded = NULL, issuer[RESOLVER_ID_MAX] = "";
    int rc = store_step(st), err = BADGE_ERR_NOT_FOUND;
    if (rc == STORE_ROW) {
        size_t n;
        const void *bits = store_col_blob(st, 0, &n);
        snprintf(issuer, sizeof(issuer), "%s", store_col_text(st, 1));
        err = status_encode(bits, n, &encoded) ? BADGE_ERR_NOMEM : BADGE_OK;
    } else if (rc < 0) {
        err = BADGE_ERR_STORE;
    }
    store_finish(st);
    if (err)
        return err;
    char url[ISSUER_URL_MAX + 1], subject[ISSUER_URL_MAX + 8], now[21], why[CRED_WHY_SIZE];
    issuer_status_url(ctx->base, institution, list, url);
    snprintf(subject, sizeof(subject), "%s#list", url);
    date_of(time_now_ms(), now);
    json_t *doc = json_pack("{s:[s],s:s,s:[s,s],s:s,s:s,s:{s:s,s:s,s:s,s:s}}", "@context",
                            JSONLD_CONTEXT_VC_V2, "id", url, "type", "VerifiableCredential",
                            "BitstringStatusListCredential", "issuer", issuer, "validFrom", now,
                            "credentialSubject", "id", subject, "type", "BitstringStatusList",
                            "statusPurpose", "revocation", "encodedList", encoded);
    cc_free(encoded);
    if (!doc)
        return BADGE_ERR_NOMEM;
    struct cred_signer signer;
    json_t *signed_doc = NULL;
    err = signer_for(ctx, institution, issuer, &signer, why);
    if (!err)
        err = cred_sign(doc, &signer, now, &signed_doc, why);
    cred_signer_clear(&signer);
    json_decref(doc);
    if (err) {
        LOG_WARN("credential: status list %" PRId64 "/%" PRId64 " cannot be signed: %s",
                 institution, list, why);
        return BADGE_ERR_SIGN;
    }
    char *text = json_dumps(signed_doc, JSON_COMPACT);
    json_decref(signed_doc);
    if (!text)
        return BADGE_ERR_NOMEM;
    err = BADGE_ERR_STORE;
    if (!store_prepare(ctx->db,
                       "UPDATE status_lists SET credential = ?, updated_at = ?"
                       " WHERE institution_id = ? AND list = ?",
                       &st)) {
        store_bind_text(st, 1, text);
        store_bind_text(st, 2, now);
        store_bind_int(st, 3, institution);
        store_bind_int(st, 4, list);
        err = store_step(st) ? BADGE_ERR_STORE : BADGE_OK;
        store_finish(st);
    }
    free(text);
    return err;
}

/* A new empty list of INSTITUTION signed by ISSUER into *LIST. */
static int status_new(const struct award_context *ctx, int64_t institution, const char *issuer,
                      int64_t *list)
{
    struct store_stmt *st;
    if (store_prepare(
            ctx->db, "SELECT coalesce(max(list), 0) + 1 FROM status_lists WHERE institution_id = ?",
            &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    int rc = store_step(st);
    *list = rc == STORE_ROW ? store_col_int(st, 0) : 0;
    store_finish(st);
    if (rc != STORE_ROW)
        return BADGE_ERR_STORE;
    unsigned char *zero = cc_calloc(1, STATUS_LIST_BYTES);
    if (!zero)
        return BADGE_ERR_NOMEM;
    char now[21];
    date_of(time_now_ms(), now);
    int err = BADGE_ERR_STORE;
    if (!store_prepare(ctx->db,
                       "INSERT INTO status_lists (institution_id, list, bits, used, issuer,"
                       " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                       &st)) {
        store_bind_int(st, 1, institution);
        store_bind_int(st, 2, *list);
        store_bind_blob(st, 3, zero, STATUS_LIST_BYTES);
        store_bind_blob(st, 4, zero, STATUS_LIST_BYTES);
        store_bind_text(st, 5, issuer);
        store_bind_text(st, 6, now);
        err = store_step(st) ? BADGE_ERR_STORE : BADGE_OK;
        store_finish(st);
    }
    cc_free(zero);
    return err ? err : status_sign(ctx, institution, *list);
}

/*
 * A free index in a list of INSTITUTION signed by ISSUER, at random (so that
 * an index says nothing of when a credential was issued): *LIST, *INDEX.
 */
static int status_allocate(const struct award_context *ctx, int64_t institution, const char *issuer,
                           int64_t *list, int64_t *index)
{
    struct store_stmt *st;
    if (store_prepare(ctx->db,
                      "SELECT list, used FROM status_lists WHERE institution_id = ? AND issuer = ?"
                      " AND allocated < ? ORDER BY list DESC LIMIT 1",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, issuer);
    store_bind_int(st, 3, STATUS_LIST_BITS);
    unsigned char *used = cc_malloc(STATUS_LIST_BYTES);
    int rc = store_step(st), err = used ? BADGE_OK : BADGE_ERR_NOMEM, found = 0;
    if (rc == STORE_ROW && used) {
        size_t n;
        const void *blob = store_col_blob(st, 1, &n);
        *list = store_col_int(st, 0);
        if (n == STATUS_LIST_BYTES) {
            memcpy(used, blob, n);
            found = 1;
        } else {
            err = BADGE_ERR_STORE;
        }
    } else if (rc < 0) {
        err = BADGE_ERR_STORE;
    }
    store_finish(st);
    if (!err && !found) {
        memset(used, 0, STATUS_LIST_BYTES);
        err = status_new(ctx, institution, issuer, list);
    }
    if (err) {
        cc_free(used);
        return err;
    }
    size_t i = randombytes_uniform(STATUS_LIST_BITS);
    for (size_t k = 0; k < STATUS_LIST_BITS && status_bit_get(used, i); k++)
        i = (i + 1) % STATUS_LIST_BITS;
    status_bit_set(used, i, 1);
    *index = (int64_t)i;
    err = BADGE_ERR_STORE;
    if (!store_prepare(ctx->db,
                       "UPDATE status_lists SET used = ?, allocated = allocated + 1"
                       " WHERE institution_id = ? AND list = ?",
                       &st)) {
        store_bind_blob(st, 1, used, STATUS_LIST_BYTES);
        store_bind_int(st, 2, institution);
        store_bind_int(st, 3, *list);
        err = store_step(st) ? BADGE_ERR_STORE : BADGE_OK;
        store_finish(st);
    }
    cc_free(used);
    return err;
}

/* Sets bit INDEX of list LIST to VALUE and re-signs the list. */
static int status_flip(const struct award_context *ctx, int64_t institution, int64_t list,
                       int64_t index, int value)
{
    struct store_stmt *st;
    if (store_prepare(ctx->db,
                      "SELECT bits FROM status_lists WHERE institution_id = ? AND list = ?", &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, list);
    unsigned char *bits = cc_malloc(STATUS_LIST_BYTES);
    int rc = store_step(st), err = bits ? BADGE_ERR_NOT_FOUND : BADGE_ERR_NOMEM;
    if (rc == STORE_ROW && bits) {
        size_t n;
        const void *blob = store_col_blob(st, 0, &n);
        if (n == STATUS_LIST_BYTES && index >= 0 && index < STATUS_LIST_BITS) {
            memcpy(bits, blob, n);
            err = BADGE_OK;
        }
    }
    store_finish(st);
    if (err) {
        cc_free(bits);
        return rc < 0 ? BADGE_ERR_STORE : err;
    }
    status_bit_set(bits, (size_t)index, value);
    err = BADGE_ERR_STORE;
    if (!store_prepare(ctx->db,
                       "UPDATE status_lists SET bits = ? WHERE institution_id = ? AND list = ?",
                       &st)) {
        store_bind_blob(st, 1, bits, STATUS_LIST_BYTES);
        store_bind_int(st, 2, institution);
        store_bind_int(st, 3, list);
        err = store_step(st) ? BADGE_ERR_STORE : BADGE_OK;
        store_finish(st);
    }
    cc_free(bits);
    return err ? err : status_sign(ctx, institution, list);
}

int award_status_ready(const struct award_context *ctx, int64_t institution)
{
    struct cred_signer signer;
    char why[CRED_WHY_SIZE];
    if (issuer_signer(ctx->db, ctx->seal_key, ctx->dir, ctx->base, institution, &signer, why))
        return BADGE_ERR_SIGN;
    struct store_stmt *st;
    int64_t list = 0;
    int err = BADGE_ERR_STORE;
    if (!store_prepare(ctx->db,
                       "SELECT list FROM status_lists WHERE institution_id = ? AND issuer = ?"
                       " ORDER BY list DESC LIMIT 1",
                       &st)) {
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, signer.issuer);
        int rc = store_step(st);
        if (rc == STORE_ROW)
            list = store_col_int(st, 0);
        store_finish(st);
        err = rc < 0 ? BADGE_ERR_STORE : BADGE_OK;
    }
    if (!err && !list) {
        if (store_begin(ctx->db)) {
            err = BADGE_ERR_STORE;
        } else {
            err = status_new(ctx, institution, signer.issuer, &list);
            if (err || store_commit(ctx->db)) {
                store_rollback(ctx->db);
                err = err ? err : BADGE_ERR_STORE;
            }
        }
    }
    cred_signer_clear(&signer);
    return err;
}

int award_status_list(struct store *db, int64_t institution, int64_t list, json_t **out)
{
    *out = NULL;
    struct store_stmt *st;
    if (store_prepare(
            db, "SELECT credential FROM status_lists WHERE institution_id = ? AND list = ?", &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, list);
    int rc = store_step(st), err = BADGE_ERR_NOT_FOUND;
    if (rc == STORE_ROW && *store_col_text(st, 0)) {
        *out = json_loads(store_col_text(st, 0), 0, NULL);
        err = *out ? BADGE_OK : BADGE_ERR_NOMEM;
    } else if (rc < 0) {
        err = BADGE_ERR_STORE;
    }
    store_finish(st);
    return err;
}

/* ------------------------------------------------------------ issuing */

/* The evidence of REQ for USER as OB 3.0 Evidence objects into *OUT. */
static int build_evidence(struct store *db, int64_t institution, const struct auth_user *user,
                          const struct award_request *req, json_t **out, struct badge_problem *p)
{
    *out = json_array();
    if (!*out)
        return BADGE_ERR_NOMEM;
    const json_t *ev = req->evidence;
    if (ev && !json_is_array(ev))
        return badge_problem(p, "evidence", "award_evidence");
    if (json_array_size(ev) > AWARD_EVIDENCE_MAX)
        return badge_problem(p, "evidence", "award_evidence_count");
    size_t i;
    const json_t *e;
    json_array_foreach (ev, i, e) {
        const char *sid = json_string_value(json_object_get(e, "statement"));
        const char *url = json_string_value(json_object_get(e, "url"));
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *narrative = json_string_value(json_object_get(e, "narrative"));
        if ((name && (!*name || !utf8_valid(name, strlen(name)) || utf8_length(name) > 200)) ||
            (narrative && (!utf8_valid(narrative, strlen(narrative)) ||
                           utf8_length(narrative) > AWARD_NARRATIVE_MAX)))
            return badge_problem(p, "evidence", "award_evidence");
        json_t *o = NULL;
        if (sid) {
            struct store_stmt *st;
            if (strlen(sid) != 36 ||
                store_prepare(db,
                              "SELECT statement, stored FROM xapi_statements"
                              " WHERE institution_id = ? AND id = ? AND voided = 0",
                              &st))
                return strlen(sid) != 36 ? badge_problem(p, "evidence", "award_evidence_statement")
                                         : BADGE_ERR_STORE;
            store_bind_int(st, 1, institution);
            store_bind_text(st, 2, sid);
            json_t *s = NULL;
            char stored[32] = "";
            if (store_step(st) == STORE_ROW) {
                s = json_loads(store_col_text(st, 0), 0, NULL);
                snprintf(stored, sizeof(stored), "%s", store_col_text(st, 1));
            }
            store_finish(st);
            const json_t *acct = json_object_get(json_object_get(s, "actor"), "account");
            const char *login = json_string_value(json_object_get(acct, "name"));
            const char *home = json_string_value(json_object_get(acct, "homePage"));
            /* Only the learner's own records are evidence of what the learner did. */
            if (!s || !login || !home || strcmp(login, user->login) ||
                strcmp(home, XAPI_PLATFORM_HOMEPAGE)) {
                json_decref(s);
                return badge_problem(p, "evidence", "award_evidence_statement");
            }
            const json_t *verb = json_object_get(json_object_get(s, "verb"), "display");
            const json_t *oname = json_object_get(
                json_object_get(json_object_get(s, "object"), "definition"), "name");
            const char *vd = json_string_value(json_object_get(verb, "en-US"));
            const char *on = json_string_value(json_object_get(oname, "en-US"));
            if (!on)
                on = json_string_value(json_object_get(oname, "en"));
            char label[600], urn[48];
            snprintf(label, sizeof(label), "%s%s%.500s", vd ? vd : "xAPI statement", on ? " " : "",
                     on ? on : "");
            snprintf(urn, sizeof(urn), "urn:uuid:%s", sid);
            o = json_pack("{s:s,s:[s],s:s,s:s,s:s}", "id", urn, "type", "Evidence", "name", label,
                          "genre", "xAPI statement", "description", stored);
            json_decref(s);
        } else if (url) {
            size_t n = strlen(url);
            if (n > 1024 || (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)))
                return badge_problem(p, "evidence", "award_evidence_url");
            for (size_t k = 0; k < n; k++)
                if ((unsigned char)url[k] <= 0x20 || (unsigned char)url[k] >= 0x7f)
                    return badge_problem(p, "evidence", "award_evidence_url");
            o = json_pack("{s:s,s:[s]}", "id", url, "type", "Evidence");
        } else if (narrative && *narrative) {
            o = json_pack("{s:[s]}", "type", "Evidence");
        } else {
            return badge_problem(p, "evidence", "award_evidence");
        }
        if (!o)
            return BADGE_ERR_NOMEM;
        if (name && !sid)
            json_object_set_new(o, "name", json_string(name));
        if (narrative && *narrative)
            json_object_set_new(o, "narrative", json_string(narrative));
        json_array_append_new(*out, o);
    }
    if (req->narrative && *req->narrative) {
        if (!utf8_valid(req->narrative, strlen(req->narrative)) ||
            utf8_length(req->narrative) > AWARD_NARRATIVE_MAX)
            return badge_problem(p, "narrative", "award_narrative");
        json_array_append_new(
            *out, json_pack("{s:[s],s:s}", "type", "Evidence", "narrative", req->narrative));
    }
    return BADGE_OK;
}

static int source_ok(const char *s)
{
    return s && (!strcmp(s, "rule") || !strcmp(s, "manual") || !strcmp(s, "bulk") ||
                 !strcmp(s, "recertify"));
}

int award_issue(const struct award_context *ctx, int64_t institution,
                const struct award_request *req, int in_transaction, int64_t *id,
                struct badge_problem *p)
{
    struct store *db = ctx->db;
    if (id)
        *id = 0;
    if (!source_ok(req->source))
        return badge_problem(p, "source", "award_source");
    json_t *ach;
    int err = achievement_get(db, institution, req->achievement, &ach);
    if (err)
        return err == BADGE_ERR_NOT_FOUND ? badge_problem(p, "achievement", "award_achievement")
                                          : err;
    struct auth_user user;
    json_t *evidence = NULL, *cred = NULL, *signed_doc = NULL;
    char *text = NULL;
    struct cred_signer signer;
    memset(&signer, 0, sizeof(signer));
    int began = 0;
    if (json_is_true(json_object_get(ach, "archived"))) {
        err = badge_problem(p, "achievement", "award_archived");
        goto done;
    }
    err = auth_user_get(db, institution, req->user, &user);
    if (err || user.role != AUTH_ROLE_STUDENT) {
        err = err && err != AUTH_ERR_NOT_FOUND ? BADGE_ERR_STORE
                                               : badge_problem(p, "user", "award_not_student");
        goto done;
    }
    if ((err = build_evidence(db, institution, &user, req, &evidence, p)))
        goto done;
    if (!in_transaction) {
        if (store_begin(db)) {
            err = BADGE_ERR_STORE;
            goto done;
        }
        began = 1;
    }
    char why[CRED_WHY_SIZE];
    if (issuer_signer(db, ctx->seal_key, ctx->dir, ctx->base, institution, &signer, why)) {
        LOG_WARN("credential: institution %" PRId64 " cannot sign: %s", institution, why);
        err = BADGE_ERR_SIGN;
        goto done;
    }
    struct issuer_profile profile;
    if ((err = issuer_profile_get(db, institution, &profile)))
        goto done;
    int64_t list = 0, index = 0;
    if ((err = status_allocate(ctx, institution, signer.issuer, &list, &index)))
        goto done;
    int64_t now_ms = req->now_ms ? req->now_ms : time_now_ms();
    char now[21], until[21] = "", uuid[37], urn[48], sid[37], list_url[ISSUER_URL_MAX + 1],
                  entry[ISSUER_URL_MAX + 32], idx[24];
    date_of(now_ms, now);
    const json_t *days = json_object_get(ach, "validity_days");
    if (json_is_integer(days))
        date_of(now_ms + json_integer_value(days) * 86400000, until);
    xapi_uuid(uuid);
    xapi_uuid(sid);
    snprintf(urn, sizeof(urn), "urn:uuid:%s", uuid);
    issuer_status_url(ctx->base, institution, list, list_url);
    snprintf(entry, sizeof(entry), "%s#%" PRId64, list_url, index);
    snprintf(idx, sizeof(idx), "%" PRId64, index);
    const char *lang = strcmp(user.lang, "zh-CN") == 0 ? "zh-CN" : "en";
    json_t *ob = achievement_ob3(ach, lang);
    json_t *prof = issuer_profile_json(&profile, &signer, lang);
    const char *cname = json_string_value(json_object_get(ob, "name"));
    cred =
        ob && prof
            ? json_pack("{s:[s,s],s:s,s:[s,s],s:O,s:s,s:s?,s:{s:[s],s:[{s:s,s:s,s:s,s:b}],s:O}}",
                        "@context", JSONLD_CONTEXT_VC_V2, OB3_CONTEXT, "id", urn, "type",
                        "VerifiableCredential", "OpenBadgeCredential", "issuer", prof, "validFrom",
                        now, "name", cname, "credentialSubject", "type", "AchievementSubject",
                        "identifier", "type", "IdentityObject", "identityHash", user.name,
                        "identityType", "name", "hashed", 0, "achievement", ob)
            : NULL;
    json_decref(ob);
    json_decref(prof);
    if (!cred) {
        err = BADGE_ERR_NOMEM;
        goto done;
    }
    if (until[0])
        json_object_set_new(cred, "validUntil", json_string(until));
    if (json_array_size(evidence))
        json_object_set(cred, "evidence", evidence);
    json_object_set_new(cred, "credentialStatus",
                        json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", entry, "type",
                                  "BitstringStatusListEntry", "statusPurpose", "revocation",
                                  "statusListIndex", idx, "statusListCredential", list_url));
    if ((err = cred_sign(cred, &signer, now, &signed_doc, why))) {
        LOG_WARN("credential: a badge of institution %" PRId64 " cannot be signed: %s (%s)",
                 institution, why, cred_error_name(err));
        err = BADGE_ERR_SIGN;
        goto done;
    }
    if (!(text = json_dumps(signed_doc, JSON_COMPACT))) {
        err = BADGE_ERR_NOMEM;
        goto done;
    }
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO badge_awards (institution_id, uuid, achievement_id, user_id,"
                      " source, awarded_by, issued_at, valid_until, status_list, status_index,"
                      " replaces, credential, statement_id)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                      &st)) {
        err = BADGE_ERR_STORE;
        goto done;
    }
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, uuid);
    store_bind_int(st, 3, req->achievement);
    store_bind_int(st, 4, req->user);
    store_bind_text(st, 5, req->source);
    if (req->awarded_by)
        store_bind_int(st, 6, req->awarded_by);
    else
        store_bind_text(st, 6, NULL);
    store_bind_text(st, 7, now);
    store_bind_text(st, 8, until[0] ? until : NULL);
    store_bind_int(st, 9, list);
    store_bind_int(st, 10, index);
    if (req->replaces)
        store_bind_int(st, 11, req->replaces);
    else
        store_bind_text(st, 11, NULL);
    store_bind_text(st, 12, text);
    store_bind_text(st, 13, sid);
    int rc = store_step(st);
    if (rc == STORE_ROW && id)
        *id = store_col_int(st, 0);
    if (rc == STORE_ROW)
        rc = store_step(st);
    store_finish(st);
    if (rc) {
        err = BADGE_ERR_STORE;
        goto done;
    }
    if (began) {
        if (store_commit(db)) {
            err = BADGE_ERR_STORE;
            goto done;
        }
        began = 0;
        if (award_record_pending(db, institution, 10))
            LOG_WARN("credential: the earned statement of a badge of institution %" PRId64
                     " is not recorded yet",
                     institution);
    }
    err = BADGE_OK;
done:
    if (began)
        store_rollback(db);
    cred_signer_clear(&signer);
    free(text);
    json_decref(signed_doc);
    json_decref(cred);
    json_decref(evidence);
    json_decref(ach);
    return err;
}

/* The id of a valid (not revoked, not expired) award of ACHIEVEMENT held by USER, or 0. */
static int64_t valid_award(struct store *db, int64_t achievement, int64_t user, const char *now)
{
    struct store_stmt *st;
    int64_t id = 0;
    if (store_prepare(db,
                      "SELECT id FROM badge_awards WHERE achievement_id = ? AND user_id = ?"
                      " AND revoked_at IS NULL AND (valid_until IS NULL OR valid_until > ?)"
                      " ORDER BY id DESC LIMIT 1",
                      &st))
        return -1;
    store_bind_int(st, 1, achievement);
    store_bind_int(st, 2, user);
    store_bind_text(st, 3, now);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        id = store_col_int(st, 0);
    store_finish(st);
    return rc < 0 ? -1 : id;
}

struct roster {
    int64_t ids[AWARD_BULK_MAX + 1];
    size_t n;
};

static int add_student(void *ctx, const struct auth_user *u)
{
    struct roster *r = ctx;
    if (r->n > AWARD_BULK_MAX)
        return 1;
    r->ids[r->n++] = u->id;
    return 0;
}

int award_bulk(const struct award_context *ctx, int64_t institution, int64_t class_id,
               const struct award_request *req, int64_t *issued, int64_t *skipped,
               struct badge_problem *p)
{
    *issued = *skipped = 0;
    struct auth_class c;
    int err = auth_class_get(ctx->db, institution, class_id, &c);
    if (err)
        return err == AUTH_ERR_NOT_FOUND ? badge_problem(p, "class_id", "award_class")
                                         : BADGE_ERR_STORE;
    struct roster *r = cc_calloc(1, sizeof(*r));
    if (!r)
        return BADGE_ERR_NOMEM;
    err = auth_class_students(ctx->db, institution, class_id, add_student, r);
    if (err == 1 || r->n > AWARD_BULK_MAX) {
        cc_free(r);
        return badge_problem(p, "class_id", "award_bulk_size");
    }
    if (err) {
        cc_free(r);
        return BADGE_ERR_STORE;
    }
    char now[21];
    date_of(time_now_ms(), now);
    if (store_begin(ctx->db)) {
        cc_free(r);
        return BADGE_ERR_STORE;
    }
    for (size_t i = 0; i < r->n && !err; i++) {
        int64_t have = valid_award(ctx->db, req->achievement, r->ids[i], now);
        if (have < 0) {
            err = BADGE_ERR_STORE;
        } else if (have) {
            (*skipped)++;
        } else {
            struct award_request one = *req;
            one.user = r->ids[i];
            one.source = "bulk";
            err = award_issue(ctx, institution, &one, 1, NULL, p);
            if (!err)
                (*issued)++;
        }
    }
    cc_free(r);
    if (err || store_commit(ctx->db)) {
        store_rollback(ctx->db);
        *issued = *skipped = 0;
        return err ? err : BADGE_ERR_STORE;
    }
    if (award_record_pending(ctx->db, institution, AWARD_BULK_MAX))
        LOG_WARN("credential: earned statements of institution %" PRId64 " wait to be recorded",
                 institution);
    return BADGE_OK;
}

int award_recertify(const struct award_context *ctx, int64_t institution, int64_t id, int64_t actor,
                    int64_t *new_id, struct badge_problem *p)
{
    struct store_stmt *st;
    if (store_prepare(ctx->db,
                      "SELECT achievement_id, user_id, revoked_at IS NOT NULL FROM badge_awards"
                      " WHERE institution_id = ? AND id = ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, id);
    int rc = store_step(st);
    int64_t achievement = 0, user = 0, revoked = 0;
    if (rc == STORE_ROW) {
        achievement = store_col_int(st, 0);
        user = store_col_int(st, 1);
        revoked = store_col_int(st, 2);
    }
    store_finish(st);
    if (rc < 0)
        return BADGE_ERR_STORE;
    if (rc != STORE_ROW)
        return BADGE_ERR_NOT_FOUND;
    if (revoked)
        return badge_problem(p, "id", "award_recertify_revoked");
    struct award_request req = {.achievement = achievement,
                                .user = user,
                                .awarded_by = actor,
                                .source = "recertify",
                                .replaces = id};
    return award_issue(ctx, institution, &req, 0, new_id, p);
}

int award_revoke(const struct award_context *ctx, int64_t institution, int64_t id, int64_t actor,
                 const char *reason, int revoke, struct badge_problem *p)
{
    if (!reason || !*reason || !utf8_valid(reason, strlen(reason)) ||
        utf8_length(reason) > AWARD_REASON_MAX)
        return badge_problem(p, "reason", "award_reason");
    struct store *db = ctx->db;
    if (store_begin(db))
        return BADGE_ERR_STORE;
    struct store_stmt *st;
    int err = BADGE_ERR_STORE;
    if (store_prepare(db,
                      "SELECT uuid, status_list, status_index, revoked_at IS NOT NULL"
                      " FROM badge_awards WHERE institution_id = ? AND id = ?",
                      &st))
        goto rollback;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, id);
    int rc = store_step(st);
    char uuid[37] = "";
    int64_t list = 0, index = 0, revoked = 0;
    if (rc == STORE_ROW) {
        snprintf(uuid, sizeof(uuid), "%s", store_col_text(st, 0));
        list = store_col_int(st, 1);
        index = store_col_int(st, 2);
        revoked = store_col_int(st, 3);
    }
    store_finish(st);
    if (rc != STORE_ROW) {
        err = rc < 0 ? BADGE_ERR_STORE : BADGE_ERR_NOT_FOUND;
        goto rollback;
    }
    if (!!revoked == !!revoke) {
        err = badge_problem(p, "id", revoke ? "award_already_revoked" : "award_not_revoked");
        err = BADGE_ERR_CONFLICT;
        goto rollback;
    }
    char now[21];
    date_of(time_now_ms(), now);
    if (store_prepare(db,
                      revoke ? "UPDATE badge_awards SET revoked_at = ?, revoked_by = ?,"
                               " revoke_reason = ? WHERE institution_id = ? AND id = ?"
                             : "UPDATE badge_awards SET revoked_at = NULL, revoked_by = NULL,"
                               " revoke_reason = NULL WHERE institution_id = ? AND id = ?",
                      &st))
        goto rollback;
    int i = 1;
    if (revoke) {
        store_bind_text(st, i++, now);
        store_bind_int(st, i++, actor);
        store_bind_text(st, i++, reason);
    }
    store_bind_int(st, i++, institution);
    store_bind_int(st, i, id);
    rc = store_step(st);
    store_finish(st);
    if (rc)
        goto rollback;
    json_t *detail =
        json_pack("{s:I,s:s,s:s}", "award", (json_int_t)id, "credential", uuid, "reason", reason);
    char *dtext = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    json_decref(detail);
    if (!dtext || store_prepare(db,
                                "INSERT INTO audit_log (institution_id, at, actor_user_id, action,"
                                " detail) VALUES (?, ?, ?, ?, ?)",
                                &st)) {
        free(dtext);
        goto rollback;
    }
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, now);
    store_bind_int(st, 3, actor);
    store_bind_text(st, 4, revoke ? "credential.revoke" : "credential.unrevoke");
    store_bind_text(st, 5, dtext);
    rc = store_step(st);
    store_finish(st);
    free(dtext);
    if (rc)
        goto rollback;
    if ((err = status_flip(ctx, institution, list, index, revoke)))
        goto rollback;
    if (store_commit(db)) {
        err = BADGE_ERR_STORE;
        goto rollback;
    }
    return BADGE_OK;
rollback:
    store_rollback(db);
    return err;
}

/* ------------------------------------------------------------ xAPI */

int award_record_pending(struct store *db, int64_t institution, int max)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT w.id, w.uuid, w.statement_id, w.issued_at, u.login, u.name,"
                      " a.uuid, a.name_en, a.name_zh FROM badge_awards w"
                      " JOIN users u ON u.id = w.user_id JOIN achievements a"
                      " ON a.id = w.achievement_id WHERE w.institution_id = ? AND w.recorded = 0"
                      " ORDER BY w.id LIMIT ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, max);
    json_t *rows = json_array();
    int rc;
    while ((rc = store_step(st)) == STORE_ROW)
        json_array_append_new(
            rows, json_pack("[I,s,s,s,s,s,s,s,s]", (json_int_t)store_col_int(st, 0),
                            store_col_text(st, 1), store_col_text(st, 2), store_col_text(st, 3),
                            store_col_text(st, 4), store_col_text(st, 5), store_col_text(st, 6),
                            store_col_text(st, 7), store_col_text(st, 8)));
    store_finish(st);
    if (rc < 0 || !rows) {
        json_decref(rows);
        return BADGE_ERR_STORE;
    }
    int err = BADGE_OK;
    size_t i;
    json_t *r;
    json_array_foreach (rows, i, r) {
        const char *sid = json_string_value(json_array_get(r, 2));
        char activity[160], cred[48];
        snprintf(activity, sizeof(activity), "%s%s", AWARD_XAPI_ACTIVITY,
                 json_string_value(json_array_get(r, 6)));
        snprintf(cred, sizeof(cred), "urn:uuid:%s", json_string_value(json_array_get(r, 1)));
        int exists = 0;
        if (!store_prepare(db, "SELECT 1 FROM xapi_statements WHERE institution_id = ? AND id = ?",
                           &st)) {
            store_bind_int(st, 1, institution);
            store_bind_text(st, 2, sid);
            exists = store_step(st) == STORE_ROW;
            store_finish(st);
        }
        if (!exists) {
            json_t *s =
                json_pack("{s:s,s:o,s:{s:s,s:{s:s,s:s}},s:{s:s,s:s,s:{s:s,s:{s:s,s:s}}},"
                          "s:{s:b,s:{s:s}},s:{s:s},s:s}",
                          "id", sid, "actor",
                          xapi_user_agent(json_string_value(json_array_get(r, 4)),
                                          json_string_value(json_array_get(r, 5))),
                          "verb", "id", AWARD_XAPI_VERB, "display", "en-US", "earned", "zh-CN",
                          "获得了", "object", "objectType", "Activity", "id", activity,
                          "definition", "type", "http://activitystrea.ms/schema/1.0/badge", "name",
                          "en-US", json_string_value(json_array_get(r, 7)), "zh-CN",
                          json_string_value(json_array_get(r, 8)), "result", "success", 1,
                          "extensions", AWARD_XAPI_EXT_CRED, cred, "context", "platform",
                          "CareCampus", "timestamp", json_string_value(json_array_get(r, 3)));
            struct xapi_problem xp;
            int xerr = s ? xapi_record(db, institution, s, NULL, &xp) : XAPI_ERR_NOMEM;
            json_decref(s);
            if (xerr) {
                LOG_WARN("credential: the earned statement of award %" PRId64 " cannot be "
                         "recorded (%d)",
                         (int64_t)json_integer_value(json_array_get(r, 0)), xerr);
                err = BADGE_ERR_STORE;
                break;
            }
        }
        if (!store_prepare(db, "UPDATE badge_awards SET recorded = 1 WHERE id = ?", &st)) {
            store_bind_int(st, 1, json_integer_value(json_array_get(r, 0)));
            if (store_step(st))
                err = BADGE_ERR_STORE;
            store_finish(st);
        }
    }
    json_decref(rows);
    return err;
}

/* ------------------------------------------------------------ reading */

#define AWARD_COLUMNS                                                                              \
    "w.id, w.uuid, w.achievement_id, a.name_en, a.name_zh, w.user_id, u.login, u.name,"            \
    " w.source, w.awarded_by, w.issued_at, w.valid_until, w.revoked_at, w.revoke_reason,"          \
    " w.replaces, (SELECT max(r.id) FROM badge_awards r WHERE r.replaces = w.id)"

static json_t *award_row(struct store_stmt *st, const char *base)
{
    char now[21], url[ISSUER_BASE_MAX + 64];
    date_of(time_now_ms(), now);
    const char *until = store_col_is_null(st, 11) ? NULL : store_col_text(st, 11);
    const char *status = !store_col_is_null(st, 12)         ? "revoked"
                         : until && strcmp(until, now) <= 0 ? "expired"
                                                            : "valid";
    snprintf(url, sizeof(url), "%s/verify/%s", base, store_col_text(st, 1));
    return json_pack(
        "{s:I,s:s,s:{s:I,s:{s:s,s:s}},s:{s:I,s:s,s:s},s:s,s:o,s:s,s:s?,s:s,s:s?,s:s?,s:o,s:o,"
        "s:s}",
        "id", (json_int_t)store_col_int(st, 0), "uuid", store_col_text(st, 1), "achievement", "id",
        (json_int_t)store_col_int(st, 2), "name", "en", store_col_text(st, 3), "zh-CN",
        store_col_text(st, 4), "user", "id", (json_int_t)store_col_int(st, 5), "login",
        store_col_text(st, 6), "name", store_col_text(st, 7), "source", store_col_text(st, 8),
        "awarded_by", store_col_is_null(st, 9) ? json_null() : json_integer(store_col_int(st, 9)),
        "issued_at", store_col_text(st, 10), "valid_until", until, "status", status, "revoked_at",
        store_col_is_null(st, 12) ? NULL : store_col_text(st, 12), "revoke_reason",
        store_col_is_null(st, 13) ? NULL : store_col_text(st, 13), "replaces",
        store_col_is_null(st, 14) ? json_null() : json_integer(store_col_int(st, 14)),
        "replaced_by",
        store_col_is_null(st, 15) ? json_null() : json_integer(store_col_int(st, 15)), "verify_url",
        url);
}

int award_list(struct store *db, int64_t institution, const char *base, int64_t achievement,
               int64_t user, json_t **out)
{
    *out = NULL;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " AWARD_COLUMNS " FROM badge_awards w"
                      " JOIN achievements a ON a.id = w.achievement_id"
                      " JOIN users u ON u.id = w.user_id WHERE w.institution_id = ?"
                      " AND (? = 0 OR w.achievement_id = ?) AND (? = 0 OR w.user_id = ?)"
                      " ORDER BY w.id DESC LIMIT ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, achievement);
    store_bind_int(st, 3, achievement);
    store_bind_int(st, 4, user);
    store_bind_int(st, 5, user);
    store_bind_int(st, 6, AWARD_LIST_MAX);
    json_t *list = json_array();
    int rc;
    while (list && (rc = store_step(st)) == STORE_ROW) {
        json_t *o = award_row(st, base);
        if (!o || json_array_append_new(list, o)) {
            json_decref(list);
            list = NULL;
        }
    }
    store_finish(st);
    if (!list)
        return BADGE_ERR_NOMEM;
    if (rc < 0) {
        json_decref(list);
        return BADGE_ERR_STORE;
    }
    *out = list;
    return BADGE_OK;
}

int award_get(struct store *db, int64_t institution, const char *base, int64_t id, json_t **out)
{
    *out = NULL;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " AWARD_COLUMNS ", w.credential FROM badge_awards w"
                      " JOIN achievements a ON a.id = w.achievement_id"
                      " JOIN users u ON u.id = w.user_id WHERE w.institution_id = ? AND w.id = ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, id);
    int rc = store_step(st);
    json_t *o = NULL;
    if (rc == STORE_ROW) {
        o = award_row(st, base);
        json_object_set_new(o, "credential", json_loads(store_col_text(st, 16), 0, NULL));
    }
    store_finish(st);
    if (rc < 0 || (rc == STORE_ROW && !o)) {
        json_decref(o);
        return rc < 0 ? BADGE_ERR_STORE : BADGE_ERR_NOMEM;
    }
    if (!o)
        return BADGE_ERR_NOT_FOUND;
    json_t *audit = json_array();
    if (!store_prepare(db,
                       "SELECT l.at, l.action, l.detail, u.name FROM audit_log l"
                       " LEFT JOIN users u ON u.id = l.actor_user_id WHERE l.institution_id = ?"
                       " AND l.action IN ('credential.revoke', 'credential.unrevoke')"
                       " AND l.detail LIKE ? ORDER BY l.id",
                       &st)) {
        char like[64];
        snprintf(like, sizeof(like), "{\"award\":%" PRId64 ",%%", id);
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, like);
        while (store_step(st) == STORE_ROW) {
            json_t *d = json_loads(store_col_text(st, 2), 0, NULL);
            json_array_append_new(
                audit, json_pack("{s:s,s:s,s:s,s:O?}", "at", store_col_text(st, 0), "action",
                                 store_col_text(st, 1), "by", store_col_text(st, 3), "reason",
                                 json_object_get(d, "reason")));
            json_decref(d);
        }
        store_finish(st);
    }
    json_object_set_new(o, "audit", audit);
    *out = o;
    return BADGE_OK;
}

int award_credential_by_uuid(struct store *db, const char *uuid, json_t **out, int64_t *institution)
{
    *out = NULL;
    static const char *const sql[] = {
        "SELECT credential, institution_id FROM badge_awards WHERE uuid = ?",
        "SELECT credential, institution_id FROM learner_records WHERE uuid = ?",
    };
    for (int i = 0; i < 2; i++) {
        struct store_stmt *st;
        if (store_prepare(db, sql[i], &st))
            return BADGE_ERR_STORE;
        store_bind_text(st, 1, uuid);
        int rc = store_step(st);
        if (rc == STORE_ROW) {
            *out = json_loads(store_col_text(st, 0), 0, NULL);
            if (institution)
                *institution = store_col_int(st, 1);
        }
        store_finish(st);
        if (rc < 0)
            return BADGE_ERR_STORE;
        if (rc == STORE_ROW)
            return *out ? BADGE_OK : BADGE_ERR_NOMEM;
    }
    return BADGE_ERR_NOT_FOUND;
}

/* ------------------------------------------------------------ learner record */

/* The rule items (else alignments) of stored achievement A, as identifiers. */
static json_t *items_of(const json_t *a)
{
    json_t *ids = json_array();
    const json_t *list = json_object_get(json_object_get(a, "rule"), "items");
    if (!json_array_size(list))
        list = json_object_get(a, "alignments");
    size_t i;
    const json_t *v;
    json_array_foreach (list, i, v)
        json_array_append(ids, json_object_get(v, "identifier"));
    return ids;
}

/* Whether an item of CHILD isChildOf an item of PARENT in the stored frameworks. */
static int child_of(struct store *db, const json_t *child, const json_t *parent)
{
    size_t i, j;
    const json_t *c, *pa;
    json_array_foreach (child, i, c)
        json_array_foreach (parent, j, pa) {
            struct store_stmt *st;
            if (store_prepare(db,
                              "SELECT 1 FROM case_associations WHERE origin = ? AND destination = ?"
                              " AND type = 'isChildOf'",
                              &st))
                return 0;
            store_bind_text(st, 1, json_string_value(c));
            store_bind_text(st, 2, json_string_value(pa));
            int yes = store_step(st) == STORE_ROW;
            store_finish(st);
            if (yes)
                return 1;
        }
    return 0;
}

/* The associations between the achievements ACHS (stored form) in their OB3 form IDS. */
static json_t *associations(struct store *db, const json_t *achs, const json_t *ids)
{
    json_t *out = json_array();
    size_t n = json_array_size(achs);
    for (size_t i = 0; i < n; i++) {
        json_t *ia = items_of(json_array_get(achs, i));
        for (size_t j = 0; j < n; j++) {
            if (i == j)
                continue;
            json_t *ja = items_of(json_array_get(achs, j));
            const char *type = NULL;
            int li = (int)json_integer_value(
                json_object_get(json_object_get(json_array_get(achs, i), "rule"), "level"));
            int lj = (int)json_integer_value(
                json_object_get(json_object_get(json_array_get(achs, j), "rule"), "level"));
            if (json_array_size(ia) && json_equal(ia, ja) && li && lj && li < lj)
                type = "precedes"; /* the same competencies, a lower level first */
            else if (json_array_size(ja) && child_of(db, ja, ia))
                type = "isParentOf";
            if (type)
                json_array_append_new(out, json_pack("{s:s,s:s,s:O,s:O}", "type", "Association",
                                                     "associationType", type, "sourceId",
                                                     json_array_get(ids, i), "targetId",
                                                     json_array_get(ids, j)));
            json_decref(ja);
        }
        json_decref(ia);
    }
    return out;
}

int award_clr(const struct award_context *ctx, int64_t institution, int64_t user, json_t **out,
              char *uuid_out)
{
    *out = NULL;
    struct store *db = ctx->db;
    struct auth_user u;
    int err = auth_user_get(db, institution, user, &u);
    if (err)
        return err == AUTH_ERR_NOT_FOUND ? BADGE_ERR_NOT_FOUND : BADGE_ERR_STORE;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT id, achievement_id, credential FROM badge_awards"
                      " WHERE institution_id = ? AND user_id = ? AND revoked_at IS NULL"
                      " ORDER BY id",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, user);
    json_t *creds = json_array(), *ach_ids = json_array();
    char key[4096] = "";
    size_t kn = 0;
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        json_array_append_new(creds, json_loads(store_col_text(st, 2), 0, NULL));
        json_array_append_new(ach_ids, json_integer(store_col_int(st, 1)));
        if (kn + 24 < sizeof(key))
            kn += (size_t)snprintf(key + kn, sizeof(key) - kn, "%s%" PRId64, kn ? "," : "",
                                   store_col_int(st, 0));
    }
    store_finish(st);
    json_t *achs = json_array(), *obs = json_array(), *ob_ids = json_array();
    json_t *doc = NULL, *signed_doc = NULL;
    struct cred_signer signer;
    memset(&signer, 0, sizeof(signer));
    char *text = NULL;
    if (rc < 0) {
        err = BADGE_ERR_STORE;
        goto done;
    }
    /* The same awards as the last record: that record again. */
    if (!store_prepare(db,
                       "SELECT credential, uuid FROM learner_records WHERE institution_id = ?"
                       " AND user_id = ? AND awards = ? ORDER BY id DESC LIMIT 1",
                       &st)) {
        store_bind_int(st, 1, institution);
        store_bind_int(st, 2, user);
        store_bind_text(st, 3, key);
        if (store_step(st) == STORE_ROW) {
            *out = json_loads(store_col_text(st, 0), 0, NULL);
            if (uuid_out)
                snprintf(uuid_out, 37, "%s", store_col_text(st, 1));
        }
        store_finish(st);
        if (*out) {
            err = BADGE_OK;
            goto done;
        }
    }
    const char *lang = strcmp(u.lang, "zh-CN") == 0 ? "zh-CN" : "en";
    size_t i;
    json_t *v;
    json_array_foreach (ach_ids, i, v) {
        /* Each achievement once, however many times it was awarded. */
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_array_get(ach_ids, j), v))
                seen = 1;
        if (seen)
            continue;
        json_t *a;
        if ((err = achievement_get(db, institution, json_integer_value(v), &a)))
            goto done;
        json_t *ob = achievement_ob3(a, lang);
        json_array_append_new(achs, a);
        json_array_append(ob_ids, json_object_get(ob, "id"));
        json_array_append_new(obs, ob);
    }
    char why[CRED_WHY_SIZE], now[21], uuid[37], urn[48], name[600];
    if (issuer_signer(db, ctx->seal_key, ctx->dir, ctx->base, institution, &signer, why)) {
        err = BADGE_ERR_SIGN;
        goto done;
    }
    struct issuer_profile profile;
    if ((err = issuer_profile_get(db, institution, &profile)))
        goto done;
    date_of(time_now_ms(), now);
    xapi_uuid(uuid);
    snprintf(urn, sizeof(urn), "urn:uuid:%s", uuid);
    snprintf(name, sizeof(name),
             strcmp(lang, "zh-CN") == 0 ? "%s的学习记录" : "Learner record of %s", u.name);
    json_t *assoc = associations(db, achs, ob_ids);
    doc = json_pack("{s:[s,s,s],s:s,s:[s,s],s:o,s:s,s:s,s:{s:[s],s:[{s:s,s:s,s:s,s:b}],s:O,s:O,"
                    "s:o}}",
                    "@context", JSONLD_CONTEXT_VC_V2, CLR_CONTEXT, OB3_CONTEXT, "id", urn, "type",
                    "VerifiableCredential", "ClrCredential", "issuer",
                    issuer_profile_json(&profile, &signer, lang), "validFrom", now, "name", name,
                    "credentialSubject", "type", "ClrSubject", "identifier", "type",
                    "IdentityObject", "identityHash", u.name, "identityType", "name", "hashed", 0,
                    "verifiableCredential", creds, "achievement", obs, "association", assoc);
    if (!doc) {
        err = BADGE_ERR_NOMEM;
        goto done;
    }
    if (cred_sign(doc, &signer, now, &signed_doc, why)) {
        LOG_WARN("credential: the learner record of user %" PRId64 " cannot be signed: %s", user,
                 why);
        err = BADGE_ERR_SIGN;
        goto done;
    }
    if (!(text = json_dumps(signed_doc, JSON_COMPACT))) {
        err = BADGE_ERR_NOMEM;
        goto done;
    }
    err = BADGE_ERR_STORE;
    if (!store_prepare(db,
                       "INSERT INTO learner_records (institution_id, uuid, user_id, awards,"
                       " credential, issued_at) VALUES (?, ?, ?, ?, ?, ?)",
                       &st)) {
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, uuid);
        store_bind_int(st, 3, user);
        store_bind_text(st, 4, key);
        store_bind_text(st, 5, text);
        store_bind_text(st, 6, now);
        err = store_step(st) ? BADGE_ERR_STORE : BADGE_OK;
        store_finish(st);
    }
    if (!err) {
        *out = json_incref(signed_doc);
        if (uuid_out)
            snprintf(uuid_out, 37, "%s", uuid);
    }
done:
    cred_signer_clear(&signer);
    free(text);
    json_decref(doc);
    json_decref(signed_doc);
    json_decref(creds);
    json_decref(ach_ids);
    json_decref(achs);
    json_decref(obs);
    json_decref(ob_ids);
    return err;
}

/* ------------------------------------------------------------ explaining */

/* The CFItem identifier of an alignment's targetUrl (…/CFItems/<uuid>), or NULL. */
static const char *item_of_url(const char *url)
{
    const char *s = url ? strstr(url, "/CFItems/") : NULL;
    return s && strlen(s + 9) == 36 ? s + 9 : NULL;
}

/* The crosswalk matches of ITEM: [{"type", "item": {…achievement_item shape}}]. */
static json_t *crosswalk(struct store *db, const char *item)
{
    json_t *out = json_array();
    struct store_stmt *st;
    if (!out || store_prepare(db,
                              "SELECT type, origin, destination FROM case_associations"
                              " WHERE type IN ('exactMatchOf', 'isRelatedTo')"
                              " AND (origin = ? OR destination = ?) ORDER BY type, identifier"
                              " LIMIT 50",
                              &st))
        return out;
    store_bind_text(st, 1, item);
    store_bind_text(st, 2, item);
    json_t *pairs = json_array();
    while (store_step(st) == STORE_ROW) {
        const char *other = strcmp(store_col_text(st, 1), item) == 0 ? store_col_text(st, 2)
                                                                     : store_col_text(st, 1);
        json_array_append_new(pairs, json_pack("[s,s]", store_col_text(st, 0), other));
    }
    store_finish(st);
    size_t i;
    json_t *p;
    json_array_foreach (pairs, i, p) {
        int err;
        json_t *o = achievement_item(db, json_string_value(json_array_get(p, 1)), &err);
        if (o)
            json_array_append_new(out,
                                  json_pack("{s:O,s:o}", "type", json_array_get(p, 0), "item", o));
    }
    json_decref(pairs);
    return out;
}

/* One achievement of a credential, explained: its text, the other edition, alignments. */
static json_t *explain_achievement(struct store *db, const json_t *ob)
{
    json_t *o = json_pack("{s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:n,s:[]}", "id",
                          json_object_get(ob, "id"), "name", json_object_get(ob, "name"),
                          "description", json_object_get(ob, "description"), "criteria",
                          json_object_get(json_object_get(ob, "criteria"), "narrative"), "image",
                          json_object_get(json_object_get(ob, "image"), "id"), "inLanguage",
                          json_object_get(ob, "inLanguage"), "other", "alignments");
    if (!o)
        return NULL;
    /* Ours: both editions from the definition. */
    const char *id = json_string_value(json_object_get(ob, "id"));
    if (id && strncmp(id, "urn:uuid:", 9) == 0) {
        struct store_stmt *st;
        if (!store_prepare(db,
                           "SELECT name_en, name_zh, description_en, description_zh, criteria_en,"
                           " criteria_zh FROM achievements WHERE uuid = ? OR uuid_zh = ?",
                           &st)) {
            store_bind_text(st, 1, id + 9);
            store_bind_text(st, 2, id + 9);
            if (store_step(st) == STORE_ROW)
                json_object_set_new(
                    o, "editions",
                    json_pack("{s:{s:s,s:s,s:s},s:{s:s,s:s,s:s}}", "en", "name",
                              store_col_text(st, 0), "description", store_col_text(st, 2),
                              "criteria", store_col_text(st, 4), "zh-CN", "name",
                              store_col_text(st, 1), "description", store_col_text(st, 3),
                              "criteria", store_col_text(st, 5)));
            store_finish(st);
        }
    }
    json_object_del(o, "other");
    size_t i;
    const json_t *al;
    json_array_foreach (json_object_get(ob, "alignment"), i, al) {
        const char *item = item_of_url(json_string_value(json_object_get(al, "targetUrl")));
        json_t *a = json_pack(
            "{s:O?,s:O?,s:O?,s:O?,s:O?,s:s?}", "targetName", json_object_get(al, "targetName"),
            "targetCode", json_object_get(al, "targetCode"), "targetFramework",
            json_object_get(al, "targetFramework"), "targetUrl", json_object_get(al, "targetUrl"),
            "targetType", json_object_get(al, "targetType"), "item", item);
        if (!a)
            continue;
        if (item) {
            int err;
            json_t *stored = achievement_item(db, item, &err);
            if (stored)
                json_object_set_new(a, "stored", stored);
            json_object_set_new(a, "crosswalk", crosswalk(db, item));
        }
        json_array_append_new(json_object_get(o, "alignments"), a);
    }
    return o;
}

static int type_has(const json_t *doc, const char *type)
{
    const json_t *t = json_object_get(doc, "type");
    if (json_is_string(t))
        return strcmp(json_string_value(t), type) == 0;
    size_t i;
    const json_t *v;
    json_array_foreach (t, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), type) == 0)
            return 1;
    return 0;
}

json_t *award_explain(struct store *db, const json_t *cred)
{
    const json_t *issuer = json_object_get(cred, "issuer");
    const json_t *cs = json_object_get(cred, "credentialSubject");
    if (json_is_array(cs))
        cs = json_array_get(cs, 0);
    const char *subject = NULL;
    size_t i;
    const json_t *v;
    json_array_foreach (json_object_get(cs, "identifier"), i, v)
        if (!json_is_true(json_object_get(v, "hashed")) &&
            json_string_value(json_object_get(v, "identityType")) &&
            strcmp(json_string_value(json_object_get(v, "identityType")), "name") == 0)
            subject = json_string_value(json_object_get(v, "identityHash"));
    const char *kind =
        type_has(cred, "ClrCredential") ? "clr"
        : type_has(cred, "OpenBadgeCredential") || type_has(cred, "AchievementCredential")
            ? "badge"
            : "other";
    json_t *o =
        json_pack("{s:s,s:O?,s:{s:o,s:O?,s:O?,s:O?},s:{s:s?,s:O?},s:O?,s:O?,s:[],s:O?,s:I}", "kind",
                  kind, "id", json_object_get(cred, "id"), "issuer", "id",
                  json_is_string(issuer) ? json_incref((json_t *)issuer)
                                         : json_deep_copy(json_object_get(issuer, "id")),
                  "name", json_object_get(issuer, "name"), "url", json_object_get(issuer, "url"),
                  "image", json_object_get(json_object_get(issuer, "image"), "id"), "subject",
                  "name", subject, "id", json_object_get(cs, "id"), "name",
                  json_object_get(cred, "name"), "validUntil", json_object_get(cred, "validUntil"),
                  "achievements", "evidence", json_object_get(cred, "evidence"), "credentials",
                  (json_int_t)json_array_size(json_object_get(cs, "verifiableCredential")));
    if (!o)
        return NULL;
    /* Ours: the issuer's names in both languages. */
    const char *cid = json_string_value(json_object_get(cred, "id"));
    int64_t institution = 0;
    json_t *stored = NULL;
    if (cid && strncmp(cid, "urn:uuid:", 9) == 0 &&
        award_credential_by_uuid(db, cid + 9, &stored, &institution) == BADGE_OK) {
        struct issuer_profile p;
        if (!issuer_profile_get(db, institution, &p))
            json_object_set_new(json_object_get(o, "issuer"), "names",
                                json_pack("{s:s,s:s}", "en", p.name_en, "zh-CN", p.name_zh));
        json_object_set_new(o, "ours", json_true());
    }
    json_decref(stored);
    json_t *achs = json_object_get(o, "achievements");
    const json_t *single = json_object_get(cs, "achievement");
    if (json_is_object(single)) {
        json_t *e = explain_achievement(db, single);
        if (e)
            json_array_append_new(achs, e);
    } else {
        json_array_foreach (single, i, v) {
            json_t *e = explain_achievement(db, v);
            if (e)
                json_array_append_new(achs, e);
        }
    }
    return o;
}

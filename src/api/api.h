/*
 * api/: the JSON API, one handler file per area, turning HTTP into calls of
 * the domain modules. This header holds the route table and the JSON shapes
 * shared across areas (docs/api.md documents them).
 */
#ifndef CC_API_API_H
#define CC_API_API_H

#include <jansson.h>
#include <stddef.h>

#include "auth/account.h"
#include "auth/class.h"
#include "http/router.h"

/* Every route of the API. */
extern const struct http_route api_routes[];
extern const size_t api_routes_count;

/* The JSON shapes of docs/api.md ("Objects"). */
json_t *api_user_json(const struct auth_user *u);
json_t *api_institution_json(const struct auth_institution *i);
json_t *api_class_json(const struct auth_class *c);

/* Replies for an auth_error: 422/409 with the problem's field, 404, or 500. */
void api_reply_auth_error(struct http_request *req, int err, const struct auth_problem *p);

/* An auth_user_fn that appends users to a JSON array (CTX). */
int api_append_user(void *ctx, const struct auth_user *u);

/* An auth_class_fn that appends classes to a JSON array (CTX). */
int api_append_class(void *ctx, const struct auth_class *c);

/* Handlers, by area. */
void api_health(struct http_request *req);
void api_session_create(struct http_request *req);
void api_session_delete(struct http_request *req);
void api_me_get(struct http_request *req);
void api_me_patch(struct http_request *req);
void api_me_password(struct http_request *req);
void api_institution_get(struct http_request *req);
void api_users_list(struct http_request *req);
void api_users_create(struct http_request *req);
void api_users_get(struct http_request *req);
void api_users_import(struct http_request *req);
void api_classes_list(struct http_request *req);
void api_classes_create(struct http_request *req);
void api_classes_get(struct http_request *req);
void api_classes_enrol(struct http_request *req);
void api_classes_unenrol(struct http_request *req);
void api_checkoffs_list(struct http_request *req);
void api_checkoffs_get(struct http_request *req);
void api_checkoffs_record(struct http_request *req);
void api_checkoff_results(struct http_request *req);
void api_lrs_clients_list(struct http_request *req);
void api_lrs_clients_create(struct http_request *req);
void api_lrs_clients_revoke(struct http_request *req);
void api_lrs_statements(struct http_request *req);
void api_lrs_learner_erase(struct http_request *req);
void api_mastery_me(struct http_request *req);
void api_mastery_me_item(struct http_request *req);
void api_mastery_me_statement(struct http_request *req);
void api_mastery_student(struct http_request *req);
void api_mastery_student_item(struct http_request *req);
void api_mastery_student_statement(struct http_request *req);
void api_mastery_frameworks(struct http_request *req);
void api_mastery_status(struct http_request *req);
void api_classes_mastery(struct http_request *req);
void api_xapi_about(struct http_request *req);
void api_xapi_statements_put(struct http_request *req);
void api_xapi_statements_post(struct http_request *req);
void api_xapi_statements_get(struct http_request *req);
void api_xapi_activities_get(struct http_request *req);
void api_xapi_agents_get(struct http_request *req);
void api_xapi_state_put(struct http_request *req);
void api_xapi_state_post(struct http_request *req);
void api_xapi_state_get(struct http_request *req);
void api_xapi_state_delete(struct http_request *req);
void api_xapi_activity_profile_put(struct http_request *req);
void api_xapi_activity_profile_post(struct http_request *req);
void api_xapi_activity_profile_get(struct http_request *req);
void api_xapi_activity_profile_delete(struct http_request *req);
void api_xapi_agent_profile_put(struct http_request *req);
void api_xapi_agent_profile_post(struct http_request *req);
void api_xapi_agent_profile_get(struct http_request *req);
void api_xapi_agent_profile_delete(struct http_request *req);
/* Competency frameworks (api_frameworks.c) and the CASE 1.1 provider (api_case.c). */
void api_frameworks_list(struct http_request *req);
void api_frameworks_import(struct http_request *req);
void api_frameworks_search(struct http_request *req);
void api_frameworks_item(struct http_request *req);
void api_frameworks_get(struct http_request *req);
void api_frameworks_package(struct http_request *req);
void api_frameworks_delete(struct http_request *req);
void api_alignments_list(struct http_request *req);
void api_alignments_create(struct http_request *req);
void api_alignments_delete(struct http_request *req);
void api_alignments_activities(struct http_request *req);
void api_case_documents(struct http_request *req);
void api_case_document(struct http_request *req);
void api_case_package(struct http_request *req);
void api_case_item(struct http_request *req);
void api_case_association(struct http_request *req);
void api_case_item_associations(struct http_request *req);

/* The digital-literacy test (api_literacy.c). */
void api_literacy_settings_get(struct http_request *req);
void api_literacy_settings_put(struct http_request *req);
void api_literacy_exposure(struct http_request *req);
void api_literacy_start(struct http_request *req);
void api_literacy_list(struct http_request *req);
void api_literacy_current(struct http_request *req);
void api_literacy_get(struct http_request *req);
void api_literacy_result(struct http_request *req);
void api_literacy_answer(struct http_request *req);
void api_literacy_finish(struct http_request *req);
void api_literacy_class_profile(struct http_request *req);
void api_literacy_class_items(struct http_request *req);
void api_literacy_items(struct http_request *req);
void api_literacy_export(struct http_request *req);
void api_literacy_import(struct http_request *req);
void api_literacy_item(struct http_request *req);
void api_literacy_retire(struct http_request *req);
void api_literacy_restore(struct http_request *req);
void api_literacy_calibrate(struct http_request *req);
void api_literacy_calibrations(struct http_request *req);
void api_literacy_calibration(struct http_request *req);
void api_literacy_calibration_apply(struct http_request *req);

/* Statement forwarding (api_forward.c); the target's JSON shape is shared with the CLI. */
struct xapi_forward_target;
json_t *api_forward_target_json(const struct xapi_forward_target *t);
void api_xapi_forwarding_list(struct http_request *req);
void api_xapi_forwarding_create(struct http_request *req);
void api_xapi_forwarding_get(struct http_request *req);
void api_xapi_forwarding_update(struct http_request *req);
void api_xapi_forwarding_delete(struct http_request *req);
void api_xapi_forwarding_retry(struct http_request *req);

/* Credentials (api_credentials.c). */
void api_did_server(struct http_request *req);
void api_did_institution(struct http_request *req);
void api_status_list(struct http_request *req);
void api_public_credential(struct http_request *req);
void api_public_credential_qr(struct http_request *req);
void api_verify_post(struct http_request *req);
void api_verify_stored(struct http_request *req);
void api_issuer_route(struct http_request *req);
void api_issuer_rotate(struct http_request *req);
void api_achievements_list(struct http_request *req);
void api_achievements_create(struct http_request *req);
void api_achievements_generate(struct http_request *req);
void api_achievements_get(struct http_request *req);
void api_achievements_update(struct http_request *req);
void api_awards_list(struct http_request *req);
void api_awards_create(struct http_request *req);
void api_awards_get(struct http_request *req);
void api_awards_revoke(struct http_request *req);
void api_awards_unrevoke(struct http_request *req);
void api_awards_recertify(struct http_request *req);
void api_me_badges(struct http_request *req);
void api_me_clr(struct http_request *req);
void api_me_transcript(struct http_request *req);
/* Live training in the simulated care home (api_training.c). */
void api_training_scenarios(struct http_request *req);
void api_training_scenario(struct http_request *req);
void api_training_assignments_list(struct http_request *req);
void api_training_assignments_create(struct http_request *req);
void api_training_assignments_get(struct http_request *req);
void api_training_assignments_delete(struct http_request *req);
void api_training_sessions_list(struct http_request *req);
void api_training_sessions_create(struct http_request *req);
void api_training_sessions_get(struct http_request *req);
void api_training_sessions_patch(struct http_request *req);
void api_training_sessions_act(struct http_request *req);
void api_training_sessions_hint(struct http_request *req);
void api_training_sessions_finish(struct http_request *req);
void api_training_sessions_events(struct http_request *req);
void api_training_sessions_result(struct http_request *req);
void api_training_stats(struct http_request *req);

#endif

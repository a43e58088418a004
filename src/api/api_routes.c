/* The route table: every endpoint of docs/api.md. */
#include "api/api.h"

#include "util/banned.h"

const struct http_route api_routes[] = {
    {HTTP_GET, "/api/health", api_health, HTTP_PUBLIC | HTTP_NO_SESSION},
    {HTTP_POST, "/api/session", api_session_create, HTTP_PUBLIC | HTTP_NO_CSRF},
    {HTTP_DELETE, "/api/session", api_session_delete, 0},
    {HTTP_GET, "/api/me", api_me_get, 0},
    {HTTP_PATCH, "/api/me", api_me_patch, 0},
    {HTTP_PUT, "/api/me/password", api_me_password, 0},
    {HTTP_GET, "/api/institution", api_institution_get, 0},
    {HTTP_GET, "/api/users", api_users_list, 0},
    {HTTP_POST, "/api/users", api_users_create, 0},
    {HTTP_POST, "/api/users/import", api_users_import, HTTP_BODY_CSV},
    {HTTP_GET, "/api/users/:id", api_users_get, 0},
    {HTTP_GET, "/api/classes", api_classes_list, 0},
    {HTTP_POST, "/api/classes", api_classes_create, 0},
    {HTTP_GET, "/api/classes/:id", api_classes_get, 0},
    {HTTP_POST, "/api/classes/:id/students", api_classes_enrol, 0},
    {HTTP_DELETE, "/api/classes/:id/students/:uid", api_classes_unenrol, 0},
    {HTTP_GET, "/api/lrs/clients", api_lrs_clients_list, 0},
    {HTTP_POST, "/api/lrs/clients", api_lrs_clients_create, 0},
    {HTTP_DELETE, "/api/lrs/clients/:id", api_lrs_clients_revoke, 0},
    {HTTP_GET, "/api/lrs/statements", api_lrs_statements, 0},
    {HTTP_GET, "/xapi/about", api_xapi_about, HTTP_XAPI_OPEN},
    {HTTP_PUT, "/xapi/statements", api_xapi_statements_put, HTTP_XAPI | HTTP_BODY_LARGE},
    {HTTP_POST, "/xapi/statements", api_xapi_statements_post, HTTP_XAPI | HTTP_BODY_LARGE},
    {HTTP_GET, "/xapi/statements", api_xapi_statements_get, HTTP_XAPI},
    {HTTP_GET, "/xapi/activities", api_xapi_activities_get, HTTP_XAPI},
    {HTTP_GET, "/xapi/agents", api_xapi_agents_get, HTTP_XAPI},
    {HTTP_PUT, "/xapi/activities/state", api_xapi_state_put, HTTP_XAPI | HTTP_BODY_LARGE},
    {HTTP_POST, "/xapi/activities/state", api_xapi_state_post, HTTP_XAPI | HTTP_BODY_LARGE},
    {HTTP_GET, "/xapi/activities/state", api_xapi_state_get, HTTP_XAPI},
    {HTTP_DELETE, "/xapi/activities/state", api_xapi_state_delete, HTTP_XAPI},
    {HTTP_PUT, "/xapi/activities/profile", api_xapi_activity_profile_put,
     HTTP_XAPI | HTTP_BODY_LARGE},
    {HTTP_POST, "/xapi/activities/profile", api_xapi_activity_profile_post,
     HTTP_XAPI | HTTP_BODY_LARGE},
    {HTTP_GET, "/xapi/activities/profile", api_xapi_activity_profile_get, HTTP_XAPI},
    {HTTP_DELETE, "/xapi/activities/profile", api_xapi_activity_profile_delete, HTTP_XAPI},
    {HTTP_PUT, "/xapi/agents/profile", api_xapi_agent_profile_put, HTTP_XAPI | HTTP_BODY_LARGE},
    {HTTP_POST, "/xapi/agents/profile", api_xapi_agent_profile_post, HTTP_XAPI | HTTP_BODY_LARGE},
    {HTTP_GET, "/xapi/agents/profile", api_xapi_agent_profile_get, HTTP_XAPI},
    {HTTP_DELETE, "/xapi/agents/profile", api_xapi_agent_profile_delete, HTTP_XAPI},
};

const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);

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
};

const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);

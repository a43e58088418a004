/* Internal to api/: what the xAPI handler files share. */
#ifndef CC_API_XAPI_H
#define CC_API_XAPI_H

#include <jansson.h>

#include "http/request.h"
#include "xapi/xapi.h"

/* Replies STATUS {"error":{code, "path: message", field: path}} for problem P. */
void api_xapi_reply_problem(struct http_request *req, unsigned status, const char *code,
                            const struct xapi_problem *p);

/* Replies 400 with message MSG ("xapi_param_missing" …) about parameter PARAM. */
void api_xapi_reply_param(struct http_request *req, const char *msg, const char *param);

/* 0 when the client has a scope of WANT; else replies 403. */
int api_xapi_scope_or_reply(struct http_request *req, unsigned want);

/*
 * The query parameter NAME parsed and validated as an Agent, with its key in
 * KEY; NULL when absent (replies 400 when REQUIRED) or invalid (replies 400).
 */
json_t *api_xapi_agent_param_or_reply(struct http_request *req, const char *name, int required,
                                      char *key, size_t size);

#endif

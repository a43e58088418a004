/* GET /api/health: is the server up? No session, no database. */
#include "api/api.h"

#include <string.h>

#include "util/banned.h"

void api_health(struct http_request *req)
{
    static const char body[] = "{\"status\":\"ok\",\"version\":\"" CC_VERSION "\"}";
    http_reply_empty(req, 200);
    if (buf_add(&req->out, body, sizeof(body) - 1)) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    req->content_type = "application/json; charset=utf-8";
}

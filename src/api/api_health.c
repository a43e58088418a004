/* GET /api/health: is the server up? No session, no database. */
#include "api/api.h"

#include "util/banned.h"

void api_health(struct http_request *req)
{
    static struct http_constant ok = {200, "application/json; charset=utf-8",
                                      "{\"status\":\"ok\",\"version\":\"" CC_VERSION "\"}", NULL,
                                      NULL};
    http_reply_constant(req, &ok);
}

#include <string.h>

#include "xapi/xapi.h"
#include "util/banned.h"

enum xapi_version xapi_version_parse(const char *h)
{
    if (!h)
        return 0;
    /* "1.0", "1.0.0" … "1.0.9"; "2.0", "2.0.0" … : a patch level we do not know is still that
     * version. */
    if (strncmp(h, "1.0", 3) == 0 && (h[3] == 0 || (h[3] == '.' && h[4] >= '0' && h[4] <= '9')))
        return XAPI_V103;
    if (strncmp(h, "2.0", 3) == 0 && (h[3] == 0 || (h[3] == '.' && h[4] >= '0' && h[4] <= '9')))
        return XAPI_V20;
    return 0;
}

const char *xapi_version_name(enum xapi_version v)
{
    return v == XAPI_V103 ? "1.0.3" : "2.0.0";
}

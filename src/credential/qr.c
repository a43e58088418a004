#include "credential/qr.h"

#include <qrencode.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/banned.h"

char *qr_svg(const char *text)
{
    size_t n = text ? strlen(text) : 0;
    if (!n || n > QR_TEXT_MAX)
        return NULL;
    QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (!q)
        return NULL;
    int w = q->width, size = w + 8;
    struct buf b;
    buf_init(&b, 4u << 20);
    int err =
        buf_addf(&b,
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                 "shape-rendering=\"crispEdges\" role=\"img\">"
                 "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/><path fill=\"#000000\" d=\"",
                 size, size, size, size);
    /* One path of unit squares: rows of dark modules as horizontal runs. */
    for (int y = 0; y < w && !err; y++)
        for (int x = 0; x < w && !err; x++) {
            if (!(q->data[y * w + x] & 1))
                continue;
            int run = 1;
            while (x + run < w && (q->data[y * w + x + run] & 1))
                run++;
            err = buf_addf(&b, "M%d %dh%dv1h-%dz", x + 4, y + 4, run, run);
            x += run - 1;
        }
    err = err || buf_adds(&b, "\"/></svg>");
    QRcode_free(q);
    if (err) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

#include "util/embedded.h"

#include <string.h>

const struct embedded_file *embedded_find(const struct embedded_file *files, size_t count,
                                          const char *path)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(path, files[mid].path);
        if (c == 0)
            return &files[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

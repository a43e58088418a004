/* Files embedded into the binary at build time (see scripts/embed.c). */
#ifndef CC_UTIL_EMBEDDED_H
#define CC_UTIL_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *path; /* "/index.html": relative to the embedded folder, leading '/' */
    const unsigned char *data;
    size_t size;
};

/* The web UI (web/), the SQL migrations (schema/) and the bundled content
 * (content/: frameworks, checklists…), each sorted by path. */
extern const struct embedded_file web_assets[];
extern const size_t web_assets_count;
extern const struct embedded_file schema_files[];
extern const size_t schema_files_count;
extern const struct embedded_file content_files[];
extern const size_t content_files_count;

/* Finds PATH in a sorted table of COUNT files; NULL when absent. */
const struct embedded_file *embedded_find(const struct embedded_file *files, size_t count,
                                          const char *path);

#endif

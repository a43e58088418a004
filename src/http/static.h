/*
 * The web UI's files: from the copy embedded at build time (responses built
 * once at start-up, with ETags), or from a folder on disk while developing.
 * /vendor/ (libraries copied from npm packages at build time) is always the
 * embedded copy.
 */
#ifndef CC_HTTP_STATIC_H
#define CC_HTTP_STATIC_H

#include "http/request.h"

/* Builds the responses of the embedded files. Returns 0 or -1. */
int http_static_init(void) __attribute__((warn_unused_result));

/* Frees them. */
void http_static_release(void);

/* Serves REQ's path: a file, index.html for a path without an extension, or 404. */
void http_static_serve(struct http_request *req, const char *web_dir);

/* The Content-Type of a file name by its extension. */
const char *http_content_type(const char *path);

#endif

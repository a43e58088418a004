/*
 * The JSON-LD contexts CareCampus knows: the VC v1 and v2, Open Badges 3.0.x,
 * CLR 2.0, Bitstring Status List and Data Integrity contexts, compiled into the
 * binary from the npm packages that ship them (scripts/jsonld-contexts.mjs).
 * Nothing is ever fetched: a context URL that is not in this table is an
 * error ("context not bundled").
 */
#ifndef CC_CREDENTIAL_CONTEXTS_H
#define CC_CREDENTIAL_CONTEXTS_H

#include <jansson.h>
#include <stddef.h>

#include "util/embedded.h"

/* The table, sorted by URL (the path field holds the URL), and the package each came from. */
extern const struct embedded_file jsonld_bundled_contexts[];
extern const size_t jsonld_bundled_contexts_count;
extern const char *const jsonld_bundled_context_sources[];

#define JSONLD_CONTEXT_VC_V2     "https://www.w3.org/ns/credentials/v2"
#define JSONLD_CONTEXT_VC_V1     "https://www.w3.org/2018/credentials/v1"
#define JSONLD_CONTEXT_OB_V3     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#define JSONLD_CONTEXT_CLR_V2    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
#define JSONLD_CONTEXT_OB_EXT    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
#define JSONLD_CONTEXT_STATUS_V1 "https://www.w3.org/ns/credentials/status/v1"

/*
 * The parsed document of context URL (the whole document, {"@context": ...}),
 * or NULL when it is not bundled. Documents are parsed once per process, on
 * first use, and never freed; the result is shared and must not be changed.
 * Safe to call from several threads.
 */
const json_t *jsonld_context_document(const char *url);

#endif

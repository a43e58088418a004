/*
 * Statement attachments: the raw parts that come with statements in a
 * multipart/mixed request, matched to the attachments the statements
 * declare (by SHA-256), signatures (JWS) checked, stored beside the
 * statements and sent back with them when asked.
 */
#ifndef CC_XAPI_ATTACHMENTS_H
#define CC_XAPI_ATTACHMENTS_H

#include <jansson.h>
#include <stddef.h>

#include "store/store.h"
#include "util/buf.h"
#include "xapi/multipart.h"
#include "xapi/xapi.h"

#define XAPI_SIGNATURE_USAGE "http://adlnet.gov/expapi/attachments/signature"

/* One attachment's content, pointing into a request or a stored row. */
struct xapi_blob {
    char sha2[65];
    const char *content_type;
    const char *data;
    size_t len;
};

/*
 * Checks the parts of M after the first (the statements) against STATEMENTS:
 * each part has Content-Transfer-Encoding: binary and an X-Experience-API-Hash
 * equal to the SHA-256 of its content; each attachment declared without a
 * fileUrl has its part; no part is left over; signatures are valid JWS
 * (RS256/384/512) over the statement. Fills BLOBS (at most
 * MULTIPART_MAX_PARTS) with the parts to store.
 */
int xapi_attachments_check(const json_t *statements, const struct multipart *m,
                           struct xapi_blob *blobs, size_t *nblobs, struct xapi_problem *p)
    __attribute__((warn_unused_result));

/* Checks that STATEMENTS (sent as plain JSON) declare no attachment that needs a part. */
int xapi_attachments_need_none(const json_t *statements, struct xapi_problem *p)
    __attribute__((warn_unused_result));

/* Stores BLOBS of INSTITUTION (inside the caller's transaction). */
int xapi_attachments_store(struct store *db, int64_t institution, const struct xapi_blob *blobs,
                           size_t n) __attribute__((warn_unused_result));

/*
 * Writes the parts for every attachment (with content) of the statements in
 * the JSON text STATEMENTS to OUT as multipart parts after BOUNDARY (no
 * closing delimiter), each once.
 */
int xapi_attachments_write_parts(struct store *db, int64_t institution, const json_t *statements,
                                 const char *boundary, struct buf *out)
    __attribute__((warn_unused_result));

/* Verifies the JWS compact serialization SIG (LEN bytes) of STATEMENT. */
int xapi_jws_verify(const char *sig, size_t len, const json_t *statement, struct xapi_problem *p)
    __attribute__((warn_unused_result));

#endif

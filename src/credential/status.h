/*
 * W3C Bitstring Status List v1.0: the encoding of a status list (bit I says
 * whether the credential with statusListIndex I is revoked; bit 0 is the most
 * significant bit of the first byte), GZIP-compressed and multibase base64url
 * encoded ("u" + base64url without padding), and the checks of a
 * BitstringStatusListEntry against such a list.
 */
#ifndef CC_CREDENTIAL_STATUS_H
#define CC_CREDENTIAL_STATUS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The bits of one list CareCampus issues: the minimum the specification asks for (herd privacy). */
#define STATUS_LIST_BITS  131072
#define STATUS_LIST_BYTES (STATUS_LIST_BITS / 8)
/* The largest list accepted from others when decoding (16 MiB of bits). */
#define STATUS_DECODED_MAX (16u << 20)
/* The longest encodedList accepted. */
#define STATUS_ENCODED_MAX (4u << 20)

enum status_error {
    STATUS_OK = 0,
    STATUS_ERR_NOMEM = -1,
    STATUS_ERR_INVALID = -2, /* not "u" + base64url, not GZIP, or too large or small */
};

/* Bit INDEX of BITS (MSB first). */
int status_bit_get(const unsigned char *bits, size_t index);

/* Sets bit INDEX of BITS (MSB first) to VALUE (0 or 1). */
void status_bit_set(unsigned char *bits, size_t index, int value);

/*
 * The encodedList of the N bytes BITS: "u" + base64url(GZIP(BITS)) without
 * padding, in *OUT (cc_free it).
 */
int status_encode(const unsigned char *bits, size_t n, char **out)
    __attribute__((warn_unused_result));

/*
 * Decodes ENCODED (an encodedList: "u" + base64url, with or without padding,
 * of GZIP data) into *BITS (cc_free it) of *N bytes, at most
 * STATUS_DECODED_MAX. Lists shorter than the specification's 16 KiB are
 * accepted (they are only less private).
 */
int status_decode(const char *encoded, unsigned char **bits, size_t *n)
    __attribute__((warn_unused_result));

/* The parts of a BitstringStatusListEntry. */
struct status_entry {
    char purpose[32];    /* "revocation", "suspension", ... */
    char list_url[1024]; /* statusListCredential */
    uint64_t index;      /* statusListIndex */
};

/*
 * Reads ENTRY (a credentialStatus object) into *OUT. Returns 1 when it is a
 * BitstringStatusListEntry with its fields, 0 when it is another kind of
 * status (not checked), -1 when it is a malformed BitstringStatusListEntry
 * (WHY, 160 bytes, says what).
 */
int status_entry_read(const json_t *entry, struct status_entry *out, char *why);

#endif

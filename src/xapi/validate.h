/*
 * The building blocks of xAPI validation: the formats of the special data
 * types (UUID, IRI, RFC 5646 language tag, ISO 8601 duration and timestamp,
 * mailto IRI, SHA-1 hex) and Agents/Groups. xapi/statement.c validates whole
 * statements with them; the resources use them for query parameters
 * ("agent", "verb", "registration", "since") and document ids.
 *
 * The format checks take NUL-terminated UTF-8 and return 1 when the string is
 * valid, 0 when not. They do not allocate and run in one pass.
 */
#ifndef CC_XAPI_VALIDATE_H
#define CC_XAPI_VALIDATE_H

#include <jansson.h>
#include <stddef.h>

#include "xapi/xapi.h"

/*
 * A UUID in the standard string form: 8-4-4-4-12 hexadecimal digits, upper or
 * lower case (RFC 4122 reads them case-insensitively), with the RFC 4122
 * variant (the first digit of the fourth group is 8, 9, a or b). The version
 * digit is not checked, so v1 to v8 all pass; the nil UUID does not.
 */
int xapi_uuid_valid(const char *s);

/*
 * Parses a UUID that xapi_uuid_valid() accepts into its 16 bytes, so that two
 * spellings differing only in case compare equal. Returns 0, or -1 when S is
 * not a valid UUID.
 */
int xapi_uuid_parse(const char *s, unsigned char out[16]) __attribute__((warn_unused_result));

/*
 * An absolute IRI: a scheme (a letter, then letters, digits, "+", "-", ".")
 * and ":", then at least one character, none of them a space, a control
 * character or one of < > " { } | \ ^ `; "%" only as a %XX escape; at most
 * one "#". Non-ASCII characters are allowed (that is what makes it an IRI).
 * Used for every IRI and IRL of xAPI: ids, types, moreInfo, homePage,
 * openid, fileUrl, usageType and extension keys.
 */
int xapi_iri_valid(const char *s);

/*
 * A well-formed RFC 5646 language tag ("en", "en-US", "zh-Hans-CN", "cmn",
 * "sr-Latn-RS", "x-private", "i-klingon"), with the two extra checks of
 * RFC 5646 section 2.2.9 that need no registry: no variant and no extension
 * singleton may appear twice ("zh-z-aaa-z-bbb" is rejected). Case-insensitive.
 */
int xapi_lang_tag_valid(const char *s);

/*
 * An ISO 8601:2004 duration in the format of section 4.4.3.2:
 * P[nY][nM][nD][T[nH][nM][nS]] with at least one part and at least one part
 * after a T, or PnW alone. The lowest part present may have a decimal
 * fraction ("PT0.12567S", "P1.5Y"); "." or "," separates it. The
 * alternative format (P0003-01-29T...) is rejected, as xAPI requires.
 */
int xapi_duration_valid(const char *s);

/*
 * A Timestamp as xAPI version V requires it.
 *
 * XAPI_V103: ISO 8601 combined date and time, in the extended
 * (2024-05-04T17:00:00.123Z) or the basic (20240504T170000.123Z) format but
 * not a mix of them; seconds and their fraction optional; a time zone
 * optional (Z, +hh, +hh:mm in the extended or +hhmm in the basic format).
 *
 * XAPI_V20: RFC 3339 date-time (what the 2.0 conformance implementations
 * enforce): YYYY-MM-DDThh:mm:ss[.fraction] and a required offset, Z or
 * +hh:mm; "t" and "z" may be lower case.
 *
 * Both: the calendar is checked (months, days of the month, leap years,
 * hours 00-23, minutes 00-59, seconds 00-60), and a negative zero offset
 * (-00, -0000, -00:00), which ISO 8601 forbids, is rejected.
 */
int xapi_timestamp_valid(const char *s, enum xapi_version v);

/*
 * An "mbox": "mailto:" (lower case, as xAPI writes it) and an email address:
 * a local part of letters, digits, non-ASCII characters, %XX escapes and
 * ! # $ & ' * + - . / = ^ _ ` { | } ~, one "@", and a domain of labels
 * (letters, digits, "-", non-ASCII) separated by single dots.
 */
int xapi_mbox_valid(const char *s);

/* An "mbox_sha1sum": exactly 40 hexadecimal digits, either case. */
int xapi_sha1_hex_valid(const char *s);

/*
 * Paths of problems. A validator keeps the JSON path of the value it looks at
 * in a struct xapi_path as a stack of segments (pointers to the keys, which
 * must outlive the path, and array indexes) and renders it only when
 * something is wrong, so a valid statement costs no formatting. Rendered,
 * keys that are identifiers read ".key", others (IRIs, language tags)
 * ["key"] escaped like JSON strings, and array elements "[i]". Segments past
 * XAPI_PATH_DEPTH are counted (so that pops stay right) but not kept, and
 * render as "…".
 */
#define XAPI_PATH_DEPTH 64

struct xapi_path {
    const char *prefix; /* rendered first: "", "actor", "[3]" */
    size_t depth;
    struct {
        const char *key; /* NULL for an array index */
        size_t index;
        int entry; /* a map entry: always ["key"] */
    } seg[XAPI_PATH_DEPTH];
};

/*
 * Sets PATH to PREFIX ("" or NULL for the top level, "actor", "[3]"), which
 * must stay valid as long as PATH is used.
 */
void xapi_path_init(struct xapi_path *path, const char *prefix);

/* Appends the member KEY; returns the depth before, for xapi_path_pop(). */
size_t xapi_path_key(struct xapi_path *path, const char *key);

/*
 * Appends the key KEY of a map (a language map, extensions), which always
 * renders as ["key"], so that display["en"] reads as a map entry and not a
 * property. Returns the depth before, for xapi_path_pop().
 */
size_t xapi_path_entry(struct xapi_path *path, const char *key);

/* Appends the array index I; returns the depth before, for xapi_path_pop(). */
size_t xapi_path_index(struct xapi_path *path, size_t i);

/* Goes back to what xapi_path_key(), _entry() or _index() returned. */
void xapi_path_pop(struct xapi_path *path, size_t mark);

/*
 * Writes PATH as text into OUT (SIZE > 0 bytes), cut at a character boundary
 * when it does not fit; returns the length written.
 */
size_t xapi_path_render(const struct xapi_path *path, char *out, size_t size);

/*
 * Fills P with PATH, the message id MSG (xapi/messages.h) and its argument
 * ARG (NULL when the message has none); returns XAPI_ERR_INVALID so that a
 * validator can `return xapi_problem_set(...)`.
 */
int xapi_problem_set(struct xapi_problem *p, const struct xapi_path *path, const char *msg,
                     const char *arg);

/*
 * The problem for a value of the wrong type: "xapi_null" when V is null
 * (null is allowed only as an extension value), MSG otherwise. Returns
 * XAPI_ERR_INVALID.
 */
int xapi_value_problem(const json_t *v, const struct xapi_path *path, struct xapi_problem *p,
                       const char *msg);

/*
 * XAPI_OK and the string in *OUT when V is a JSON string without a NUL in it;
 * otherwise XAPI_ERR_INVALID with "must be a string" (or "must not be null")
 * at PATH.
 */
int xapi_string_check(const json_t *v, const struct xapi_path *path, struct xapi_problem *p,
                      const char **out) __attribute__((warn_unused_result));

/*
 * Checks that the object OBJ has only the properties ALLOWED (a NULL-ended
 * list, matched case-sensitively) and that none of them is null, except the
 * property NULLABLE (NULL: none), which the caller treats as absent when
 * null. A property that differs only in case gets "xapi_property_case"
 * naming the right spelling, another one "xapi_property_unknown" naming KIND
 * ("Agent", "Activity Definition"). Returns XAPI_OK or XAPI_ERR_INVALID;
 * PATH is where OBJ is and comes back unchanged when all is well.
 */
int xapi_keys_check(const json_t *obj, const char *const *allowed, const char *nullable,
                    const char *kind, struct xapi_path *path, struct xapi_problem *p)
    __attribute__((warn_unused_result));

/*
 * xapi_agent_validate() for a validator that already keeps a PATH (where
 * AGENT is); PATH comes back unchanged when all is well.
 */
int xapi_agent_check(const json_t *agent, enum xapi_version v, struct xapi_path *path,
                     struct xapi_problem *p) __attribute__((warn_unused_result));

/*
 * Validates an Agent or a Group (objectType "Agent", absent, or "Group"):
 * only its own properties, each of the right type and case; an Agent has
 * exactly one inverse functional identifier (mbox, mbox_sha1sum, openid,
 * account); a Group has at most one, and an anonymous Group (none) lists at
 * least one member; members are Agents; an account has an IRL homePage and a
 * string name. PATH is where AGENT sits ("actor", "context.team", "agent" for
 * a query parameter) and prefixes the path of a problem. Returns XAPI_OK or
 * XAPI_ERR_INVALID with P filled in.
 *
 * What depends on the role is left to the caller: that a team is a Group, an
 * object Agent names its objectType, an authority Group is anonymous with two
 * members.
 */
int xapi_agent_validate(const json_t *agent, enum xapi_version v, const char *path,
                        struct xapi_problem *p) __attribute__((warn_unused_result));

/*
 * Writes into OUT (SIZE bytes) the identity of a validated Agent or
 * identified Group, for indexes and the "agent" filter: a string that is
 * equal for two agents exactly when they have the same inverse functional
 * identifier (xAPI does not relate an mbox to its mbox_sha1sum, nor does
 * this):
 *
 *   mbox:<the mbox as sent>            mbox:mailto:learner@example.org
 *   mbox_sha1sum:<40 hex, lower case>  mbox_sha1sum:cd9b00a5611f94eaa7b1661edab976068e364975
 *   openid:<the openid as sent>        openid:https://openid.example.org/learner
 *   account:<homePage> <name>          account:https://lms.example.org 12345
 *
 * (a homePage, being an IRI, has no space, so the first space ends it). The
 * kind of agent (Agent or Group) is not part of the key. Returns 0; -1 when
 * AGENT has no identifier (an anonymous Group, or not an object); and
 * XAPI_ERR_NOMEM when OUT is too small, OUT then being "".
 */
int xapi_agent_key(const json_t *agent, char *out, size_t size) __attribute__((warn_unused_result));

#endif

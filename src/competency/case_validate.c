/*
 * Reading and checking a CASE 1.1 package without the database: the JSON, the
 * types and required fields of the CASE 1.1 JSON binding (CFPckg* types),
 * identifiers, CareCampus's extensions, duplicates and the isChildOf tree.
 * Every problem is recorded with the path it is about; checking goes on after
 * a problem so that one report lists them all.
 */
#include <stdio.h>
#include <string.h>

#include "competency/case_internal.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/timeutil.h"
#include "xapi/validate.h"
#include "util/banned.h"

/* The path being checked, built up and taken down as the walk goes. */
struct vctx {
    struct case_report *r;
    struct case_pkg *p;
    char path[160];
    size_t len;
    int nomem;
};

static size_t push_raw(struct vctx *c, const char *s)
{
    size_t mark = c->len, n = strlen(s);
    if (c->len + n + 1 < sizeof(c->path)) {
        memcpy(c->path + c->len, s, n + 1);
        c->len += n;
    } else if (c->len + 4 < sizeof(c->path)) {
        /* Too long to show whole: cut at a character boundary and say so. */
        size_t room = sizeof(c->path) - c->len - 4;
        while (room && ((unsigned char)s[room] & 0xC0) == 0x80)
            room--;
        memcpy(c->path + c->len, s, room);
        memcpy(c->path + c->len + room, "…", 4);
        c->len = sizeof(c->path) - 1;
        c->path[c->len] = 0;
    }
    return mark;
}

/* ".key", or ["key"] when the key is not a plain name (extension IRIs, "zh-CN"). */
static size_t push_key(struct vctx *c, const char *key)
{
    int plain = *key != 0;
    for (const char *k = key; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '_'))
            plain = 0;
    size_t mark = c->len;
    if (plain) {
        if (c->len)
            push_raw(c, ".");
        push_raw(c, key);
    } else {
        push_raw(c, "[\"");
        push_raw(c, key);
        push_raw(c, "\"]");
    }
    return mark;
}

static size_t push_index(struct vctx *c, size_t i)
{
    char b[32];
    snprintf(b, sizeof(b), "[%zu]", i);
    return push_raw(c, b);
}

static void pop(struct vctx *c, size_t mark)
{
    c->len = mark;
    c->path[mark] = 0;
}

static void problem(struct vctx *c, int warning, const char *msg, const char *arg)
{
    case_report_add(c->r, warning, c->path, msg, arg);
}

#define ERROR(c, msg, arg) problem((c), 0, (msg), (arg))
#define WARN(c, msg, arg)  problem((c), 1, (msg), (arg))

/* ---- Values ---- */

int case_uuid_valid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        char ch = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (ch != '-')
                return 0;
        } else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

static int date_valid(const char *s)
{
    int64_t ms;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    return time_parse_iso8601(s, &ms) == 0;
}

static int datetime_valid(const char *s)
{
    int64_t ms;
    return strlen(s) > 10 && s[10] == 'T' && time_parse_iso8601(s, &ms) == 0;
}

/* "ext:" and then letters, digits, ".", "-" or "_": the CASE 1.1 extension of a vocabulary. */
static int ext_term(const char *s)
{
    if (strncmp(s, "ext:", 4) != 0 || !s[4])
        return 0;
    for (s += 4; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

static const char *const association_types[] = {
    "isChildOf",   "isPeerOf",   "isPartOf", "exactMatchOf",  "precedes",
    "isRelatedTo", "replacedBy", "exemplar", "hasSkillLevel", "isTranslationOf",
};

static int association_type_valid(const char *s)
{
    for (size_t i = 0; i < sizeof(association_types) / sizeof(association_types[0]); i++)
        if (strcmp(s, association_types[i]) == 0)
            return 1;
    return ext_term(s);
}

/* ---- Fields of the objects ---- */

enum ftype {
    T_STR,       /* a string */
    T_NONEMPTY,  /* a string with something in it */
    T_CODE,      /* a short string (≤ CASE_MAX_CODE bytes) */
    T_URI,       /* an absolute URI */
    T_UUID,      /* a lowercase UUID */
    T_DATETIME,  /* 2026-11-29T00:00:00+00:00 */
    T_DATE,      /* 2026-11-29 */
    T_LANG,      /* a language tag (a warning when it is not one) */
    T_STRS,      /* an array of strings */
    T_LINK,      /* LinkURI: {title, identifier (UUID), uri} */
    T_LINKS,     /* an array of LinkURI */
    T_LINKGEN,   /* LinkGenURI: {title, identifier (any), uri, targetType} */
    T_INT,       /* an int32 */
    T_NUM,       /* a number */
    T_EXT,       /* extensions: an object */
    T_EXTS,      /* extensions of a criterion level: an object or an array of objects */
    T_VERSION,   /* caseVersion: "1.1" */
    T_ASSOCTYPE, /* associationType */
    T_TARGET,    /* targetType: "CASE" or ext:… */
    T_ARRAY,     /* an array its owner checks */
};

struct field {
    const char *name;
    unsigned char type, required;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct field document_fields[] = {
    {"identifier", T_UUID, 1},
    {"uri", T_URI, 1},
    {"frameworkType", T_STR, 0},
    {"caseVersion", T_VERSION, 0},
    {"creator", T_NONEMPTY, 1},
    {"title", T_NONEMPTY, 1},
    {"lastChangeDateTime", T_DATETIME, 1},
    {"officialSourceURL", T_URI, 0},
    {"publisher", T_STR, 0},
    {"description", T_STR, 0},
    {"subject", T_STRS, 0},
    {"subjectURI", T_LINKS, 0},
    {"language", T_LANG, 0},
    {"version", T_STR, 0},
    {"adoptionStatus", T_STR, 0},
    {"statusStartDate", T_DATE, 0},
    {"statusEndDate", T_DATE, 0},
    {"licenseURI", T_LINK, 0},
    {"notes", T_STR, 0},
    {"extensions", T_EXT, 0},
    /* Outside a package a CFDocument carries its package's link; CASE 1.0 packages often keep it.
     */
    {"CFPackageURI", T_LINK, 0},
};

static const struct field item_fields[] = {
    {"identifier", T_UUID, 1},
    {"fullStatement", T_NONEMPTY, 1},
    {"alternativeLabel", T_STR, 0},
    {"CFItemType", T_CODE, 0},
    {"uri", T_URI, 1},
    {"humanCodingScheme", T_CODE, 0},
    {"listEnumeration", T_CODE, 0},
    {"abbreviatedStatement", T_STR, 0},
    {"conceptKeywords", T_STRS, 0},
    {"conceptKeywordsURI", T_LINK, 0},
    {"notes", T_STR, 0},
    {"subject", T_STRS, 0},
    {"subjectURI", T_LINKS, 0},
    {"language", T_LANG, 0},
    {"educationLevel", T_STRS, 0},
    {"CFItemTypeURI", T_LINK, 0},
    {"licenseURI", T_LINK, 0},
    {"statusStartDate", T_DATE, 0},
    {"statusEndDate", T_DATE, 0},
    {"lastChangeDateTime", T_DATETIME, 1},
    {"extensions", T_EXT, 0},
    {"CFDocumentURI", T_LINK, 0},
};

static const struct field association_fields[] = {
    {"identifier", T_UUID, 1},
    {"associationType", T_ASSOCTYPE, 1},
    {"sequenceNumber", T_INT, 0},
    {"uri", T_URI, 1},
    {"originNodeURI", T_LINKGEN, 1},
    {"destinationNodeURI", T_LINKGEN, 1},
    {"CFAssociationGroupingURI", T_LINK, 0},
    {"lastChangeDateTime", T_DATETIME, 1},
    {"notes", T_STR, 0},
    {"extensions", T_EXT, 0},
    {"CFDocumentURI", T_LINK, 0},
};

static const struct field link_fields[] = {
    {"title", T_STR, 1},
    {"identifier", T_UUID, 1},
    {"uri", T_URI, 1},
};

static const struct field linkgen_fields[] = {
    {"title", T_STR, 1},
    {"identifier", T_CODE, 1},
    {"uri", T_URI, 1},
    {"targetType", T_TARGET, 0},
};

static const struct field concept_fields[] = {
    {"identifier", T_UUID, 1},
    {"uri", T_URI, 1},
    {"title", T_NONEMPTY, 1},
    {"keywords", T_STR, 0},
    {"hierarchyCode", T_STR, 1},
    {"description", T_STR, 0},
    {"lastChangeDateTime", T_DATETIME, 1},
    {"extensions", T_EXT, 0},
};

static const struct field subject_fields[] = {
    {"identifier", T_UUID, 1},   {"uri", T_URI, 1},         {"title", T_NONEMPTY, 1},
    {"hierarchyCode", T_STR, 1}, {"description", T_STR, 0}, {"lastChangeDateTime", T_DATETIME, 1},
    {"extensions", T_EXT, 0},
};

static const struct field license_fields[] = {
    {"identifier", T_UUID, 1}, {"uri", T_URI, 1},         {"title", T_NONEMPTY, 1},
    {"description", T_STR, 0}, {"licenseText", T_STR, 1}, {"lastChangeDateTime", T_DATETIME, 1},
    {"extensions", T_EXT, 0},
};

static const struct field item_type_fields[] = {
    {"identifier", T_UUID, 1},
    {"uri", T_URI, 1},
    {"title", T_NONEMPTY, 1},
    {"description", T_STR, 1},
    {"hierarchyCode", T_STR, 1},
    {"typeCode", T_STR, 0},
    {"lastChangeDateTime", T_DATETIME, 1},
    {"extensions", T_EXT, 0},
};

static const struct field grouping_fields[] = {
    {"identifier", T_UUID, 1},
    {"uri", T_URI, 1},
    {"title", T_NONEMPTY, 1},
    {"description", T_STR, 0},
    {"lastChangeDateTime", T_DATETIME, 1},
    {"extensions", T_EXT, 0},
};

static const struct field rubric_fields[] = {
    {"identifier", T_UUID, 1},
    {"uri", T_URI, 1},
    {"title", T_STR, 0},
    {"description", T_STR, 0},
    {"lastChangeDateTime", T_DATETIME, 1},
    {"CFRubricCriteria", T_ARRAY, 0},
    {"extensions", T_EXT, 0},
};

static const struct field criterion_fields[] = {
    {"identifier", T_UUID, 1},
    {"uri", T_URI, 1},
    {"category", T_STR, 0},
    {"description", T_STR, 0},
    {"CFItemURI", T_LINK, 0},
    {"weight", T_NUM, 0},
    {"position", T_INT, 0},
    {"rubricId", T_UUID, 0},
    {"lastChangeDateTime", T_DATETIME, 1},
    {"CFRubricCriterionLevels", T_ARRAY, 0},
    {"extensions", T_EXT, 0},
};

static const struct field level_fields[] = {
    {"identifier", T_UUID, 1},
    {"uri", T_URI, 1},
    {"description", T_STR, 0},
    {"quality", T_STR, 0},
    {"score", T_NUM, 0},
    {"feedback", T_STR, 0},
    {"position", T_INT, 0},
    {"rubricCriterionId", T_UUID, 0},
    {"lastChangeDateTime", T_DATETIME, 1},
    {"extensions", T_EXTS, 0},
};

static void check_object(struct vctx *c, const json_t *obj, const struct field *f, size_t n);

static void check_extensions(struct vctx *c, const json_t *ext);

static void check_link(struct vctx *c, const json_t *v, int gen)
{
    if (!json_is_object(v)) {
        ERROR(c, "case_not_object", NULL);
        return;
    }
    if (gen)
        check_object(c, v, linkgen_fields, N(linkgen_fields));
    else
        check_object(c, v, link_fields, N(link_fields));
}

/* Checks V, the value of a field of type T at the current path. */
static void check_value(struct vctx *c, const json_t *v, enum ftype t)
{
    const char *s = json_string_value(v);
    size_t i, mark;
    const json_t *e;
    switch (t) {
    case T_STR:
    case T_NONEMPTY:
    case T_CODE:
    case T_URI:
    case T_UUID:
    case T_DATETIME:
    case T_DATE:
    case T_LANG:
    case T_VERSION:
    case T_ASSOCTYPE:
    case T_TARGET:
        if (!s) {
            ERROR(c, "case_not_string", NULL);
            return;
        }
        break;
    default:
        break;
    }
    switch (t) {
    case T_STR:
        break;
    case T_NONEMPTY:
        if (!*s)
            ERROR(c, "case_empty", NULL);
        break;
    case T_CODE:
        if (!*s)
            ERROR(c, "case_empty", NULL);
        else if (json_string_length(v) > CASE_MAX_CODE)
            ERROR(c, "case_code_too_long", NULL);
        break;
    case T_URI:
        if (json_string_length(v) > CASE_MAX_URI || !xapi_iri_valid(s))
            ERROR(c, "case_uri", NULL);
        break;
    case T_UUID:
        if (!case_uuid_valid(s))
            ERROR(c, "case_uuid", NULL);
        else if (!strchr("89ab", s[19]))
            WARN(c, "case_uuid_variant", NULL);
        break;
    case T_DATETIME:
        if (!datetime_valid(s))
            ERROR(c, "case_datetime", NULL);
        break;
    case T_DATE:
        if (!date_valid(s))
            ERROR(c, "case_date", NULL);
        break;
    case T_LANG:
        if (!xapi_lang_tag_valid(s))
            WARN(c, "case_language", NULL);
        break;
    case T_VERSION:
        if (strcmp(s, "1.1") != 0)
            ERROR(c, "case_version", NULL);
        break;
    case T_ASSOCTYPE:
        if (!association_type_valid(s))
            ERROR(c, "case_association_type", NULL);
        break;
    case T_TARGET:
        if (strcmp(s, "CASE") != 0 && !ext_term(s))
            ERROR(c, "case_target_type", NULL);
        break;
    case T_STRS:
        if (!json_is_array(v)) {
            ERROR(c, "case_not_array", NULL);
            break;
        }
        json_array_foreach (v, i, e) {
            mark = push_index(c, i);
            if (!json_is_string(e))
                ERROR(c, "case_not_string", NULL);
            pop(c, mark);
        }
        break;
    case T_LINK:
    case T_LINKGEN:
        check_link(c, v, t == T_LINKGEN);
        break;
    case T_LINKS:
        if (!json_is_array(v)) {
            ERROR(c, "case_not_array", NULL);
            break;
        }
        json_array_foreach (v, i, e) {
            mark = push_index(c, i);
            check_link(c, e, 0);
            pop(c, mark);
        }
        break;
    case T_INT:
        if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
            json_integer_value(v) > INT32_MAX)
            ERROR(c, "case_not_int32", NULL);
        break;
    case T_NUM:
        if (!json_is_number(v))
            ERROR(c, "case_not_number", NULL);
        break;
    case T_EXT:
        if (!json_is_object(v))
            ERROR(c, "case_not_object", NULL);
        else
            check_extensions(c, v);
        break;
    case T_EXTS:
        if (json_is_object(v)) {
            check_extensions(c, v);
        } else if (json_is_array(v)) {
            json_array_foreach (v, i, e) {
                mark = push_index(c, i);
                if (!json_is_object(e))
                    ERROR(c, "case_not_object", NULL);
                else
                    check_extensions(c, e);
                pop(c, mark);
            }
        } else {
            ERROR(c, "case_not_object", NULL);
        }
        break;
    case T_ARRAY:
        if (!json_is_array(v))
            ERROR(c, "case_not_array", NULL);
        break;
    default:
        break;
    }
}

/* Checks the fields F of OBJ (an object): required ones present, each of its type. */
static void check_object(struct vctx *c, const json_t *obj, const struct field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(obj, f[i].name);
        size_t mark = push_key(c, f[i].name);
        if (!v) {
            if (f[i].required)
                ERROR(c, "case_required", NULL);
        } else {
            check_value(c, v, (enum ftype)f[i].type);
        }
        pop(c, mark);
    }
    /* Members CASE 1.1 does not define: kept as they are, but said. */
    const char *key;
    const json_t *v;
    json_object_foreach ((json_t *)obj, key, v) {
        size_t i = 0;
        while (i < n && strcmp(f[i].name, key) != 0)
            i++;
        if (i == n) {
            size_t mark = push_key(c, key);
            WARN(c, "case_unknown_property", NULL);
            pop(c, mark);
        }
    }
}

/* CareCampus's extensions, wherever they appear: translations, levels, critical. */
static void check_extensions(struct vctx *c, const json_t *ext)
{
    const json_t *tr = json_object_get(ext, CASE_EXT_TRANSLATIONS);
    size_t mark = push_key(c, CASE_EXT_TRANSLATIONS);
    if (tr && !json_is_object(tr)) {
        ERROR(c, "case_not_object", NULL);
    } else if (tr) {
        const char *lang;
        const json_t *texts;
        json_object_foreach ((json_t *)tr, lang, texts) {
            size_t m2 = push_key(c, lang);
            if (strcmp(lang, "en") != 0 && strcmp(lang, "zh-CN") != 0)
                WARN(c, "case_translation_lang", NULL);
            if (!json_is_object(texts)) {
                ERROR(c, "case_not_object", NULL);
            } else {
                const char *k;
                const json_t *t;
                json_object_foreach ((json_t *)texts, k, t) {
                    size_t m3 = push_key(c, k);
                    if (!json_is_string(t))
                        ERROR(c, "case_not_string", NULL);
                    pop(c, m3);
                }
            }
            pop(c, m2);
        }
        for (int i = 0; i < 2; i++) {
            const char *want = i ? "zh-CN" : "en";
            if (!json_object_get(tr, want))
                WARN(c, "case_translation_missing", want);
        }
    }
    pop(c, mark);

    const json_t *levels = json_object_get(ext, CASE_EXT_LEVELS);
    mark = push_key(c, CASE_EXT_LEVELS);
    if (levels) {
        int ok = json_is_array(levels), seen = 0;
        size_t i;
        const json_t *l;
        json_array_foreach (levels, i, l) {
            json_int_t n = json_is_integer(l) ? json_integer_value(l) : 0;
            if (n < 1 || n > 5 || (seen & (1 << n)))
                ok = 0;
            else
                seen |= 1 << n;
        }
        if (!ok)
            ERROR(c, "case_levels", NULL);
    }
    pop(c, mark);

    const json_t *critical = json_object_get(ext, CASE_EXT_CRITICAL);
    mark = push_key(c, CASE_EXT_CRITICAL);
    if (critical && !json_is_boolean(critical))
        ERROR(c, "case_not_boolean", NULL);
    pop(c, mark);
}

/* ---- Identifiers ---- */

void case_pkg_where(int where, char *out, size_t size)
{
    unsigned kind = (unsigned)where >> 28, index = (unsigned)where & 0x0fffffff;
    static const char *const names[] = {"CFDocument", "CFItems", "CFAssociations", "CFRubrics"};
    if (kind == CASE_AT_DOCUMENT)
        snprintf(out, size, "CFDocument");
    else
        snprintf(out, size, "%s[%u]", names[kind & 3], index);
}

/* Adds the identifier of OBJ (when it is a valid UUID) to the package's set; a repeat is an error.
 */
static const char *note_id(struct vctx *c, const json_t *obj, int where)
{
    const char *id = json_string_value(json_object_get(obj, "identifier"));
    if (!case_uuid_valid(id))
        return NULL;
    int prev;
    if (case_idset_put(&c->p->ids, id, where, &prev)) {
        c->nomem = 1;
        return NULL;
    }
    if (prev >= 0) {
        char at[64];
        case_pkg_where(prev, at, sizeof(at));
        size_t mark = push_key(c, "identifier");
        ERROR(c, "case_duplicate_id", at);
        pop(c, mark);
        return NULL;
    }
    return id;
}

/* Checks an array member KEY of the package: *OUT is it when it is an array of ≤ MAX entries. */
static void top_array(struct vctx *c, const char *key, size_t max, json_t **out)
{
    json_t *v = json_object_get(c->p->root, key);
    *out = NULL;
    if (!v)
        return;
    size_t mark = push_key(c, key);
    if (!json_is_array(v)) {
        ERROR(c, "case_not_array", NULL);
    } else if (json_array_size(v) > max) {
        char n[32];
        snprintf(n, sizeof(n), "%zu", max);
        ERROR(c, "case_too_many", n);
    } else {
        *out = v;
    }
    pop(c, mark);
}

static void check_document(struct vctx *c)
{
    json_t *doc = json_object_get(c->p->root, "CFDocument");
    size_t mark = push_key(c, "CFDocument");
    if (!doc) {
        ERROR(c, "case_required", NULL);
    } else if (!json_is_object(doc)) {
        ERROR(c, "case_not_object", NULL);
    } else {
        c->p->doc = doc;
        check_object(c, doc, document_fields, N(document_fields));
        c->p->doc_id = note_id(c, doc, CASE_WHERE(CASE_AT_DOCUMENT, 0));
    }
    pop(c, mark);
}

static void check_items(struct vctx *c)
{
    struct case_pkg *p = c->p;
    if (!p->items)
        return;
    p->nitems = json_array_size(p->items);
    p->item_id = cc_calloc(p->nitems ? p->nitems : 1, sizeof(*p->item_id));
    if (!p->item_id) {
        c->nomem = 1;
        return;
    }
    size_t m0 = push_key(c, "CFItems");
    for (size_t i = 0; i < p->nitems; i++) {
        json_t *item = json_array_get(p->items, i);
        size_t mark = push_index(c, i);
        if (!json_is_object(item)) {
            ERROR(c, "case_not_object", NULL);
        } else {
            check_object(c, item, item_fields, N(item_fields));
            const char *id = note_id(c, item, CASE_WHERE(CASE_AT_ITEM, i));
            int prev;
            if (id && case_idset_put(&p->item_index, id, (int)i, &prev))
                c->nomem = 1;
            p->item_id[i] = id;
        }
        pop(c, mark);
    }
    pop(c, m0);
}

/* The titles and identifiers of the item types the package defines, for the items' references. */
struct item_types {
    struct case_idset titles, ids;
};

static void check_definitions(struct vctx *c, struct item_types *types)
{
    static const struct {
        const char *kind;
        const struct field *fields;
        size_t n;
    } kinds[] = {
        {"CFConcepts", concept_fields, N(concept_fields)},
        {"CFSubjects", subject_fields, N(subject_fields)},
        {"CFLicenses", license_fields, N(license_fields)},
        {"CFItemTypes", item_type_fields, N(item_type_fields)},
        {"CFAssociationGroupings", grouping_fields, N(grouping_fields)},
    };
    json_t *defs = json_object_get(c->p->root, "CFDefinitions");
    if (!defs)
        return;
    size_t m0 = push_key(c, "CFDefinitions");
    if (!json_is_object(defs)) {
        ERROR(c, "case_not_object", NULL);
        pop(c, m0);
        return;
    }
    c->p->defs = defs;
    const char *key;
    json_t *v;
    json_object_foreach (defs, key, v) {
        size_t k = 0;
        while (k < N(kinds) && strcmp(kinds[k].kind, key) != 0)
            k++;
        size_t m1 = push_key(c, key);
        if (strcmp(key, "extensions") == 0) {
            check_value(c, v, T_EXT);
        } else if (k == N(kinds)) {
            ERROR(c, "case_unknown_member", NULL);
        } else if (!json_is_array(v)) {
            ERROR(c, "case_not_array", NULL);
        } else if (json_array_size(v) > CASE_MAX_DEFINITIONS) {
            char n[32];
            snprintf(n, sizeof(n), "%d", CASE_MAX_DEFINITIONS);
            ERROR(c, "case_too_many", n);
        } else {
            struct case_idset seen;
            case_idset_init(&seen, 0);
            size_t i;
            json_t *d;
            json_array_foreach (v, i, d) {
                size_t m2 = push_index(c, i);
                if (!json_is_object(d)) {
                    ERROR(c, "case_not_object", NULL);
                    pop(c, m2);
                    continue;
                }
                check_object(c, d, kinds[k].fields, kinds[k].n);
                const char *id = json_string_value(json_object_get(d, "identifier"));
                int prev;
                if (case_uuid_valid(id)) {
                    if (case_idset_put(&seen, id, (int)i, &prev)) {
                        c->nomem = 1;
                    } else if (prev >= 0) {
                        char at[96];
                        snprintf(at, sizeof(at), "CFDefinitions.%s[%d]", key, prev);
                        size_t m3 = push_key(c, "identifier");
                        ERROR(c, "case_duplicate_id", at);
                        pop(c, m3);
                    }
                }
                const char *title = json_string_value(json_object_get(d, "title"));
                if (strcmp(key, "CFItemTypes") == 0) {
                    if ((title && case_idset_put(&types->titles, title, 1, &prev)) ||
                        (id && case_idset_put(&types->ids, id, 1, &prev)))
                        c->nomem = 1;
                }
                pop(c, m2);
            }
            case_idset_release(&seen);
        }
        pop(c, m1);
    }
    pop(c, m0);
}

/* An item's CFItemType and CFItemTypeURI should name a type of CFDefinitions (when it has any). */
static void check_item_types(struct vctx *c, const struct item_types *types)
{
    struct case_pkg *p = c->p;
    for (size_t i = 0; p->items && i < p->nitems; i++) {
        json_t *item = json_array_get(p->items, i);
        const char *type = json_string_value(json_object_get(item, "CFItemType"));
        const char *tid = json_string_value(
            json_object_get(json_object_get(item, "CFItemTypeURI"), "identifier"));
        size_t m0 = push_key(c, "CFItems");
        push_index(c, i);
        if (type && *type && case_idset_get(&types->titles, type) < 0) {
            size_t m2 = push_key(c, "CFItemType");
            WARN(c, "case_item_type_unknown", type);
            pop(c, m2);
        }
        if (tid && case_uuid_valid(tid) && case_idset_get(&types->ids, tid) < 0) {
            size_t m2 = push_key(c, "CFItemTypeURI");
            push_key(c, "identifier");
            WARN(c, "case_item_type_unknown", tid);
            pop(c, m2);
        }
        pop(c, m0);
    }
}

/* The identifier and title of an association's end (originNodeURI or destinationNodeURI). */
static const char *node_id(const json_t *a, const char *key, const char **title)
{
    const json_t *node = json_object_get(a, key);
    const char *id = json_string_value(json_object_get(node, "identifier"));
    *title = json_string_value(json_object_get(node, "title"));
    return id && *id && strlen(id) <= CASE_MAX_CODE ? id : NULL;
}

static void check_associations(struct vctx *c)
{
    struct case_pkg *p = c->p;
    if (!p->assocs)
        return;
    p->nassocs = json_array_size(p->assocs);
    p->assoc = cc_calloc(p->nassocs ? p->nassocs : 1, sizeof(*p->assoc));
    if (!p->assoc) {
        c->nomem = 1;
        return;
    }
    size_t m0 = push_key(c, "CFAssociations");
    for (size_t i = 0; i < p->nassocs; i++) {
        json_t *a = json_array_get(p->assocs, i);
        struct case_assoc *x = &p->assoc[i];
        x->origin_item = x->dest_item = -1;
        size_t mark = push_index(c, i);
        if (!json_is_object(a)) {
            ERROR(c, "case_not_object", NULL);
            pop(c, mark);
            continue;
        }
        check_object(c, a, association_fields, N(association_fields));
        x->id = note_id(c, a, CASE_WHERE(CASE_AT_ASSOCIATION, i));
        const char *type = json_string_value(json_object_get(a, "associationType"));
        x->type = type && association_type_valid(type) ? type : NULL;
        x->origin = node_id(a, "originNodeURI", &x->origin_title);
        x->dest = node_id(a, "destinationNodeURI", &x->dest_title);
        if (x->origin)
            x->origin_item = case_idset_get(&p->item_index, x->origin);
        if (x->dest)
            x->dest_item = case_idset_get(&p->item_index, x->dest);
        const json_t *seq = json_object_get(a, "sequenceNumber");
        if (json_is_integer(seq)) {
            x->has_seq = 1;
            x->seq = json_integer_value(seq);
        }
        if (x->type && strcmp(x->type, "isChildOf") == 0) {
            /* isChildOf builds this framework's tree: both ends belong to the package. */
            if (x->origin && x->origin_item < 0) {
                size_t m1 = push_key(c, "originNodeURI");
                push_key(c, "identifier");
                ERROR(c, "case_child_origin", NULL);
                pop(c, m1);
            }
            const char *doc = json_string_value(json_object_get(p->doc, "identifier"));
            int to_doc = x->dest && doc && strcmp(x->dest, doc) == 0;
            if (x->dest && x->dest_item < 0 && !to_doc) {
                size_t m1 = push_key(c, "destinationNodeURI");
                push_key(c, "identifier");
                ERROR(c, "case_child_destination", NULL);
                pop(c, m1);
            }
        }
        pop(c, mark);
    }
    pop(c, m0);
}

static void check_rubrics(struct vctx *c)
{
    struct case_pkg *p = c->p;
    if (!p->rubrics)
        return;
    p->nrubrics = json_array_size(p->rubrics);
    size_t m0 = push_key(c, "CFRubrics"), i;
    json_t *rubric;
    json_array_foreach (p->rubrics, i, rubric) {
        size_t m1 = push_index(c, i);
        if (!json_is_object(rubric)) {
            ERROR(c, "case_not_object", NULL);
            pop(c, m1);
            continue;
        }
        check_object(c, rubric, rubric_fields, N(rubric_fields));
        note_id(c, rubric, CASE_WHERE(CASE_AT_RUBRIC, i));
        const json_t *criteria = json_object_get(rubric, "CFRubricCriteria");
        size_t j, k;
        json_t *crit, *level;
        size_t m2 = push_key(c, "CFRubricCriteria");
        json_array_foreach (criteria, j, crit) {
            size_t m3 = push_index(c, j);
            if (!json_is_object(crit)) {
                ERROR(c, "case_not_object", NULL);
                pop(c, m3);
                continue;
            }
            check_object(c, crit, criterion_fields, N(criterion_fields));
            note_id(c, crit, CASE_WHERE(CASE_AT_RUBRIC, i));
            const json_t *levels = json_object_get(crit, "CFRubricCriterionLevels");
            size_t m4 = push_key(c, "CFRubricCriterionLevels");
            json_array_foreach (levels, k, level) {
                size_t m5 = push_index(c, k);
                if (!json_is_object(level))
                    ERROR(c, "case_not_object", NULL);
                else {
                    check_object(c, level, level_fields, N(level_fields));
                    note_id(c, level, CASE_WHERE(CASE_AT_RUBRIC, i));
                }
                pop(c, m5);
            }
            pop(c, m4);
            pop(c, m3);
        }
        pop(c, m2);
        pop(c, m1);
    }
    pop(c, m0);
}

/* A label for item I in messages: its human code, else its identifier. */
static const char *item_label(const struct case_pkg *p, int i)
{
    const json_t *item = json_array_get(p->items, (size_t)i);
    const char *code = json_string_value(json_object_get(item, "humanCodingScheme"));
    return code && *code ? code : p->item_id[i];
}

/*
 * The isChildOf tree: no cycles (an item its own ancestor), and every item
 * placed in it. Depth-first over child -> parent edges, without recursion
 * (a hostile package may chain 50,000 items).
 */
static void check_tree(struct vctx *c)
{
    struct case_pkg *p = c->p;
    size_t n = p->nitems, ne = 0;
    if (!n || !p->item_id)
        return;
    size_t *start = cc_calloc(n + 1, sizeof(*start));
    unsigned char *color = cc_calloc(n, 1), *placed = cc_calloc(n, 1);
    size_t *edge = NULL, *stack = NULL, *next = NULL;
    if (!start || !color || !placed)
        goto nomem;
    for (size_t i = 0; i < p->nassocs; i++) {
        const struct case_assoc *x = &p->assoc[i];
        if (!x->type || strcmp(x->type, "isChildOf") != 0 || x->origin_item < 0)
            continue;
        placed[x->origin_item] = 1;
        if (x->dest_item >= 0) {
            start[x->origin_item + 1]++;
            ne++;
        }
    }
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    edge = cc_calloc(ne ? ne : 1, sizeof(*edge)); /* association index of each edge */
    stack = cc_calloc(n, sizeof(*stack));
    next = cc_calloc(n, sizeof(*next)); /* the next edge of each node on the stack */
    if (!edge || !stack || !next)
        goto nomem;
    for (size_t i = 0, *fill = next; i < p->nassocs; i++) {
        const struct case_assoc *x = &p->assoc[i];
        if (x->type && strcmp(x->type, "isChildOf") == 0 && x->origin_item >= 0 &&
            x->dest_item >= 0)
            edge[start[x->origin_item] + fill[x->origin_item]++] = i;
    }
    /* 0 unvisited, 1 on the current path, 2 done. */
    for (size_t root = 0; root < n; root++) {
        if (color[root])
            continue;
        size_t depth = 0;
        stack[depth++] = root;
        color[root] = 1;
        next[root] = start[root];
        while (depth) {
            size_t v = stack[depth - 1];
            if (next[v] == start[v + 1]) {
                color[v] = 2;
                depth--;
                continue;
            }
            size_t a = edge[next[v]++];
            size_t w = (size_t)p->assoc[a].dest_item;
            if (color[w] == 1) {
                char path[64];
                snprintf(path, sizeof(path), "CFAssociations[%zu]", a);
                case_report_add(c->r, 0, path, "case_child_cycle", item_label(p, (int)w));
            } else if (!color[w]) {
                color[w] = 1;
                next[w] = start[w];
                stack[depth++] = w;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!placed[i] && p->item_id[i]) {
            char path[48];
            snprintf(path, sizeof(path), "CFItems[%zu]", i);
            case_report_add(c->r, 1, path, "case_item_not_in_tree", NULL);
        }
    }
    goto done;
nomem:
    c->nomem = 1;
done:
    cc_free(start);
    cc_free(color);
    cc_free(placed);
    cc_free(edge);
    cc_free(stack);
    cc_free(next);
}

/* Every string and key of the package, wherever it is, within CASE_MAX_STRING. */
static void check_strings(struct vctx *c, const json_t *v)
{
    const char *key;
    json_t *e;
    size_t i;
    char n[32];
    if (json_is_string(v) && json_string_length(v) > CASE_MAX_STRING) {
        snprintf(n, sizeof(n), "%zu", json_string_length(v));
        ERROR(c, "case_string_too_long", n);
    } else if (json_is_object(v)) {
        json_object_foreach ((json_t *)v, key, e) {
            size_t mark;
            if (strlen(key) > CASE_MAX_STRING) {
                mark = push_raw(c, "");
                snprintf(n, sizeof(n), "%zu", strlen(key));
                ERROR(c, "case_key_too_long", n);
                pop(c, mark);
                continue;
            }
            mark = push_key(c, key);
            check_strings(c, e);
            pop(c, mark);
        }
    } else if (json_is_array(v)) {
        json_array_foreach (v, i, e) {
            size_t mark = push_index(c, i);
            check_strings(c, e);
            pop(c, mark);
        }
    }
}

static const char *const members[] = {"CFDocument",    "CFItems",   "CFAssociations",
                                      "CFDefinitions", "CFRubrics", "extensions"};

int case_pkg_parse(const char *data, size_t len, struct case_pkg *p, struct case_report *r)
{
    memset(p, 0, sizeof(*p));
    case_idset_init(&p->ids, 0);
    case_idset_init(&p->item_index, 0);
    char arg[160];
    if (len > CASE_MAX_BYTES) {
        snprintf(arg, sizeof(arg), "%zu", len);
        case_report_add(r, 0, "", "case_too_big", arg);
        return CASE_ERR_INVALID;
    }
    if (json_depth(data, len, CASE_MAX_DEPTH) > CASE_MAX_DEPTH) {
        case_report_add(r, 0, "", "case_too_deep", NULL);
        return CASE_ERR_INVALID;
    }
    json_error_t err;
    p->root = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!p->root) {
        snprintf(arg, sizeof(arg), "line %d, column %d: %.100s", err.line, err.column, err.text);
        case_report_add(r, 0, "", "case_bad_json", arg);
        return CASE_ERR_INVALID;
    }
    if (!json_is_object(p->root)) {
        case_report_add(r, 0, "", "case_not_package", NULL);
        return CASE_ERR_INVALID;
    }
    struct vctx c = {.r = r, .p = p};
    const char *key;
    json_t *v;
    json_object_foreach (p->root, key, v) {
        size_t i = 0;
        while (i < N(members) && strcmp(members[i], key) != 0)
            i++;
        if (i == N(members)) {
            size_t mark = push_key(&c, key);
            ERROR(&c, "case_unknown_member", NULL);
            pop(&c, mark);
        }
    }
    check_document(&c);
    top_array(&c, "CFItems", CASE_MAX_ITEMS, &p->items);
    top_array(&c, "CFAssociations", CASE_MAX_ASSOCIATIONS, &p->assocs);
    top_array(&c, "CFRubrics", CASE_MAX_RUBRICS, &p->rubrics);
    json_t *ext = json_object_get(p->root, "extensions");
    if (ext) {
        size_t mark = push_key(&c, "extensions");
        check_value(&c, ext, T_EXT);
        p->extensions = json_is_object(ext) ? ext : NULL;
        pop(&c, mark);
    }
    struct item_types types;
    case_idset_init(&types.titles, 0);
    case_idset_init(&types.ids, 0);
    check_items(&c);
    check_definitions(&c, &types);
    if (types.titles.len || types.ids.len)
        check_item_types(&c, &types);
    case_idset_release(&types.titles);
    case_idset_release(&types.ids);
    check_associations(&c);
    check_rubrics(&c);
    check_tree(&c);
    check_strings(&c, p->root);
    if (c.nomem || r->nomem)
        return CASE_ERR_NOMEM;
    return CASE_OK;
}

void case_pkg_release(struct case_pkg *p)
{
    json_decref(p->root);
    cc_free(p->item_id);
    cc_free(p->assoc);
    case_idset_release(&p->ids);
    case_idset_release(&p->item_index);
    memset(p, 0, sizeof(*p));
}

/*
 * The items of the digital-literacy test and the bank that holds them: the
 * DigComp 2.2 areas and competences, reading and checking items (the format
 * of content/literacy/, see docs/literacy.md), reading and scoring answers,
 * and the learning-path resources.
 *
 * An item's strings point into its JSON, which the bank (or whoever read
 * the item) keeps alive. Every check names the place and the rule broken,
 * with a message id of literacy/messages.h, so an import report can say it
 * in the reader's language.
 */
#ifndef CC_LITERACY_ITEM_H
#define CC_LITERACY_ITEM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "literacy/irt.h"

enum literacy_error {
    LITERACY_OK = 0,
    LITERACY_ERR_STORE = -1,     /* storage failed; nothing was changed */
    LITERACY_ERR_INVALID = -2,   /* an input is invalid: see the problem */
    LITERACY_ERR_NOT_FOUND = -3, /* no such test, item, class or calibration */
    LITERACY_ERR_FORBIDDEN = -4, /* a role or a person that may not */
    LITERACY_ERR_CONFLICT = -5,  /* the state does not allow it (finished, replayed, changed) */
    LITERACY_ERR_NOMEM = -6,
};

/* What is wrong: where (a JSON path, or ""), a message id of literacy/messages.h and its %s. */
struct literacy_problem {
    char where[160];
    const char *msg;
    char arg[96];
};

/* Sets P and returns ERR. */
int literacy_problem_set(struct literacy_problem *p, int err, const char *where, const char *msg,
                         const char *arg);

/* The problems of a file or an import: the first LITERACY_REPORT_MAX, and how many in all. */
#define LITERACY_REPORT_MAX 50
struct literacy_report {
    struct literacy_problem list[LITERACY_REPORT_MAX];
    size_t n, total;
};

/* Adds P to R (counted always, kept while there is room). */
void literacy_report_add(struct literacy_report *r, const struct literacy_problem *p);

/* ---- DigComp 2.2 ---- */

#define LITERACY_AREAS       5
#define LITERACY_COMPETENCES 21

/* An area or a competence of DigComp 2.2 and its CFItem in content/frameworks/digcomp-2.2.json. */
struct literacy_digcomp {
    const char *code; /* "DC.4" or "DC.4.2" (the CFItem's humanCodingScheme) */
    int area;         /* 1..5 */
    const char *cfitem;
    const char *en, *zh;
};

extern const struct literacy_digcomp literacy_areas[LITERACY_AREAS];
extern const struct literacy_digcomp literacy_competences[LITERACY_COMPETENCES];

/* The index of competence CODE ("DC.4.2") in literacy_competences, or -1. */
int literacy_competence_index(const char *code);

/* The area (1..5) of code "DC.4", or 0. */
int literacy_area_parse(const char *code);

/* ---- Items ---- */

enum literacy_type {
    LITERACY_SINGLE = 0,
    LITERACY_MULTIPLE = 1,
    LITERACY_ORDERING = 2,
    LITERACY_SCREEN = 3,
};

#define LITERACY_ID_MAX       16 /* "dl-1.1-003" */
#define LITERACY_MAX_OPTIONS  10
#define LITERACY_MAX_CHOICES  64 /* options, or the elements of a screen (all levels) */
#define LITERACY_MAX_SCREEN   30 /* elements on one level of a screen */
#define LITERACY_SCREEN_DEPTH 6  /* levels of sub-screens */
#define LITERACY_VERSION_MAX  1000000
#define LITERACY_STEM_MAX     2000 /* characters */
#define LITERACY_OPTION_MAX   500
#define LITERACY_FEEDBACK_MAX 2000
#define LITERACY_LABEL_MAX    200
#define LITERACY_DETAIL_MAX   1000
#define LITERACY_BANK_MAX     5000 /* items in one bank */

/* Item flags. */
#define LITERACY_ITEM_RETIRED    (1u << 0)
#define LITERACY_ITEM_IMPORTED   (1u << 1) /* from the college's import, not bundled */
#define LITERACY_ITEM_CALIBRATED (1u << 2) /* irt is the college's calibration, not the item's */

struct literacy_text {
    const char *en;
    const char *zh;
};

struct literacy_item {
    const char *id;
    int64_t version;
    int competence; /* index in literacy_competences */
    int area;       /* 1..5 */
    int level;      /* DigComp proficiency level 1..8 the item targets */
    const char *cn_literacy, *context;
    enum literacy_type type;
    int partial;                  /* scoring "partial" (graded response) */
    struct literacy_irt irt;      /* the parameters in use */
    struct literacy_irt irt_item; /* the parameters the item was written with */
    int nchoices;                 /* options, or screen elements in depth-first order */
    const char *choices[LITERACY_MAX_CHOICES];
    unsigned char nav[LITERACY_MAX_CHOICES]; /* a screen element with children: it navigates */
    int nkey;
    unsigned char key[LITERACY_MAX_CHOICES]; /* choice indices (ordering: in the right order) */
    struct literacy_text stem, feedback;
    json_t *json; /* the item as written (borrowed from whoever read it) */
    unsigned flags;
    double exposure_k; /* the college's Sympson-Hetter parameter (0: none, as 1) */
};

/*
 * Reads and checks item V into IT (its strings point into V). WHERE names
 * the item in problems ("items[3]"). On LITERACY_ERR_INVALID, P says what
 * and where ("items[3] (dl-1.1-003).options[1].id").
 */
int literacy_item_read(const json_t *v, const char *where, struct literacy_item *it,
                       struct literacy_problem *p) __attribute__((warn_unused_result));

/* "single", "multiple", "ordering", "screen". */
const char *literacy_type_name(enum literacy_type t);

/* The parameters as JSON: {"model": "2pl", "a", "b"} or {"model": "grm", "a", "b": [...]}. */
json_t *literacy_irt_json(const struct literacy_irt *irt);

/* Reads parameters written as literacy_irt_json writes them; -1 when they are not valid. */
int literacy_irt_read(const json_t *v, struct literacy_irt *out);

/*
 * The item as a test-taker sees it: no key, no feedback, no parameters; the
 * options of an ordering item shuffled by SHUFFLE_SEED (never in the right
 * order). A new reference, or NULL.
 */
json_t *literacy_item_present(const struct literacy_item *it, uint64_t shuffle_seed);

/* ---- Answers ---- */

/* An answer: the choices selected, as indices into the item's choices, in the order given. */
struct literacy_answer {
    int n;
    unsigned char sel[LITERACY_MAX_CHOICES];
};

/*
 * Reads ANSWER (a JSON array of option or element ids) for IT: the right
 * shape for the item's type, only its ids (of a screen, only elements that
 * can be selected: those without children, which navigate), none twice; an
 * ordering answer lists every option once. On LITERACY_ERR_INVALID, P says why.
 */
int literacy_answer_read(const struct literacy_item *it, const json_t *answer,
                         struct literacy_answer *out, struct literacy_problem *p)
    __attribute__((warn_unused_result));

/*
 * The category (0..m) answer A earns on IT (docs/literacy.md, "Scoring"):
 * single: 1 for the key. multiple and screen: dichotomous 1 for exactly the
 * key's set; partial: correct selections minus wrong ones, floored at 0 and
 * capped at m. ordering: dichotomous 1 for the exact order; partial: with n
 * of the N options in their right place, m when n = N, else
 * floor(n m / (N - 1)).
 */
int literacy_score(const struct literacy_item *it, const struct literacy_answer *a);

/* The answer as a JSON array of ids (a new reference). */
json_t *literacy_answer_json(const struct literacy_item *it, const struct literacy_answer *a);

/* ---- The bank ---- */

struct literacy_bank {
    struct literacy_item *items; /* sorted by id (and so by area and competence) */
    size_t n, cap;
    json_t *docs; /* the documents the items point into */
};

void literacy_bank_init(struct literacy_bank *b);
void literacy_bank_release(struct literacy_bank *b);

/*
 * Reads a bank file (DATA, LEN bytes): {"area": "DC.1", "items": [...]}
 * ("area" optional; when given, every item must be of it) and adds its items
 * to B. Every problem goes to R (FILE names the file in them, "" for none).
 * Items with problems are not added. Returns LITERACY_ERR_INVALID when R
 * got a problem.
 */
int literacy_bank_read_file(struct literacy_bank *b, const char *data, size_t len, const char *file,
                            struct literacy_report *r) __attribute__((warn_unused_result));

/*
 * Like literacy_bank_read_file for a parsed document DOC (the reference is
 * taken over: B keeps it); with ALLOW_STATE a top-level "state" member is
 * allowed (and left to the caller).
 */
int literacy_bank_read_json(struct literacy_bank *b, json_t *doc, const char *file, int allow_state,
                            struct literacy_report *r) __attribute__((warn_unused_result));

/* Adds a copy of IT (its JSON must outlive B, or be held by B->docs). */
int literacy_bank_add(struct literacy_bank *b, const struct literacy_item *it)
    __attribute__((warn_unused_result));

/*
 * Sorts B by id and checks that no id is used twice (a problem in R for each
 * one that is). Returns LITERACY_ERR_INVALID when one is.
 */
int literacy_bank_finish(struct literacy_bank *b, struct literacy_report *r)
    __attribute__((warn_unused_result));

/* The item ID of a finished bank, or NULL. */
const struct literacy_item *literacy_bank_find(const struct literacy_bank *b, const char *id);

/*
 * The bundled bank (content/literacy/items-*.json), read on first use and
 * kept for the life of the process; thread-safe. Fails with WHY (the first
 * problem, in English) when the bundled content is invalid, every time.
 */
int literacy_bundled(const struct literacy_bank **out, char *why, size_t why_size)
    __attribute__((warn_unused_result));

/* ---- Learning-path resources (content/literacy/resources.json) ---- */

struct literacy_resource {
    const char *id;
    int competence;  /* index in literacy_competences */
    unsigned levels; /* bit L set for each level L (1..8) the resource serves */
    struct literacy_text title, description;
    const char *kind;     /* practice | reading | video | course */
    const char *activity; /* our own practice activity IRI, or NULL */
    const char *url;      /* a public page, or NULL */
    json_t *json;
};

struct literacy_resources {
    struct literacy_resource *list;
    size_t n;
    json_t *doc;
};

/* Reads resources.json; on LITERACY_ERR_INVALID, WHY says what and where. */
int literacy_resources_read(const char *data, size_t len, struct literacy_resources *out, char *why,
                            size_t why_size) __attribute__((warn_unused_result));

void literacy_resources_release(struct literacy_resources *r);

/* The bundled resources (an empty list when there is no resources.json). */
int literacy_resources_bundled(const struct literacy_resources **out, char *why, size_t why_size)
    __attribute__((warn_unused_result));

#endif

/*
 * Literacy tests: a student starts one (practice or certified), gets one item
 * at a time, answers it; the server scores the answer, updates theta and
 * picks the next item, until the stopping rule (or the student) ends the
 * test. Then the profile and learning path are worked out and the learning
 * is reported through xapi_record(): one statement per answer and one for
 * the completed test (docs/literacy.md, "Statements").
 *
 * A test is resumable at the same item: the item presented is stored with
 * the test (with its parameters, so a change of the bank does not change a
 * test under way). Every answer names the item and its number (seq); an
 * answer to another item, to an old number (a replay), after the end, or
 * with a malformed answer is refused and changes nothing.
 *
 * Who sees what: a student their own tests; a teacher those of the students
 * of their classes; an administrator every test of the college.
 */
#ifndef CC_LITERACY_TEST_H
#define CC_LITERACY_TEST_H

#include <jansson.h>
#include <stdint.h>

#include "auth/account.h"
#include "literacy/cat.h"
#include "literacy/item.h"
#include "literacy/profile.h"
#include "store/store.h"

/* Activity IRIs: the test (+ mode) and each item (+ id). */
#define LITERACY_ACTIVITY_TEST "https://carecampus.org/xapi/activities/literacy/test/"
#define LITERACY_ACTIVITY_ITEM "https://carecampus.org/xapi/activities/literacy/items/"
#define LITERACY_EXT_CFITEMS   "https://carecampus.org/xapi/extensions/cfitems"
#define LITERACY_EXT_LEVELS    "https://carecampus.org/xapi/extensions/cfitem-levels"
#define LITERACY_EXT_PROFILE   "https://carecampus.org/xapi/extensions/digcomp-profile"
#define LITERACY_EXT_MODE      "https://carecampus.org/xapi/extensions/literacy-mode"
#define LITERACY_EXT_THETA     "https://carecampus.org/xapi/extensions/literacy-theta"
#define LITERACY_EXT_SE        "https://carecampus.org/xapi/extensions/literacy-se"
#define LITERACY_EXT_LEVEL     "https://carecampus.org/xapi/extensions/digcomp-level"
#define LITERACY_EXT_VERSION   "https://carecampus.org/xapi/extensions/item-version"
#define LITERACY_EXT_STOP      "https://carecampus.org/xapi/extensions/literacy-stop-reason"

enum literacy_mode {
    LITERACY_PRACTICE = 0,
    LITERACY_CERTIFIED = 1,
};

/* "practice" or "certified"; literacy_mode_parse returns -1 for anything else. */
const char *literacy_mode_name(enum literacy_mode m);
int literacy_mode_parse(const char *s);

struct literacy_test {
    int64_t id;
    char uuid[37];
    int64_t student_id;
    char student_login[AUTH_LOGIN_MAX + 1], student_name[AUTH_NAME_BYTES];
    enum literacy_mode mode;
    int finished;
    int answered;
    double theta, se;
    char stop_reason[24]; /* "" while the test runs */
    char started_at[25], ended_at[25], finished_at[25];
    uint64_t seed;
    struct literacy_settings settings;
    json_t *current; /* {"item": {...}, "irt": {...}} presented as answered + 1, or NULL */
    json_t *passed;  /* ids the Sympson-Hetter lottery passed over in this test */
    char presented_at[25];
    json_t *result; /* the result once finished, or NULL */
};

void literacy_test_release(struct literacy_test *t);

/*
 * Starts a test in MODE for CALLER (a student), presenting its first item.
 * When the student has a test running in the same mode, OUT is that one and
 * *RESUMED is set; in the other mode: LITERACY_ERR_CONFLICT
 * ("literacy_test_open").
 */
int literacy_test_start(struct store *db, const struct auth_user *caller, enum literacy_mode mode,
                        struct literacy_test *out, int *resumed, struct literacy_problem *p)
    __attribute__((warn_unused_result));

/* The running test of CALLER into OUT; *FOUND says whether there is one. */
int literacy_test_current(struct store *db, const struct auth_user *caller,
                          struct literacy_test *out, int *found)
    __attribute__((warn_unused_result));

/*
 * Test UUID as CALLER may see it. A test that stopped but whose statements
 * were not all written (a failure in between) is finished here.
 */
int literacy_test_get(struct store *db, const struct auth_user *caller, const char *uuid,
                      struct literacy_test *out, struct literacy_problem *p)
    __attribute__((warn_unused_result));

/*
 * Answers item ITEM_ID, presented as number SEQ of test UUID, with ANSWER (a
 * JSON array of ids). OUT is the test afterwards (with the next item, or
 * finished). In practice mode *FEEDBACK receives the feedback on the answer
 * (a new reference: category, max, correct, key, explanation), else NULL.
 */
int literacy_test_answer(struct store *db, const struct auth_user *caller, const char *uuid,
                         int64_t seq, const char *item_id, const json_t *answer,
                         struct literacy_test *out, json_t **feedback, struct literacy_problem *p)
    __attribute__((warn_unused_result));

/*
 * Ends test UUID now at the student's request (at least one answer) and
 * finishes it; LITERACY_ERR_CONFLICT ("literacy_already_finished") when it
 * is finished already.
 */
int literacy_test_finish(struct store *db, const struct auth_user *caller, const char *uuid,
                         struct literacy_test *out, struct literacy_problem *p)
    __attribute__((warn_unused_result));

/* The current item of running test T as the student sees it (a new reference), or NULL. */
json_t *literacy_test_item(const struct literacy_test *t);

/* Which tests literacy_tests_list returns; 0 / -1 / NULL for "any". */
struct literacy_test_filter {
    int64_t student;
    int64_t class_id;
    int mode;           /* -1 any */
    int status;         /* -1 any, 0 running, 1 finished */
    const char *before; /* the uuid of the last test of the previous page */
    int limit;          /* 1..500 */
};

typedef int (*literacy_test_fn)(void *ctx, const struct literacy_test *t);

/*
 * Calls FN for each test CALLER may see matching F, the latest started first
 * (without current item); *MORE is set when more remain.
 */
int literacy_tests_list(struct store *db, const struct auth_user *caller,
                        const struct literacy_test_filter *f, literacy_test_fn fn, void *ctx,
                        int *more, struct literacy_problem *p) __attribute__((warn_unused_result));

/*
 * The profile of class CLASS_ID (CALLER teaches it, or is an administrator):
 * every student with the result of their latest finished test (certified
 * first, else practice), and the class's means per area and competence. A
 * new reference in *OUT.
 */
int literacy_class_profile(struct store *db, const struct auth_user *caller, int64_t class_id,
                           json_t **out, struct literacy_problem *p)
    __attribute__((warn_unused_result));

/* May CALLER see the class CLASS_ID's results? LITERACY_OK, or the problem. */
int literacy_class_check(struct store *db, const struct auth_user *caller, int64_t class_id,
                         struct literacy_problem *p) __attribute__((warn_unused_result));

#endif

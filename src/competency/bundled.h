/*
 * The frameworks that come with CareCampus: the CASE packages of
 * content/frameworks/, compiled into the binary (util/embedded.h) and so the
 * same, with the same identifiers, on every installation. They are loaded
 * with no owner when a database is opened, and again whenever a package in
 * the binary is newer (its CFDocument's lastChangeDateTime) than the stored
 * one, so an upgrade brings its frameworks along.
 */
#ifndef CC_COMPETENCY_BUNDLED_H
#define CC_COMPETENCY_BUNDLED_H

#include <stddef.h>

#include "store/store.h"
#include "util/embedded.h"

struct case_bundled_result {
    size_t loaded;  /* imported or replaced */
    size_t current; /* already stored and not older */
    size_t failed;  /* packages with errors (logged); they change nothing */
};

/*
 * Loads the packages of FILES (COUNT entries; those under /frameworks/ ending
 * in .json) that are not stored yet or are newer than what is stored:
 * packages with items first (frameworks), then the others (crosswalks and
 * alignments, which point into the frameworks), each in its own transaction.
 * Returns 0, or CASE_ERR_STORE / CASE_ERR_NOMEM when the database fails;
 * a package that does not import is counted in R->failed and logged.
 */
int case_bundled_load_files(struct store *db, const struct embedded_file *files, size_t count,
                            struct case_bundled_result *r) __attribute__((warn_unused_result));

/* case_bundled_load_files() with the packages compiled into the binary (content_files). */
int case_bundled_load(struct store *db, struct case_bundled_result *r)
    __attribute__((warn_unused_result));

#endif

/*
 * The result of a test: the DigComp 2.2 profile (an overall level, one per
 * area and one per competence on the 8-level scale) and the learning path.
 *
 * Overall: the EAP estimate of all responses with the prior N(0, 1).
 * Areas and competences: the EAP estimate of the responses to that area's
 * (competence's) items alone, with the prior N(theta_overall,
 * competence_sd^2): without evidence of its own a competence sits at the
 * overall level, and its own answers move it from there (shrinkage, as in a
 * random-effects model whose competences vary around the person's overall
 * ability with SD competence_sd). A competence without a response is "not
 * assessed" (level 0). Levels come from the cut scores of the settings.
 *
 * The learning path: the two assessed areas with the lowest estimates
 * (ties to the lower area number); inside each, its competences from the
 * lowest estimate (those not assessed last, at the area's level); for each,
 * up to two resources of that competence, those serving the next level
 * first, then the current level, then any higher level (resources only for
 * levels below the current one are left out); at most six in all.
 */
#ifndef CC_LITERACY_PROFILE_H
#define CC_LITERACY_PROFILE_H

#include <jansson.h>
#include <stddef.h>

#include "literacy/cat.h"
#include "literacy/irt.h"
#include "literacy/item.h"

struct literacy_profile_entry {
    double theta, se; /* NAN when not assessed */
    int level;        /* 1..8; 0 when not assessed */
    int items;        /* responses */
    int score, max;   /* categories earned, and the most that could be */
};

struct literacy_profile {
    struct literacy_profile_entry overall;
    struct literacy_profile_entry area[LITERACY_AREAS];
    struct literacy_profile_entry competence[LITERACY_COMPETENCES];
};

/* One response with the competence (index) of its item. */
struct literacy_profile_response {
    struct literacy_irt irt;
    int category;
    int competence;
};

/* Computes the profile of the N responses R under settings S. */
void literacy_profile_compute(const struct literacy_profile_response *r, size_t n,
                              const struct literacy_settings *s, struct literacy_profile *out);

/*
 * The profile as JSON (a new reference): {"overall": {theta, se, level,
 * band, items, score, max}, "areas": [{code, cfitem, name, …}],
 * "competences": [{code, area, cfitem, name, …}]} with θ and SE rounded to
 * 4 decimals; not assessed entries have level 0 and null θ/SE.
 */
json_t *literacy_profile_json(const struct literacy_profile *p);

/* The learning path (rule above) from RES as a JSON array (a new reference). */
json_t *literacy_path(const struct literacy_profile *p, const struct literacy_resources *res);

#define LITERACY_PATH_MAX 6

#endif

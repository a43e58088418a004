/* The DigComp profile of a test and its learning path. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "literacy/profile.h"
#include "util/banned.h"

/* The EAP estimate of the responses of R that FILTER accepts, under N(MEAN, SD^2). */
static void estimate(const struct literacy_profile_response *r, size_t n, int area, int competence,
                     double mean, double sd, const struct literacy_settings *s,
                     struct literacy_profile_entry *out)
{
    struct literacy_posterior post;
    literacy_posterior_init(&post, mean, sd);
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        const struct literacy_digcomp *c = &literacy_competences[r[i].competence];
        if ((area && c->area != area) || (competence >= 0 && r[i].competence != competence))
            continue;
        literacy_posterior_add(&post, &r[i].irt, r[i].category);
        out->items++;
        out->score += r[i].category;
        out->max += r[i].irt.m;
    }
    if (out->items == 0) {
        out->theta = out->se = NAN;
        out->level = 0;
        return;
    }
    literacy_posterior_eap(&post, &out->theta, &out->se);
    out->level = literacy_level(s->cuts, out->theta);
}

void literacy_profile_compute(const struct literacy_profile_response *r, size_t n,
                              const struct literacy_settings *s, struct literacy_profile *out)
{
    estimate(r, n, 0, -1, 0.0, 1.0, s, &out->overall);
    double mean = out->overall.items ? out->overall.theta : 0.0;
    for (int a = 1; a <= LITERACY_AREAS; a++)
        estimate(r, n, a, -1, mean, s->competence_sd, s, &out->area[a - 1]);
    for (int k = 0; k < LITERACY_COMPETENCES; k++)
        estimate(r, n, 0, k, mean, s->competence_sd, s, &out->competence[k]);
}

/* theta rounded to 4 decimals, or null. */
static json_t *rounded(double v)
{
    return isfinite(v) ? json_real(round(v * 10000) / 10000) : json_null();
}

static json_t *entry_json(const struct literacy_profile_entry *e)
{
    return json_pack("{s:o, s:o, s:i, s:s, s:i, s:i, s:i}", "theta", rounded(e->theta), "se",
                     rounded(e->se), "level", e->level, "band",
                     e->level ? literacy_band_name(e->level) : "", "items", e->items, "score",
                     e->score, "max", e->max);
}

static json_t *named(const struct literacy_profile_entry *e, const struct literacy_digcomp *d,
                     int with_area)
{
    json_t *o = entry_json(e);
    if (!o)
        return NULL;
    json_object_set_new(o, "code", json_string(d->code));
    json_object_set_new(o, "cfitem", json_string(d->cfitem));
    json_object_set_new(o, "name", json_pack("{s:s, s:s}", "en", d->en, "zh-CN", d->zh));
    if (with_area)
        json_object_set_new(o, "area", json_string(literacy_areas[d->area - 1].code));
    return o;
}

json_t *literacy_profile_json(const struct literacy_profile *p)
{
    json_t *areas = json_array(), *comps = json_array();
    for (int a = 0; areas && a < LITERACY_AREAS; a++)
        json_array_append_new(areas, named(&p->area[a], &literacy_areas[a], 0));
    for (int k = 0; comps && k < LITERACY_COMPETENCES; k++)
        json_array_append_new(comps, named(&p->competence[k], &literacy_competences[k], 1));
    return json_pack("{s:o, s:o, s:o}", "overall", entry_json(&p->overall), "areas", areas,
                     "competences", comps);
}

/* The rank of resource R for a competence at LEVEL: 0 next level, 1 this one, 2 higher, -1 none. */
static int rank(const struct literacy_resource *r, int level)
{
    if (level < 8 && (r->levels & (1u << (level + 1))))
        return 0;
    if (r->levels & (1u << level))
        return 1;
    for (int l = level + 1; l <= 8; l++)
        if (r->levels & (1u << l))
            return 2;
    return -1;
}

static int add_resources(json_t *path, const struct literacy_resources *res, int competence,
                         int level)
{
    int added = 0;
    for (int want = 0; want <= 2 && added < 2; want++)
        for (size_t i = 0; i < res->n && added < 2; i++) {
            const struct literacy_resource *r = &res->list[i];
            if (json_array_size(path) >= LITERACY_PATH_MAX)
                return added;
            if (r->competence != competence || rank(r, level) != want)
                continue;
            json_t *o = json_deep_copy(r->json);
            if (!o)
                return added;
            json_object_set_new(o, "for_level", json_integer(level));
            json_object_set_new(
                o, "area",
                json_string(literacy_areas[literacy_competences[competence].area - 1].code));
            json_array_append_new(path, o);
            added++;
        }
    return added;
}

json_t *literacy_path(const struct literacy_profile *p, const struct literacy_resources *res)
{
    json_t *path = json_array();
    int order[LITERACY_AREAS], n = 0;
    for (int a = 0; a < LITERACY_AREAS; a++)
        if (p->area[a].items)
            order[n++] = a;
    /* Insertion sort: lowest theta first, the lower area number on ties. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && p->area[order[j]].theta < p->area[order[j - 1]].theta; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (int w = 0; path && w < n && w < 2; w++) {
        int area = order[w] + 1, comps[LITERACY_COMPETENCES], nc = 0;
        for (int k = 0; k < LITERACY_COMPETENCES; k++)
            if (literacy_competences[k].area == area)
                comps[nc++] = k;
        for (int i = 1; i < nc; i++)
            for (int j = i; j > 0; j--) {
                const struct literacy_profile_entry *x = &p->competence[comps[j]],
                                                    *y = &p->competence[comps[j - 1]];
                double tx = x->items ? x->theta : INFINITY, ty = y->items ? y->theta : INFINITY;
                if (!(tx < ty))
                    break;
                int t = comps[j];
                comps[j] = comps[j - 1];
                comps[j - 1] = t;
            }
        for (int i = 0; i < nc; i++) {
            const struct literacy_profile_entry *e = &p->competence[comps[i]];
            add_resources(path, res, comps[i], e->items ? e->level : p->area[area - 1].level);
        }
    }
    return path;
}

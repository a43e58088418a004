#include "care/morse.h"

#include <stddef.h>
#include <string.h>

#include "util/banned.h"

int morse_validate(const struct morse_items *items)
{
    if (items->history != 0 && items->history != 1)
        return MORSE_ERR_HISTORY;
    if (items->secondary != 0 && items->secondary != 1)
        return MORSE_ERR_SECONDARY;
    /* The enums may hold any int (they came from a caller); compare as unsigned. */
    if ((unsigned)items->aid > (unsigned)MORSE_AID_FURNITURE)
        return MORSE_ERR_AID;
    if (items->iv != 0 && items->iv != 1)
        return MORSE_ERR_IV;
    if ((unsigned)items->gait > (unsigned)MORSE_GAIT_IMPAIRED)
        return MORSE_ERR_GAIT;
    if ((unsigned)items->mental > (unsigned)MORSE_MENTAL_FORGETS)
        return MORSE_ERR_MENTAL;
    return MORSE_OK;
}

int morse_cutoffs_validate(const struct morse_cutoffs *c)
{
    if (c->moderate < 1 || c->moderate > c->high || c->high > MORSE_MAX)
        return MORSE_ERR_CUTOFFS;
    return MORSE_OK;
}

enum morse_risk morse_risk_of(int total, const struct morse_cutoffs *c)
{
    if (total >= c->high)
        return MORSE_RISK_HIGH;
    if (total >= c->moderate)
        return MORSE_RISK_MODERATE;
    return MORSE_RISK_LOW;
}

int morse_score(const struct morse_items *items, const struct morse_cutoffs *cutoffs,
                struct morse_result *out)
{
    static const struct morse_cutoffs defaults = MORSE_CUTOFFS_DEFAULT;
    static const int aid_points[] = {0, 15, 30};
    static const int gait_points[] = {0, 10, 20};
    if (!cutoffs)
        cutoffs = &defaults;
    int err = morse_validate(items);
    if (!err)
        err = morse_cutoffs_validate(cutoffs);
    if (err)
        return err;
    struct morse_result r;
    r.score[MORSE_ITEM_HISTORY] = items->history ? 25 : 0;
    r.score[MORSE_ITEM_SECONDARY] = items->secondary ? 15 : 0;
    r.score[MORSE_ITEM_AID] = aid_points[items->aid];
    r.score[MORSE_ITEM_IV] = items->iv ? 20 : 0;
    r.score[MORSE_ITEM_GAIT] = gait_points[items->gait];
    r.score[MORSE_ITEM_MENTAL] = items->mental == MORSE_MENTAL_FORGETS ? 15 : 0;
    r.total = 0;
    for (int i = 0; i < MORSE_NITEMS; i++)
        r.total += r.score[i];
    r.risk = morse_risk_of(r.total, cutoffs);
    *out = r;
    return MORSE_OK;
}

struct answer {
    const char *id;
    int value;
};

/* Looks S up in the N answers of TABLE; -1 when absent. */
static int lookup(const struct answer *table, size_t n, const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].id, s) == 0)
            return table[i].value;
    return -1;
}

int morse_aid_parse(const char *s, enum morse_aid *out)
{
    static const struct answer aids[] = {
        {"none", MORSE_AID_NONE},          {"bed-rest", MORSE_AID_NONE},
        {"nurse-assist", MORSE_AID_NONE},  {"crutches", MORSE_AID_CRUTCHES},
        {"cane", MORSE_AID_CRUTCHES},      {"walker", MORSE_AID_CRUTCHES},
        {"furniture", MORSE_AID_FURNITURE}};
    int v = lookup(aids, sizeof(aids) / sizeof(aids[0]), s);
    if (v < 0)
        return -1;
    *out = (enum morse_aid)v;
    return 0;
}

int morse_gait_parse(const char *s, enum morse_gait *out)
{
    static const struct answer gaits[] = {{"normal", MORSE_GAIT_NORMAL},
                                          {"bed-rest", MORSE_GAIT_NORMAL},
                                          {"wheelchair", MORSE_GAIT_NORMAL},
                                          {"weak", MORSE_GAIT_WEAK},
                                          {"impaired", MORSE_GAIT_IMPAIRED}};
    int v = lookup(gaits, sizeof(gaits) / sizeof(gaits[0]), s);
    if (v < 0)
        return -1;
    *out = (enum morse_gait)v;
    return 0;
}

int morse_mental_parse(const char *s, enum morse_mental *out)
{
    static const struct answer mental[] = {{"oriented", MORSE_MENTAL_ORIENTED},
                                           {"forgets", MORSE_MENTAL_FORGETS}};
    int v = lookup(mental, sizeof(mental) / sizeof(mental[0]), s);
    if (v < 0)
        return -1;
    *out = (enum morse_mental)v;
    return 0;
}

const char *morse_item_id(enum morse_item item)
{
    static const char *const ids[MORSE_NITEMS] = {
        "history", "secondary_diagnosis", "ambulatory_aid", "iv", "gait", "mental_status"};
    return (unsigned)item < MORSE_NITEMS ? ids[item] : "";
}

const char *morse_aid_id(enum morse_aid aid)
{
    static const char *const ids[] = {"none", "crutches", "furniture"};
    return (unsigned)aid <= MORSE_AID_FURNITURE ? ids[aid] : "";
}

const char *morse_gait_id(enum morse_gait gait)
{
    static const char *const ids[] = {"normal", "weak", "impaired"};
    return (unsigned)gait <= MORSE_GAIT_IMPAIRED ? ids[gait] : "";
}

const char *morse_mental_id(enum morse_mental mental)
{
    static const char *const ids[] = {"oriented", "forgets"};
    return (unsigned)mental <= MORSE_MENTAL_FORGETS ? ids[mental] : "";
}

const char *morse_risk_id(enum morse_risk risk)
{
    static const char *const ids[] = {"low", "moderate", "high"};
    return (unsigned)risk <= MORSE_RISK_HIGH ? ids[risk] : "";
}

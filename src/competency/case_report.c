/* The report of a package import (competency/case.h). */
#include <stdio.h>
#include <string.h>

#include "competency/case.h"
#include "competency/messages.h"
#include "util/alloc.h"
#include "util/utf8.h"
#include "util/banned.h"

void case_report_init(struct case_report *r)
{
    memset(r, 0, sizeof(*r));
}

void case_report_release(struct case_report *r)
{
    cc_free(r->errors);
    cc_free(r->warnings);
    cc_free(r->title);
    case_report_init(r);
}

void case_report_add(struct case_report *r, int warning, const char *path, const char *msg,
                     const char *arg)
{
    struct case_problem **list = warning ? &r->warnings : &r->errors;
    size_t *n = warning ? &r->nwarnings : &r->nerrors;
    (*(warning ? &r->total_warnings : &r->total_errors))++;
    if (*n == CASE_REPORT_MAX)
        return;
    if (!*list && !(*list = cc_calloc(CASE_REPORT_MAX, sizeof(**list)))) {
        r->nomem = 1;
        return;
    }
    struct case_problem *p = &(*list)[(*n)++];
    utf8_copy(p->path, sizeof(p->path), path ? path : "");
    p->msg = msg;
    utf8_copy(p->arg, sizeof(p->arg), arg ? arg : "");
}

void case_problem_text(const struct case_problem *p, enum lang lang, char *out, size_t size)
{
    char text[512];
    /* The message texts hold at most one %s (checked by the unit tests). */
    snprintf(text, sizeof(text), competency_message(p->msg, lang), p->arg);
    if (p->path[0])
        snprintf(out, size, "%s: %s", p->path, text);
    else
        snprintf(out, size, "%s", text);
}

static json_t *problems_json(const struct case_problem *list, size_t n, enum lang lang)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        char text[512];
        snprintf(text, sizeof(text), competency_message(list[i].msg, lang), list[i].arg);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "path", list[i].path, "code",
                                           list[i].msg, "message", text));
    }
    return a;
}

static json_t *count_json(const struct case_count *c)
{
    return json_pack("{s:I, s:I, s:I}", "created", (json_int_t)c->created, "updated",
                     (json_int_t)c->updated, "removed", (json_int_t)c->removed);
}

json_t *case_report_json(const struct case_report *r, enum lang lang)
{
    json_t *doc = json_null();
    if (r->document[0])
        doc = json_pack("{s:s, s:s?}", "identifier", r->document, "title", r->title);
    json_t *changes = json_null();
    if (r->imported)
        changes = json_pack("{s:s, s:o, s:o}", "document", r->created ? "created" : "replaced",
                            "items", count_json(&r->item_changes), "associations",
                            count_json(&r->association_changes));
    return json_pack("{s:b, s:b, s:o, s:{s:I, s:I, s:I, s:I}, s:o, s:o, s:o, s:I, s:I}", "valid",
                     r->total_errors == 0, "imported", r->imported, "document", doc, "stats",
                     "items", (json_int_t)r->items, "associations", (json_int_t)r->associations,
                     "definitions", (json_int_t)r->definitions, "rubrics", (json_int_t)r->rubrics,
                     "changes", changes, "errors", problems_json(r->errors, r->nerrors, lang),
                     "warnings", problems_json(r->warnings, r->nwarnings, lang), "error_count",
                     (json_int_t)r->total_errors, "warning_count", (json_int_t)r->total_warnings);
}

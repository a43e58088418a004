/*
 * Fuzzes the answer payload of POST /api/literacy/tests/{id}/answers: the
 * body as the API reads it (bounded JSON, {"seq", "item", "answer"}), then
 * the answer against one item of each type (single, multiple with partial
 * credit, ordering with partial credit, a screen with sub-screens). Either a
 * refusal with a known message, or an answer of known choices, none twice,
 * whose score is a category of the item and the same when the answer is
 * written out and read again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "literacy/item.h"
#include "literacy/messages.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

#define T(en, zh) "{\"en\": \"" en "\", \"zh-CN\": \"" zh "\"}"
#define COMMON(id, comp, cf)                                                                       \
    "\"id\": \"" id "\", \"version\": 1, \"competence\": \"" comp "\", \"cfitem\": \"" cf          \
    "\", \"level\": 3, \"cn_literacy\": \"信息意识\", \"context\": \"general\", \"stem\": " T(     \
        "Which?", "哪个？") ", \"feedback\": " T("Because.", "因为。")

static const char
    bank[] =
        "{\"items\": ["
        "{" COMMON(
            "dl-1.1-901", "DC.1.1",
            "6cac551e-bc1b-5975-93e7-3183d99d2838") ", \"type\": \"single\", "
                                                    "\"options\": [{\"id\": \"a\", "
                                                    "\"text\": " T("A", "甲") "}, {\"id\": "
                                                                              "\"b\", "
                                                                              "\"text\": " T(
                                                                                  "B", "乙") "}], "
                                                                                             "\"key"
                                                                                             "\": "
                                                                                             "[\"b"
                                                                                             "\"], "
                                                                                             "\"sco"
                                                                                             "ring"
                                                                                             "\": "
                                                                                             "\"dic"
                                                                                             "hotom"
                                                                                             "ous\""
                                                                                             ", "
                                                                                             "\"irt"
                                                                                             "\": "
                                                                                             "{\"mo"
                                                                                             "del\""
                                                                                             ": "
                                                                                             "\"2pl"
                                                                                             "\", "
                                                                                             "\"a\""
                                                                                             ": "
                                                                                             "1.2, "
                                                                                             "\"b\""
                                                                                             ": "
                                                                                             "0.1}}"
                                                                                             ","
                                                                                             "{" COMMON("dl-1.2-901",
                                                                                                        "DC.1.2", "ab26d58e-2811-50c6-83c2-db465a57e832") ", \"type\": \"multiple\", \"options\": [{\"id\": \"a\", \"text\": " T("A", "甲") "}, {\"id\": "
                                                                                                                                                                                                                                            "\"b\", \"text\": " T("B", "乙") "}, {\"id\": \"c\", \"text\": " T("C", "丙") "}], \"key\": "
                                                                                                                                                                                                                                                                                                                          "[\"a\", \"c\"], \"scoring\": \"partial\", \"irt\": {\"model\": \"grm\", \"a\": 1, \"b\": "
                                                                                                                                                                                                                                                                                                                          "[-0.5, 0.5]}},"
                                                                                                                                                                                                                                                                                                                          "{" COMMON(
                                                                                                                                                                                                                                                                                                                              "dl-1.3-901",
                                                                                                                                                                                                                                                                                                                              "DC.1.3",
                                                                                                                                                                                                                                                                                                                              "eb676a1d-c92d-5173-8a98-4c154fd8f569") ", \"type\": \"ordering\", \"options\": [{\"id\": \"s1\", \"text\": " T("1",
                                                                                                                                                                                                                                                                                                                                                                                                                                              "一") "}, "
                                                                                                                                                                                                                                                                                                                                                                                                                                                    "{\"id\": \"s2\", \"text\": " T(
                                                                                                                                                                                                                                                                                                                                                                                                                                                        "2",
                                                                                                                                                                                                                                                                                                                                                                                                                                                        "二") "}, {\"id\": \"s3\", \"text\": " T("3",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                 "三") "}, "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                       "{\"id\": \"s4\", \"text\": " T(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           "4", "四") "}], \"key\": [\"s3\", \"s1\", \"s4\", \"s2\"], "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "\"scoring\": \"partial\", \"irt\": {\"model\": \"grm\", \"a\": 0.9, \"b\": [-1, 0, 1]}},"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "{" COMMON(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                          "dl-2.1-901", "DC.2.1", "54ab9af7-9395-5436-a3c0-81d4fa82e813") ", \"type\": \"screen\", \"screen\": {\"kind\": \"phone\", \"title\": " T("Settings", "设置") ", \"elements\": [{\"id\": \"apps\", \"role\": \"row\", \"label\": " T("Apps",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                               "应用") ", \"children\": [{\"id\": \"lamp\", \"role\": \"row\", \"label\": " T("Lamp", "手电") ", \"children\": [{\"id\": \"loc\", \"role\": \"toggle\", \"label\": " T("Location", "位置") "}]}]}, {\"id\": \"msg\", \"role\": \"message\", \"label\": " T("Bank", "银行") "}, {\"id\": \"ok\", \"role\": \"button\", \"label\": " T("OK",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     "好") "}]}, \"key\": "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           "[\"loc\"], \"scoring\": \"dichotomous\", \"irt\": {\"model\": \"2pl\", \"a\": 1.4, \"b\": "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           "-0.2}}"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           "]}";

static struct literacy_bank items;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        struct literacy_report r = {0};
        literacy_bank_init(&items);
        CHECK(literacy_bank_read_file(&items, bank, sizeof(bank) - 1, "", &r) == LITERACY_OK);
        CHECK(literacy_bank_finish(&items, &r) == LITERACY_OK && items.n == 4);
        ready = 1;
    }
    json_t *body;
    if (json_read((const char *)data, size, JSON_MAX_DEPTH, 1, &body))
        return 0;
    const json_t *answer = json_object_get(body, "answer");
    if (!answer)
        answer = body;
    for (size_t i = 0; i < items.n; i++) {
        const struct literacy_item *it = &items.items[i];
        struct literacy_answer a;
        struct literacy_problem p = {0};
        int err = literacy_answer_read(it, answer, &a, &p);
        if (err) {
            CHECK(err == LITERACY_ERR_INVALID && p.msg &&
                  strncmp(p.msg, "literacy_answer_", 16) == 0);
            CHECK(literacy_message(p.msg, LANG_ZH) != p.msg);
            continue;
        }
        CHECK(a.n >= 1 && a.n <= it->nchoices);
        unsigned char seen[LITERACY_MAX_CHOICES] = {0};
        for (int k = 0; k < a.n; k++) {
            CHECK(a.sel[k] < it->nchoices && !seen[a.sel[k]]++ && !it->nav[a.sel[k]]);
        }
        if (it->type == LITERACY_SINGLE)
            CHECK(a.n == 1);
        if (it->type == LITERACY_ORDERING)
            CHECK(a.n == it->nchoices);
        int k = literacy_score(it, &a);
        CHECK(k >= 0 && k <= it->irt.m);
        json_t *ids = literacy_answer_json(it, &a);
        struct literacy_answer again;
        CHECK(ids && literacy_answer_read(it, ids, &again, &p) == LITERACY_OK);
        CHECK(again.n == a.n && memcmp(again.sel, a.sel, (size_t)a.n) == 0);
        CHECK(literacy_score(it, &again) == k);
        json_decref(ids);
    }
    json_decref(body);
    return 0;
}

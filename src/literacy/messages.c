#include "literacy/messages.h"

#include <stdio.h>
#include <string.h>

#include "util/banned.h"

/*
 * Sorted by id (checked by the unit tests) for a binary search. A comment
 * names the %s of the messages that have one.
 */
static const struct i18n_message messages[] = {
    {"lit_area",
     {"area must be a DigComp 2.2 area code, DC.1 to DC.5",
      "area 须为 DigComp 2.2 领域代码 DC.1 至 DC.5"}},
    /* %s: the file's area code. */
    {"lit_area_mismatch", {"is not a competence of the file's area %s", "不属于本文件的领域 %s"}},
    /* %s: the parser's words (line, column, what). */
    {"lit_bad_json",
     {"is not valid JSON (UTF-8 text, no key twice in one object): %s",
      "不是有效的 JSON（须为 UTF-8 文本，同一对象中的键不能重复）：%s"}},
    /* %s: the competence's CFItem identifier. */
    {"lit_cfitem",
     {"must be the identifier of the competence's CFItem in DigComp 2.2 (%s)",
      "须为该能力在 DigComp 2.2 中的 CFItem 标识符（%s）"}},
    /* %s: the id. */
    {"lit_choice_twice",
     {"uses the id %s a second time in this item", "在本题中重复使用了编号 %s"}},
    {"lit_cn_literacy",
     {"must be 信息意识, 计算思维, 数字化学习与创新 or 信息社会责任",
      "须为 信息意识、计算思维、数字化学习与创新 或 信息社会责任 之一"}},
    {"lit_competence",
     {"must be a DigComp 2.2 competence code, DC.1.1 to DC.5.4",
      "须为 DigComp 2.2 能力代码 DC.1.1 至 DC.5.4"}},
    {"lit_context",
     {"must be one of platform, dashboard, telehealth, privacy, scam, resident-phone, records, "
      "teamwork, devices, general",
      "须为 platform、dashboard、telehealth、privacy、scam、resident-phone、records、teamwork、"
      "devices、general 之一"}},
    {"lit_element",
     {"must be an object {id, role, label, detail?, children?}",
      "须为对象 {id, role, label, detail?, children?}"}},
    {"lit_element_id",
     {"must be 1 to 32 of a-z, 0-9 and -", "须为 1 到 32 个字符，只能含 a-z、0-9 和 -"}},
    {"lit_element_role",
     {"must be row, button, toggle, message or link",
      "须为 row、button、toggle、message 或 link 之一"}},
    /* %s: the most elements on one level. */
    {"lit_elements",
     {"must be a list of 1 to %s screen elements", "须为包含 1 到 %s 个界面元素的列表"}},
    {"lit_id",
     {"must be dl-, the competence without DC., a hyphen and three digits, such as dl-1.1-003",
      "须为 dl-、去掉 DC. 的能力代码、连字符和三位数字，例如 dl-1.1-003"}},
    /* %s: the competence code. */
    {"lit_id_competence",
     {"must start with the item's competence %s (dl-1.1-… for DC.1.1)",
      "须以本题的能力 %s 开头（DC.1.1 对应 dl-1.1-…）"}},
    {"lit_id_twice", {"is the id of more than one item", "是多道题目的编号"}},
    {"lit_irt",
     {"must be {\"model\": \"2pl\", \"a\": 0.1…4, \"b\": -6…6} or {\"model\": \"grm\", \"a\": "
      "0.1…4, \"b\": [1 to 5 thresholds from -6 to 6, ascending]}",
      "须为 {\"model\": \"2pl\", \"a\": 0.1…4, \"b\": -6…6} 或 {\"model\": \"grm\", \"a\": 0.1…4, "
      "\"b\": [1 到 5 个 -6 至 6 之间的递增阈值]}"}},
    /* %s: the number of thresholds. */
    {"lit_irt_categories",
     {"has %s thresholds, more than this item's answers can reach (multiple and screen: at most "
      "the key's size; ordering: at most options - 1, with 3 options or more)",
      "有 %s "
      "个阈值，超过了本题作答所能达到的等级数（多选和界面题：不超过答案数；排序题：不超过选项数减 "
      "1，且至少 3 个选项）"}},
    {"lit_irt_model",
     {"must be 2pl for dichotomous scoring and grm for partial credit",
      "二分计分须用 2pl，部分计分须用 grm"}},
    {"lit_item", {"must be an object (one item)", "须为对象（一道题目）"}},
    {"lit_key",
     {"must be a list of the ids of the right options (or screen elements)",
      "须为正确选项（或界面元素）编号的列表"}},
    /* %s: the element id. */
    {"lit_key_navigation",
     {"names %s, an element with children: it opens a sub-screen and cannot be selected",
      "列出的 %s 带有子元素：它用于打开子界面，不能被选为答案"}},
    {"lit_key_order",
     {"must list every option id once, in the right order", "须按正确顺序列出每个选项编号各一次"}},
    {"lit_key_single",
     {"must hold exactly one option id for a single-choice item", "单选题须恰好含一个选项编号"}},
    /* %s: the id. */
    {"lit_key_twice", {"names %s twice", "重复列出了 %s"}},
    /* %s: the id. */
    {"lit_key_unknown",
     {"names %s, which is not an option (or screen element) of the item",
      "列出的 %s 不是本题的选项（或界面元素）"}},
    {"lit_level",
     {"must be a DigComp proficiency level, a whole number from 1 to 8",
      "须为 DigComp 熟练等级，1 到 8 的整数"}},
    {"lit_not_bank",
     {"must be an object with an \"items\" list (and optionally \"area\")",
      "须为含 \"items\" 列表（可选 \"area\"）的对象"}},
    {"lit_option", {"must be an object {id, text}", "须为对象 {id, text}"}},
    {"lit_option_id",
     {"must be 1 to 16 of a-z, 0-9 and -", "须为 1 到 16 个字符，只能含 a-z、0-9 和 -"}},
    /* %s: the most options. */
    {"lit_options", {"must be a list of 2 to %s options", "须为包含 2 到 %s 个选项的列表"}},
    {"lit_options_screen",
     {"is not used by screen items: their choices are the screen's elements",
      "界面题不使用此字段：其选择对象是界面元素"}},
    {"lit_resource",
     {"must be an object {id, competence, levels, title, description, kind, activity or url}",
      "须为对象 {id, competence, levels, title, description, kind, activity 或 url}"}},
    {"lit_resource_activity",
     {"must be https://carecampus.org/xapi/activities/literacy/practice/ followed by a name",
      "须为 https://carecampus.org/xapi/activities/literacy/practice/ 加名称"}},
    {"lit_resource_id",
     {"must be 1 to 32 of a-z, 0-9, . and -", "须为 1 到 32 个字符，只能含 a-z、0-9、. 和 -"}},
    {"lit_resource_kind",
     {"must be practice, reading, video or course", "须为 practice、reading、video 或 course"}},
    {"lit_resource_levels",
     {"must be a list of the levels (1 to 8) the resource serves",
      "须为资源所适用等级（1 到 8）的列表"}},
    {"lit_resource_target",
     {"needs either an activity (our own practice) or a url (a public page), not both",
      "须有 activity（本平台练习）或 url（公开网页）之一，不能两者都有"}},
    {"lit_resource_url",
     {"must be an https:// address without spaces", "须为不含空格的 https:// 地址"}},
    {"lit_scoring", {"must be dichotomous or partial", "须为 dichotomous 或 partial"}},
    {"lit_scoring_single",
     {"must be dichotomous for a single-choice item", "单选题须为 dichotomous（二分计分）"}},
    {"lit_screen",
     {"must be {\"kind\", \"title\", \"elements\"} for a screen item",
      "界面题须有 {\"kind\", \"title\", \"elements\"}"}},
    /* %s: the most levels. */
    {"lit_screen_depth",
     {"nests deeper than %s levels of sub-screens", "子界面的嵌套超过了 %s 层"}},
    /* %s: the most elements. */
    {"lit_screen_elements",
     {"makes the screen hold more than %s elements in all", "使界面元素总数超过了 %s 个"}},
    {"lit_screen_kind",
     {"must be phone, tablet, desktop or message-list",
      "须为 phone、tablet、desktop 或 message-list"}},
    {"lit_screen_only", {"is only for items of type screen", "仅用于 screen 类型的题目"}},
    {"lit_state",
     {"must be {\"retired\": true or false, \"irt\": parameters} (one or both)",
      "须为 {\"retired\": true 或 false, \"irt\": 参数}（至少其一）"}},
    {"lit_state_irt",
     {"has parameters that do not fit the item (the same model and number of thresholds)",
      "中的参数与题目不符（须为相同模型和相同阈值数）"}},
    {"lit_state_unknown",
     {"names an item that is neither in the file nor in the college's bank",
      "所指题目既不在文件中，也不在本校题库中"}},
    /* %s: the most characters. */
    {"lit_text",
     {"must be {\"en\": …, \"zh-CN\": …}, each 1 to %s characters without control characters",
      "须为 {\"en\": …, \"zh-CN\": …}，每种语言 1 到 %s 个字符，不能含控制字符"}},
    /* %s: the most items. */
    {"lit_too_many", {"has more than %s items", "题目超过 %s 道"}},
    {"lit_type",
     {"must be single, multiple, ordering or screen", "须为 single、multiple、ordering 或 screen"}},
    /* %s: the member's name. */
    {"lit_unknown_member", {"has an unknown member \"%s\"", "含有未知成员“%s”"}},
    {"lit_version", {"must be a whole number from 1 to 1000000", "须为 1 到 1000000 之间的整数"}},
    /* %s: the version the college has. */
    {"lit_version_not_newer",
     {"differs from version %s that the college has; give it a higher version to replace it",
      "与本校已有的版本 %s 不同；如要替换，请提高其版本号"}},
    /* %s: the number. */
    {"literacy_already_answered",
     {"Question %s was already answered; the test has moved on. Reload the test to continue at "
      "the current question.",
      "第 %s 题已经作答，测评已继续进行。请重新加载测评，从当前题目继续。"}},
    {"literacy_already_finished",
     {"This test was already finished. See its result.", "此测评已经结束。请查看结果。"}},
    {"literacy_answer_body",
     {"The answer must be {\"seq\": the question's number, \"item\": its id, \"answer\": [the ids "
      "you chose]}.",
      "作答内容须为 {\"seq\": 题号, \"item\": 题目编号, \"answer\": [所选编号]}。"}},
    {"literacy_answer_empty", {"Choose at least one answer.", "请至少选择一项。"}},
    {"literacy_answer_order",
     {"Put every step in order: each one exactly once.",
      "请将每个步骤排好顺序，每个步骤恰好出现一次。"}},
    {"literacy_answer_race",
     {"This question was answered meanwhile, perhaps in another window. Reload the test to "
      "continue.",
      "这道题刚刚已被作答（可能是在另一个窗口中）。请重新加载测评后继续。"}},
    {"literacy_answer_shape",
     {"answer must be a list of the ids you chose.", "answer 须为所选编号的列表。"}},
    {"literacy_answer_single", {"Choose exactly one answer.", "请只选择一项。"}},
    /* %s: the id. */
    {"literacy_answer_twice", {"The answer names %s twice.", "作答中重复出现了 %s。"}},
    /* %s: the id, quoted. */
    {"literacy_answer_unknown",
     {"The answer names %s, which is not a choice of this question.",
      "作答中的 %s 不是本题的选项。"}},
    {"literacy_bank_empty",
     {"There are no questions to test with yet. Ask an administrator to import the item bank.",
      "题库中还没有可用的题目。请联系管理员导入题库。"}},
    {"literacy_calibration_applied",
     {"This calibration was applied already.", "此次校准已经应用过了。"}},
    /* %s: the least number of answers. */
    {"literacy_calibration_no_data",
     {"Not enough answers to calibrate: no item has %s answers yet. Run it again when more "
      "students have taken the test.",
      "答题数据不足，无法校准：还没有任何题目达到 %s 次作答。请在更多学生完成测评后再运行。"}},
    {"literacy_calibration_options",
     {"The options must be min_responses (10 to 100000), max_cycles (1 to 5000), priors and "
      "link (true or false).",
      "选项须为 min_responses（10 到 100000）、max_cycles（1 到 5000）、priors 和 link（true 或 "
      "false）。"}},
    /* %s: the item id. */
    {"literacy_calibration_stale",
     {"Item %s changed after this calibration ran, so its results no longer fit the bank. Run the "
      "calibration again.",
      "此次校准运行后，题目 %s 已被修改，结果已不再适用于当前题库。请重新运行校准。"}},
    {"literacy_calibration_unknown",
     {"There is no calibration run with this number.", "没有此编号的校准记录。"}},
    {"literacy_exposure_body",
     {"The body must be {\"max_exposure\": 0 (off) or 0.05 to 1, \"tests\": 100 to 20000 "
      "simulated tests a round (optional)}.",
      "请求内容须为 {\"max_exposure\": 0（关闭）或 0.05 到 1, \"tests\": 每轮模拟测评场次 100 到 "
      "20000（可选）}。"}},
    {"literacy_finish_empty",
     {"Answer at least one question before you finish.", "请至少回答一道题后再结束测评。"}},
    {"literacy_finished",
     {"This test is over; it takes no more answers. See its result.",
      "此测评已经结束，不再接受作答。请查看结果。"}},
    /* %s: the number of problems. */
    {"literacy_import_invalid",
     {"The file has %s problems; nothing was imported. Correct them and import it again.",
      "文件中有 %s 个问题，未导入任何内容。请改正后重新导入。"}},
    {"literacy_item_unknown",
     {"There is no item with this id in your college's bank.", "本校题库中没有此编号的题目。"}},
    {"literacy_mode_invalid",
     {"mode must be practice or certified.", "mode 须为 practice（练习）或 certified（正式）。"}},
    {"literacy_not_finished",
     {"This test is still running; its result comes when it is finished.",
      "此测评尚未结束；结束后才有结果。"}},
    {"literacy_not_presented",
     {"This question was not presented to you. Reload the test to continue at the current "
      "question.",
      "这道题没有出给您。请重新加载测评，从当前题目继续。"}},
    {"literacy_not_your_class",
     {"You can see the results of the classes you teach only.", "您只能查看自己任教班级的结果。"}},
    {"literacy_not_your_student",
     {"This student is not in a class you teach.", "该学生不在您任教的班级中。"}},
    {"literacy_own_only", {"Students can see their own tests only.", "学生只能查看自己的测评。"}},
    /* %s: the number sent. */
    {"literacy_seq_mismatch",
     {"Question number %s is not the current question. Reload the test to continue at the "
      "current question.",
      "第 %s 题不是当前题目。请重新加载测评，从当前题目继续。"}},
    {"literacy_settings_competence_sd",
     {"competence_sd must be a number from 0.25 to 3.", "competence_sd 须为 0.25 到 3 之间的数。"}},
    {"literacy_settings_cuts",
     {"cuts must be 7 numbers from -6 to 6, ascending: where levels 2 to 8 start.",
      "cuts 须为 7 个 -6 到 6 之间递增的数：等级 2 到 8 的起点。"}},
    {"literacy_settings_items",
     {"min_items and max_items must be whole numbers from 1 to 100, min_items at most max_items.",
      "min_items 和 max_items 须为 1 到 100 的整数，且 min_items 不大于 max_items。"}},
    {"literacy_settings_max_exposure",
     {"max_exposure must be 0 (off) or a share from 0.05 to 1.",
      "max_exposure 须为 0（关闭）或 0.05 到 1 之间的比例。"}},
    {"literacy_settings_object", {"The settings must be a JSON object.", "设置须为 JSON 对象。"}},
    {"literacy_settings_randomesque",
     {"randomesque must be a whole number from 1 to 20.", "randomesque 须为 1 到 20 的整数。"}},
    {"literacy_settings_se",
     {"se_target must be a number from 0.1 to 1.", "se_target 须为 0.1 到 1 之间的数。"}},
    {"literacy_settings_shares",
     {"area_shares must map DC.1 … DC.5 to shares from 0 to 1, not all 0.",
      "area_shares 须将 DC.1 … DC.5 映射到 0 到 1 之间的比例，且不能全为 0。"}},
    {"literacy_settings_spread", {"spread must be true or false.", "spread 须为 true 或 false。"}},
    {"literacy_student_only",
     {"Only students take the digital literacy test.", "只有学生可以参加数字素养测评。"}},
    {"literacy_test_open_certified",
     {"You have a certified test in progress. Finish it before you start a practice test.",
      "您有一场正式测评正在进行。请先完成它，再开始练习。"}},
    {"literacy_test_open_practice",
     {"You have a practice test in progress. Finish it before you start a certified test.",
      "您有一场练习正在进行。请先完成它，再开始正式测评。"}},
    {"literacy_test_unknown",
     {"There is no such test that you can see.", "没有您可以查看的此项测评。"}},
};

#define N_MESSAGES (sizeof(messages) / sizeof(messages[0]))

const char *literacy_message(const char *id, enum lang lang)
{
    const char *text = i18n_find(messages, N_MESSAGES, id, lang);
    return text ? text : i18n_text(id, lang);
}

const char *literacy_message_id(size_t i)
{
    return i < N_MESSAGES ? messages[i].id : NULL;
}

void literacy_problem_format(const struct literacy_problem *p, enum lang lang, char *out,
                             size_t size)
{
    char text[768];
    const char *fmt = literacy_message(p->msg ? p->msg : "bad_request", lang);
    if (strstr(fmt, "%s"))
        snprintf(text, sizeof(text), fmt, p->arg);
    else
        snprintf(text, sizeof(text), "%s", fmt);
    if (p->where[0])
        snprintf(out, size, "%s: %s", p->where, text);
    else
        snprintf(out, size, "%s", text);
}

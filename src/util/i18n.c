#include "util/i18n.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/banned.h"

/* Sorted by id (checked by the unit tests) for a binary search. */
static const struct i18n_message messages[] = {
    {"bad_json",
     {"The request body is not valid JSON (UTF-8, an object at the top).",
      "请求内容不是有效的 JSON（须为 UTF-8 编码，顶层为对象）。"}},
    {"bad_request", {"The request is malformed.", "请求格式有误。"}},
    {"checkoff_comment_invalid",
     {"The comment must be text, without control characters.", "评语须为文本，不能含有控制字符。"}},
    {"checkoff_comment_length",
     {"The comment can be at most 2000 characters.", "评语最多 2000 个字符。"}},
    {"checkoff_id_conflict",
     {"This check-off's id was already used for a different check-off, so nothing was recorded. "
      "Do the check-off again.",
      "此考核的编号已被另一条不同的考核记录使用，本次未记录。请重新进行考核。"}},
    {"checkoff_id_invalid",
     {"The check-off needs an id: a UUID made by the page.",
      "考核记录须有编号（由页面生成的 UUID）。"}},
    {"checkoff_not_your_class",
     {"You can see the check-offs of the classes you teach only.",
      "您只能查看自己任教班级的考核记录。"}},
    {"checkoff_not_your_student",
     {"This student is not in a class you teach.", "该学生不在您任教的班级中。"}},
    {"checkoff_own_only",
     {"Students can see their own check-offs only.", "学生只能查看自己的考核记录。"}},
    /* %s: the step id. */
    {"checkoff_step_twice", {"Step %s is ticked twice.", "步骤 %s 被重复勾选。"}},
    /* %s: the step id. */
    {"checkoff_step_unknown",
     {"This checklist has no step %s. Reload the checklist and do the check-off again.",
      "此考核表中没有步骤 %s。请重新加载考核表后再进行考核。"}},
    {"checkoff_student_invalid", {"Choose a student of your college.", "请选择本校的学生。"}},
    {"checkoff_ticked_invalid",
     {"ticked must be a list of the ids of the steps done (at most 100).",
      "ticked 须为已完成步骤编号的列表（最多 100 个）。"}},
    {"checkoff_time_future",
     {"The end time is more than a day ahead of the server's clock. Check the date and time of "
      "your device.",
      "结束时间比服务器时间晚一天以上。请检查设备的日期和时间设置。"}},
    {"checkoff_time_invalid",
     {"The start and end times must be dates with times (ISO 8601).",
      "开始和结束时间须为带时间的日期（ISO 8601 格式）。"}},
    {"checkoff_time_order",
     {"The check-off ends before it starts.", "考核的结束时间早于开始时间。"}},
    {"checkoff_too_long",
     {"A check-off can last at most 24 hours.", "一次考核最长不超过 24 小时。"}},
    {"checkoff_unknown", {"There is no checklist with this id.", "没有此编号的考核表。"}},
    {"checkoff_version_changed",
     {"This checklist was updated after the page loaded it. Reload the checklist and do the "
      "check-off again.",
      "页面加载此考核表后，考核表已更新。请重新加载考核表后再进行考核。"}},
    {"checkoff_version_invalid",
     {"version must be the version number of the checklist.", "version 须为考核表的版本号。"}},
    {"class_name_length",
     {"The class name must be 1 to 100 characters.", "班级名称须为 1 到 100 个字符。"}},
    {"class_name_taken", {"A class with this name already exists.", "已存在同名班级。"}},
    {"class_unknown",
     {"There is no class of this name in your college.", "本校没有这个名称的班级。"}},
    {"conflict", {"This conflicts with existing data.", "与现有数据冲突。"}},
    {"country_invalid",
     {"The country must be a two-letter code such as CN or US.",
      "国家须为两位字母代码，如 CN 或 US。"}},
    {"csrf_failed",
     {"The security token of this page is missing or out of date. Reload the page "
      "and try again.",
      "本页面的安全令牌缺失或已过期。请刷新页面后重试。"}},
    {"csv_bad_char",
     {"The file contains a NUL byte; save it as UTF-8 text.",
      "文件中含有空字节（NUL），请另存为 UTF-8 文本。"}},
    {"csv_bad_quote",
     {"A double quote is in the wrong place; quote the whole field and double "
      "any quote inside it.",
      "双引号位置不正确：请用双引号括住整个字段，字段内的双引号须写两次。"}},
    {"csv_bad_utf8",
     {"This field is not valid UTF-8 text. Save the file as UTF-8 (in Excel: "
      "CSV UTF-8).",
      "此字段不是有效的 UTF-8 文本。请将文件另存为 UTF-8 编码（Excel 中选择“CSV UTF-8”）。"}},
    /* %d: fields in the row; %d: fields in the header. */
    {"csv_column_count",
     {"This row has %d fields but the header has %d.", "此行有 %d 个字段，但表头有 %d 个。"}},
    {"csv_empty",
     {"The file is empty; it needs a header row and at least one user.",
      "文件为空：需要一行表头和至少一个用户。"}},
    {"csv_field_too_long", {"A field is longer than 4096 bytes.", "有字段超过 4096 字节。"}},
    /* %s: the column name. */
    {"csv_missing_column", {"The header has no column \"%s\".", "表头缺少“%s”列。"}},
    {"csv_too_many_fields", {"A row has more than 32 fields.", "有一行超过 32 个字段。"}},
    /* %d: the limit. */
    {"csv_too_many_rows",
     {"The file has more than %d users; split it into smaller files.",
      "文件中的用户超过 %d 个，请拆分成较小的文件。"}},
    /* %s: the column name. */
    {"csv_unknown_column",
     {"The header has an unknown column \"%s\".", "表头中有无法识别的列“%s”。"}},
    {"csv_unterminated", {"A quoted field is never closed.", "有带引号的字段没有闭合。"}},
    {"field_required", {"This field is required.", "此项为必填项。"}},
    {"forbidden", {"Your role does not allow this.", "您的角色无权执行此操作。"}},
    {"forward_flag_invalid", {"This must be true or false.", "此项须为 true 或 false。"}},
    {"forward_key_invalid",
     {"The key must be 1 to 256 characters, without a colon or control characters.",
      "客户端标识（Key）须为 1 到 256 个字符，不能含冒号或控制字符。"}},
    {"forward_name_length",
     {"The name must be 1 to 100 characters.", "名称须为 1 到 100 个字符。"}},
    {"forward_secret_invalid",
     {"The secret must be 1 to 256 characters, without control characters.",
      "密钥（Secret）须为 1 到 256 个字符，不能含控制字符。"}},
    {"forward_url_invalid",
     {"The address must be an http:// or https:// URL of at most 2048 characters, such as "
      "https://lrs.example.edu/xapi/, without a user name, password, query (?) or fragment (#).",
      "地址须为以 http:// 或 https:// 开头、不超过 2048 个字符的网址，例如 "
      "https://lrs.example.edu/xapi/，且不能包含用户名、密码、查询部分（?）或片段（#）。"}},
    {"forward_version_invalid",
     {"The xAPI version must be 1.0.3 or 2.0.0.", "xAPI 版本须为 1.0.3 或 2.0.0。"}},
    /* %d: the number of problems found. */
    {"import_failed",
     {"Problems found: %d. Nothing was imported; correct the file and import it again.",
      "发现 %d 处问题，未导入任何数据。请修正文件后重新导入。"}},
    {"institution_name_length",
     {"The institution name must be 1 to 200 characters.", "院校名称须为 1 到 200 个字符。"}},
    {"internal",
     {"Something went wrong on the server; nothing was changed. Try again, and tell "
      "your administrator if it happens again.",
      "服务器出错，未做任何更改。请重试；如再次出现，请告知管理员。"}},
    {"invalid_credentials", {"The login or password is not correct.", "账号或密码不正确。"}},
    {"json_too_deep",
     {"The request body nests deeper than 32 levels.", "请求内容的嵌套超过 32 层。"}},
    {"lang_invalid", {"The language must be en or zh-CN.", "语言须为 en 或 zh-CN。"}},
    {"login_duplicate",
     {"This login appears more than once in the file.", "此账号在文件中出现了不止一次。"}},
    {"login_format",
     {"The login must be 3 to 64 characters: letters a-z, digits, dot, dash or "
      "underscore.",
      "账号须为 3 到 64 个字符，只能包含字母 a-z、数字、点、连字符或下划线。"}},
    {"login_taken", {"This login is already taken.", "此账号已被使用。"}},
    {"lrs_client_name_length",
     {"The client's name must be 1 to 100 characters.", "客户端名称须为 1 到 100 个字符。"}},
    {"lrs_not_your_student",
     {"Choose one of the students of your classes.", "请选择您所教班级中的学生。"}},
    {"lrs_scopes_invalid",
     {"Choose at least one scope: statements/write, statements/read, statements/read/mine, "
      "state, define, profile, all/read or all.",
      "请至少选择一个权限范围：statements/write、statements/read、statements/read/mine、"
      "state、define、profile、all/read 或 all。"}},
    {"mastery_depth_invalid",
     {"The depth must be a level of the framework's tree: 1 (the top) or more.",
      "层级须为框架树中的一层：1（顶层）或更深。"}},
    {"mastery_framework_unknown",
     {"There is no such competency framework. Choose one from the list.",
      "没有这个能力框架，请从列表中选择。"}},
    {"mastery_item_unknown",
     {"There is no such competency in the frameworks of this server.",
      "本服务器的能力框架中没有这项能力。"}},
    {"method_not_allowed", {"This method is not allowed here.", "此处不允许使用该请求方法。"}},
    {"name_length", {"The name must be 1 to 100 characters.", "姓名须为 1 到 100 个字符。"}},
    {"not_found", {"Not found.", "未找到。"}},
    {"password_length",
     {"The password must be 8 to 256 characters.", "密码须为 8 到 256 个字符。"}},
    {"password_wrong", {"The current password is not correct.", "当前密码不正确。"}},
    {"payload_too_large", {"The request body is too large.", "请求内容过大。"}},
    /* %d: seconds to wait. */
    {"rate_limited",
     {"Too many failed logins. Try again in %d seconds.", "登录失败次数过多，请 %d 秒后再试。"}},
    {"role_invalid",
     {"The role must be admin, teacher, student or verifier.",
      "角色须为 admin（管理员）、teacher（教师）、student（学生）或 verifier（验证方）。"}},
    {"students_invalid",
     {"Only students of your college can be enrolled.", "只能添加本校的学生。"}},
    {"teacher_invalid", {"Choose a teacher of your college.", "请选择本校的教师。"}},
    {"training_action_alert",
     {"Say which alert: \"alert\" (its kind) or \"alert_id\" (its number).",
      "请指明告警：alert（告警类型）或 alert_id（告警编号）。"}},
    {"training_action_at",
     {"Actions in a live scenario happen now: leave out \"at\".",
      "实时情景中的操作即时发生：请不要填写 at。"}},
    /* %s: the medicine id. */
    {"training_action_drug",
     {"%s is not a medicine of this scenario's residents.", "%s 不是本情景中老人的药物。"}},
    /* %s: the fact. */
    {"training_action_fact", {"%s is not a fact of the checklist.", "%s 不在事实清单中。"}},
    /* %s: the field. */
    {"training_action_facts",
     {"%s must be a list of facts from the checklist.", "%s 须为清单中的事实列表。"}},
    /* %s: the field. */
    {"training_action_field", {"This action has no field %s.", "此操作没有字段 %s。"}},
    /* %s: the engine's English message. */
    {"training_action_invalid", {"The action is not valid: %s", "操作无效：%s"}},
    {"training_action_object",
     {"An action is a JSON object, such as {\"type\": \"measure\", \"resident\": \"wang\", "
      "\"vital\": \"bp\"}.",
      "操作须为 JSON 对象，例如 {\"type\": \"measure\", \"resident\": \"wang\", \"vital\": "
      "\"bp\"}。"}},
    /* %s: the field. */
    {"training_action_param", {"%s is not a parameter of this action.", "%s 不是此操作的参数。"}},
    /* %s: the field and its range, "flow_lpm (1–15)". */
    {"training_action_range",
     {"%s: give a whole number in the range shown.", "%s：请填写所示范围内的整数。"}},
    /* %s: the field. */
    {"training_action_required", {"This action needs %s.", "此操作需要填写 %s。"}},
    {"training_action_resident_missing",
     {"Say which resident the action is for.", "请指明操作针对哪位老人。"}},
    /* %s: the resident id. */
    {"training_action_resident_unknown",
     {"There is no resident %s in this scenario.", "本情景中没有老人 %s。"}},
    {"training_action_sbar",
     {"sbar must be an object with situation, background, assessment, recommendation, facts and "
      "news2.",
      "sbar 须为对象，可包含 situation、background、assessment、recommendation、facts 和 news2。"}},
    /* %s: the field. */
    {"training_action_text",
     {"%s must be a text of at most 2000 bytes.", "%s 须为文本，最多 2000 字节。"}},
    {"training_action_too_large",
     {"The action is too large (at most 16 KB).", "操作内容过大（最多 16 KB）。"}},
    {"training_action_type_missing",
     {"Say what to do: the action's \"type\".", "请指明操作类型（type）。"}},
    /* %s: the list of action types. */
    {"training_action_type_unknown",
     {"Unknown action. The actions are: %s.", "未知操作。可用的操作有：%s。"}},
    /* %s: the field and its values, "vital (hr, rr, …)". */
    {"training_action_value", {"%s: choose one of the values listed.", "%s：请从所列的值中选择。"}},
    {"training_already_running",
     {"You have a scenario in progress. Go back to it, or finish it, before you start another.",
      "您有一个正在进行的情景。请先返回或结束该情景，再开始新的情景。"}},
    {"training_assignment_closed",
     {"This assignment is past its due date.", "此任务已过截止时间。"}},
    /* %s: the opening time (ISO 8601). */
    {"training_assignment_not_open", {"This assignment opens at %s.", "此任务将于 %s 开放。"}},
    {"training_assignment_not_yours",
     {"This assignment is for a class you are not in.", "此任务属于您未加入的班级。"}},
    {"training_assignment_started",
     {"Students have started this assignment, so it cannot be deleted: their attempts are records "
      "of learning.",
      "已有学生开始此任务，因此不能删除：学生的练习属于学习记录。"}},
    {"training_assignment_unknown", {"There is no such assignment.", "没有此任务。"}},
    {"training_attempts_invalid",
     {"Attempts must be a whole number from 0 (no limit) to 20.",
      "尝试次数须为 0（不限）到 20 之间的整数。"}},
    {"training_busy",
     {"Too many scenarios are running on the server right now. Try again in a minute.",
      "服务器上正在运行的情景过多。请一分钟后重试。"}},
    {"training_class_unknown", {"There is no such class in your college.", "本校没有此班级。"}},
    {"training_due_before_open",
     {"The due date must be after the opening date.", "截止时间须晚于开放时间。"}},
    {"training_due_past", {"The due date has already passed.", "截止时间已经过去。"}},
    {"training_ended",
     {"This scenario has ended. Open its debrief to see the result.",
      "此情景已结束。请打开复盘查看结果。"}},
    {"training_mode_invalid",
     {"The mode is practice or assessment.", "模式须为练习（practice）或考核（assessment）。"}},
    /* %s: the number of attempts. */
    {"training_no_attempts_left",
     {"You have used all %s attempts of this assignment.", "您已用完此任务的全部 %s 次机会。"}},
    {"training_no_hints",
     {"Hints are for practice; this is an assessment.", "提示仅用于练习模式；当前为考核。"}},
    {"training_no_pause",
     {"An assessment cannot be paused: time runs as on a real shift.",
      "考核不能暂停：时间如真实班次一样流逝。"}},
    {"training_not_ended",
     {"The scenario is still running; its result comes when it ends.",
      "情景仍在进行中，结束后才有结果。"}},
    {"training_not_your_class",
     {"You can only use the classes you teach.", "您只能使用自己任教的班级。"}},
    {"training_not_yours",
     {"Only the student playing this scenario can act in it; you can watch it.",
      "只有进行此情景的学生可以操作；您可以观看。"}},
    {"training_own_only",
     {"Students can see their own sessions only.", "学生只能查看自己的练习。"}},
    {"training_paused", {"The scenario is paused. Resume it first.", "情景已暂停。请先继续。"}},
    {"training_scenario_changed",
     {"This scenario was updated after the session started, so the session cannot go on. Start the "
      "scenario again.",
      "此情景在练习开始后已更新，练习无法继续。请重新开始该情景。"}},
    {"training_scenario_unknown", {"There is no such scenario.", "没有此情景。"}},
    {"training_session_forbidden",
     {"You can see the sessions of your own students only.", "您只能查看自己学生的练习。"}},
    {"training_session_unknown", {"There is no such training session.", "没有此练习。"}},
    {"training_speed",
     {"The speed is a whole number from 1 to 10 (times real time).",
      "速度须为 1 到 10 之间的整数（实际时间的倍数）。"}},
    {"training_time_invalid",
     {"Give a date and time (ISO 8601, such as 2026-03-02T08:00:00+08:00).",
      "请填写日期和时间（ISO 8601 格式，如 2026-03-02T08:00:00+08:00）。"}},
    {"training_too_many_actions",
     {"This session has reached its limit of 2000 actions.", "本次练习已达到 2000 次操作的上限。"}},
    {"unauthenticated", {"Please log in.", "请先登录。"}},
    {"unsupported_media_type",
     {"The request body has the wrong content type.", "请求内容的类型（Content-Type）不正确。"}},
    {"xapi_alternate_syntax",
     {"The alternate request syntax (?method=) belongs to xAPI 1.0.3; xAPI 2.0 does not allow it.",
      "替代请求语法（?method=）仅适用于 xAPI 1.0.3，xAPI 2.0 不允许使用。"}},
    {"xapi_attachment_encoding",
     {"An attachment part needs the header Content-Transfer-Encoding: binary.",
      "附件部分须带有请求头 Content-Transfer-Encoding: binary。"}},
    {"xapi_attachment_hash_mismatch",
     {"The X-Experience-API-Hash of an attachment part is not the SHA-256 of its content.",
      "附件部分的 X-Experience-API-Hash 与其内容的 SHA-256 不符。"}},
    {"xapi_attachment_hash_missing",
     {"An attachment part needs the header X-Experience-API-Hash.",
      "附件部分须带有请求头 X-Experience-API-Hash。"}},
    {"xapi_attachment_missing",
     {"This attachment has neither a fileUrl nor a part with its content (matched by sha2).",
      "此附件既没有 fileUrl，也没有与其 sha2 相符的内容部分。"}},
    {"xapi_attachment_unused",
     {"This part matches no attachment of the statements.", "此部分与语句中的任何附件都不对应。"}},
    {"xapi_auth_required",
     {"Send the credentials of an LRS client (HTTP Basic authentication).",
      "请提供 LRS 客户端的凭据（HTTP Basic 认证）。"}},
    {"xapi_doc_condition_required",
     {"In xAPI 1.0.3 a profile PUT must carry If-Match (with the ETag) or If-None-Match: *.",
      "在 xAPI 1.0.3 中，对配置文件的 PUT 请求必须带有 If-Match（含 ETag）或 If-None-Match: *。"}},
    {"xapi_doc_exists",
     {"A document is already stored here: send If-Match with its ETag to replace it, or "
      "If-None-Match: * to create one only if none exists.",
      "此处已存有文档：如要替换，请在 If-Match 中提供其 ETag；如仅在不存在时创建，请发送 "
      "If-None-Match: *。"}},
    {"xapi_doc_not_json",
     {"To merge, both the stored and the posted document must be JSON objects.",
      "合并时，已存文档和提交的文档都必须是 JSON 对象。"}},
    {"xapi_multipart",
     {"The multipart/mixed body is malformed: the statements come first as application/json, then "
      "one part per attachment.",
      "multipart/mixed 请求体格式有误：应先是 application/json "
      "格式的语句，然后每个附件一个部分。"}},
    {"xapi_param_invalid", {"The parameter %s is not valid.", "参数 %s 无效。"}},
    {"xapi_param_missing", {"The parameter %s is required.", "缺少必需的参数 %s。"}},
    {"xapi_param_unknown", {"The parameter %s is not allowed here.", "此处不允许使用参数 %s。"}},
    {"xapi_precondition_failed",
     {"The document has changed since you read it (If-Match or If-None-Match does not hold).",
      "文档在您读取之后已被更改（If-Match 或 If-None-Match 条件不成立）。"}},
    {"xapi_put_id_mismatch",
     {"The statement's id differs from the statementId parameter.",
      "语句中的 id 与 statementId 参数不一致。"}},
    {"xapi_scope",
     {"The scopes of this LRS client do not allow this.", "此 LRS 客户端的权限范围不允许此操作。"}},
    {"xapi_signature_algorithm",
     {"The signature must use RS256, RS384 or RS512.", "签名须使用 RS256、RS384 或 RS512 算法。"}},
    {"xapi_signature_content_type",
     {"A signature attachment must have the contentType application/octet-stream.",
      "签名附件的 contentType 须为 application/octet-stream。"}},
    {"xapi_signature_invalid",
     {"The signature does not verify with the key of its certificate.",
      "签名无法用其证书中的公钥验证。"}},
    {"xapi_signature_malformed",
     {"The signature is not a JWS in compact serialization.", "签名不是紧凑序列化格式的 JWS。"}},
    {"xapi_signature_payload",
     {"The signed payload is not this statement.", "签名的内容与此语句不一致。"}},

    {"xapi_statement_conflict",
     {"A different statement with this id is already stored.", "已存有一条使用此 id 的不同语句。"}},
    {"xapi_version_missing",
     {"Send the header X-Experience-API-Version with 1.0.3 or 2.0.0.",
      "请在请求头 X-Experience-API-Version 中指定 1.0.3 或 2.0.0。"}},
    {"xapi_version_unsupported",
     {"This LRS supports xAPI 1.0.x and 2.0.x; the version you sent is not one of them.",
      "本 LRS 支持 xAPI 1.0.x 和 2.0.x，您发送的版本不在其中。"}},
    {"xapi_void_voiding",
     {"A voiding statement cannot void another voiding statement.",
      "作废语句不能作废另一条作废语句。"}},

};

const char *i18n_find(const struct i18n_message *table, size_t n, const char *id, enum lang lang)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(id, table[mid].id);
        if (c == 0)
            return table[mid].text[lang == LANG_ZH];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *i18n_text(const char *id, enum lang lang)
{
    const char *t = i18n_find(messages, sizeof(messages) / sizeof(messages[0]), id, lang);
    return t ? t : id; /* a missing message is a bug the unit tests catch; show the id */
}

const char *lang_tag(enum lang lang)
{
    return lang == LANG_ZH ? "zh-CN" : "en";
}

int lang_parse(const char *tag)
{
    if (!tag)
        return -1;
    if (strcmp(tag, "en") == 0)
        return LANG_EN;
    if (strcmp(tag, "zh-CN") == 0)
        return LANG_ZH;
    return -1;
}

enum lang lang_from_accept(const char *h)
{
    /* Picks the supported language with the highest q; ties go to the one listed first. */
    enum lang best = LANG_EN;
    double best_q = -1;
    while (h && *h) {
        while (*h == ' ' || *h == ',')
            h++;
        const char *tag = h;
        size_t tlen = strcspn(h, ";,");
        double q = 1.0;
        h += tlen;
        if (*h == ';') {
            const char *qp = strstr(h, "q=");
            const char *end = h + strcspn(h, ",");
            if (qp && qp < end)
                q = strtod(qp + 2, NULL);
            h = end;
        }
        while (tlen && tag[tlen - 1] == ' ')
            tlen--;
        int l = -1;
        if (tlen >= 2 && strncasecmp(tag, "zh", 2) == 0 && (tlen == 2 || tag[2] == '-'))
            l = LANG_ZH;
        else if (tlen >= 2 && strncasecmp(tag, "en", 2) == 0 && (tlen == 2 || tag[2] == '-'))
            l = LANG_EN;
        if (l >= 0 && q > 0 && q > best_q) {
            best = (enum lang)l;
            best_q = q;
        }
    }
    return best;
}

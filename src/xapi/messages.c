#include "xapi/messages.h"

#include <string.h>

#include "util/banned.h"

/*
 * Sorted by id (checked by the unit tests) for a binary search. A comment
 * names the %s of the messages that have one.
 */
static const struct i18n_message messages[] = {
    {"xapi_authority_identified",
     {"must be an Agent, or an anonymous Group (without mbox, mbox_sha1sum, openid or account) of "
      "the two Agents of an OAuth consumer and its user",
      "必须是一个 Agent，或一个匿名 Group（不含 mbox、mbox_sha1sum、openid 或 account），由 OAuth "
      "客户端及其用户两个 Agent 组成"}},
    /* %s: the number of members. */
    {"xapi_authority_members",
     {"must list exactly two Agents (the OAuth consumer and the user) when the authority is a "
      "Group — this one has %s",
      "authority 为 Group 时，必须恰好包含两个 Agent（OAuth 客户端和用户）——此处有 %s 个"}},
    /* %s: the earlier statement, as "[0]". */
    {"xapi_batch_duplicate_id",
     {"repeats the id of statement %s in this batch; each statement needs its own id",
      "与本批中的语句 %s 使用了相同的 id；每条语句须有各自的 id"}},
    {"xapi_component_id_duplicate",
     {"repeats the id of an earlier component of this list; the ids of interaction components must "
      "be distinct",
      "与此列表中前面某个组件的 id 重复；交互组件的 id 必须互不相同"}},
    /* %s: the interactionType. */
    {"xapi_components_not_allowed",
     {"is not used with interactionType \"%s\" (choices goes with choice and sequencing, scale "
      "with likert, source and target with matching, steps with performance)",
      "不能与 interactionType“%s”一起使用（choices 用于 choice 和 sequencing，scale 用于 "
      "likert，source 和 target 用于 matching，steps 用于 performance）"}},
    {"xapi_content_type",
     {"must be an Internet media type such as text/plain or application/json",
      "必须是互联网媒体类型，例如 text/plain 或 application/json"}},
    {"xapi_context_activities",
     {"must be an Activity or an array of Activities", "必须是一个 Activity 或 Activity 数组"}},
    {"xapi_context_activity_only",
     {"may be used only when the object of the statement is an Activity",
      "仅当语句的 object 是 Activity 时才能使用"}},
    {"xapi_duration",
     {"must be an ISO 8601 duration such as PT1H30M, PT45.5S or P3DT4H (weeks only on their own: "
      "P4W)",
      "必须是 ISO 8601 时长，例如 PT1H30M、PT45.5S 或 P3DT4H（周只能单独使用：P4W）"}},
    /* %s: the allowed values, as "Agent, Group". */
    {"xapi_enum", {"must be one of: %s (case-sensitive)", "必须是以下值之一：%s（区分大小写）"}},
    {"xapi_extension_key",
     {"is not an IRI: the keys of extensions must be IRIs (absolute URIs such as "
      "https://example.org/extensions/seat)",
      "不是 IRI：扩展的键必须是 IRI（绝对 URI，例如 https://example.org/extensions/seat）"}},
    {"xapi_group_member_required",
     {"must list at least one Agent: a Group without mbox, mbox_sha1sum, openid or account is "
      "anonymous and is defined by its members",
      "必须至少列出一个 Agent：没有 mbox、mbox_sha1sum、openid 或 account 的 Group "
      "是匿名组，由其成员确定"}},
    /* %s: how many it has. */
    {"xapi_ifi_count",
     {"must have exactly one of mbox, mbox_sha1sum, openid, account — this one has %s",
      "必须恰好具有 mbox、mbox_sha1sum、openid、account 中的一项——此处有 %s 项"}},
    /* %s: how many it has. */
    {"xapi_ifi_count_group",
     {"may have at most one of mbox, mbox_sha1sum, openid, account — this one has %s",
      "最多只能具有 mbox、mbox_sha1sum、openid、account 中的一项——此处有 %s 项"}},
    {"xapi_interaction_type_required",
     {"is required when correctResponsesPattern, choices, scale, source, target or steps is "
      "present",
      "存在 correctResponsesPattern、choices、scale、source、target 或 steps 时为必填项"}},
    {"xapi_iri",
     {"must be an IRI (an absolute URI such as https://example.org/verbs/watched)",
      "必须是 IRI（绝对 URI，例如 https://example.org/verbs/watched）"}},
    {"xapi_irl",
     {"must be an IRL (an absolute URL such as https://example.org/page)",
      "必须是 IRL（绝对 URL，例如 https://example.org/page）"}},
    {"xapi_lang_map",
     {"must be a language map: an object from language tags to strings, such as {\"en-US\": "
      "\"attended\"}",
      "必须是语言映射：以语言标签为键、字符串为值的对象，例如 {\"zh-CN\": \"参加了\"}"}},
    {"xapi_lang_tag",
     {"must be a language tag (RFC 5646) such as en, en-US or zh-Hans-CN",
      "必须是语言标签（RFC 5646），例如 en、en-US 或 zh-Hans-CN"}},
    {"xapi_length",
     {"must be the size of the attachment in bytes: a whole number, 0 or more",
      "必须是附件的字节数：0 或正整数"}},
    {"xapi_mbox",
     {"must be a mailto IRI with an email address, such as mailto:learner@example.org",
      "必须是带电子邮件地址的 mailto IRI，例如 mailto:learner@example.org"}},
    {"xapi_member_agent",
     {"must be Agent: the members of a Group are Agents, not Groups",
      "必须是 Agent：Group 的成员只能是 Agent，不能是 Group"}},
    {"xapi_must_be_agent",
     {"must be \"Agent\" or left out: only an Agent may be used here",
      "必须是“Agent”或省略：此处只能使用 Agent"}},
    {"xapi_must_be_group",
     {"must be \"Group\": only a Group may be used here, and a Group says so in objectType",
      "必须是“Group”：此处只能使用 Group，且 Group 须在 objectType 中注明"}},
    {"xapi_not_array", {"must be an array", "必须是数组"}},
    {"xapi_not_boolean",
     {"must be true or false (a JSON boolean, not a string such as \"true\")",
      "必须是 true 或 false（JSON 布尔值，不能是 \"true\" 这样的字符串）"}},
    {"xapi_not_number",
     {"must be a number (a JSON number, not a string such as \"100\")",
      "必须是数字（JSON 数值，不能是 \"100\" 这样的字符串）"}},
    {"xapi_not_object", {"must be a JSON object", "必须是 JSON 对象"}},
    {"xapi_not_string", {"must be a string", "必须是字符串"}},
    {"xapi_null",
     {"must not be null (null is allowed only as the value of an extension); leave the property "
      "out instead",
      "不能为 null（只有扩展的值可以为 null）；请直接省略此属性"}},
    {"xapi_object_type_required",
     {"is required: an Agent or Group used as the object must have objectType \"Agent\" or "
      "\"Group\"",
      "为必填项：用作 object 的 Agent 或 Group 必须将 objectType 设为“Agent”或“Group”"}},
    /* %s: the property as the specification spells it. */
    {"xapi_property_case",
     {"is not a property: property names are case-sensitive; write \"%s\"",
      "不是有效属性：属性名区分大小写，应写作“%s”"}},
    /* %s: the kind of object, as "Agent". */
    {"xapi_property_unknown", {"is not a property of a %s object", "不是 %s 对象的属性"}},
    {"xapi_property_v20",
     {"is new in xAPI 2.0; send the header X-Experience-API-Version: 2.0.0 to use it",
      "是 xAPI 2.0 新增的属性；如需使用，请在请求头中发送 X-Experience-API-Version: 2.0.0"}},
    {"xapi_relevant_types_empty",
     {"must list at least one Activity type IRI, or be left out",
      "必须至少列出一个 Activity 类型 IRI，或者省略"}},
    {"xapi_required", {"is required", "为必填项"}},
    {"xapi_score_max", {"must be greater than min", "必须大于 min"}},
    {"xapi_score_raw", {"must be between min and max", "必须介于 min 和 max 之间"}},
    {"xapi_score_scaled", {"must be between -1 and 1", "必须介于 -1 和 1 之间"}},
    {"xapi_sha1",
     {"must be the SHA-1 hash of a mailto IRI: 40 hexadecimal digits",
      "必须是 mailto IRI 的 SHA-1 哈希值：40 位十六进制数字"}},
    {"xapi_sha2",
     {"must be the SHA-2 hash of the attachment in hexadecimal (64 digits for SHA-256)",
      "必须是附件的 SHA-2 哈希值，以十六进制表示（SHA-256 为 64 位）"}},
    /* %s: the accepted versions, as "1.0, 1.0.x". */
    {"xapi_statement_version",
     {"must be an xAPI version accepted here: %s", "必须是此处接受的 xAPI 版本：%s"}},
    {"xapi_statements_body",
     {"must be a statement (a JSON object) or an array of statements",
      "必须是一条语句（JSON 对象）或语句数组"}},
    {"xapi_substatement_nested",
     {"must not be SubStatement: a SubStatement cannot contain another SubStatement",
      "不能是 SubStatement：SubStatement 中不能再嵌套 SubStatement"}},
    {"xapi_substatement_property",
     {"is not allowed in a SubStatement (it has no id, stored, version or authority of its own)",
      "不能用于 SubStatement（SubStatement 没有自己的 id、stored、version 或 authority）"}},
    {"xapi_timestamp_103",
     {"must be an ISO 8601 date and time such as 2024-05-04T17:00:00.000Z or "
      "2024-05-04T12:00:00-05:00 (a zero offset is Z or +00:00, never -00:00)",
      "必须是 ISO 8601 日期时间，例如 2024-05-04T17:00:00.000Z 或 "
      "2024-05-04T12:00:00-05:00（零时差写作 Z 或 +00:00，不能写 -00:00）"}},
    {"xapi_timestamp_20",
     {"must be an RFC 3339 date and time with seconds and a time zone, such as "
      "2024-05-04T17:00:00.000Z or 2024-05-04T12:00:00-05:00 (a zero offset is Z or +00:00, never "
      "-00:00)",
      "必须是带秒和时区的 RFC 3339 日期时间，例如 2024-05-04T17:00:00.000Z 或 "
      "2024-05-04T12:00:00-05:00（零时差写作 Z 或 +00:00，不能写 -00:00）"}},
    {"xapi_uuid",
     {"must be a UUID such as 3f2a5c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b (RFC 4122: 8-4-4-4-12 "
      "hexadecimal digits)",
      "必须是 UUID，例如 3f2a5c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b（RFC 4122：8-4-4-4-12 "
      "位十六进制数字）"}},
    {"xapi_voiding_object",
     {"must be StatementRef: a voiding statement (verb http://adlnet.gov/expapi/verbs/voided) "
      "refers to the statement it voids",
      "必须是 StatementRef：作废语句（动词 "
      "http://adlnet.gov/expapi/verbs/voided）须引用被作废的语句"}},
};

#define N_MESSAGES (sizeof(messages) / sizeof(messages[0]))

const char *xapi_message(const char *id, enum lang lang)
{
    const char *t = i18n_find(messages, N_MESSAGES, id, lang);
    return t ? t : i18n_text(id, lang);
}

const char *xapi_message_id(size_t i)
{
    return i < N_MESSAGES ? messages[i].id : NULL;
}

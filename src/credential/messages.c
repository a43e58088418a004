#include "credential/messages.h"

#include <string.h>

#include "util/banned.h"

/* Sorted by id (checked by the unit tests) for a binary search. */
static const struct i18n_message messages[] = {
    {"achievement_body", {"Send the achievement as a JSON object.", "请以 JSON 对象提交成就。"}},
    {"achievement_exists",
     {"An achievement for this competency at this level exists already.",
      "此能力在该水平上的成就已经存在。"}},
    {"achievement_image",
     {"The image must be an SVG of at most 64 KiB without scripts, event attributes or links to "
      "other sites.",
      "图片须为不超过 64 KiB 的 SVG，且不得含脚本、事件属性或指向其他网站的链接。"}},
    {"achievement_item_unknown",
     {"There is no framework item with this identifier; import its framework first.",
      "没有此标识符的框架条目，请先导入该框架。"}},
    {"achievement_items",
     {"Give from 1 to 50 different framework items.", "请给出 1 至 50 个不同的框架条目。"}},
    {"achievement_name",
     {"Give the name in English and in Chinese, each from 1 to 200 characters.",
      "请填写英文和中文名称，各 1 至 200 个字符。"}},
    {"achievement_rule_level",
     {"The level must be 2 (developing), 3 (proficient) or 4 (mastered).",
      "水平须为 2（发展中）、3（熟练）或 4（精通）。"}},
    {"achievement_text",
     {"Give the text in English and in Chinese, each from 1 to 2000 characters.",
      "请填写英文和中文内容，各 1 至 2000 个字符。"}},
    {"achievement_validity",
     {"The validity must be a number of days from 1 to 3660, or empty for no expiry.",
      "有效期须为 1 至 3660 天，留空表示永不过期。"}},
    {"award_achievement", {"There is no such achievement.", "没有此成就。"}},
    {"award_already_revoked", {"This badge is revoked already.", "此徽章已被撤销。"}},
    {"award_archived",
     {"This achievement is archived; restore it before awarding it.",
      "此成就已归档，请先恢复再授予。"}},
    {"award_bulk_size",
     {"A class of more than 500 students cannot be awarded at once.",
      "超过 500 名学生的班级不能一次性授予。"}},
    {"award_class", {"There is no such class.", "没有此班级。"}},
    {"award_evidence",
     {"Each piece of evidence is an xAPI statement id, or a link with an optional name and "
      "note; at most 20.",
      "每条证据须为一个 xAPI 语句 ID，或一个可附名称和说明的链接；最多 20 条。"}},
    {"award_evidence_count", {"Give at most 20 pieces of evidence.", "证据最多 20 条。"}},
    {"award_evidence_statement",
     {"The evidence statement must be a learning record of this learner in this college.",
      "证据语句须为本校此学习者的学习记录。"}},
    {"award_evidence_url",
     {"The evidence link must be an http or https address of at most 1024 characters.",
      "证据链接须为不超过 1024 个字符的 http 或 https 地址。"}},
    {"award_narrative", {"The note may have at most 2000 characters.", "说明最多 2000 个字符。"}},
    {"award_not_revoked", {"This badge is not revoked.", "此徽章未被撤销。"}},
    {"award_not_student",
     {"Badges are awarded to students of this college.", "徽章只能授予本校学生。"}},
    {"award_reason",
     {"Give the reason, from 1 to 500 characters.", "请填写原因，1 至 500 个字符。"}},
    {"award_recertify_revoked",
     {"A revoked badge cannot be re-certified; award it again instead.",
      "已撤销的徽章不能重新认证，请重新授予。"}},
    {"award_source", {"Unknown kind of award.", "未知的授予方式。"}},
    {"credential_sign_failed",
     {"The credential cannot be signed: the college's key cannot be read. Ask the administrator "
      "to check the server's key file.",
      "无法签署凭证：无法读取学校的密钥。请管理员检查服务器的密钥文件。"}},
    {"issuer_did_method",
     {"The identifier must be web, host or key.", "标识方式须为 web、host 或 key。"}},
    {"issuer_email",
     {"Give an email address such as badges@college.edu.",
      "请填写电子邮箱，例如 badges@college.edu。"}},
    {"issuer_name", {"The name must have from 1 to 200 characters.", "名称须为 1 至 200 个字符。"}},
    {"issuer_url",
     {"Give an http or https address of at most 1024 characters.",
      "请填写不超过 1024 个字符的 http 或 https 地址。"}},
    {"verify_body",
     {"Paste a credential: JSON with a proof, or a VC-JWT, of at most 1 MiB.",
      "请粘贴凭证：带证明的 JSON 或 VC-JWT，不超过 1 MiB。"}},
};

const char *credential_message(const char *id, enum lang lang)
{
    const char *t = i18n_find(messages, sizeof(messages) / sizeof(messages[0]), id, lang);
    return t ? t : i18n_text(id, lang);
}

const char *credential_message_id(size_t i)
{
    return i < sizeof(messages) / sizeof(messages[0]) ? messages[i].id : NULL;
}

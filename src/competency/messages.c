#include "competency/messages.h"

#include <string.h>

#include "util/banned.h"

/*
 * Sorted by id (checked by the unit tests) for a binary search. A comment
 * names the %s of the messages that have one.
 */
static const struct i18n_message messages[] = {
    {"alignment_activity_invalid",
     {"The activity must be an absolute IRI of at most 2048 bytes, such as "
      "https://carecampus.org/xapi/activities/….",
      "活动须为不超过 2048 字节的绝对 IRI，例如 https://carecampus.org/xapi/activities/…。"}},
    {"alignment_item_unknown",
     {"There is no framework item with this identifier; import its framework first.",
      "没有此标识符的框架条目，请先导入该框架。"}},
    {"case_association_type",
     {"must be isChildOf, isPeerOf, isPartOf, exactMatchOf, precedes, isRelatedTo, replacedBy, "
      "exemplar, hasSkillLevel, isTranslationOf, or ext: followed by a name",
      "必须是 isChildOf、isPeerOf、isPartOf、exactMatchOf、precedes、isRelatedTo、replacedBy、"
      "exemplar、hasSkillLevel、isTranslationOf 之一，或以 ext: 开头的名称"}},
    /* %s: the problem as jansson states it (line, column, text), in English. */
    {"case_bad_json",
     {"The file is not valid JSON (UTF-8 text, no key twice in one object): %s",
      "文件不是有效的 JSON（须为 UTF-8 文本，同一对象中的键不能重复）：%s"}},
    {"case_bundled_remove",
     {"This framework comes with CareCampus; it cannot be removed from a college.",
      "此框架随 CareCampus 提供，院校不能删除。"}},
    /* %s: the item (its human code or identifier). */
    {"case_child_cycle",
     {"makes a cycle in the tree: with it, item %s would be its own ancestor",
      "在层级树中形成了环：加上此关联后，条目 %s 将成为它自己的上级"}},
    {"case_child_destination",
     {"must be an item of this package or its CFDocument: isChildOf builds this framework's own "
      "tree",
      "必须是本包中的条目或本包的 CFDocument：isChildOf 用于构建本框架自身的层级树"}},
    {"case_child_origin",
     {"must be an item of this package: isChildOf places the package's own items in its tree",
      "必须是本包中的条目：isChildOf 用于把本包的条目放入其层级树"}},
    {"case_code_too_long", {"is longer than 256 bytes", "超过 256 字节"}},
    {"case_date", {"must be a date such as 2026-11-29", "必须是日期，例如 2026-11-29"}},
    {"case_datetime",
     {"must be a date and time such as 2026-11-29T00:00:00+00:00",
      "必须是日期和时间，例如 2026-11-29T00:00:00+00:00"}},
    {"case_document_bundled",
     {"belongs to a framework that comes with CareCampus; a college cannot replace it (give your "
      "framework its own identifiers)",
      "属于随 CareCampus 提供的框架，院校不能替换（请为您的框架使用自己的标识符）"}},
    {"case_document_not_yours",
     {"belongs to a framework that another college (or the server's administrator) imported; only "
      "its owner can replace it",
      "属于另一所院校（或服务器管理员）导入的框架，只有其所有者才能替换"}},
    /* %s: where the identifier appeared first, such as "CFItems[2]". */
    {"case_duplicate_id",
     {"repeats the identifier of %s; every object of a package needs its own identifier",
      "与 %s 的标识符重复；包中每个对象都须有各自的标识符"}},
    {"case_empty", {"must not be empty", "不能为空"}},
    /* %s: the identifier it points to. */
    {"case_endpoint_unknown",
     {"points to %s, which is neither in this package nor in an imported framework; import that "
      "framework to see the link",
      "指向 %s，它既不在本包中，也不在已导入的框架中；导入该框架后才能看到此关联"}},
    /* %s: the title of the other framework. */
    {"case_id_taken",
     {"is already the identifier of an object of the framework \"%s\"; identifiers must be "
      "unique across frameworks",
      "已是框架“%s”中某个对象的标识符；标识符在所有框架中必须唯一"}},
    /* %s: how many problems were found. */
    {"case_invalid",
     {"Problems found: %s. Nothing was imported; correct the package and import it again.",
      "发现 %s 处问题，未导入任何内容。请修正该包后重新导入。"}},
    {"case_item_not_in_tree",
     {"is not in the tree: no isChildOf association places it under the document or another "
      "item, so it is shown at the top",
      "不在层级树中：没有 isChildOf 关联把它放在文档或其他条目之下，因此显示在最上层"}},
    /* %s: the type's title or identifier. */
    {"case_item_type_unknown",
     {"names the item type %s, which CFDefinitions.CFItemTypes does not define",
      "指定的条目类型 %s 未在 CFDefinitions.CFItemTypes 中定义"}},
    /* %s: the key's length in bytes. */
    {"case_key_too_long",
     {"has a key of %s bytes; the limit is 65536", "有一个键长 %s 字节，上限为 65536"}},
    {"case_language", {"is not a language tag such as en or zh", "不是语言标记（例如 en 或 zh）"}},
    {"case_levels",
     {"must be a list of 养老护理员 levels, whole numbers from 1 (一级) to 5 (五级), each at most "
      "once",
      "必须是养老护理员等级的列表，即 1（一级）到 5（五级）的整数，每个最多出现一次"}},
    {"case_not_array", {"must be an array", "必须是数组"}},
    {"case_not_boolean", {"must be true or false", "必须是 true 或 false"}},
    {"case_not_int32",
     {"must be a whole number from -2147483648 to 2147483647",
      "必须是 -2147483648 到 2147483647 之间的整数"}},
    {"case_not_number", {"must be a number", "必须是数字"}},
    {"case_not_object", {"must be a JSON object", "必须是 JSON 对象"}},
    {"case_not_package",
     {"The file must hold one JSON object: a CASE package with a CFDocument.",
      "文件须包含一个 JSON 对象：带有 CFDocument 的 CASE 包。"}},
    {"case_not_string", {"must be a string", "必须是字符串"}},
    {"case_not_yours",
     {"This framework belongs to another college (or to the server's administrator); only its "
      "owner can change or remove it.",
      "此框架属于另一所院校（或服务器管理员），只有其所有者才能修改或删除。"}},
    {"case_required", {"is required", "为必填项"}},
    {"case_search_too_long",
     {"The search text must be at most 200 bytes.", "搜索内容不能超过 200 字节。"}},
    /* %s: the string's length in bytes. */
    {"case_string_too_long",
     {"is %s bytes long; a string may be at most 65536 bytes",
      "长 %s 字节；字符串最多 65536 字节"}},
    {"case_target_type",
     {"must be CASE or ext: followed by a name", "必须是 CASE 或以 ext: 开头的名称"}},
    /* %s: the size of the file in bytes. */
    {"case_too_big",
     {"The file is %s bytes; a CASE package may be at most 32 MiB (33554432 bytes).",
      "文件大小为 %s 字节；CASE 包最大为 32 MiB（33554432 字节）。"}},
    {"case_too_deep",
     {"The file nests arrays and objects deeper than 32 levels.",
      "文件中数组和对象的嵌套超过 32 层。"}},
    /* %s: the limit. */
    {"case_too_many", {"has more entries than the limit of %s", "条目数超过上限 %s"}},
    {"case_translation_lang",
     {"is not a language of CareCampus (en, zh-CN); it is kept but not shown",
      "不是 CareCampus 支持的语言（en、zh-CN）；会保留但不显示"}},
    /* %s: the language missing, "en" or "zh-CN". */
    {"case_translation_missing",
     {"has no %s text; the main text is shown in its place", "缺少 %s 文本；将以主文本代替显示"}},
    {"case_unknown_member",
     {"is not a member of a CASE 1.1 package (CFDocument, CFItems, CFAssociations, CFDefinitions, "
      "CFRubrics, extensions); remove it or move it into extensions",
      "不是 CASE 1.1 包的成员（CFDocument、CFItems、CFAssociations、CFDefinitions、CFRubrics、"
      "extensions）；请删除，或移入 extensions"}},
    {"case_unknown_property",
     {"is not a CASE 1.1 property of this object; it is kept as it is",
      "不是此对象的 CASE 1.1 属性；将按原样保留"}},
    {"case_uri",
     {"must be an absolute URI of at most 2048 bytes, such as "
      "https://carecampus.org/case/CFItems/…",
      "必须是不超过 2048 字节的绝对 URI，例如 https://carecampus.org/case/CFItems/…"}},
    {"case_uuid",
     {"must be a UUID in lowercase, such as 3f2a5c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b "
      "(8-4-4-4-12 hexadecimal digits)",
      "必须是小写的 UUID，例如 3f2a5c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b（8-4-4-4-12 位十六进制数字）"}},
    {"case_uuid_variant",
     {"is not an RFC 4122 UUID (its 17th digit should be 8, 9, a or b), as CASE 1.1 asks",
      "不是 CASE 1.1 要求的 RFC 4122 UUID（第 17 位应为 8、9、a 或 b）"}},
    {"case_version", {"must be \"1.1\" when present", "如填写，必须为 \"1.1\""}},
};

#define N_MESSAGES (sizeof(messages) / sizeof(messages[0]))

const char *competency_message(const char *id, enum lang lang)
{
    const char *t = i18n_find(messages, N_MESSAGES, id, lang);
    return t ? t : i18n_text(id, lang);
}

const char *competency_message_id(size_t i)
{
    return i < N_MESSAGES ? messages[i].id : NULL;
}

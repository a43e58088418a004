// A small pair of bilingual competency frameworks and a crosswalk, written
// straight into a server's database (the rows a CASE import makes), for the
// mastery e2e and browser suites; and statements that count for them.
//
//   养老护理员 (YL)                         Nurse aide (NA)
//   YL.1 生活照护 ─ YL.1.1 手卫生   ◄─exactMatchOf─►  NA.S01 Hand hygiene (critical)
//                 └ YL.1.2 协助进食 ◄─isRelatedTo──►  NA.S02 Feeding a client
//   YL.2 安全照护 ─ YL.2.1 预防跌倒                  NA.S03 Positioning (precedes NA.S02)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const DOC_YL = 'f1000000-0000-4000-8000-000000000001';
export const DOC_NA = 'f1000000-0000-4000-8000-000000000002';
export const DOC_X = 'f1000000-0000-4000-8000-000000000003';
export const ITEMS = {
  YL1: 'f2000000-0000-4000-8000-000000000001',
  YL11: 'f2000000-0000-4000-8000-000000000011',
  YL12: 'f2000000-0000-4000-8000-000000000012',
  YL2: 'f2000000-0000-4000-8000-000000000002',
  YL21: 'f2000000-0000-4000-8000-000000000021',
  NAS01: 'f3000000-0000-4000-8000-000000000001',
  NAS02: 'f3000000-0000-4000-8000-000000000002',
  NAS03: 'f3000000-0000-4000-8000-000000000003',
};
export const CFITEMS = 'https://carecampus.org/xapi/extensions/cfitems';
export const HOME = 'https://lrs.carecampus.invalid/users';
const TR = 'https://carecampus.org/ns/case#translations';
const CRITICAL = 'https://carecampus.org/ns/case#critical';

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

/* Runs SQL on the data directory's database (waiting up to 5 s for the server's lock). */
export function sql(dataDir, text) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', join(dataDir, 'carecampus.db')], {
    input: text, encoding: 'utf8',
  });
  if (r.status !== 0 || r.stderr) throw new Error(`sqlite3 failed: ${r.stderr}\n${text.slice(0, 300)}`);
  return r.stdout;
}

function item(doc, id, pos, coding, en, zh, { critical = false, type = 'Skill' } = {}) {
  const json = {
    identifier: id, uri: `https://carecampus.org/case/CFItems/${id}`, fullStatement: zh && doc === DOC_YL ? zh : en,
    abbreviatedStatement: doc === DOC_YL ? zh : en, humanCodingScheme: coding, CFItemType: type,
    extensions: {
      [TR]: { en: { fullStatement: `${en}: carried out safely and explained to the resident`, abbreviatedStatement: en },
        'zh-CN': { fullStatement: `${zh}：操作安全规范，并向老人解释`, abbreviatedStatement: zh } },
      ...(critical ? { [CRITICAL]: true } : {}),
    },
  };
  return `INSERT INTO case_items (identifier, document_id, position, human_coding, item_type, full_statement,`
    + ` search_text, json) VALUES (${q(id)}, ${q(doc)}, ${pos}, ${q(coding)}, ${q(type)}, ${q(json.fullStatement)},`
    + ` ${q(`${en} ${zh}`.toLowerCase())}, ${q(JSON.stringify(json))});\n`;
}

let assoc = 0;
function association(doc, type, origin, destination, sequence = 'NULL') {
  assoc++;
  const id = `f4000000-0000-4000-8000-${String(assoc).padStart(12, '0')}`;
  return `INSERT INTO case_associations (identifier, document_id, type, origin, destination, sequence, json)`
    + ` VALUES (${q(id)}, ${q(doc)}, ${q(type)}, ${q(origin)}, ${q(destination)}, ${sequence}, '{}');\n`;
}

function documentRow(id, title, en, zh, lang) {
  const json = { identifier: id, title, extensions: { [TR]: { en: { title: en }, 'zh-CN': { title: zh } } } };
  return `INSERT INTO case_documents (identifier, uri, title, language, last_change, json, imported_at) VALUES`
    + ` (${q(id)}, ${q(`https://carecampus.org/case/CFDocuments/${id}`)}, ${q(title)}, ${q(lang)},`
    + ` '2026-11-29T00:00:00+00:00', ${q(JSON.stringify(json))}, '2026-11-29T00:00:00Z');\n`;
}

/* Writes the two frameworks and the crosswalk. */
export function seedFrameworks(dataDir) {
  const I = ITEMS;
  let s = 'BEGIN;\n';
  s += documentRow(DOC_YL, '养老护理员（测试）', 'Elderly care worker (test)', '养老护理员（测试）', 'zh');
  s += documentRow(DOC_NA, 'Nurse aide skills (test)', 'Nurse aide skills (test)', '护理员技能（测试）', 'en');
  s += documentRow(DOC_X, 'Crosswalk (test)', 'Crosswalk (test)', '对照（测试）', 'en');
  s += item(DOC_YL, I.YL1, 1, 'YL.1', 'Daily living care', '生活照护', { type: 'Occupational Function' });
  s += item(DOC_YL, I.YL11, 2, 'YL.1.1', 'Hand hygiene', '手卫生');
  s += item(DOC_YL, I.YL12, 3, 'YL.1.2', 'Feeding assistance', '协助进食');
  s += item(DOC_YL, I.YL2, 4, 'YL.2', 'Safety care', '安全照护', { type: 'Occupational Function' });
  s += item(DOC_YL, I.YL21, 5, 'YL.2.1', 'Fall prevention', '预防跌倒');
  s += item(DOC_NA, I.NAS01, 1, 'NA.S01', 'Hand hygiene', '手卫生', { critical: true });
  s += item(DOC_NA, I.NAS02, 2, 'NA.S02', 'Feeding a client', '协助进食');
  s += item(DOC_NA, I.NAS03, 3, 'NA.S03', 'Positioning on the side', '侧卧位摆放');
  s += association(DOC_YL, 'isChildOf', I.YL1, DOC_YL, 1);
  s += association(DOC_YL, 'isChildOf', I.YL11, I.YL1, 1);
  s += association(DOC_YL, 'isChildOf', I.YL12, I.YL1, 2);
  s += association(DOC_YL, 'isChildOf', I.YL2, DOC_YL, 2);
  s += association(DOC_YL, 'isChildOf', I.YL21, I.YL2, 1);
  s += association(DOC_NA, 'isChildOf', I.NAS01, DOC_NA, 1);
  s += association(DOC_NA, 'isChildOf', I.NAS02, DOC_NA, 2);
  s += association(DOC_NA, 'isChildOf', I.NAS03, DOC_NA, 3);
  s += association(DOC_NA, 'precedes', I.NAS03, I.NAS02);
  s += association(DOC_X, 'exactMatchOf', I.NAS01, I.YL11);
  s += association(DOC_X, 'isRelatedTo', I.NAS02, I.YL12);
  s += 'COMMIT;\n';
  sql(dataDir, s);
}

/* Aligns ACTIVITY to ITEM for the institution, as an administrator would for external content. */
export function align(dataDir, institution, activity, item) {
  sql(dataDir, `INSERT INTO competency_alignments (institution_id, activity, item, source, created_at) VALUES`
    + ` (${Number(institution)}, ${q(activity)}, ${q(item)}, 'admin', '2026-11-29T10:00:00Z');\n`);
}

/* A platform user as the actor of a statement. */
export const learner = (login) => ({ objectType: 'Agent', account: { homePage: HOME, name: login } });

/*
 * A statement of LOGIN: ADL verb VERB on ACTIVITY (an IRI; its name in en-US and zh-CN),
 * with RESULT, naming ITEMS (CFItem ids) in the cfitems extension, at TIMESTAMP.
 */
export function evidence(login, { verb = 'passed', activity, name, result, items, timestamp, id } = {}) {
  return {
    ...(id ? { id } : {}),
    actor: learner(login),
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { 'en-US': verb } },
    object: {
      objectType: 'Activity', id: activity,
      ...(name ? { definition: { name: { 'en-US': name.en, 'zh-CN': name.zh } } } : {}),
    },
    ...(result ? { result } : {}),
    ...(items ? { context: { extensions: { [CFITEMS]: items } } } : {}),
    ...(timestamp ? { timestamp } : {}),
  };
}

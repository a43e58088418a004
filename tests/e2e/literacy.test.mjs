// The digital-literacy test over HTTP: the bank (import, list, preview, retire, export), the
// settings, tests for students (start, resume, answer, every refusal, practice feedback,
// finish, result), the xAPI statements a finished test becomes, teachers' class views,
// calibration runs, and tenancy across two colleges.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, Client } from '../lib/server.mjs';
import { assertError, loginAs, hasCJK } from './lib/util.mjs';
import { addLrsClient, Lrs } from './lib/xapi.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FIX = join(here, '..', 'fixtures', 'literacy');
const bankText = readFileSync(join(FIX, 'bank.json'), 'utf8');
const bank = JSON.parse(bankText);
const byId = new Map(bank.items.map((i) => [i.id, i]));
const CFITEMS = 'https://carecampus.org/xapi/extensions/cfitems';
const EXT = 'https://carecampus.org/xapi/extensions/';

let srv;
let admin;
let teacher;
let teacher2;
let s1;
let s2;
let s3;
let adminB;
let studentB;
let lrs;
const ids = {};
let classA;
let bundled; // items the binary brings (content/literacy/), 0 in a tree without them
const keys = new Map(); // keys of bundled items, from the administrators' preview

/* The whole item ID: from the fixture file, else (a bundled item) the administrators' preview. */
async function full(id) {
  if (byId.has(id)) return byId.get(id);
  if (!keys.has(id)) {
    const r = await admin.get(`/api/literacy/items/${id}`);
    assert.equal(r.status, 200, r.text);
    keys.set(id, r.json.item);
  }
  return keys.get(id);
}

/* The right answer to ITEM. */
async function right(item) {
  return [...(await full(item.id)).key];
}

/* The leaves of a screen's element tree (what can be selected). */
function leaves(elements, out = []) {
  for (const e of elements) {
    if (e.children) leaves(e.children, out);
    else out.push(e.id);
  }
  return out;
}

/* A wrong answer of the right shape. */
async function wrong(item) {
  const f = await full(item.id);
  if (f.type === 'single') return [f.options.find((o) => o.id !== f.key[0]).id];
  if (f.type === 'ordering') return [...f.key].reverse();
  if (f.type === 'multiple') return [f.options.find((o) => !f.key.includes(o.id)).id];
  return [leaves(f.screen.elements).find((id) => !f.key.includes(id))];
}

const answer = (c, t, body) => c.post(`/api/literacy/tests/${t}/answers`, body);

/* Answers until the test ends (RIGHT decides per item); returns the last reply. */
async function answerToEnd(c, start, rightFn = () => true) {
  let r = start;
  for (let guard = 0; guard < 120 && r.json.item; guard++) {
    const item = r.json.item;
    r = await answer(c, r.json.test.id, { seq: item.seq, item: item.id, answer: rightFn(item) ? await right(item) : await wrong(item) });
    assert.equal(r.status, 200, r.text);
  }
  return r;
}

before(async () => {
  srv = await startServer();
  const instA = srv.addInstitution('Literacy College', '数字素养学院', 'CN');
  const instB = srv.addInstitution('Other College', '另一学院', 'US');
  ids.admin = srv.addUser({ institution: instA, role: 'admin', login: 'lit.admin', name: 'Admin A' });
  ids.t1 = srv.addUser({ institution: instA, role: 'teacher', login: 'lit.t1', name: '陈静 Chen Jing' });
  ids.t2 = srv.addUser({ institution: instA, role: 'teacher', login: 'lit.t2', name: 'Teacher Two' });
  ids.s1 = srv.addUser({ institution: instA, role: 'student', login: 'lit.s1', name: '王芳 Wang Fang' });
  ids.s2 = srv.addUser({ institution: instA, role: 'student', login: 'lit.s2', name: 'Li Na', lang: 'zh-CN' });
  ids.s3 = srv.addUser({ institution: instA, role: 'student', login: 'lit.s3', name: 'Not In Class' });
  ids.bAdmin = srv.addUser({ institution: instB, role: 'admin', login: 'lit.b.admin', name: 'Admin B' });
  ids.bS = srv.addUser({ institution: instB, role: 'student', login: 'lit.b.s', name: 'Student B' });
  admin = await loginAs(srv, 'lit.admin');
  teacher = await loginAs(srv, 'lit.t1');
  teacher2 = await loginAs(srv, 'lit.t2');
  s1 = await loginAs(srv, 'lit.s1');
  s2 = await loginAs(srv, 'lit.s2', undefined, { lang: 'zh-CN' });
  s3 = await loginAs(srv, 'lit.s3');
  adminB = await loginAs(srv, 'lit.b.admin');
  studentB = await loginAs(srv, 'lit.b.s');
  const c = await admin.post('/api/classes', { name: 'Care 2026', teacher_id: ids.t1 });
  assert.equal(c.status, 201, c.text);
  classA = c.json.class.id;
  assert.equal((await admin.post(`/api/classes/${classA}/students`, { user_ids: [ids.s1, ids.s2] })).status, 200);
  lrs = new Lrs(srv.url, addLrsClient(srv, { name: 'reader', scopes: ['all/read'], institution: instA }));
  bundled = (await admin.get('/api/literacy/items')).json.total;
});

after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

describe('the bank', () => {
  test('an empty bank: starting a test says so, in the caller\'s language', async (t) => {
    if (bundled) {
      t.skip('this binary brings its own items');
      return;
    }
    assertError(await s1.post('/api/literacy/tests', { mode: 'practice' }), 409, 'conflict');
    const zh = await s2.post('/api/literacy/tests', { mode: 'practice' });
    assertError(zh, 409, 'conflict');
    assert.ok(hasCJK(zh.json.error.message), zh.text);
  });

  test('import checks everything first and stores nothing on a problem', async () => {
    const broken = JSON.parse(bankText);
    broken.items[0].key = ['zz'];
    broken.items[3].irt = { model: 'grm', a: 1, b: [0.5, 0.1] };
    delete broken.items[5].stem['zh-CN'];
    broken.items.push({ ...broken.items[1] });
    const r = await admin.post('/api/literacy/items/import', broken);
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.code, 'invalid_bank');
    assert.equal(r.json.report.total, 4);
    const where = r.json.report.problems.map((p) => p.where).join('\n');
    assert.match(where, /items\[0\] \(dl-1\.1-901\)\.key/);
    assert.match(where, /items\[3\].*\.irt/);
    assert.match(where, /items\[5\].*\.stem/);
    assert.match(where, /dl-1\.2-901/);
    srv.addUser({ institution: 1, role: 'admin', login: 'lit.admin.zh', name: '管理员', lang: 'zh-CN' });
    const zh = await loginAs(srv, 'lit.admin.zh');
    const rz = await zh.post('/api/literacy/items/import', broken);
    assert.ok(rz.json.report.problems.every((p) => hasCJK(p.message)), rz.text);
    assert.equal((await admin.get('/api/literacy/items')).json.total, bundled, 'nothing was stored');
    assertError(await admin.post('/api/literacy/items/import', '{"items": [', { 'content-type': 'application/json' }), 400, 'bad_json');
    assertError(await teacher.post('/api/literacy/items/import', bank), 403, 'forbidden');
  });

  test('check=1 checks without storing; then the import adds every item, again changes nothing', async () => {
    const c = await admin.post('/api/literacy/items/import?check=1', bank);
    assert.equal(c.status, 200, c.text);
    assert.deepEqual(c.json.report, { added: 42, updated: 0, unchanged: 0, state: 0, checked: true });
    assert.equal((await admin.get('/api/literacy/items')).json.total, bundled);
    const r = await admin.post('/api/literacy/items/import', bank);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.report.added, 42);
    const again = await admin.post('/api/literacy/items/import', bank);
    assert.equal(again.status, 200);
    assert.equal(again.json.report.unchanged, 42);
    const changed = JSON.parse(bankText);
    changed.items[0].feedback.en = 'Changed without a new version.';
    const bad = await admin.post('/api/literacy/items/import', changed);
    assert.equal(bad.status, 422);
    assert.match(bad.json.report.problems[0].message, /version 1/);
    changed.items[0].version = 2;
    const ok = await admin.post('/api/literacy/items/import', changed);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.report.updated, 1);
  });

  test('the list filters, and shows usage; the other college sees none of it', async () => {
    const all = await teacher.get('/api/literacy/items');
    assert.equal(all.status, 200, all.text);
    assert.equal(all.json.items.length, bundled + 42);
    const it = all.json.items[0];
    for (const k of ['id', 'competence', 'area', 'level', 'type', 'scoring', 'stem', 'irt', 'retired', 'usage']) assert.ok(k in it, k);
    assert.equal(it.key, undefined);
    const area = await admin.get('/api/literacy/items?area=DC.4&type=single');
    assert.ok(area.json.items.length > 0);
    assert.ok(area.json.items.every((i) => i.area === 'DC.4' && i.type === 'single'));
    assert.equal((await admin.get('/api/literacy/items?q=dl-3.4-9')).json.items.length, 2);
    assert.equal((await adminB.get('/api/literacy/items')).json.total, bundled, 'no imported items');
    assertError(await s1.get('/api/literacy/items'), 403, 'forbidden');
  });

  test('preview: the key and explanation for administrators only', async () => {
    const a = await admin.get('/api/literacy/items/dl-1.1-901');
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(a.json.item.key, byId.get('dl-1.1-901').key);
    assert.equal(a.json.presented.key, undefined);
    const t = await teacher.get('/api/literacy/items/dl-1.1-901');
    assert.equal(t.json.item, undefined);
    assert.ok(t.json.presented.stem.en);
    assertError(await admin.get('/api/literacy/items/dl-9.9-999'), 404, 'not_found');
    assertError(await adminB.get('/api/literacy/items/dl-1.1-901'), 404, 'not_found');
  });

  test('retire and restore; export carries the state and imports back unchanged', async () => {
    const r = await admin.post('/api/literacy/items/dl-5.4-902/retire');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.item.retired, true);
    assert.equal((await admin.get('/api/literacy/items?status=retired')).json.items.length, 1);
    const ex = await admin.get('/api/literacy/items/export');
    assert.equal(ex.status, 200);
    assert.match(ex.headers.get('content-disposition'), /attachment/);
    assert.deepEqual(ex.json.state['dl-5.4-902'], { retired: true });
    assert.equal(ex.json.items.length, bundled + 42);
    const back = await admin.post('/api/literacy/items/import', ex.json);
    assert.equal(back.status, 200, back.text);
    assert.equal(back.json.report.unchanged, bundled + 42);
    assert.equal((await admin.post('/api/literacy/items/dl-5.4-902/restore')).json.item.retired, false);
    assertError(await teacher.post('/api/literacy/items/dl-5.4-902/retire'), 403, 'forbidden');
    assertError(await admin.post('/api/literacy/items/nope/retire'), 404, 'not_found');
  });
});

describe('settings', () => {
  test('read by staff, changed by administrators, every limit checked', async () => {
    const g = await teacher.get('/api/literacy/settings');
    assert.equal(g.status, 200);
    assert.equal(g.json.settings.se_target, 0.3);
    assert.equal(g.json.settings.cuts.length, 7);
    assertError(await teacher.put('/api/literacy/settings', { se_target: 0.4 }), 403, 'forbidden');
    for (const [body, field] of [[{ se_target: 2 }, 'se_target'], [{ min_items: 50, max_items: 10 }, 'min_items'],
      [{ cuts: [1, 0, 2, 3, 4, 5, 6] }, 'cuts'], [{ randomesque: 0 }, 'randomesque'], [{ area_shares: { 'DC.9': 1 } }, 'area_shares'],
      [{ wat: 1 }, undefined]]) {
      assertError(await admin.put('/api/literacy/settings', body), 422, 'invalid_field', field);
    }
    const p = await admin.put('/api/literacy/settings', { min_items: 6, max_items: 12 });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.settings.max_items, 12);
    assert.equal(p.json.settings.se_target, 0.3, 'the rest is kept');
  });

  test('exposure control: tuned by simulation for a target, stored, and off again', async () => {
    assertError(await teacher.post('/api/literacy/exposure', { max_exposure: 0.3 }), 403, 'forbidden');
    for (const body of [{}, { max_exposure: 0.01 }, { max_exposure: 2 }, { max_exposure: 0.3, tests: 5 }, { max_exposure: 0.3, extra: 1 }]) {
      assertError(await admin.post('/api/literacy/exposure', body), 422, 'invalid_field', 'max_exposure');
    }
    const r = await admin.post('/api/literacy/exposure', { max_exposure: 0.3, tests: 200 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.report.target, 0.3);
    assert.ok(r.json.report.before > 0 && r.json.report.after <= r.json.report.before, JSON.stringify(r.json.report));
    assert.equal(r.json.settings.max_exposure, 0.3);
    assert.equal(r.json.settings.max_items, 12, 'the other settings are kept');
    const items = (await admin.get('/api/literacy/items')).json.items;
    assert.equal(items.filter((i) => i.exposure_k < 1).length, r.json.report.limited);
    const off = await admin.post('/api/literacy/exposure', { max_exposure: 0 });
    assert.equal(off.status, 200);
    assert.equal(off.json.settings.max_exposure, 0);
    assert.ok((await admin.get('/api/literacy/items')).json.items.every((i) => i.exposure_k === 1));
    // On for the tests that follow: a test passes over what the lottery rejects.
    assert.equal((await admin.post('/api/literacy/exposure', { max_exposure: 0.3, tests: 200 })).status, 200);
  });
});

describe('a practice test', () => {
  let start;
  test('start presents one item without its key, feedback or parameters', async () => {
    assertError(await teacher.post('/api/literacy/tests', { mode: 'practice' }), 403, 'forbidden');
    assertError(await s1.post('/api/literacy/tests', { mode: 'exam' }), 422, 'invalid_field', 'mode');
    start = await s1.post('/api/literacy/tests', { mode: 'practice' });
    assert.equal(start.status, 201, start.text);
    const { test: t, item } = start.json;
    assert.match(t.id, /^[0-9a-f-]{36}$/);
    assert.equal(t.status, 'active');
    assert.equal(t.theta, undefined, 'no theta for the student mid-test');
    assert.equal(item.seq, 1);
    for (const k of ['key', 'feedback', 'irt', 'scoring', 'level']) assert.equal(item[k], undefined, k);
    assert.ok(item.stem.en && item.stem['zh-CN']);
    if (item.type === 'ordering') assert.notDeepEqual(item.options.map((o) => o.id), (await full(item.id)).key);
  });

  test('resume: the same item, by current, by id, and by starting again', async () => {
    const cur = await s1.get('/api/literacy/tests/current');
    assert.deepEqual(cur.json.item, start.json.item);
    const byTest = await s1.get(`/api/literacy/tests/${start.json.test.id}`);
    assert.deepEqual(byTest.json.item, start.json.item);
    const again = await s1.post('/api/literacy/tests', { mode: 'practice' });
    assert.equal(again.status, 200);
    assert.equal(again.json.resumed, true);
    assert.deepEqual(again.json.item, start.json.item);
    assertError(await s1.post('/api/literacy/tests', { mode: 'certified' }), 409, 'conflict', 'mode');
  });

  test('refusals: wrong number, another item, malformed and tampered answers; nothing changes', async () => {
    const { test: t, item } = start.json;
    const f = await full(item.id);
    const ok = await right(item);
    const other = bank.items.find((i) => i.id !== item.id);
    assertError(await answer(s1, t.id, { seq: 2, item: item.id, answer: ok }), 409, 'conflict', 'seq');
    assertError(await answer(s1, t.id, { seq: 1, item: other.id, answer: other.key }), 409, 'conflict', 'item');
    assertError(await answer(s1, t.id, { item: item.id, answer: ok }), 422, 'invalid_field', 'seq');
    assertError(await answer(s1, t.id, { seq: 1, item: item.id, answer: 'a' }), 422, 'invalid_field', 'answer');
    assertError(await answer(s1, t.id, { seq: 1, item: item.id, answer: ['no-such-id'] }), 422, 'invalid_field', 'answer');
    assertError(await answer(s1, t.id, { seq: 1, item: item.id, answer: [{ id: 'a' }] }), 422, 'invalid_field', 'answer');
    assertError(await answer(s1, t.id, { seq: 1, item: item.id, answer: [] }), 422, 'invalid_field', 'answer');
    const twice = [f.key[0], f.key[0]];
    assertError(await answer(s1, t.id, { seq: 1, item: item.id, answer: twice }), 422, 'invalid_field', 'answer');
    assertError(await answer(s2, t.id, { seq: 1, item: item.id, answer: ok }), 404, 'not_found');
    assertError(await answer(s1, '6f1c2a44-3b7e-4c1d-9a55-0e2f7d8c9b01', { seq: 1, item: item.id, answer: ok }), 404, 'not_found');
    const cur = await s1.get('/api/literacy/tests/current');
    assert.equal(cur.json.test.answered, 0, 'nothing was recorded');
    assert.deepEqual(cur.json.item, item);
  });

  test('an answer gets feedback with the key; a replay of it is refused', async () => {
    const { test: t, item } = start.json;
    const r = await answer(s1, t.id, { seq: 1, item: item.id, answer: await right(item) });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.feedback.correct, true);
    assert.deepEqual(r.json.feedback.key, (await full(item.id)).key);
    assert.ok(r.json.feedback.explanation.en);
    assert.equal(r.json.test.answered, 1);
    assert.equal(r.json.item.seq, 2);
    assert.notEqual(r.json.item.id, item.id);
    const replay = await answer(s1, t.id, { seq: 1, item: item.id, answer: await right(item) });
    assertError(replay, 409, 'conflict', 'seq');
    assert.match(replay.json.error.message, /already answered/);
    const zh = await answer(s2, t.id, { seq: 1, item: item.id, answer: await right(item) });
    assertError(zh, 404, 'not_found');
    start = r;
  });

  test('it ends by itself; the result has the profile and a learning path', async () => {
    const last = await answerToEnd(s1, start, (item) => item.seq % 3 !== 0);
    assert.equal(last.json.item, null);
    const t = last.json.test;
    assert.equal(t.status, 'finished');
    assert.ok(['precision', 'max_items', 'bank_exhausted'].includes(t.stop_reason), t.stop_reason);
    assert.ok(t.answered >= 6 && t.answered <= 12, `answered ${t.answered}`);
    const { profile, path } = last.json.result;
    assert.ok(profile.overall.level >= 1 && profile.overall.level <= 8);
    assert.equal(profile.areas.length, 5);
    assert.equal(profile.competences.length, 21);
    assert.ok(profile.areas.every((a) => a.items >= 1), 'every area was touched');
    assert.equal(profile.competences.reduce((n, c) => n + c.items, 0), t.answered);
    assert.ok(Array.isArray(path));
    const res = await s1.get(`/api/literacy/tests/${t.id}/result`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.result.profile, profile);
  });

  test('after the end: answers, finishing and starting over', async () => {
    const list = await s1.get('/api/literacy/tests?student=me');
    const t = list.json.tests[0];
    const res = await s1.get(`/api/literacy/tests/${t.id}`);
    assertError(await answer(s1, t.id, { seq: t.answered + 1, item: 'dl-1.1-901', answer: ['a'] }), 409, 'conflict');
    const fin = await s1.post(`/api/literacy/tests/${t.id}/finish`);
    assertError(fin, 409, 'conflict');
    assert.match(fin.json.error.message, /already finished/);
    assert.equal(res.json.item, null);
    const cur = await s1.get('/api/literacy/tests/current');
    assert.equal(cur.json.test, null);
  });

  test('the statements: one per answer, and the completed test with its profile and levels', async () => {
    const t = (await s1.get('/api/literacy/tests?student=me')).json.tests[0];
    const r = await lrs.get('statements', { registration: t.id, limit: 200 });
    assert.equal(r.status, 200, r.text);
    const sts = r.json.statements;
    assert.equal(sts.length, t.answered + 1);
    const answered = sts.filter((s) => s.verb.id === 'http://adlnet.gov/expapi/verbs/answered');
    assert.equal(answered.length, t.answered);
    for (const s of answered) {
      const id = s.object.id.split('/').pop();
      assert.deepEqual(s.context.extensions[CFITEMS], [(await full(id)).cfitem]);
      assert.equal(typeof s.result.success, 'boolean');
      assert.equal(s.actor.account.name, 'lit.s1');
    }
    const done = sts.find((s) => s.verb.id === 'http://adlnet.gov/expapi/verbs/completed');
    assert.equal(done.object.id, 'https://carecampus.org/xapi/activities/literacy/test/practice');
    const profile = done.result.extensions[`${EXT}digcomp-profile`];
    assert.equal(profile.areas.length, 5);
    assert.equal(done.result.score.raw, profile.overall.level);
    const levels = done.context.extensions[`${EXT}cfitem-levels`];
    for (const c of profile.competences.filter((x) => x.items)) {
      assert.ok(done.context.extensions[CFITEMS].includes(c.cfitem));
      assert.equal(levels[c.cfitem], c.level);
    }
  });
});

describe('a certified test', () => {
  test('no feedback; the student may stop early; finishing twice is refused', async () => {
    const st = await s2.post('/api/literacy/tests', { mode: 'certified' });
    assert.equal(st.status, 201, st.text);
    const t = st.json.test;
    assertError(await s2.post(`/api/literacy/tests/${t.id}/finish`), 422, 'invalid_field');
    let r = st;
    for (let i = 0; i < 3; i++) {
      const item = r.json.item;
      r = await answer(s2, t.id, { seq: item.seq, item: item.id, answer: i === 1 ? await wrong(item) : await right(item) });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.feedback, null);
    }
    const f = await s2.post(`/api/literacy/tests/${t.id}/finish`);
    assert.equal(f.status, 200, f.text);
    assert.equal(f.json.test.stop_reason, 'student');
    assert.equal(f.json.test.answered, 3);
    assert.ok(f.json.result.profile.overall.level >= 1);
    const again = await s2.post(`/api/literacy/tests/${t.id}/finish`);
    assertError(again, 409, 'conflict');
    assert.ok(hasCJK(again.json.error.message));
  });
});

describe('who sees what', () => {
  test('teachers see the tests of their classes; others get 404 or 403', async () => {
    const t = (await s1.get('/api/literacy/tests?student=me')).json.tests[0];
    const byTeacher = await teacher.get(`/api/literacy/tests/${t.id}`);
    assert.equal(byTeacher.status, 200);
    assert.equal(typeof byTeacher.json.test.theta, 'number');
    assert.equal(byTeacher.json.item, null);
    assertError(await teacher2.get(`/api/literacy/tests/${t.id}`), 404, 'not_found');
    assertError(await s3.get(`/api/literacy/tests/${t.id}`), 404, 'not_found');
    assertError(await adminB.get(`/api/literacy/tests/${t.id}`), 404, 'not_found');
    assert.equal((await admin.get(`/api/literacy/tests/${t.id}`)).status, 200);
    const mine = await teacher.get(`/api/literacy/tests?class=${classA}`);
    assert.equal(mine.json.tests.length, 2);
    assertError(await teacher2.get(`/api/literacy/tests?class=${classA}`), 403, 'forbidden');
    assertError(await teacher2.get(`/api/literacy/tests?student=${ids.s1}`), 403, 'forbidden');
    assertError(await s1.get(`/api/literacy/tests?student=${ids.s2}`), 403, 'forbidden');
    assert.equal((await studentB.get('/api/literacy/tests?student=me')).json.tests.length, 0);
  });

  test('class profile and item statistics', async () => {
    const p = await teacher.get(`/api/literacy/classes/${classA}/profile`);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.students.length, 2);
    const wang = p.json.students.find((s) => s.login === 'lit.s1');
    assert.equal(wang.test.mode, 'practice');
    const li = p.json.students.find((s) => s.login === 'lit.s2');
    assert.equal(li.test.mode, 'certified');
    assert.equal(p.json.summary.areas.length, 5);
    assert.equal(p.json.summary.overall.assessed, 2);
    const items = await teacher.get(`/api/literacy/classes/${classA}/items`);
    assert.equal(items.status, 200);
    assert.equal(items.json.competences.length, 21);
    assert.ok(items.json.items.length >= 3);
    assert.ok(items.json.items.every((i) => i.usage.administered >= 1 && i.key === undefined));
    assertError(await teacher2.get(`/api/literacy/classes/${classA}/profile`), 403, 'forbidden');
    assertError(await s1.get(`/api/literacy/classes/${classA}/profile`), 403, 'forbidden');
    assertError(await adminB.get(`/api/literacy/classes/${classA}/items`), 404, 'not_found');
  });
});

describe('calibration', () => {
  test('too few answers: a clear refusal', async () => {
    const r = await admin.post('/api/literacy/calibrations', { min_responses: 1000 });
    assertError(r, 422, 'invalid_field');
    assert.match(r.json.error.message, /1000 answers/);
    assertError(await admin.post('/api/literacy/calibrations', { min_responses: 1 }), 422, 'invalid_field');
    assertError(await teacher.post('/api/literacy/calibrations', {}), 403, 'forbidden');
  });

  test('a run from the college\'s answers, its report, and applying it once', async () => {
    // Deterministic selection so that the same items collect answers.
    assert.equal((await admin.put('/api/literacy/settings', { randomesque: 1, spread: false, min_items: 12, max_items: 12 })).status, 200);
    for (let i = 0; i < 12; i++) {
      const login = `lit.cal${i}`;
      srv.addUser({ institution: 1, role: 'student', login, name: `Cal ${i}` });
      const c = await loginAs(srv, login);
      const st = await c.post('/api/literacy/tests', { mode: 'certified' });
      assert.equal(st.status, 201, st.text);
      await answerToEnd(c, st, (item) => (item.seq + i) % 3 !== 0);
    }
    const r = await admin.post('/api/literacy/calibrations', { min_responses: 10 });
    assert.equal(r.status, 201, r.text);
    const cal = r.json.calibration;
    assert.ok(cal.estimated >= 1);
    assert.ok(cal.persons >= 12);
    const est = cal.report.items.filter((i) => i.estimated);
    assert.equal(est.length, cal.estimated);
    for (const i of est) {
      assert.ok(i.new.a >= 0.1 && i.new.a <= 4, JSON.stringify(i));
      assert.ok(i.n >= 10);
    }
    const list = await admin.get('/api/literacy/calibrations');
    assert.equal(list.json.calibrations[0].id, cal.id);
    const ap = await admin.post(`/api/literacy/calibrations/${cal.id}/apply`);
    assert.equal(ap.status, 200, ap.text);
    assert.equal(ap.json.updated, cal.estimated);
    const item = (await admin.get(`/api/literacy/items/${est[0].id}`)).json.summary;
    assert.equal(item.calibrated, true);
    assert.deepEqual(item.irt, est[0].new);
    assertError(await admin.post(`/api/literacy/calibrations/${cal.id}/apply`), 409, 'conflict');
    assertError(await adminB.get(`/api/literacy/calibrations/${cal.id}`), 404, 'not_found');
  });
});

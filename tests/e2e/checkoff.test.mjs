// Skill check-offs over HTTP: the checklists, recording a result (and the xAPI statement it
// becomes in the LRS), idempotent resubmission by the client's UUID, the refusals (400, 403,
// 404, 409, 422) and the history, across two colleges.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli } from '../lib/server.mjs';
import { assertError, loginAs, hasCJK } from './lib/util.mjs';
import { addLrsClient, Lrs } from './lib/xapi.mjs';

const ACTIVITY = 'https://carecampus.org/xapi/activities/checkoffs/';
const CFITEMS = 'https://carecampus.org/xapi/extensions/cfitems';
const EXT = 'https://carecampus.org/xapi/extensions/';

let srv;
let instA;
let instB;
let admin;
let teacher;
let teacher2;
let student;
let studentZh;
let adminB;
let teacherB;
let lrs;
let lrsB;
const ids = {};
let classA;
let hand;

before(async () => {
  srv = await startServer();
  instA = srv.addInstitution('Check-off College', '技能考核学院', 'CN');
  instB = srv.addInstitution('Other College', '另一学院', 'US');
  ids.admin = srv.addUser({ institution: instA, role: 'admin', login: 'co.admin', name: 'Admin A' });
  ids.t1 = srv.addUser({ institution: instA, role: 'teacher', login: 'co.t1', name: '陈静 Chen Jing' });
  ids.t2 = srv.addUser({ institution: instA, role: 'teacher', login: 'co.t2', name: 'Teacher Two' });
  ids.s1 = srv.addUser({ institution: instA, role: 'student', login: 'co.s1', name: '王芳 Wang Fang' });
  ids.s2 = srv.addUser({ institution: instA, role: 'student', login: 'co.s2', name: 'Li Na', lang: 'zh-CN' });
  ids.s3 = srv.addUser({ institution: instA, role: 'student', login: 'co.s3', name: 'Not Enrolled' });
  ids.bAdmin = srv.addUser({ institution: instB, role: 'admin', login: 'co.b.admin', name: 'Admin B' });
  ids.bT = srv.addUser({ institution: instB, role: 'teacher', login: 'co.b.t', name: 'Teacher B' });
  ids.bS = srv.addUser({ institution: instB, role: 'student', login: 'co.b.s', name: 'Student B' });
  admin = await loginAs(srv, 'co.admin');
  teacher = await loginAs(srv, 'co.t1');
  teacher2 = await loginAs(srv, 'co.t2');
  student = await loginAs(srv, 'co.s1');
  studentZh = await loginAs(srv, 'co.s2', undefined, { lang: 'zh-CN' });
  adminB = await loginAs(srv, 'co.b.admin');
  teacherB = await loginAs(srv, 'co.b.t');
  const c = await admin.post('/api/classes', { name: 'Lab 2026', teacher_id: ids.t1 });
  assert.equal(c.status, 201, c.text);
  classA = c.json.class.id;
  const e = await admin.post(`/api/classes/${classA}/students`, { user_ids: [ids.s1, ids.s2] });
  assert.equal(e.status, 200, e.text);
  const cb = await adminB.post('/api/classes', { name: 'Lab B', teacher_id: ids.bT });
  assert.equal(cb.status, 201, cb.text);
  assert.equal((await adminB.post(`/api/classes/${cb.json.class.id}/students`, { user_ids: [ids.bS] })).status, 200);
  const k = addLrsClient(srv, { name: 'reader', scopes: ['all/read'], institution: instA });
  lrs = new Lrs(srv.url, k);
  const kb = addLrsClient(srv, { name: 'reader B', scopes: ['all/read'], institution: instB });
  lrsB = new Lrs(srv.url, kb);
});

after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

/* A check-off body for the hand-hygiene checklist: every step ticked unless TICKED says otherwise. */
function body(over = {}) {
  return {
    id: randomUUID(),
    student_id: ids.s1,
    version: hand.version,
    ticked: hand.steps.map((s) => s.id),
    comment: 'Thorough; keep the fingertips down when rinsing. 冲洗时指尖向下。',
    started_at: '2026-11-29T09:00:00+08:00',
    ended_at: '2026-11-29T09:04:10+08:00',
    ...over,
  };
}

const post = (client, b, id = 'hand-hygiene') => client.post(`/api/checkoffs/${id}/results`, b);

async function statementsOf(reader, activity) {
  const r = await reader.get('statements', { activity, limit: 100 });
  assert.equal(r.status, 200, r.text);
  return r.json.statements;
}

describe('checklists', () => {
  test('GET /api/checkoffs lists at least 14 bilingual checklists, for every role', async () => {
    for (const c of [admin, teacher, student, adminB]) {
      const r = await c.get('/api/checkoffs');
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.checklists.length >= 14);
      for (const l of r.json.checklists) {
        assert.match(l.id, /^[a-z0-9-]+$/);
        assert.ok(l.title.en && hasCJK(l.title['zh-CN']), `${l.id} title`);
        assert.ok(l.steps_count >= 1 && l.critical_count >= 1 && l.critical_count <= l.steps_count);
        assert.equal(l.activity, ACTIVITY + l.id);
        assert.equal(l.pass_percent, 80);
        assert.ok(l.items.length >= 1);
        assert.equal(l.steps, undefined, 'the list has no steps');
      }
    }
    assertError(await new Client(srv.url).get('/api/checkoffs'), 401, 'unauthenticated');
  });

  test('GET /api/checkoffs/{id} has the steps; an unknown id is 404 in the caller\'s language', async () => {
    const r = await teacher.get('/api/checkoffs/hand-hygiene');
    assert.equal(r.status, 200, r.text);
    hand = r.json.checklist;
    assert.equal(hand.id, 'hand-hygiene');
    assert.ok(hand.steps.length >= 8);
    for (const s of hand.steps) {
      assert.match(s.id, /^s\d+$/);
      assert.ok(s.text.en && hasCJK(s.text['zh-CN']));
      assert.equal(typeof s.critical, 'boolean');
    }
    assert.ok(hand.steps.some((s) => s.critical));
    const missing = await studentZh.get('/api/checkoffs/no-such-skill');
    assertError(missing, 404, 'not_found');
    assert.ok(hasCJK(missing.json.error.message), missing.text);
  });
});

describe('recording', () => {
  let first;
  let firstBody;

  test('a teacher records a check-off: 201, the result, and the statement in the LRS', async () => {
    firstBody = body();
    const r = await post(teacher, firstBody);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.replayed, false);
    first = r.json.result;
    assert.equal(first.id, firstBody.id);
    assert.equal(first.statement_id, firstBody.id);
    assert.equal(first.passed, true);
    assert.deepEqual(first.checklist, { id: 'hand-hygiene', version: hand.version, title: hand.title });
    assert.deepEqual(first.student, { id: ids.s1, login: 'co.s1', name: '王芳 Wang Fang' });
    assert.deepEqual(first.teacher, { id: ids.t1, login: 'co.t1', name: '陈静 Chen Jing' });
    assert.deepEqual(first.score, { raw: hand.steps.length, max: hand.steps.length, scaled: 1 });
    assert.deepEqual(first.steps, { ticked: hand.steps.map((s) => s.id), missed: [], critical_missed: [] });
    assert.equal(first.comment, firstBody.comment);
    assert.equal(first.started_at, '2026-11-29T01:00:00.000Z');
    assert.equal(first.ended_at, '2026-11-29T01:04:10.000Z');

    const list = await statementsOf(lrs, ACTIVITY + 'hand-hygiene');
    assert.equal(list.length, 1);
    const st = list[0];
    assert.equal(st.id, firstBody.id);
    assert.deepEqual(st.actor.account, { homePage: 'https://lrs.carecampus.invalid/users', name: 'co.s1' });
    assert.equal(st.verb.id, 'http://adlnet.gov/expapi/verbs/passed');
    assert.equal(st.object.id, ACTIVITY + 'hand-hygiene');
    assert.equal(st.object.definition.type, 'http://adlnet.gov/expapi/activities/assessment');
    assert.equal(st.object.definition.name['zh-CN'], hand.title['zh-CN']);
    assert.equal(st.object.definition.name.en, hand.title.en);
    assert.equal(st.result.success, true);
    assert.deepEqual(st.result.score, { raw: hand.steps.length, min: 0, max: hand.steps.length, scaled: 1 });
    assert.equal(st.result.response, firstBody.comment);
    assert.equal(st.result.duration, 'PT250S');
    assert.deepEqual(st.result.extensions[`${EXT}steps-ticked`], hand.steps.map((s) => s.id));
    assert.deepEqual(st.result.extensions[`${EXT}steps-missed`], []);
    assert.deepEqual(st.result.extensions[`${EXT}critical-steps-missed`], []);
    assert.equal(st.context.instructor.account.name, 'co.t1');
    assert.deepEqual(st.context.extensions[CFITEMS], hand.items);
    assert.equal(st.context.contextActivities.category[0].id, 'https://carecampus.org/xapi/activities/checkoff-sources/nnaap');
    assert.equal(Date.parse(st.timestamp), Date.parse(firstBody.ended_at));
    // The other college's LRS does not have it.
    assert.equal((await statementsOf(lrsB, ACTIVITY + 'hand-hygiene')).length, 0);
  });

  test('sending the same check-off again returns the first result and stores nothing new', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await post(teacher, { ...firstBody, id: firstBody.id.toUpperCase(), ticked: [...firstBody.ticked].reverse() });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.replayed, true);
      assert.deepEqual(r.json.result, first);
    }
    assert.equal((await statementsOf(lrs, ACTIVITY + 'hand-hygiene')).length, 1);
    const h = await teacher.get(`/api/checkoff-results?student=${ids.s1}`);
    assert.equal(h.json.results.filter((x) => x.id === firstBody.id).length, 1);
  });

  test('the same id with different content is 409 and changes nothing', async () => {
    const r = await post(teacher, { ...firstBody, ticked: firstBody.ticked.slice(1) });
    assertError(r, 409, 'conflict', 'id');
    assertError(await post(teacher, { ...firstBody, comment: 'another' }), 409, 'conflict', 'id');
    assertError(await post(admin, firstBody), 409, 'conflict', 'id');
    const list = await statementsOf(lrs, ACTIVITY + 'hand-hygiene');
    assert.equal(list.length, 1);
    assert.equal(list[0].result.response, firstBody.comment);
  });

  test('a missed critical step fails the skill whatever the total', async () => {
    const critical = hand.steps.find((s) => s.critical);
    const b = body({ ticked: hand.steps.filter((s) => s !== critical).map((s) => s.id), comment: null });
    const r = await post(teacher, b);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.result.passed, false);
    assert.deepEqual(r.json.result.steps.critical_missed, [critical.id]);
    assert.equal(r.json.result.comment, '');
    const st = (await lrs.get('statements', { statementId: b.id })).json;
    assert.equal(st.verb.id, 'http://adlnet.gov/expapi/verbs/failed');
    assert.equal(st.result.success, false);
    assert.equal(st.result.response, undefined);
    assert.deepEqual(st.result.extensions[`${EXT}critical-steps-missed`], [critical.id]);
  });

  test('an administrator records for any student of the college', async () => {
    const r = await post(admin, body({ student_id: ids.s3 }), 'radial-pulse');
    assertError(r, 422, 'invalid_field', 'ticked'); // hand-hygiene's step ids are not radial-pulse's
    const pulse = (await admin.get('/api/checkoffs/radial-pulse')).json.checklist;
    const ok = await post(admin, body({ student_id: ids.s3, version: pulse.version, ticked: ['s1'] }), 'radial-pulse');
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.result.passed, false);
  });
});

describe('refusals', () => {
  test('403: a student not in the teacher\'s classes, another college\'s student, students and verifiers', async () => {
    const before = (await statementsOf(lrs, ACTIVITY + 'hand-hygiene')).length;
    assertError(await post(teacher, body({ student_id: ids.s3 })), 403, 'forbidden', 'student_id');
    assertError(await post(teacher2, body()), 403, 'forbidden', 'student_id');
    assertError(await post(teacher, body({ student_id: ids.bS })), 403, 'forbidden', 'student_id');
    assertError(await post(teacherB, body()), 403, 'forbidden', 'student_id');
    assertError(await post(student, body()), 403, 'forbidden');
    assertError(await post(adminB, body()), 422, 'invalid_field', 'student_id');
    const zh = await post(studentZh, body());
    assertError(zh, 403, 'forbidden');
    assert.ok(hasCJK(zh.json.error.message));
    assert.equal((await statementsOf(lrs, ACTIVITY + 'hand-hygiene')).length, before);
    assert.equal((await statementsOf(lrsB, ACTIVITY + 'hand-hygiene')).length, 0);
  });

  test('403 without the CSRF token; 401 without a session', async () => {
    const noCsrf = new Client(srv.url);
    noCsrf.cookie = teacher.cookie;
    assertError(await post(noCsrf, body()), 403, 'csrf_failed');
    assertError(await post(new Client(srv.url), body()), 401, 'unauthenticated');
  });

  test('404: an unknown checklist', async () => {
    assertError(await post(teacher, body(), 'no-such-skill'), 404, 'not_found', 'checklist');
  });

  test('409: the checklist version changed since the page loaded it', async () => {
    const r = await post(teacher, body({ version: hand.version + 1 }));
    assertError(r, 409, 'conflict', 'version');
    assert.match(r.json.error.message, /reload/i);
  });

  test('422: unknown or repeated step ids, a long comment, bad times and ids', async () => {
    const unknown = await post(teacher, body({ ticked: ['s1', 'step-99'] }));
    assertError(unknown, 422, 'invalid_field', 'ticked');
    assert.match(unknown.json.error.message, /step-99/);
    assertError(await post(teacher, body({ ticked: ['s1', 's1'] })), 422, 'invalid_field', 'ticked');
    assertError(await post(teacher, body({ ticked: 's1' })), 422, 'invalid_field', 'ticked');
    assertError(await post(teacher, body({ ticked: [1] })), 422, 'invalid_field', 'ticked');
    assertError(await post(teacher, body({ ticked: Array(101).fill('s1') })), 422, 'invalid_field', 'ticked');
    assertError(await post(teacher, body({ comment: '好'.repeat(2001) })), 422, 'invalid_field', 'comment');
    assertError(await post(teacher, body({ comment: 12 })), 422, 'invalid_field', 'comment');
    assertError(await post(teacher, body({ id: 'not-a-uuid' })), 422, 'invalid_field', 'id');
    assertError(await post(teacher, body({ id: undefined })), 422, 'invalid_field', 'id');
    assertError(await post(teacher, body({ student_id: 'co.s1' })), 422, 'invalid_field', 'student_id');
    assertError(await post(teacher, body({ version: '1' })), 422, 'invalid_field', 'version');
    assertError(await post(teacher, body({ started_at: 'this morning' })), 422, 'invalid_field', 'started_at');
    assertError(await post(teacher, body({ ended_at: '2026-11-29T08:00:00+08:00' })), 422, 'invalid_field', 'ended_at');
    assertError(await post(teacher, body({ started_at: '2026-11-20T08:00:00Z' })), 422, 'invalid_field', 'ended_at');
    const ok = await post(teacher, body({ comment: '好'.repeat(2000) }));
    assert.equal(ok.status, 201, ok.text);
  });

  test('400: a body that is not JSON, or holds a NUL character', async () => {
    const json = { 'content-type': 'application/json' };
    assertError(await teacher.post('/api/checkoffs/hand-hygiene/results', '{"id":', json), 400, 'bad_json');
    assertError(await post(teacher, body({ comment: 'a\u0000b' })), 400, 'bad_json');
  });
});

describe('history', () => {
  test('a teacher sees the students of their classes, by student or by class', async () => {
    const r = await teacher.get(`/api/checkoff-results?student=${ids.s1}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.results.length >= 2);
    assert.ok(r.json.results.every((x) => x.student.id === ids.s1));
    const ends = r.json.results.map((x) => x.ended_at);
    assert.deepEqual(ends, [...ends].sort().reverse(), 'latest first');
    const byClass = await teacher.get(`/api/checkoff-results?class=${classA}&checklist=hand-hygiene`);
    assert.equal(byClass.status, 200);
    assert.ok(byClass.json.results.every((x) => x.checklist.id === 'hand-hygiene'));
    // S3 (recorded by the administrator) is in none of the teacher's classes.
    const all = await teacher.get('/api/checkoff-results');
    assert.ok(all.json.results.every((x) => x.student.id !== ids.s3));
  });

  test('paging with limit and before', async () => {
    const seen = [];
    let before;
    for (;;) {
      const q = new URLSearchParams({ student: String(ids.s1), limit: '1' });
      if (before) q.set('before', before);
      const r = await teacher.get(`/api/checkoff-results?${q}`);
      assert.equal(r.status, 200, r.text);
      seen.push(...r.json.results.map((x) => x.id));
      if (!r.json.more) break;
      before = r.json.before;
    }
    const whole = await teacher.get(`/api/checkoff-results?student=${ids.s1}`);
    assert.deepEqual(seen, whole.json.results.map((x) => x.id));
  });

  test('students see their own with ?student=me; others are 403', async () => {
    const r = await student.get('/api/checkoff-results?student=me');
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.results.length >= 2);
    assert.ok(r.json.results.every((x) => x.student.login === 'co.s1'));
    assertError(await student.get(`/api/checkoff-results?student=${ids.s2}`), 403, 'forbidden');
    assertError(await student.get(`/api/checkoff-results?class=${classA}`), 403, 'forbidden');
    const none = await studentZh.get('/api/checkoff-results?student=me');
    assert.deepEqual(none.json.results, []);
  });

  test('a teacher of another class, or of another college, is refused', async () => {
    assertError(await teacher2.get(`/api/checkoff-results?student=${ids.s1}`), 403, 'forbidden', 'student');
    assertError(await teacher2.get(`/api/checkoff-results?class=${classA}`), 403, 'forbidden', 'class');
    assertError(await teacherB.get(`/api/checkoff-results?student=${ids.s1}`), 403, 'forbidden');
    assertError(await teacherB.get(`/api/checkoff-results?class=${classA}`), 404, 'not_found');
    const b = await adminB.get('/api/checkoff-results');
    assert.deepEqual(b.json.results, []);
    const a = await admin.get('/api/checkoff-results');
    assert.ok(a.json.results.some((x) => x.student.id === ids.s3));
  });

  test('400: bad parameters', async () => {
    for (const q of ['student=abc', 'class=-1', 'limit=0', 'limit=501', 'limit=x', `checklist=${'a'.repeat(65)}`]) {
      assertError(await admin.get(`/api/checkoff-results?${q}`), 400, 'bad_request');
    }
  });
});

describe('command line', () => {
  test('checkoff list names every checklist the API serves', async () => {
    const r = cli(['checkoff', 'list', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const api = (await admin.get('/api/checkoffs')).json.checklists;
    assert.deepEqual(lines.map((l) => l.id), api.map((l) => l.id));
  });

  test('checkoff export writes the college\'s results as CSV, and only its own', () => {
    const r = cli(['checkoff', 'export', '--institution', String(instA)], { dataDir: srv.dataDir });
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout.trim().split('\n');
    assert.match(rows[0], /^id,started_at,ended_at,checklist,version,student_login,/);
    assert.ok(rows.length >= 4);
    assert.ok(rows.slice(1).every((l) => /^"[0-9a-f-]{36}"/.test(l)));
    assert.ok(r.stdout.includes('"co.s1","王芳 Wang Fang","co.t1","passed"'));
    const b = cli(['checkoff', 'export', '--institution', String(instB)], { dataDir: srv.dataDir });
    assert.equal(b.status, 0, b.stderr);
    assert.equal(b.stdout.trim().split('\n').length, 1, 'B has no check-offs');
  });

  test('checkoff validate says what is wrong with a file, and where', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkoff-validate-'));
    try {
      const good = { ...hand, items: hand.items, steps: hand.steps.map(({ id, text, critical }) => ({ id, text, critical })) };
      delete good.activity; delete good.steps_count; delete good.critical_count; delete good.pass_percent;
      writeFileSync(join(dir, 'hand-hygiene.json'), JSON.stringify(good));
      const ok = cli(['checkoff', 'validate', join(dir, 'hand-hygiene.json')]);
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /^ok {2}hand-hygiene/);
      good.steps[0].critical = 'yes';
      writeFileSync(join(dir, 'hand-hygiene.json'), JSON.stringify(good));
      const bad = cli(['checkoff', 'validate', join(dir, 'hand-hygiene.json')]);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /checkoffs\/hand-hygiene\.json: steps\[0\]\.critical must be true or false/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

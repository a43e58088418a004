// Mastery from evidence, end to end: statements posted as an LRS client (the
// cfitems extension, and an activity an admin aligned) become levels a
// student sees with the evidence behind them; teachers see a class heatmap;
// voiding takes evidence away; level changes are published as statements;
// tenancy holds; and `carecampus mastery rebuild` gives the very same rows.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, cli } from '../lib/server.mjs';
import { assertError, loginAs, hasCJK } from './lib/util.mjs';
import { newLrs, sleep, VOIDED } from './lib/xapi.mjs';
import {
  seedFrameworks, align, evidence, sql, ITEMS, DOC_YL, DOC_NA, DOC_X, HOME,
} from '../lib/mastery_fixture.mjs';

const DEMO_PASSWORD = 'carecampus';
const VR_STATION = 'https://vr.example.edu/xapi/activities/hand-hygiene-station';
const CHECKOFF = 'https://carecampus.org/xapi/activities/checkoffs/hand-hygiene';
const ATTAINED = 'https://carecampus.org/xapi/verbs/attained';
const MASTERED = 'http://adlnet.gov/expapi/verbs/mastered';

let srv, lrs, lrsB;
const users = {};

/* Waits until FN resolves truthy (polling), or fails after MS. */
async function until(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/* POSTs statements as an LRS client; returns their ids. */
const store = (client, statements) => client.store(statements);

/* The framework view of the student's own progress. */
async function myFramework(c, doc) {
  const r = await c.get(`/api/mastery/me?framework=${doc}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const levelOf = (view, coding) => view.framework.items.find((i) => i.coding === coding).level;

before(async () => {
  srv = await startServer({ demo: true });
  seedFrameworks(srv.dataDir);
  // An admin aligned an external VR station to NA.S01 (college 1 only).
  align(srv.dataDir, 1, VR_STATION, ITEMS.NAS01);
  lrs = newLrs(srv, { institution: 1, name: 'vr sim' });
  lrsB = newLrs(srv, { institution: 2, name: 'partner lms' });
  for (const login of ['admin', 'chen.jing', 'liu.wei', 'li.na', 'wang.fang', 'sun.yue', 'riverside.admin', 'j.carter']) {
    users[login] = await loginAs(srv, login, DEMO_PASSWORD);
  }
});

after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

describe('levels from evidence', () => {
  test('a new student sees the frameworks, nothing begun, and an empty practise list', async () => {
    const r = await users['sun.yue'].get('/api/mastery/me');
    assert.equal(r.status, 200, r.text);
    const ids = r.json.frameworks.map((f) => f.identifier);
    assert.ok(ids.includes(DOC_YL) && ids.includes(DOC_NA), `frameworks ${ids}`);
    assert.ok(!ids.includes(DOC_X), 'a crosswalk without items is not a framework');
    for (const f of r.json.frameworks) assert.equal(f.started, 0);
    assert.deepEqual(r.json.practise_next, []);
    assert.equal(r.json.learner.login, 'sun.yue');
    assert.ok(['current', 'updating', 'recomputing'].includes(r.json.status.state));
  });

  test('check-off statements naming items raise levels; the crosswalk and the tree follow', async () => {
    const items = [ITEMS.YL11];
    const name = { en: 'Hand hygiene check-off', zh: '手卫生技能考核' };
    await store(lrs, [
      evidence('li.na', { verb: 'completed', activity: CHECKOFF, name, items, timestamp: '2026-11-20T08:00:00Z' }),
    ]);
    let v = await myFramework(users['li.na'], DOC_YL);
    assert.equal(levelOf(v, 'YL.1.1'), 1, 'completed without a result: beginning');
    await store(lrs, [
      evidence('li.na', { activity: CHECKOFF, name, items, result: { success: true, score: { scaled: 0.92 } }, timestamp: '2026-11-21T08:00:00Z' }),
      evidence('li.na', { activity: CHECKOFF, name, items, result: { success: true, score: { scaled: 0.95 } }, timestamp: '2026-11-22T08:00:00Z' }),
    ]);
    v = await myFramework(users['li.na'], DOC_YL);
    assert.equal(levelOf(v, 'YL.1.1'), 3, 'two passes averaging over 75%: proficient');
    assert.equal(levelOf(v, 'YL.1'), 1, 'the parent: children 3 and 0, mean 1');
    assert.equal(levelOf(v, 'YL.1.2'), 0);
    assert.equal(v.framework.items[0].coding, 'YL.1', 'tree order');
    assert.equal(v.framework.depth, 2);
    const na = await myFramework(users['li.na'], DOC_NA);
    assert.equal(levelOf(na, 'NA.S01'), 3, 'exactMatchOf: NA.S01 counts the same evidence');
    assert.equal(levelOf(na, 'NA.S02'), 0, 'isRelatedTo does not raise levels');
  });

  test('an activity aligned by an admin counts, with its evidence explained', async () => {
    const st = await store(lrs, [
      evidence('li.na', { activity: VR_STATION, name: { en: 'VR hand hygiene', zh: 'VR 手卫生' }, result: { score: { raw: 19, min: 0, max: 20 } }, timestamp: '2026-11-23T08:00:00Z' }),
    ]);
    const r = await users['li.na'].get(`/api/mastery/me/items/${ITEMS.NAS01}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.item.coding, 'NA.S01');
    assert.equal(r.json.item.level, 4, 'three passes in a row averaging 90% or more: mastered');
    assert.equal(r.json.item.critical, true);
    const ev = r.json.evidence;
    assert.equal(ev.length, 4);
    assert.equal(ev[0].statement_id, st[0], 'newest first');
    assert.equal(ev[0].via, 'alignment');
    assert.equal(ev[0].activity.name, 'VR 手卫生', 'in li.na\'s language');
    assert.equal(ev[0].score, 0.95);
    assert.equal(ev[1].via, 'crosswalk');
    assert.equal(ev[1].via_item.coding, 'YL.1.1');
    assert.equal(ev[3].score, null, 'completed without a result');
    assert.equal(r.json.explanation.passed, 3);
    assert.equal(r.json.explanation.recent.length, 3);
    assert.equal(r.json.related[0].relation, 'exactMatchOf');
    assert.equal(r.json.related[0].coding, 'YL.1.1');
    assert.equal(r.json.activities[0].id, VR_STATION);
    // The statement behind a row, for the student who produced it.
    const s = await users['li.na'].get(`/api/mastery/me/statements/${st[0]}`);
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.statement.id, st[0]);
    assert.equal(s.json.statement.object.id, VR_STATION);
    // YL.1.1 did not get the aligned statement: the alignment is to NA.S01 and crosswalks go both ways.
    const y = await users['li.na'].get(`/api/mastery/me/items/${ITEMS.YL11}`);
    assert.equal(y.json.evidence[0].via, 'crosswalk');
    assert.equal(y.json.evidence[0].via_item.coding, 'NA.S01');
  });

  test('texts come in the reader\'s language', async () => {
    // li.na reads Chinese (her setting); liu.wei, her teacher in the second class, English.
    const zh = await myFramework(users['li.na'], DOC_YL);
    assert.equal(zh.framework.title, '养老护理员（测试）');
    assert.equal(zh.framework.items[1].name, '手卫生');
    const en = await users['liu.wei'].get(`/api/mastery/students/${users['li.na'].me.id}?framework=${DOC_YL}`);
    assert.equal(en.status, 200, en.text);
    assert.equal(en.json.framework.title, 'Elderly care worker (test)');
    assert.equal(en.json.framework.items[1].name, 'Hand hygiene');
    assert.match(en.json.framework.items[1].statement, /carried out safely/);
  });

  test('practise next: what is below proficient in the frameworks begun, a skill waiting for its prerequisite last', async () => {
    await store(lrs, [
      evidence('li.na', { verb: 'failed', activity: 'https://vr.example.edu/xapi/activities/feeding', items: [ITEMS.NAS02], timestamp: '2026-11-24T08:00:00Z' }),
    ]);
    const r = await users['li.na'].get('/api/mastery/me');
    // Within one framework: the bundled ones may be begun too (check-off activities are aligned to them).
    const f = await users['li.na'].get(`/api/mastery/me?framework=${DOC_NA}`);
    assert.equal(f.status, 200, f.text);
    const next = f.json.practise_next;
    assert.ok(next.length >= 2, JSON.stringify(next));
    assert.ok(r.json.practise_next.length >= 3, 'across the frameworks begun');
    assert.ok(!next.some((x) => x.coding === 'NA.S01'), 'mastered is not to practise');
    const last = next.at(-1);
    assert.equal(last.coding, 'NA.S02', JSON.stringify(next.map((x) => [x.coding, x.reason])));
    assert.equal(last.reason, 'prerequisite');
    assert.equal(last.blocked_by[0].coding, 'NA.S03');
    const na = r.json.frameworks.find((f) => f.identifier === DOC_NA);
    assert.equal(na.started, 2);
    assert.equal(na.mastered, 1);
  });

  test('voiding a statement takes exactly its evidence away', async () => {
    const [bad] = await store(lrs, [
      evidence('wang.fang', { activity: CHECKOFF, items: [ITEMS.YL21], result: { success: true }, timestamp: '2026-11-20T09:00:00Z' }),
      evidence('wang.fang', { activity: CHECKOFF, items: [ITEMS.YL21], result: { success: true }, timestamp: '2026-11-20T10:00:00Z' }),
      evidence('wang.fang', { activity: CHECKOFF, items: [ITEMS.YL21], result: { success: true }, timestamp: '2026-11-20T11:00:00Z' }),
    ]);
    let v = await myFramework(users['wang.fang'], DOC_YL);
    assert.equal(levelOf(v, 'YL.2.1'), 4);
    assert.equal(levelOf(v, 'YL.2'), 4, 'the only child mastered: the parent too');
    await store(lrs, [{ actor: { mbox: 'mailto:registry@example.edu' }, verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: bad } }]);
    v = await myFramework(users['wang.fang'], DOC_YL);
    assert.equal(levelOf(v, 'YL.2.1'), 3, 'two passes left');
    const r = await users['wang.fang'].get(`/api/mastery/me/items/${ITEMS.YL21}`);
    assert.equal(r.json.evidence.length, 2);
    assert.ok(!r.json.evidence.some((e) => e.statement_id === bad));
    const s = await users['wang.fang'].get(`/api/mastery/me/statements/${bad}`);
    assertError(s, 404, 'not_found');
  });

  test('bad requests are refused clearly', async () => {
    assertError(await users['li.na'].get('/api/mastery/me?framework=nope'), 404, 'not_found');
    assertError(await users['li.na'].get(`/api/mastery/me?framework=${'x'.repeat(300)}`), 400, 'bad_request', 'framework');
    assertError(await users['li.na'].get('/api/mastery/me/items/nope'), 404, 'not_found');
    assertError(await users['li.na'].get('/api/mastery/me/statements/nope'), 404, 'not_found');
    const zh = await users['li.na'].get('/api/mastery/me/items/nope');
    assert.ok(hasCJK(zh.json.error.message), 'in the user\'s language');
  });
});

describe('who may see what', () => {
  test('a student cannot read another student\'s mastery or statements', async () => {
    const st = (await users['li.na'].get(`/api/mastery/me/items/${ITEMS.NAS01}`)).json.evidence[0].statement_id;
    assertError(await users['wang.fang'].get(`/api/mastery/me/statements/${st}`), 404, 'not_found');
    assertError(await users['wang.fang'].get(`/api/mastery/students/${users['li.na'].me.id}`), 403, 'forbidden');
    assertError(await users['wang.fang'].get(`/api/classes/1/mastery?framework=${DOC_YL}`), 403, 'forbidden');
    assertError(await users['wang.fang'].get('/api/mastery/status'), 403, 'forbidden');
  });

  test('teachers see their own students; admins any student of the college', async () => {
    const id = users['li.na'].me.id;
    for (const who of ['chen.jing', 'admin']) {
      const r = await users[who].get(`/api/mastery/students/${id}?framework=${DOC_NA}`);
      assert.equal(r.status, 200, `${who}: ${r.text}`);
      assert.equal(r.json.learner.login, 'li.na');
      assert.equal(levelOf(r.json, 'NA.S01'), 4);
      const item = await users[who].get(`/api/mastery/students/${id}/items/${ITEMS.NAS01}`);
      assert.equal(item.status, 200);
      const sid = item.json.evidence[0].statement_id;
      const s = await users[who].get(`/api/mastery/students/${id}/statements/${sid}`);
      assert.equal(s.status, 200, s.text);
      assert.equal(s.json.statement.id, sid);
    }
    // liu.wei teaches the second class: the first six students (li.na is one, sun.yue is not).
    assert.equal((await users['liu.wei'].get(`/api/mastery/students/${id}`)).status, 200);
    assertError(await users['liu.wei'].get(`/api/mastery/students/${users['sun.yue'].me.id}`), 403, 'forbidden');
    assertError(await users['admin'].get(`/api/mastery/students/${users['chen.jing'].me.id}`), 404, 'not_found');
    assertError(await users['admin'].get('/api/mastery/students/999999'), 404, 'not_found');
  });

  test('the class heatmap: students × items at a depth, for the class\'s teacher and admins', async () => {
    const classes = (await users['chen.jing'].get('/api/classes')).json.classes;
    const cls = classes[0];
    const r = await users['chen.jing'].get(`/api/classes/${cls.id}/mastery?framework=${DOC_YL}&depth=2`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.columns.map((c) => c.coding), ['YL.1.1', 'YL.1.2', 'YL.2.1']);
    assert.equal(r.json.rows.length, 12);
    const li = r.json.rows.find((x) => x.student.login === 'li.na');
    assert.deepEqual(li.levels, [4, 0, 0]);
    const wang = r.json.rows.find((x) => x.student.login === 'wang.fang');
    assert.deepEqual(wang.levels, [0, 0, 3]);
    assert.equal(r.json.framework.depth, 2);
    const top = await users['admin'].get(`/api/classes/${cls.id}/mastery?framework=${DOC_YL}`);
    assert.deepEqual(top.json.columns.map((c) => c.coding), ['YL.1', 'YL.2']);
    assert.equal(top.json.depth, 1);
    const other = classes.length > 1 ? classes[1] : (await users['liu.wei'].get('/api/classes')).json.classes[0];
    assertError(await users['chen.jing'].get(`/api/classes/${other.id}/mastery?framework=${DOC_YL}`), 403, 'forbidden');
    assertError(await users['chen.jing'].get(`/api/classes/${cls.id}/mastery`), 400, 'bad_request', 'framework');
    assertError(await users['chen.jing'].get(`/api/classes/${cls.id}/mastery?framework=${DOC_YL}&depth=0`), 400, 'bad_request', 'depth');
    assertError(await users['chen.jing'].get(`/api/classes/${cls.id}/mastery?framework=nope`), 404, 'not_found');
  });

  test('another college sees nothing of this one, and its statements count only there', async () => {
    const id = users['li.na'].me.id;
    const b = users['riverside.admin'];
    assertError(await b.get(`/api/mastery/students/${id}`), 404, 'not_found');
    assertError(await b.get(`/api/mastery/students/${id}/items/${ITEMS.NAS01}`), 404, 'not_found');
    assertError(await b.get('/api/classes/1/mastery?framework=' + DOC_YL), 404, 'not_found');
    const st = (await users['li.na'].get(`/api/mastery/me/items/${ITEMS.NAS01}`)).json.evidence[0].statement_id;
    assertError(await b.get(`/api/mastery/students/${id}/statements/${st}`), 404, 'not_found');
    // The partner's LRS client reports about a login of college 1, on the station college 1 aligned:
    // no alignment there, no level here.
    const before = (await users['li.na'].get(`/api/mastery/me/items/${ITEMS.NAS01}`)).json.evidence.length;
    await store(lrsB, [evidence('li.na', { activity: VR_STATION, result: { success: false } })]);
    await store(lrsB, [evidence('li.na', { activity: CHECKOFF, items: [ITEMS.NAS01], result: { success: false } })]);
    const after = (await users['li.na'].get(`/api/mastery/me/items/${ITEMS.NAS01}`)).json;
    assert.equal(after.evidence.length, before);
    assert.equal(after.item.level, 4);
    const status = await users['riverside.admin'].get('/api/mastery/status');
    assert.equal(status.status, 200);
  });
});

describe('publication and rebuild', () => {
  test('level changes are published as statements about the CFItem, once', async () => {
    const q = await until(async () => {
      const r = await lrs.query({ verb: MASTERED, agent: { account: { homePage: HOME, name: 'li.na' } } });
      return r.statements.length ? r : null;
    }, 'the mastered statement');
    const s = q.statements.find((x) => x.object.id.endsWith(ITEMS.NAS01));
    assert.ok(s, 'NA.S01 mastered');
    assert.equal(s.object.definition.type, 'http://adlnet.gov/expapi/activities/objective');
    assert.ok(s.object.definition.name['zh-CN'].startsWith('NA.S01'));
    assert.equal(s.result.extensions['https://carecampus.org/xapi/extensions/mastery-level'], 4);
    assert.equal(s.context.statement.objectType, 'StatementRef');
    assert.deepEqual(s.context.extensions['https://carecampus.org/xapi/extensions/cfitems'], [ITEMS.NAS01]);
    assert.equal(s.actor.account.name, 'li.na');
    const attained = await lrs.query({ verb: ATTAINED, agent: { account: { homePage: HOME, name: 'li.na' } } });
    assert.ok(attained.statements.length >= 3);
    // The published statements are not evidence: levels and evidence are as before.
    const r = await users['li.na'].get(`/api/mastery/me/items/${ITEMS.NAS01}`);
    assert.equal(r.json.evidence.length, 4);
  });

  test('an alignment added later counts the statements from before (the state is recomputed)', async () => {
    const feeding = 'https://vr.example.edu/xapi/activities/feeding';
    let v = await myFramework(users['li.na'], DOC_NA);
    assert.equal(levelOf(v, 'NA.S02'), 1);
    await store(lrs, [evidence('li.na', { activity: feeding, result: { success: true }, timestamp: '2026-11-25T08:00:00Z' })]);
    v = await myFramework(users['li.na'], DOC_NA);
    assert.equal(levelOf(v, 'NA.S02'), 1, 'not aligned: not evidence yet');
    align(srv.dataDir, 1, feeding, ITEMS.NAS02);
    v = await until(async () => {
      const x = await myFramework(users['li.na'], DOC_NA);
      return x.status.state === 'current' && levelOf(x, 'NA.S02') === 2 ? x : null;
    }, 'the recomputation');
    const item = await users['li.na'].get(`/api/mastery/me/items/${ITEMS.NAS02}`);
    assert.equal(item.json.evidence.length, 2);
  });

  test('erasing a learner erases their mastery; the others\' is recomputed the same', async () => {
    const who = users['sun.yue'].me;
    await store(lrs, [
      evidence('sun.yue', { activity: CHECKOFF, items: [ITEMS.YL21], result: { success: true }, timestamp: '2026-11-26T08:00:00Z' }),
    ]);
    let v = await users['chen.jing'].get(`/api/mastery/students/${who.id}?framework=${DOC_YL}`);
    assert.equal(levelOf(v.json, 'YL.2.1'), 2);
    const others = (await users['chen.jing'].get(`/api/classes/1/mastery?framework=${DOC_YL}&depth=2`)).json.rows
      .filter((r) => r.student.login !== 'sun.yue');
    const agent = JSON.stringify({ account: { homePage: HOME, name: 'sun.yue' } });
    const r = await users['admin'].del(`/api/lrs/learners?agent=${encodeURIComponent(agent)}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.statements >= 1);
    // At once: nothing of theirs is left.
    v = await users['chen.jing'].get(`/api/mastery/students/${who.id}?framework=${DOC_YL}`);
    assert.equal(levelOf(v.json, 'YL.2.1'), 0);
    assert.ok(v.json.framework.items.every((i) => i.level === 0 && i.evidence === 0));
    const rows = await until(async () => {
      const h = (await users['chen.jing'].get(`/api/classes/1/mastery?framework=${DOC_YL}&depth=2`)).json;
      return h.status.state === 'current' ? h.rows : null;
    }, 'the recomputation after the erasure');
    assert.deepEqual(rows.filter((x) => x.student.login !== 'sun.yue'), others);
  });

  test('`carecampus mastery rebuild` gives the same rows as the server did, and publishes nothing again', async () => {
    // Everything processed and published first.
    await until(async () => {
      const s = (await users['admin'].get('/api/mastery/status')).json;
      return s.seq === s.latest && s.pending === 0 && !s.stale;
    }, 'the worker to finish');
    const dump = () => sql(srv.dataDir,
      'SELECT m.agent, l.item, l.level, l.own_level, l.evidence, l.scored, l.passed, l.score_sum, l.recent,'
      + ' l.child_sum, l.child_started, l.changed_seq FROM mastery_levels l JOIN mastery_learners m'
      + ' ON m.id = l.learner_id ORDER BY m.institution_id, m.agent, l.item;\n'
      + 'SELECT e.seq, e.item, e.learner_id, e.at, e.score, e.passed, e.via, e.via_item FROM mastery_evidence e'
      + ' ORDER BY e.seq, e.item;\n');
    const statements = () => sql(srv.dataDir, 'SELECT count(*) FROM xapi_statements;\n');
    const before = dump();
    const count = statements();
    assert.ok(before.split('\n').length > 20, before);
    await srv.stop({ keepData: true });
    const r = cli(['mastery', 'rebuild', '--json', '--batch', '3'], { dataDir: srv.dataDir });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.length, 2, 'every institution');
    assert.ok(report[0].statements > 10);
    assert.equal(report[0].published, 0, 'every change was published already');
    assert.equal(report[1].published, 0);
    assert.equal(dump(), before);
    assert.equal(statements(), count);
    const status = cli(['mastery', 'status', '--json', '--institution', '1'], { dataDir: srv.dataDir });
    assert.equal(status.status, 0, status.stderr);
    const s = JSON.parse(status.stdout)[0];
    assert.equal(s.stale, false);
    assert.equal(s.pending, 0);
    const bad = cli(['mastery', 'rebuild', '--institution', '99'], { dataDir: srv.dataDir });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /no such institution/);
    assert.equal(cli(['mastery', 'frobnicate'], { dataDir: srv.dataDir }).status, 2);
  });
});

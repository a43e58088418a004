// Live training over HTTP: the bundled scenarios; assignments (who may make them, their checks,
// who sees them); sessions started from an assignment or for practice; acting through the API with
// the engine's vocabulary (and bilingual refusals); the Server-Sent Events stream (state and log
// events, heartbeats, resuming with Last-Event-ID); the clock holding while the trainee's page is
// gone; a server restart that resumes the session at the same place; assessment mode refusing pause
// and hints; finishing, the result for the debrief and the xAPI statements it writes (registration,
// score, success, duration, competencies); attempts; the teacher's progress and live views; and
// tenancy and roles across two colleges.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { assertError, loginAs, hasCJK, sleep } from './lib/util.mjs';
import { addLrsClient, Lrs } from './lib/xapi.mjs';

const CFITEMS = 'https://carecampus.org/xapi/extensions/cfitems';
const SCENARIO = 'false-alarm-loose-wearable';
const OTHER = 'night-fall-high-risk';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let srv;
const ids = {};
const c = {}; // logged-in clients by name
let classA;
let classA2;
let lrs;

/*
 * An event stream read with fetch: {events: [{event, id, data}], comments, status, waitFor(pred), close()}.
 * data is parsed JSON. LAST sends Last-Event-ID.
 */
async function openStream(client, uuid, { last, headers = {} } = {}) {
  const ctl = new AbortController();
  const h = { cookie: client.cookie, accept: 'text/event-stream', ...headers };
  if (last !== undefined) h['last-event-id'] = String(last);
  const res = await fetch(`${client.base}/api/training/sessions/${uuid}/events`, { headers: h, signal: ctl.signal });
  const s = { status: res.status, headers: res.headers, events: [], comments: 0, ended: false, waiters: [] };
  if (res.status !== 200) {
    s.text = await res.text();
    try { s.json = JSON.parse(s.text); } catch { /* not JSON */ }
    return s;
  }
  const check = () => { s.waiters = s.waiters.filter((w) => (w.pred(s) ? (w.ok(), false) : true)); };
  (async () => {
    const dec = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body) {
        buf += dec.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = { event: 'message', id: null, data: '' };
          let lines = 0;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) { s.comments++; continue; }
            const k = line.slice(0, line.indexOf(':'));
            const v = line.slice(line.indexOf(':') + 2);
            if (k === 'event') ev.event = v;
            else if (k === 'id') ev.id = v;
            else if (k === 'data') ev.data += (lines++ ? '\n' : '') + v;
          }
          if (!lines) continue;
          ev.data = JSON.parse(ev.data);
          ev.received = Date.now();
          s.events.push(ev);
        }
        check();
      }
    } catch { /* aborted */ }
    s.ended = true;
    check();
  })();
  s.waitFor = (pred, ms = 15000, what = 'event') => new Promise((ok, fail) => {
    if (pred(s)) { ok(); return; }
    const w = { pred, ok: () => { clearTimeout(w.t); ok(); } };
    w.t = setTimeout(() => fail(new Error(`timed out waiting for ${what}; got ${s.events.map((e) => e.event).join(',')}`)), ms);
    s.waiters.push(w);
  });
  s.close = () => { ctl.abort(); };
  s.of = (name) => s.events.filter((e) => e.event === name);
  s.last = (name) => s.of(name).at(-1);
  return s;
}

async function start(client, body) {
  const r = await client.post('/api/training/sessions', body);
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.session.id, UUID);
  return r.json.session;
}

async function act(client, uuid, action, status = 201) {
  const r = await client.post(`/api/training/sessions/${uuid}/actions`, action);
  assert.equal(r.status, status, r.text);
  return r;
}

async function session(client, uuid) {
  const r = await client.get(`/api/training/sessions/${uuid}`);
  assert.equal(r.status, 200, r.text);
  return r.json.session;
}

before(async () => {
  srv = await startServer();
  ids.instA = srv.addInstitution('Training College', '实训学院', 'CN');
  ids.instB = srv.addInstitution('Other College', '另一学院', 'US');
  const A = ids.instA;
  ids.admin = srv.addUser({ institution: A, role: 'admin', login: 'tr.admin', name: 'Admin A' });
  ids.t1 = srv.addUser({ institution: A, role: 'teacher', login: 'tr.t1', name: '陈静 Chen Jing' });
  ids.t2 = srv.addUser({ institution: A, role: 'teacher', login: 'tr.t2', name: 'Teacher Two' });
  ids.s1 = srv.addUser({ institution: A, role: 'student', login: 'tr.s1', name: '王芳 Wang Fang' });
  ids.s2 = srv.addUser({ institution: A, role: 'student', login: 'tr.s2', name: 'Li Na', lang: 'zh-CN' });
  ids.s3 = srv.addUser({ institution: A, role: 'student', login: 'tr.s3', name: 'Other Class' });
  ids.s4 = srv.addUser({ institution: A, role: 'student', login: 'tr.s4', name: 'Zhang Wei' });
  ids.ver = srv.addUser({ institution: A, role: 'verifier', login: 'tr.ver', name: 'Verifier' });
  ids.bAdmin = srv.addUser({ institution: ids.instB, role: 'admin', login: 'tr.b.admin', name: 'Admin B' });
  ids.bT = srv.addUser({ institution: ids.instB, role: 'teacher', login: 'tr.b.t', name: 'Teacher B' });
  ids.bS = srv.addUser({ institution: ids.instB, role: 'student', login: 'tr.b.s', name: 'Student B' });
  for (const [k, login] of Object.entries({ admin: 'tr.admin', t1: 'tr.t1', t2: 'tr.t2', s1: 'tr.s1', s3: 'tr.s3', s4: 'tr.s4', ver: 'tr.ver', bAdmin: 'tr.b.admin', bT: 'tr.b.t', bS: 'tr.b.s' })) {
    c[k] = await loginAs(srv, login);
  }
  c.s2 = await loginAs(srv, 'tr.s2', undefined, { lang: 'zh-CN' });
  const ca = await c.admin.post('/api/classes', { name: 'Care 2026', teacher_id: ids.t1 });
  classA = ca.json.class.id;
  assert.equal((await c.admin.post(`/api/classes/${classA}/students`, { user_ids: [ids.s1, ids.s2, ids.s4] })).status, 200);
  const ca2 = await c.admin.post('/api/classes', { name: 'Night shift', teacher_id: ids.t2 });
  classA2 = ca2.json.class.id;
  assert.equal((await c.admin.post(`/api/classes/${classA2}/students`, { user_ids: [ids.s3] })).status, 200);
  const cb = await c.bAdmin.post('/api/classes', { name: 'B class', teacher_id: ids.bT });
  assert.equal((await c.bAdmin.post(`/api/classes/${cb.json.class.id}/students`, { user_ids: [ids.bS] })).status, 200);
  lrs = new Lrs(srv.url, addLrsClient(srv, { name: 'reader', scopes: ['all/read'], institution: ids.instA }));
});

after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}\n${srv.log().slice(-3000)}`);
});

describe('scenarios', () => {
  test('every bundled scenario is listed with its titles in both languages', async () => {
    const r = await c.s1.get('/api/training/scenarios');
    assert.equal(r.status, 200, r.text);
    const list = r.json.scenarios;
    assert.ok(list.length >= 4, `${list.length} scenarios`);
    for (const s of list) {
      assert.ok(s.title.en && hasCJK(s.title['zh-CN']), s.id);
      assert.ok(s.duration_ms >= 60000 && s.residents >= 1, s.id);
    }
    assert.ok(list.some((s) => s.id === SCENARIO));
  });

  test('a scenario has what the trainee may know, not the answers', async () => {
    const r = await c.s1.get(`/api/training/scenarios/${SCENARIO}`);
    assert.equal(r.status, 200, r.text);
    const s = r.json.scenario;
    assert.ok(s.briefing.en && hasCJK(s.briefing['zh-CN']));
    assert.equal(s.residents[0].id, 'zhou');
    assert.ok(s.residents[0].name['zh-CN']);
    assert.equal(typeof s.residents[0].devices.wearable, 'boolean');
    for (const k of ['expected', 'forbidden', 'rubric', 'debrief', 'timeline']) assert.equal(s[k], undefined, `${k} is not shown before`);
    assertError(await c.s1.get('/api/training/scenarios/no-such-scenario'), 404, 'not_found');
  });
});

describe('assignments', () => {
  const later = (ms) => new Date(Date.now() + ms).toISOString();
  const ids2 = {};

  test('a teacher assigns scenarios to their class; bad input is refused with the field', async () => {
    let r = await c.t1.post('/api/training/assignments', { class_id: classA, scenario: SCENARIO, mode: 'practice' });
    assert.equal(r.status, 201, r.text);
    const a = r.json.assignment;
    ids2.practice = a.id;
    assert.equal(a.mode, 'practice');
    assert.equal(a.attempts, 0, 'practice: as many attempts as wanted by default');
    assert.equal(a.state, 'open');
    assert.equal(a.due_at, null);
    assert.equal(a.class.id, classA);
    assert.equal(a.scenario.id, SCENARIO);
    assert.ok(hasCJK(a.scenario.title['zh-CN']));
    assert.deepEqual(a.students.map((s) => s.login).sort(), ['tr.s1', 'tr.s2', 'tr.s4']);
    r = await c.t1.post('/api/training/assignments', { class_id: classA, scenario: OTHER, mode: 'assessment', due_at: later(86400000) });
    assert.equal(r.status, 201, r.text);
    ids2.assessment = r.json.assignment.id;
    assert.equal(r.json.assignment.attempts, 1, 'assessment: one attempt by default');
    r = await c.t1.post('/api/training/assignments', { class_id: classA, scenario: SCENARIO, mode: 'practice', opens_at: later(3600000) });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.assignment.state, 'upcoming');
    ids2.upcoming = r.json.assignment.id;

    assertError(await c.t1.post('/api/training/assignments', { class_id: classA, scenario: 'nope', mode: 'practice' }), 422, 'invalid_field', 'scenario');
    assertError(await c.t1.post('/api/training/assignments', { class_id: classA, scenario: SCENARIO, mode: 'exam' }), 422, 'invalid_field', 'mode');
    assertError(await c.t1.post('/api/training/assignments', { class_id: classA, scenario: SCENARIO, mode: 'practice', attempts: 21 }), 422, 'invalid_field', 'attempts');
    assertError(await c.t1.post('/api/training/assignments', { class_id: classA, scenario: SCENARIO, mode: 'practice', due_at: 'tomorrow' }), 422, 'invalid_field', 'due_at');
    assertError(await c.t1.post('/api/training/assignments', { class_id: classA, scenario: SCENARIO, mode: 'practice', opens_at: later(7200000), due_at: later(3600000) }), 422, 'invalid_field', 'due_at');
    assertError(await c.t1.post('/api/training/assignments', { class_id: classA, scenario: SCENARIO, mode: 'practice', due_at: later(-3600000) }), 422, 'invalid_field', 'due_at');
    assertError(await c.t1.post('/api/training/assignments', { class_id: 999999, scenario: SCENARIO, mode: 'practice' }), 422, 'invalid_field', 'class_id');
    const zh = await c.s2.post('/api/training/assignments', { class_id: classA, scenario: SCENARIO, mode: 'practice' });
    assertError(zh, 403, 'forbidden');
    assert.ok(hasCJK(zh.json.error.message), 'a Chinese student gets a Chinese message');
    assertError(await c.t2.post('/api/training/assignments', { class_id: classA, scenario: SCENARIO, mode: 'practice' }), 403, 'forbidden', 'class_id');
    assertError(await c.bT.post('/api/training/assignments', { class_id: classA, scenario: SCENARIO, mode: 'practice' }), 422, 'invalid_field', 'class_id');
  });

  test('students see the assignments of their classes with their own record; others do not', async () => {
    let r = await c.s1.get('/api/training/assignments');
    assert.equal(r.status, 200, r.text);
    const mine = r.json.assignments;
    assert.deepEqual(mine.map((a) => a.id).sort(), [ids2.practice, ids2.assessment, ids2.upcoming].sort());
    const as = mine.find((a) => a.id === ids2.assessment);
    assert.deepEqual(as.mine, { attempts: 0, best: null, passed: false, running: null, left: 1 });
    assert.equal(as.students, undefined, 'a student does not see the others');
    r = await c.s3.get('/api/training/assignments');
    assert.deepEqual(r.json.assignments, []);
    r = await c.bS.get('/api/training/assignments');
    assert.deepEqual(r.json.assignments, []);
    assertError(await c.bAdmin.get(`/api/training/assignments/${ids2.practice}`), 404, 'not_found');
    assertError(await c.s3.get(`/api/training/assignments/${ids2.practice}`), 403, 'forbidden');
    assertError(await c.t2.get(`/api/training/assignments/${ids2.practice}`), 403, 'forbidden');
    r = await c.t2.get('/api/training/assignments');
    assert.deepEqual(r.json.assignments, [], 'a teacher sees the assignments of their own classes');
    r = await c.admin.get(`/api/training/assignments?class_id=${classA}`);
    assert.equal(r.json.assignments.length, 3);
    assert.equal(r.json.assignments[0].counts.students, 3);
    assertError(await c.ver.get('/api/training/assignments'), 403, 'forbidden');
  });

  test('an assignment that has not opened cannot be started; one nobody started can be deleted', async () => {
    const r = await c.s1.post('/api/training/sessions', { assignment_id: ids2.upcoming });
    assertError(r, 409, 'conflict', 'assignment_id');
    assertError(await c.s3.post('/api/training/sessions', { assignment_id: ids2.practice }), 403, 'forbidden', 'assignment_id');
    assertError(await c.s1.post('/api/training/sessions', { assignment_id: 999999 }), 404, 'not_found', 'assignment_id');
    assertError(await c.t2.del(`/api/training/assignments/${ids2.upcoming}`), 403, 'forbidden');
    assert.equal((await c.t1.del(`/api/training/assignments/${ids2.upcoming}`)).status, 204);
    assertError(await c.t1.get(`/api/training/assignments/${ids2.upcoming}`), 404, 'not_found');
  });

  describe('playing', () => {
    let assess; // s1's assessment session
    let practice; // s2's practice session

    test('a student starts an assignment; one session at a time', async () => {
      assess = await start(c.s1, { assignment_id: ids2.assessment, speed: 10 });
      assert.equal(assess.mode, 'assessment');
      assert.equal(assess.status, 'running');
      assert.equal(assess.held, true, 'the clock waits for the page');
      assert.equal(assess.sim_ms, 0);
      assert.equal(assess.score_percent, null, 'no score for the trainee while it runs');
      const again = await c.s1.post('/api/training/sessions', { scenario: SCENARIO });
      assertError(again, 409, 'conflict', 'session');
      assert.equal(again.json.error.session, assess.id, 'the answer names the session to go back to');
      practice = await start(c.s2, { scenario: SCENARIO });
      assert.equal(practice.mode, 'practice');
      assert.equal(practice.assignment_id, null);
      assertError(await c.s4.post('/api/training/sessions', { scenario: 'nope' }), 404, 'not_found', 'scenario');
      assertError(await c.s4.post('/api/training/sessions', { scenario: SCENARIO, speed: 11 }), 422, 'invalid_field', 'speed');
      assertError(await c.ver.post('/api/training/sessions', { scenario: SCENARIO }), 403, 'forbidden');
    });

    test('the event stream: state at most 4 times a second, log events with ids, the clock runs with the page', async () => {
      const st = await openStream(c.s1, assess.id);
      assert.equal(st.status, 200);
      assert.match(st.headers.get('content-type'), /^text\/event-stream/);
      assert.equal(st.headers.get('cache-control'), 'no-store');
      await st.waitFor((s) => s.of('state').length >= 8, 10000, 'eight states');
      const first = st.of('session')[0].data;
      assert.equal(first.mode, 'assessment');
      assert.equal(first.speed, 10);
      const states = st.of('state');
      const span = states.at(-1).received - states[0].received;
      assert.ok(states.length <= 4 * (span / 1000) + 3, `${states.length} states in ${span} ms`);
      const s = states.at(-1).data;
      assert.equal(s.held, false);
      assert.equal(s.residents[0].id, 'wang');
      assert.ok(s.t_ms > 0, 'the clock runs');
      assert.ok(st.of('samples').length > 0, 'vital-sign samples');
      const row = st.of('samples').at(-1).data[0];
      assert.equal(row.length, 7, '[t_s, resident, wearable hr, wearable spo2, bed hr, bed rr, news2]');
      assert.equal(st.of('progress').length, 0, 'the trainee gets no running score');

      // A teacher watches: read-only, with the score so far.
      const watch = await openStream(c.t1, assess.id);
      assert.equal(watch.status, 200);
      await watch.waitFor((x) => x.of('progress').length > 0 && x.of('state').length > 0, 5000, 'progress');
      assertError(await c.t1.post(`/api/training/sessions/${assess.id}/actions`, { type: 'review_data', resident: 'wang' }), 403, 'forbidden');
      assertError(await c.t1.patch(`/api/training/sessions/${assess.id}`, { speed: 2 }), 403, 'forbidden');

      // An action: stored, answered, and on both streams as a log event with its id.
      const r = await act(c.s1, assess.id, { type: 'review_data', resident: 'wang' });
      const a = r.json.action;
      assert.equal(a.type, 'review_data');
      assert.equal(a.outcome, 'ok');
      assert.equal(a.index, 0);
      assert.ok(a.result.wearable, 'the dashboard data');
      await st.waitFor((x) => x.of('log').some((e) => e.data.kind === 'action'), 5000, 'the action');
      const logged = st.of('log').find((e) => e.data.kind === 'action');
      assert.equal(String(logged.data.seq), logged.id);
      assert.equal(logged.data.logged.type, 'review_data');
      await watch.waitFor((x) => x.of('log').some((e) => e.data.kind === 'action'), 5000, 'the action, watched');
      const seqs = st.of('log').map((e) => Number(e.id));
      assert.ok(seqs.every((x, i) => i === 0 || x > seqs[i - 1]), `log events in order: ${seqs}`);
      for (const e of st.of('log')) assert.notEqual(e.data.kind, 'timeline', 'the trainee sees what the platform shows');
      assert.equal(s.residents[0].activity, undefined, 'nor where a resident is, before going to see');
      await watch.waitFor((x) => x.last('state').data.residents[0].activity, 5000, 'the teacher sees the truth');
      st.close();
      watch.close();
    });

    test('actions are checked against the vocabulary, with messages in the trainee\'s language', async () => {
      const u = `/api/training/sessions/${assess.id}/actions`;
      let r = await c.s1.post(u, { type: 'fly', resident: 'wang' });
      assertError(r, 422, 'invalid_field', 'type');
      assert.match(r.json.error.message, /acknowledge, dismiss, go_to_room/);
      assertError(await c.s1.post(u, { type: 'measure', resident: 'nobody', vital: 'hr' }), 422, 'invalid_field', 'resident');
      assertError(await c.s1.post(u, { type: 'measure', vital: 'hr' }), 422, 'invalid_field', 'resident');
      r = await c.s1.post(u, { type: 'measure', resident: 'wang', vital: 'pulse' });
      assertError(r, 422, 'invalid_field', 'vital');
      assert.match(r.json.error.message, /hr, rr, spo2, bp/);
      assertError(await c.s1.post(u, { type: 'measure', resident: 'wang' }), 422, 'invalid_field', 'vital');
      assertError(await c.s1.post(u, { type: 'apply_oxygen', resident: 'wang', oxygen_device: 'venturi_28', flow_lpm: 40, target: '88-92' }), 422, 'invalid_field', 'flow_lpm');
      assertError(await c.s1.post(u, { type: 'measure', resident: 'wang', vital: 'hr', colour: 'red' }), 422, 'invalid_field', 'colour');
      assertError(await c.s1.post(u, { type: 'measure', resident: 'wang', vital: 'hr', at: '1:00' }), 422, 'invalid_field', 'at');
      assertError(await c.s1.post(u, { type: 'acknowledge' }), 422, 'invalid_field', 'alert');
      assertError(await c.s1.post(u, { type: 'call', resident: 'wang', to: 'nurse', sbar: { situation: 'x'.repeat(2001) } }), 422, 'invalid_field', 'sbar.situation');
      assertError(await c.s1.post(u, { type: 'document', resident: 'wang', about: 'fall', facts: ['fall', 'unicorn'] }), 422, 'invalid_field', 'facts');
      assertError(await c.s1.post(u, { type: 'give_medication', resident: 'wang', drug: 'aspirin-x' }), 422, 'invalid_field', 'drug');
      assertError(await c.s1.post(u, [1, 2]), 400, 'bad_json');
      const zh = await c.s2.post(`/api/training/sessions/${practice.id}/actions`, { type: 'measure', resident: 'zhou', vital: 'pulse' });
      assertError(zh, 422, 'invalid_field', 'vital');
      assert.ok(hasCJK(zh.json.error.message), zh.json.error.message);
      // Nothing refused was stored: the next action is still number 1.
      r = await act(c.s1, assess.id, { type: 'measure', resident: 'wang', vital: 'hr' });
      assert.equal(r.json.action.index, 1);
      assert.equal(r.json.action.outcome, 'not_there', 'at the station, not at the bedside');
      // Whether a NEWS2 was right is for the debrief: live, a trainee could try totals until one is.
      r = await act(c.s1, assess.id, { type: 'score_news2', resident: 'wang', value: 3 });
      assert.equal(r.json.action.result.correct, undefined);
      assert.equal(r.json.action.result.reference, undefined);
    });

    test('an assessment refuses pause and hints; a practice session has both', async () => {
      let r = await c.s1.patch(`/api/training/sessions/${assess.id}`, { paused: true });
      assertError(r, 409, 'conflict', 'paused');
      assertError(await c.s1.post(`/api/training/sessions/${assess.id}/hint`), 409, 'conflict');
      r = await c.s1.patch(`/api/training/sessions/${assess.id}`, { speed: 7 });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.session.speed, 7);
      r = await c.s1.patch(`/api/training/sessions/${assess.id}`, { speed: 10 });
      assertError(await c.s1.patch(`/api/training/sessions/${assess.id}`, { speed: 0 }), 422, 'invalid_field', 'speed');

      const st = await openStream(c.s2, practice.id);
      await st.waitFor((x) => x.of('state').some((e) => e.data.t_ms > 0), 5000, 'running');
      r = await c.s2.patch(`/api/training/sessions/${practice.id}`, { paused: true });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.session.status, 'paused');
      const at = r.json.session.sim_ms;
      const zh = await c.s2.post(`/api/training/sessions/${practice.id}/actions`, { type: 'review_data', resident: 'zhou' });
      assertError(zh, 409, 'conflict');
      assert.ok(hasCJK(zh.json.error.message));
      await sleep(600);
      assert.equal((await session(c.s2, practice.id)).sim_ms, at, 'paused: the clock stands');
      r = await c.s2.post(`/api/training/sessions/${practice.id}/hint`);
      assert.equal(r.status, 200, r.text);
      assert.ok('expected' in r.json.hint);
      r = await c.s2.patch(`/api/training/sessions/${practice.id}`, { paused: false });
      assert.equal(r.json.session.status, 'running');
      const s = await session(c.s2, practice.id);
      assert.equal(s.pauses, 1);
      assert.equal(s.hints, 1);
      st.close();
    });

    test('the page goes and comes back: the clock holds, the stream resumes after Last-Event-ID', async () => {
      const st = await openStream(c.s1, assess.id);
      await st.waitFor((x) => x.of('log').length >= 2 && x.of('state').length >= 2, 8000, 'the log so far');
      const lastId = Number(st.of('log').at(-1).id);
      st.close();
      await sleep(700); // the server notices at its next write
      const held = await session(c.s1, assess.id);
      assert.equal(held.held, true);
      await sleep(800);
      const still = await session(c.s1, assess.id);
      assert.equal(still.sim_ms, held.sim_ms, 'held: the clock does not run without the page');
      assert.ok(still.interruptions >= 1);
      // An action while away (the API works without the page), then the page comes back.
      const r = await act(c.s1, assess.id, { type: 'hand_hygiene' });
      assert.equal(r.json.action.t_ms, still.sim_ms, 'it happens where the clock stands');
      const back = await openStream(c.s1, assess.id, { last: lastId });
      await back.waitFor((x) => x.of('log').length >= 1 && x.of('state').length >= 1, 5000, 'resumed');
      const ids3 = back.of('log').map((e) => Number(e.id));
      assert.equal(ids3[0], lastId + 1, `resumes after ${lastId}: ${ids3}`);
      assert.equal(back.of('log')[0].data.logged.type, 'hand_hygiene');
      assert.ok(back.of('state')[0].data.t_ms >= still.sim_ms, 'the state goes on from there');
      back.close();
      // Without Last-Event-ID a page starting afresh gets the whole log.
      const fresh = await openStream(c.s1, assess.id);
      await fresh.waitFor((x) => x.of('log').length > lastId + 1, 5000, 'the whole log');
      assert.equal(fresh.of('log')[0].id, '0');
      fresh.close();
      assertError(await openStream(c.s1, assess.id, { last: 'abc' }), 400, 'bad_request');
    });

    test('a server restart resumes the session at the same place', async () => {
      await sleep(700);
      const before = await session(c.s1, assess.id);
      assert.equal(before.held, true);
      const port = srv.port;
      // A teacher watching while the server stops: the stream ends, the server stops at once.
      const watching = await openStream(c.t1, assess.id);
      await watching.waitFor((x) => x.of('state').length >= 1, 5000, 'watching');
      const t0 = Date.now();
      const r = await srv.stop({ keepData: true });
      assert.equal(r.code, 0, srv.log().slice(-2000));
      assert.ok(Date.now() - t0 < 8000, `stopped in ${Date.now() - t0} ms with a stream open`);
      await watching.waitFor((x) => x.ended, 5000, 'the stream to end');
      srv = await startServer({ dataDir: srv.dataDir, port });
      for (const k of Object.keys(c)) c[k].base = srv.url;
      const after2 = await session(c.s1, assess.id);
      assert.equal(after2.sim_ms, before.sim_ms, 'the same simulated time');
      assert.equal(after2.actions, before.actions);
      const st = await openStream(c.s1, assess.id);
      await st.waitFor((x) => x.of('state').length >= 1 && x.of('log').length >= 4, 10000, 'rebuilt');
      assert.ok(st.of('state')[0].data.t_ms >= before.sim_ms);
      assert.deepEqual(st.of('log').filter((e) => e.data.kind === 'action').map((e) => e.data.logged.type),
        ['review_data', 'measure', 'score_news2', 'hand_hygiene'], 'the actions replayed, with their own sequence numbers');
      const next = await act(c.s1, assess.id, { type: 'go_to_room', resident: 'wang' });
      assert.equal(next.json.action.index, 4);
      st.close();
    });

    test('tenancy and roles: only the trainee acts; their teachers and administrators watch', async () => {
      const u = `/api/training/sessions/${assess.id}`;
      assertError(await c.bAdmin.get(u), 404, 'not_found');
      assertError(await c.bS.get(u), 404, 'not_found');
      assertError(await openStream(c.bT, assess.id), 404, 'not_found');
      assertError(await c.t2.get(u), 403, 'forbidden');
      assertError(await openStream(c.t2, assess.id), 403, 'forbidden');
      assertError(await c.s2.get(u), 403, 'forbidden');
      assertError(await c.s2.post(`${u}/actions`, { type: 'hand_hygiene' }), 403, 'forbidden');
      assertError(await c.s2.post(`${u}/finish`), 403, 'forbidden');
      assertError(await c.admin.post(`${u}/actions`, { type: 'hand_hygiene' }), 403, 'forbidden');
      assert.equal((await c.admin.get(u)).json.session.viewer, 'watcher');
      assert.equal((await c.t1.get(u)).json.session.score_percent !== undefined, true);
      assertError(await c.s1.get('/api/training/sessions/not-a-uuid'), 404, 'not_found');
      // Lists: the teacher's live view of the class, the students' own.
      let r = await c.t1.get(`/api/training/sessions?class_id=${classA}&active=1`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.sessions.map((s) => s.student.login).sort(), ['tr.s1', 'tr.s2']);
      const mine = r.json.sessions.find((s) => s.id === assess.id);
      assert.ok(mine.score_percent === null || typeof mine.score_percent === 'number', 'the score so far (null: nothing due yet)');
      assert.equal(typeof mine.critical_errors, 'number', 'the teacher sees the critical errors so far');
      assert.equal((await session(c.s1, assess.id)).critical_errors, null, 'the trainee does not, while it runs');
      assert.equal(typeof mine.alerts_open, 'number');
      assertError(await c.t2.get(`/api/training/sessions?class_id=${classA}`), 403, 'forbidden', 'class_id');
      r = await c.t2.get('/api/training/sessions');
      assert.deepEqual(r.json.sessions, []);
      r = await c.s2.get('/api/training/sessions');
      assert.deepEqual(r.json.sessions.map((s) => s.id), [practice.id]);
      assertError(await c.s2.get(`/api/training/sessions?class_id=${classA}`), 403, 'forbidden');
      r = await c.bAdmin.get('/api/training/sessions');
      assert.deepEqual(r.json.sessions, []);
      assertError(await c.t1.get('/api/training/stats'), 403, 'forbidden');
      r = await c.admin.get('/api/training/stats');
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.training.loaded >= 1);
      assert.equal(typeof r.json.training.step_us.p99, 'number');
    });

    test('a quiet stream gets a heartbeat every 15 s', async () => {
      // The practice session is held (its page is gone): nothing changes, a watcher hears only heartbeats.
      const st = await openStream(c.t1, practice.id);
      await st.waitFor((x) => x.of('state').length >= 1, 5000, 'the state');
      await sleep(1000); // the update a new reader brings about
      const states = st.of('state').length;
      await st.waitFor((x) => x.comments >= 1, 20000, 'a heartbeat');
      assert.equal(st.of('state').length, states, 'no update while nothing changes');
      st.close();
    });

    test('finishing scores the session and writes the statements', async () => {
      const r = await c.s1.post(`/api/training/sessions/${assess.id}/finish`);
      assert.equal(r.status, 200, r.text);
      const s = r.json.session;
      assert.equal(s.status, 'ended');
      assert.equal(typeof s.score_percent, 'number');
      assert.equal(s.passed, false, 'a careless trainee fails');
      assert.ok(s.ended_at);
      assertError(await c.s1.post(`/api/training/sessions/${assess.id}/actions`, { type: 'hand_hygiene' }), 409, 'conflict');
      assertError(await c.s1.post(`/api/training/sessions/${assess.id}/finish`), 409, 'conflict');

      const res = await c.t1.get(`/api/training/sessions/${assess.id}/result`);
      assert.equal(res.status, 200, res.text);
      const result = res.json.result;
      assert.equal(result.format, 'carecampus-sim-result/1');
      assert.equal(result.ended, true);
      assert.equal(result.actions.length, 5);
      assert.equal(typeof result.actions[2].result.correct, 'boolean', 'the debrief says whether the NEWS2 was right');
      assert.ok(result.score.rubric.length >= 1 && result.score.competencies.length >= 1);
      assert.ok(result.score.critical_errors.length >= 1, 'missed critical actions');
      assert.ok(result.debrief.length >= 1 && hasCJK(result.debrief[0].text['zh-CN']));
      assert.ok(result.vitals.residents[0].rows.length > 10, 'the curves for the debrief');
      assert.equal(result.session.id, assess.id);
      assertError(await c.s2.get(`/api/training/sessions/${practice.id}/result`), 409, 'conflict');

      // The statements: one per action, one for the completed scenario; registration = the session.
      const sr = await lrs.query({ registration: assess.id, limit: 100 });
      const sts = sr.statements;
      assert.equal(sts.length, 6, sts.map((x) => x.verb.id).join(' '));
      const done = sts.find((x) => x.verb.id === 'http://adlnet.gov/expapi/verbs/failed');
      assert.ok(done, 'the completion: failed');
      assert.equal(done.context.registration, assess.id);
      assert.equal(done.actor.account.name, 'tr.s1');
      assert.equal(done.result.success, false);
      assert.equal(done.result.completion, true);
      assert.equal(done.result.score.max, result.score.possible);
      assert.equal(done.result.score.raw, result.score.earned);
      assert.match(done.result.duration, /^PT\d+\.\d{3}S$/);
      assert.ok(done.context.extensions[CFITEMS].length >= 1, 'competencies in the context');
      assert.equal(done.object.id, `https://carecampus.org/xapi/activities/scenarios/${OTHER}`);
      assert.ok(done.context.contextActivities.grouping[0].id.endsWith(`/training-assignments/${ids2.assessment}`));
      const acts = sts.filter((x) => x.verb.id === 'http://adlnet.gov/expapi/verbs/interacted');
      assert.equal(acts.length, 5);
      for (const x of acts) {
        assert.equal(x.context.registration, assess.id);
        assert.ok(Array.isArray(x.context.extensions[CFITEMS]));
        assert.match(x.object.id, /\/actions\/[a-z0-9_]+$/);
      }
      // The whole stream of an ended session ends with "end".
      const st = await openStream(c.t1, assess.id);
      if (st.status === 200) {
        await st.waitFor((x) => x.of('end').length === 1, 5000, 'end');
        assert.equal(st.last('end').data.passed, false);
        st.close();
      } else {
        assertError(st, 409, 'conflict');
      }
    });

    test('attempts run out; the teacher sees who has done what', async () => {
      const r = await c.s1.post('/api/training/sessions', { assignment_id: ids2.assessment });
      assertError(r, 409, 'conflict', 'assignment_id');
      assert.match(r.json.error.message, /1/);
      const a = (await c.t1.get(`/api/training/assignments/${ids2.assessment}`)).json.assignment;
      const s1 = a.students.find((s) => s.login === 'tr.s1');
      assert.equal(s1.attempts, 1);
      assert.equal(s1.passed, false);
      assert.equal(typeof s1.best, 'number');
      assert.equal(a.students.find((s) => s.login === 'tr.s4').attempts, 0);
      assert.equal(a.sessions.length, 1);
      const list = (await c.s1.get('/api/training/assignments')).json.assignments;
      assert.deepEqual(list.find((x) => x.id === ids2.assessment).mine.left, 0);
      assertError(await c.t1.del(`/api/training/assignments/${ids2.assessment}`), 409, 'conflict');
      const counts = (await c.t1.get('/api/training/assignments')).json.assignments.find((x) => x.id === ids2.assessment).counts;
      assert.deepEqual(counts, { students: 3, started: 1, completed: 1, passed: 0, running: 0 });
    });
  });
});

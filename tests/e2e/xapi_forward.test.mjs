// Statement forwarding between two real servers: campus server A forwards every statement of its
// college to central server B (docs/lrs.md, "Forwarding"). A target is configured on A through
// /api/xapi/forwarding with the key and secret of an LRS client of B. Checked: B ends up with
// exactly A's statements (voiding and attachments included), in order, once each; while B is down
// A keeps them queued and records the error; after B restarts on the same data everything arrives
// exactly once; a re-sent log is de-duplicated by B; 409s are skipped and counted, 400 and 401 are
// retried with the message kept; disable, retry now, delete; erasing the newest statements does
// not make the next ones invisible to the cursor; the CLI; validation, roles, CSRF and tenancy.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, cli } from '../lib/server.mjs';
import { assertError, loginAs, hasCJK } from './lib/util.mjs';
import {
  Lrs, newLrs, addLrsClient, statement, mbox, verb, activity, uuid, sha256, multipart, parseMultipart,
  sorted, VOIDED, V2,
} from './lib/xapi.mjs';

// Small intervals so that back-off and recovery happen within a test.
const FAST = ['--forward-interval-ms', '100', '--forward-retry-max-ms', '800'];

let a; // the campus server (demo college; forwards)
let b; // the central server (receives)
let admin; // admin of A's demo college (institution 1)
let teacher; // a teacher of A
let riverside; // admin of A's partner college (institution 2)
let lrsA; // an LRS client of A: what content uses to store statements there
let sink; // the credentials A presents to B (an LRS client of B with statements/write)
let readerB; // reads B's statements
let target; // the forwarding target on A, as the API returns it
const sent = []; // the ids of A's statements that B must hold with A's content, in order
let onA = 0; // how many statements A's college holds (voided ones included)

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Polls FN until it returns a truthy value; fails with WHAT (and the last value) after TIMEOUT ms. */
async function waitFor(fn, what, timeout = 20000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await sleep(50);
  }
}

async function getTarget(id = target.id) {
  const r = await admin.get(`/api/xapi/forwarding/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json.target;
}

/* Waits until the target has nothing pending and is not failing; returns it. */
const drained = (what) => waitFor(async () => {
  const t = await getTarget();
  return t.pending === 0 && t.attempts === 0 && t.status === 'up_to_date' ? t : false;
}, what);

/* A statement as A stores it and B stores it must agree on everything but stored and authority. */
function withoutLrsFields(st) {
  const { stored, authority, ...rest } = st;
  assert.ok(stored && authority, 'an LRS sets stored and authority');
  return rest;
}

/* Every statement B holds (voided ones too), by id. */
async function statementsOfB() {
  const all = new Map();
  for (const id of sent) {
    let r = await readerB.get('statements', { statementId: id });
    if (r.status === 404) r = await readerB.get('statements', { voidedStatementId: id });
    if (r.status === 200) all.set(id, r.json);
  }
  return all;
}

/* B's whole statement log (non-voided), through paging: each id must appear once. */
async function idsOfB() {
  const ids = [];
  let page = await readerB.query({ limit: 500 });
  ids.push(...page.statements.map((s) => s.id));
  while (page.more) {
    page = await readerB.more(page.more);
    ids.push(...page.statements.map((s) => s.id));
  }
  return ids;
}

async function storeOnA(statements) {
  const ids = await lrsA.store(statements);
  sent.push(...ids);
  onA += ids.length;
  return ids;
}

/* Waits until B holds every statement A sent, each with A's content. */
async function assertBHasAll(what) {
  const got = await waitFor(async () => {
    const m = await statementsOfB();
    return m.size === sent.length ? m : false;
  }, `${what}: B holds all ${sent.length} statements`);
  for (const id of sent) {
    let r = await lrsA.get('statements', { statementId: id });
    if (r.status === 404) r = await lrsA.get('statements', { voidedStatementId: id });
    assert.equal(r.status, 200, `A has ${id}`);
    assert.deepEqual(withoutLrsFields(got.get(id)), withoutLrsFields(r.json), `${what}: B's copy of ${id}`);
    assert.equal(got.get(id).authority.account.name, sink.key, 'B sets its own client as authority');
  }
  return got;
}

before(async () => {
  // Colleges of their own rather than the demo's, so that nothing else is in either log.
  [a, b] = await Promise.all([startServer({ extraArgs: FAST }), startServer()]);
  assert.equal(a.addInstitution('Campus training room', '校区实训室', 'CN'), 1);
  assert.equal(a.addInstitution('Partner college', '合作院校', 'US'), 2);
  assert.equal(b.addInstitution('Central server', '中心服务器', 'CN'), 1);
  a.addUser({ role: 'admin', login: 'campus.admin', name: 'Campus Admin' });
  a.addUser({ role: 'teacher', login: 'campus.teacher', name: 'Campus Teacher' });
  a.addUser({ institution: 2, role: 'admin', login: 'partner.admin', name: 'Partner Admin' });
  admin = await loginAs(a, 'campus.admin');
  teacher = await loginAs(a, 'campus.teacher');
  riverside = await loginAs(a, 'partner.admin');
  lrsA = newLrs(a, { scopes: ['all'], name: 'ward simulator' });
  sink = addLrsClient(b, { scopes: ['statements/write'], name: 'campus server A' });
  readerB = newLrs(b, { scopes: ['all'], name: 'reader' });
});

after(async () => {
  const ra = await a?.stop();
  const rb = await b?.stop();
  if (ra) assert.equal(ra.code, 0, `A exit ${JSON.stringify(ra)}\n${a.log().slice(-2000)}`);
  if (rb) assert.equal(rb.code, 0, `B exit ${JSON.stringify(rb)}`);
});

const goodBody = () => ({ name: 'Central LRS 中心', url: `${b.url}/xapi/`, key: sink.key, secret: sink.secret });

describe('configuration', () => {
  test('validation: each bad field is a 422 naming it, in the caller\'s language; nothing is created', async () => {
    const cases = [
      [{ url: undefined }, 'url'],
      [{ url: '' }, 'url'],
      [{ url: 'ftp://lrs.example.edu/xapi/' }, 'url'],
      [{ url: 'lrs.example.edu/xapi/' }, 'url'],
      [{ url: 'http://' }, 'url'],
      [{ url: 'https://user:pw@lrs.example.edu/xapi/' }, 'url'],
      [{ url: 'https://lrs.example.edu/xapi/?x=1' }, 'url'],
      [{ url: 'https://lrs.example.edu/xapi/#top' }, 'url'],
      [{ url: 'https://lrs.example.edu/x api/' }, 'url'],
      [{ url: `https://lrs.example.edu/${'a'.repeat(2030)}` }, 'url'],
      [{ url: 42 }, 'url'],
      [{ name: undefined }, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '名'.repeat(101) }, 'name'],
      [{ key: undefined }, 'key'],
      [{ key: 'has:colon' }, 'key'],
      [{ key: 'k'.repeat(257) }, 'key'],
      [{ key: 'tab\there' }, 'key'],
      [{ secret: undefined }, 'secret'],
      [{ secret: '' }, 'secret'],
      [{ secret: 's'.repeat(257) }, 'secret'],
      [{ secret: 'new\nline' }, 'secret'],
      [{ version: '1.0' }, 'version'],
      [{ version: 2 }, 'version'],
      [{ enabled: 'yes' }, 'enabled'],
    ];
    for (const [over, field] of cases) {
      const body = { ...goodBody(), ...over };
      for (const k of Object.keys(over)) if (over[k] === undefined) delete body[k];
      assertError(await admin.post('/api/xapi/forwarding', body), 422, 'invalid_field', field);
    }
    // The longest address is fine, one more byte is not.
    const longest = `https://lrs.example.edu/${'a'.repeat(2048 - 'https://lrs.example.edu/'.length)}`;
    assertError(await admin.post('/api/xapi/forwarding', { ...goodBody(), url: `${longest}b` }), 422, 'invalid_field', 'url');
    const r = await admin.post('/api/xapi/forwarding', { ...goodBody(), url: 'ftp://x' });
    assert.match(r.json.error.message, /http:\/\/ or https:\/\//, 'the message says what an address must be');
    assert.deepEqual((await admin.get('/api/xapi/forwarding')).json.targets, []);

    const made = await admin.post('/api/xapi/forwarding', { ...goodBody(), url: longest, enabled: false });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.json.target.url, longest);
    assert.equal((await admin.del(`/api/xapi/forwarding/${made.json.target.id}`)).status, 204);
  });

  test('messages come in Chinese for a Chinese-speaking admin', async () => {
    const zhAdmin = 'zh.forward.admin';
    a.addUser({ institution: 1, role: 'admin', login: zhAdmin, name: '管理员', lang: 'zh-CN' });
    const c = await loginAs(a, zhAdmin);
    const r = await c.post('/api/xapi/forwarding', { ...goodBody(), key: 'a:b' });
    assertError(r, 422, 'invalid_field', 'key');
    assert.ok(hasCJK(r.json.error.message), r.json.error.message);
  });

  test('an admin creates a target: 201, its state, never its secret', async () => {
    const r = await admin.post('/api/xapi/forwarding', goodBody());
    assert.equal(r.status, 201, r.text);
    target = r.json.target;
    assert.equal(typeof target.id, 'number');
    assert.equal(target.name, 'Central LRS 中心');
    assert.equal(target.url, `${b.url}/xapi/`);
    assert.equal(target.key, sink.key);
    assert.equal(target.version, V2, 'xAPI 2.0 by default');
    assert.equal(target.enabled, true);
    assert.match(target.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    for (const k of ['delivered', 'pending', 'conflicts', 'attempts', 'cursor']) assert.equal(target[k], 0, k);
    assert.equal(target.status, 'up_to_date');
    for (const k of ['last_status', 'last_error', 'last_error_at', 'last_success_at']) assert.equal(target[k], null, k);
    assert.ok(!r.text.includes(sink.secret), 'the secret is not returned');
    const list = await admin.get('/api/xapi/forwarding');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.targets.length, 1);
    assert.ok(!list.text.includes(sink.secret), 'the list shows the secret');
    for (const k of Object.keys(list.json.targets[0])) assert.doesNotMatch(k, /secret/i, `the list leaks ${k}`);
  });

  test('the secret is stored sealed: not in the database files; the key file is 0600', () => {
    const files = ['carecampus.db', 'carecampus.db-wal'].map((f) => join(a.dataDir, f)).filter(existsSync);
    assert.ok(files.length > 0);
    for (const f of files) assert.ok(!readFileSync(f).includes(Buffer.from(sink.secret)), `${f} holds the secret in clear`);
    const key = join(a.dataDir, 'secrets.key');
    assert.ok(existsSync(key), 'the key file exists');
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.equal(statSync(key).size, 32);
  });

  test('only admins: teachers 403, no session 401, the CSRF token is required', async () => {
    assertError(await teacher.get('/api/xapi/forwarding'), 403, 'forbidden');
    assertError(await teacher.post('/api/xapi/forwarding', goodBody()), 403, 'forbidden');
    assertError(await teacher.patch(`/api/xapi/forwarding/${target.id}`, { enabled: false }), 403, 'forbidden');
    assertError(await teacher.del(`/api/xapi/forwarding/${target.id}`), 403, 'forbidden');
    assertError(await teacher.post(`/api/xapi/forwarding/${target.id}/retry`), 403, 'forbidden');
    assertError(await new Client(a.url).get('/api/xapi/forwarding'), 401, 'unauthenticated');
    const raw = new Client(a.url);
    raw.cookie = admin.cookie;
    assertError(await raw.post('/api/xapi/forwarding', goodBody()), 403, 'csrf_failed');
    assertError(await raw.patch(`/api/xapi/forwarding/${target.id}`, { enabled: false }), 403, 'csrf_failed');
    assertError(await raw.del(`/api/xapi/forwarding/${target.id}`), 403, 'csrf_failed');
    assertError(await raw.post(`/api/xapi/forwarding/${target.id}/retry`), 403, 'csrf_failed');
    assert.equal((await getTarget()).enabled, true);
  });

  test('another college neither sees nor changes the target (404), and has its own list', async () => {
    assert.deepEqual((await riverside.get('/api/xapi/forwarding')).json.targets, []);
    assertError(await riverside.get(`/api/xapi/forwarding/${target.id}`), 404, 'not_found');
    assertError(await riverside.patch(`/api/xapi/forwarding/${target.id}`, { enabled: false }), 404, 'not_found');
    assertError(await riverside.post(`/api/xapi/forwarding/${target.id}/retry`), 404, 'not_found');
    assertError(await riverside.del(`/api/xapi/forwarding/${target.id}`), 404, 'not_found');
    assertError(await admin.get('/api/xapi/forwarding/999999'), 404, 'not_found');
    assertError(await admin.get('/api/xapi/forwarding/abc'), 400, 'bad_request');
    assert.equal((await getTarget()).enabled, true);
  });
});

describe('delivery', () => {
  const text = 'Handover note: resident in room 12 mobilised with a frame at 10:00.\n';
  const att = {
    usageType: 'http://example.org/attachment-usage/notes', display: { 'en-US': 'handover note', 'zh-CN': '交接记录' },
    contentType: 'text/plain', length: Buffer.byteLength(text), sha2: sha256(text),
  };

  test('statements, a voiding statement and one with an attachment arrive at B exactly, in order', async () => {
    const first = await storeOnA([
      statement({ actor: mbox('wang.fang'), verb: verb('practised', { en: 'practised', 'zh-CN': '练习' }), object: activity('transfer'), result: { score: { scaled: 0.85 }, success: true, duration: 'PT4M30S' } }),
      statement({ actor: mbox('li.na'), verb: verb('practised'), object: activity('feeding'), context: { registration: uuid(), contextActivities: { parent: { id: 'http://example.org/activities/unit-3' } } } }),
      statement({ actor: mbox('zhao.min'), verb: verb('attempted'), object: activity('bathing') }),
    ]);
    // Voids the third.
    await storeOnA(statement({ actor: mbox('teacher'), verb: { id: VOIDED, display: { 'en-US': 'voided' } }, object: { objectType: 'StatementRef', id: first[2] } }));
    const id = uuid();
    const mp = multipart(statement({ id, actor: mbox('wang.fang'), verb: verb('documented'), attachments: [att] }), [{ content: text }]);
    const r = await lrsA.post('statements', undefined, mp.body, { headers: { 'Content-Type': mp.contentType } });
    assert.equal(r.status, 200, r.text);
    sent.push(id);
    onA += 1;

    await assertBHasAll('first delivery');
    // The voided statement is voided on B too: only voidedStatementId finds it.
    assert.equal((await readerB.get('statements', { statementId: first[2] })).status, 404);
    assert.equal((await readerB.get('statements', { voidedStatementId: first[2] })).status, 200);
    // The attachment's content came along.
    const g = await readerB.get('statements', { statementId: id, attachments: true });
    assert.equal(g.status, 200, g.text);
    const parts = parseMultipart(g.body, g.headers.get('content-type'));
    assert.equal(parts.length, 2, 'the statement and its attachment');
    assert.equal(parts[1].body.toString('utf8'), text);
    // In order: B stored them in A's order.
    const order = (await readerB.query({ ascending: true, limit: 500 })).statements.map((s) => s.id);
    assert.deepEqual(order, sent.filter((x) => x !== first[2]));

    const t = await drained('the first batch delivered');
    assert.equal(t.delivered, sent.length);
    assert.equal(t.conflicts, 0);
    assert.ok(t.last_success_at, 'a last success');
    assert.equal(t.last_error, null);
    assert.ok(t.cursor > 0);
  });

  test('while B is down A keeps the statements queued and records why; after B restarts they arrive once', async () => {
    const port = b.port;
    const dataDir = b.dataDir;
    const stopped = await b.stop({ keepData: true });
    assert.equal(stopped.code, 0);
    const before = await getTarget();
    const queued = await storeOnA(Array.from({ length: 7 }, (_, i) => statement({ actor: mbox(`offline${i}`), verb: verb('practised'), object: activity(`offline-${i}`) })));
    const failing = await waitFor(async () => {
      const t = await getTarget();
      return t.status === 'failing' && t.attempts >= 2 ? t : false;
    }, 'the target to be failing');
    assert.equal(failing.pending, queued.length, 'the new statements wait');
    assert.equal(failing.delivered, before.delivered, 'nothing more delivered');
    assert.equal(failing.cursor, before.cursor, 'the cursor stays');
    assert.equal(failing.last_status, null, 'no HTTP answer');
    assert.match(failing.last_error, /connect/i);
    assert.ok(failing.last_error_at);
    assert.ok(Date.parse(failing.next_attempt_at) > Date.parse(failing.last_error_at), 'the next attempt is after a wait');

    b = await startServer({ dataDir, port });
    const t = await drained('the queue to drain after B is back');
    assert.equal(t.delivered, sent.length);
    assert.equal(t.attempts, 0);
    await assertBHasAll('after the restart');
    const ids = await idsOfB();
    assert.equal(new Set(ids).size, ids.length, 'each statement once on B');
    assert.equal(ids.length, sent.length - 1, 'every non-voided statement of A, and nothing else');
  });

  test('a re-sent log (the cursor reset) is de-duplicated by B', async () => {
    const before = await getTarget();
    const r = await admin.patch(`/api/xapi/forwarding/${target.id}`, { resend: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.target.cursor, 0);
    const t = await waitFor(async () => {
      const x = await getTarget();
      return x.delivered === before.delivered + sent.length && x.pending === 0 ? x : false;
    }, 'everything to be sent again');
    assert.equal(t.conflicts, 0, 'identical statements are no conflict');
    const ids = await idsOfB();
    assert.equal(ids.length, sent.length - 1, 'B stored nothing twice');
    assert.equal(new Set(ids).size, ids.length);
    await assertBHasAll('after the resend');
  });

  test('a statement B holds with other content (409) is skipped and counted; the rest of its batch arrives', async () => {
    const clash = uuid();
    await readerB.store(statement({ id: clash, actor: mbox('someone.else'), verb: verb('wrote') }));
    const ids = await storeOnA([
      statement({ actor: mbox('before.clash'), verb: verb('practised') }),
      statement({ id: clash, actor: mbox('wang.fang'), verb: verb('practised') }),
      statement({ actor: mbox('after.clash'), verb: verb('practised') }),
    ]);
    const t = await waitFor(async () => {
      const x = await getTarget();
      return x.pending === 0 ? x : false;
    }, 'the batch with a conflict to go through');
    assert.equal(t.conflicts, 1);
    assert.equal(t.status, 'up_to_date');
    assert.equal((await readerB.statement(ids[0])).actor.mbox, 'mailto:before.clash@example.org');
    assert.equal((await readerB.statement(ids[2])).actor.mbox, 'mailto:after.clash@example.org');
    assert.equal((await readerB.statement(clash)).actor.mbox, 'mailto:someone.else@example.org', 'B keeps its own');
    sent.splice(sent.indexOf(clash), 1); // B holds another statement under this id
  });

  test('a 400 (B rejects the statements) stays an error with B\'s message; fixing the target delivers', async () => {
    // xAPI 1.0.3 does not allow the version 2.0.0 that A's statements carry: B answers 400.
    let r = await admin.patch(`/api/xapi/forwarding/${target.id}`, { version: '1.0.3' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.target.version, '1.0.3');
    const [id] = await storeOnA(statement({ actor: mbox('rejected'), verb: verb('practised') }));
    let t = await waitFor(async () => {
      const x = await getTarget();
      return x.attempts >= 2 ? x : false;
    }, 'B to refuse the statement twice');
    assert.equal(t.last_status, 400);
    assert.match(t.last_error, /^HTTP 400: \S*version: /, 'B\'s message is kept');
    assert.equal(t.pending, 1);
    assert.equal((await readerB.get('statements', { statementId: id })).status, 404);

    // A wrong secret: 401, kept as the error.
    r = await admin.patch(`/api/xapi/forwarding/${target.id}`, { version: '2.0.0', secret: 'not-the-secret' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.target.attempts, 0, 'a changed setting clears the back-off');
    t = await waitFor(async () => {
      const x = await getTarget();
      return x.last_status === 401 ? x : false;
    }, 'B to refuse the credentials');
    assert.equal(t.status, 'failing');

    r = await admin.patch(`/api/xapi/forwarding/${target.id}`, { secret: sink.secret });
    assert.equal(r.status, 200, r.text);
    await drained('delivery with the right secret');
    assert.equal((await readerB.statement(id)).id, id);
  });

  test('disabled: nothing is sent; enabled again: it is', async () => {
    let r = await admin.patch(`/api/xapi/forwarding/${target.id}`, { enabled: false });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.target.status, 'disabled');
    assert.equal(r.json.target.next_attempt_at, null);
    const [id] = await storeOnA(statement({ actor: mbox('while.disabled'), verb: verb('practised') }));
    await sleep(600);
    const t = await getTarget();
    assert.equal(t.pending, 1);
    assert.equal(t.status, 'disabled');
    assert.equal((await readerB.get('statements', { statementId: id })).status, 404);
    r = await admin.put(`/api/xapi/forwarding/${target.id}`, { enabled: true });
    assert.equal(r.status, 200, r.text);
    await drained('delivery after enabling');
    assert.equal((await readerB.statement(id)).id, id);
  });

  test('retry now: the next attempt is now, however long the back-off', async () => {
    const port = b.port;
    const dataDir = b.dataDir;
    await b.stop({ keepData: true });
    // A long back-off: each failure doubles the wait up to 800 ms in this suite; retry skips it.
    await storeOnA(statement({ actor: mbox('retry.now'), verb: verb('practised') }));
    await waitFor(async () => (await getTarget()).attempts >= 4, 'four failures');
    b = await startServer({ dataDir, port });
    const r = await admin.post(`/api/xapi/forwarding/${target.id}/retry`);
    assert.equal(r.status, 200, r.text);
    assert.ok(Date.parse(r.json.target.next_attempt_at) <= Date.now() + 50, `next attempt ${r.json.target.next_attempt_at}`);
    await drained('delivery after retry now');
    assertError(await admin.post('/api/xapi/forwarding/999999/retry'), 404, 'not_found');
  });

  test('erasing the newest statements does not hide the next ones from the cursor', async () => {
    const [gone] = await storeOnA(statement({ actor: mbox('to.erase'), verb: verb('practised') }));
    await drained('the statement to be erased delivered');
    const r = await admin.del(`/api/lrs/learners?agent=${encodeURIComponent(JSON.stringify(mbox('to.erase')))}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.statements, 1);
    sent.splice(sent.indexOf(gone), 1);
    onA -= 1;
    // SQLite gives the next statement the number the erased one had.
    const [next] = await storeOnA(statement({ actor: mbox('after.erase'), verb: verb('practised') }));
    await drained('the statement after the erasure delivered');
    assert.equal((await readerB.statement(next)).id, next);
  });

  test('a target is removed: 204, gone from the list, 404 after', async () => {
    const other = await admin.post('/api/xapi/forwarding', { ...goodBody(), name: 'Regional LRS', version: '1.0.3', enabled: false });
    assert.equal(other.status, 201, other.text);
    assert.equal(other.json.target.version, '1.0.3');
    assert.equal(other.json.target.status, 'disabled');
    assert.equal(other.json.target.pending, onA, 'a new target starts from the first statement');
    assert.equal((await admin.del(`/api/xapi/forwarding/${other.json.target.id}`)).status, 204);
    assertError(await admin.del(`/api/xapi/forwarding/${other.json.target.id}`), 404, 'not_found');
    assertError(await admin.patch(`/api/xapi/forwarding/${other.json.target.id}`, { enabled: true }), 404, 'not_found');
    assert.deepEqual((await admin.get('/api/xapi/forwarding')).json.targets.map((t) => t.id), [target.id]);
  });

  test('at the end B holds exactly A\'s statements, each once', async () => {
    await drained('everything delivered');
    await assertBHasAll('at the end');
    const ids = await idsOfB();
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
  });
});

describe('the command line', () => {
  test('xapi forward add, list and remove; usage errors exit 2', () => {
    const dataDir = a.dataDir;
    let r = cli(['xapi', 'forward', 'add', '--name', 'CLI target', '--url', 'https://lrs.example.edu/xapi/', '--key', 'k1', '--secret', 'cli-secret-value', '--version', '1.0.3', '--json'], { dataDir });
    assert.equal(r.status, 0, r.stderr);
    const { id } = JSON.parse(r.stdout);
    assert.equal(typeof id, 'number');
    r = cli(['xapi', 'forward', 'add', '--name', 'From stdin', '--url', 'http://10.0.0.5:8080/xapi', '--key', 'k2', '--secret-stdin', '--json'], { dataDir, input: 'stdin-secret-value\n' });
    assert.equal(r.status, 0, r.stderr);
    const id2 = JSON.parse(r.stdout).id;

    r = cli(['xapi', 'forward', 'list', '--json'], { dataDir });
    assert.equal(r.status, 0, r.stderr);
    const list = JSON.parse(r.stdout);
    const mine = list.find((t) => t.id === id);
    assert.equal(mine.url, 'https://lrs.example.edu/xapi/');
    assert.equal(mine.version, '1.0.3');
    assert.equal(mine.key, 'k1');
    assert.ok(!r.stdout.includes('cli-secret-value') && !r.stdout.includes('stdin-secret-value'), 'no secret listed');
    r = cli(['xapi', 'forward', 'list'], { dataDir });
    assert.match(r.stdout, /https:\/\/lrs\.example\.edu\/xapi\/\s+\(CLI target\)/);

    for (const t of [id, id2]) {
      r = cli(['xapi', 'forward', 'remove', String(t)], { dataDir });
      assert.equal(r.status, 0, r.stderr);
    }
    r = cli(['xapi', 'forward', 'remove', String(id)], { dataDir });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no such forwarding target/);

    const usage = [
      ['xapi', 'forward', 'add', '--name', 'x', '--url', 'ftp://x', '--key', 'k', '--secret', 's'],
      ['xapi', 'forward', 'add', '--name', 'x', '--url', 'https://x/xapi', '--key', 'k'],
      ['xapi', 'forward', 'add', '--name', 'x', '--url', 'https://x/xapi', '--key', 'a:b', '--secret', 's'],
      ['xapi', 'forward', 'add', '--name', 'x', '--url', 'https://x/xapi', '--key', 'k', '--secret', 's', '--version', '3'],
      ['xapi', 'forward', 'remove'],
      ['xapi', 'forward'],
    ];
    for (const args of usage) {
      r = cli(args, { dataDir });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.status} ${r.stderr}`);
      assert.match(r.stderr, /Try 'carecampus xapi --help'/);
    }
    r = cli(['xapi', 'forward', 'add', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /xapi forward add/);
    assert.match(r.stdout, /--secret-stdin/);
    r = cli(['serve', '--help']);
    assert.match(r.stdout, /--forward-interval-ms/);
    r = cli(['serve', '--forward-interval-ms', '0'], { dataDir });
    assert.equal(r.status, 2);
    r = cli(['serve', '--forward-interval-ms', '5000', '--forward-retry-max-ms', '1000'], { dataDir });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /at least/);
    // The API target is untouched.
    assert.deepEqual(JSON.parse(cli(['xapi', 'forward', 'list', '--json'], { dataDir }).stdout).map((t) => t.id), [target.id]);
  });
});

test('SIGTERM stops a server whose forwarding is in the middle of retrying: exit 0, promptly', async () => {
  const c = await startServer({ extraArgs: FAST });
  try {
    c.addInstitution('Lonely campus', '孤立校区', 'CN');
    c.addUser({ role: 'admin', login: 'lonely.admin' });
    const admin2 = await loginAs(c, 'lonely.admin');
    // Nobody listens on port 9 of this host: the forwarder keeps failing and backing off.
    const r = await admin2.post('/api/xapi/forwarding', { name: 'Nowhere', url: 'http://127.0.0.1:9/xapi/', key: 'k', secret: 's' });
    assert.equal(r.status, 201, r.text);
    const lrs2 = newLrs(c, { scopes: ['all'] });
    await lrs2.store(statement());
    await waitFor(async () => (await admin2.get(`/api/xapi/forwarding/${r.json.target.id}`)).json.target.attempts >= 1, 'a failure');
  } finally {
    const t0 = Date.now();
    const res = await c.stop();
    assert.equal(res.code, 0, `exit ${JSON.stringify(res)}`);
    assert.ok(Date.now() - t0 < 5000, 'stopped promptly');
  }
});

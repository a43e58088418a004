// Administering the LRS from the platform (session auth): LRS clients (/api/lrs/clients,
// administrators) and the statement browser (/api/lrs/statements: administrators see their
// college's statements; a teacher picks one of their own students). Demo data: chen.jing
// teaches the 12 students of class 1, liu.wei the first 6 of them in class 2.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { assertError, loginAs } from './lib/util.mjs';
import {
  Lrs, newLrs, statement, mbox, account, verb, activity, sorted, assertXapiError, V2,
} from './lib/xapi.mjs';

const DEMO_PASSWORD = 'carecampus';
let srv;
let admin; // admin of the demo college (institution 1)
let chen; // teacher of class 1 (12 students)
let liu; // teacher of class 2 (wang.fang, li.na, zhang.wei, liu.yang, chen.xi, yang.jie)
let student; // wang.fang
let riverside; // admin of the partner college (institution 2)
let lrs; // an LRS client of the demo college
let river; // an LRS client of the partner college

const HOME = 'https://lrs.carecampus.invalid/users'; // how the platform names its users (src/xapi/record.h)
const learner = (login) => account(login, HOME);
const agentQuery = (agent) => `agent=${encodeURIComponent(JSON.stringify(agent))}`;
const PRIVATE = mbox('not.a.student'); // someone whose records no teacher may read
const ids = {}; // login → ids of their statements

before(async () => {
  srv = await startServer({ demo: true });
  admin = await loginAs(srv, 'admin', DEMO_PASSWORD);
  chen = await loginAs(srv, 'chen.jing', DEMO_PASSWORD);
  liu = await loginAs(srv, 'liu.wei', DEMO_PASSWORD);
  student = await loginAs(srv, 'wang.fang', DEMO_PASSWORD);
  riverside = await loginAs(srv, 'riverside.admin', DEMO_PASSWORD);
  assert.equal(admin.me.institution_id, 1);
  assert.equal(riverside.me.institution_id, 2);
  lrs = newLrs(srv, { scopes: ['all'], institution: 1, name: 'ward simulator' });
  river = newLrs(srv, { scopes: ['all'], institution: 2, name: 'riverside content' });
  srv.addUser({ institution: 2, role: 'student', login: 'river.student', name: 'River Student' });
  for (const [login, n, v] of [['wang.fang', 3, 'practised'], ['zhao.min', 2, 'practised'], ['li.na', 1, 'passed'], ['liu.wei', 1, 'taught']]) {
    ids[login] = await lrs.store(Array.from({ length: n }, (_, i) => statement({ actor: learner(login), verb: verb(v), object: activity(`skill-${i}`) })));
  }
  ids.private = await lrs.store(statement({ actor: PRIVATE, verb: verb('confided'), object: activity('private') }));
  ids.river = await river.store([statement({ actor: learner('river.student'), verb: verb('practised') }), statement({ actor: learner('wang.fang'), verb: verb('practised') })]);
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

describe('/api/lrs/clients', () => {
  test('an admin creates a client: 201, the secret returned once, and it works for Basic auth', async () => {
    const r = await admin.post('/api/lrs/clients', { name: 'VR ward simulation', scopes: ['statements/write', 'statements/read'] });
    assert.equal(r.status, 201, r.text);
    const { client, secret } = r.json;
    assert.equal(typeof client.id, 'number');
    assert.equal(client.name, 'VR ward simulation');
    assert.deepEqual(sorted(client.scopes), ['statements/read', 'statements/write']);
    assert.equal(client.revoked, false);
    assert.equal(typeof client.key, 'string');
    assert.equal(typeof secret, 'string');
    assert.ok(secret.length >= 16, 'a long secret');
    for (const k of Object.keys(client)) assert.doesNotMatch(k, /secret|hash/i, `client object leaks ${k}`);

    const c = new Lrs(srv.url, { key: client.key, secret, version: V2 });
    const [id] = await c.store(statement({ verb: verb('from-api-client') }));
    assert.equal((await c.statement(id)).authority.account.name, client.key);
    // Its scopes hold: no documents.
    assertXapiError(await c.put('activities/state', { activityId: 'http://example.org/a', agent: mbox('x'), stateId: 's' }, { a: 1 }), 403);
    // The statement is in the college: the admin's other client reads it.
    assert.equal((await lrs.get('statements', { statementId: id })).status, 200);
  });

  test('the list never shows a secret (nor its hash)', async () => {
    const made = await admin.post('/api/lrs/clients', { name: 'Secret keeper', scopes: ['all'] });
    assert.equal(made.status, 201, made.text);
    const r = await admin.get('/api/lrs/clients');
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.json.clients));
    const mine = r.json.clients.find((c) => c.id === made.json.client.id);
    assert.ok(mine, 'the new client is listed');
    assert.deepEqual(mine.scopes, ['all']);
    assert.equal(mine.key, made.json.client.key);
    assert.ok(!r.text.includes(made.json.secret), 'the list shows the secret');
    for (const c of r.json.clients) {
      for (const k of Object.keys(c)) assert.doesNotMatch(k, /secret|hash/i, `list leaks ${k}`);
    }
    // Clients made with the CLI are listed too.
    assert.ok(r.json.clients.some((c) => c.key === lrs.key));
    assert.ok(!r.json.clients.some((c) => c.key === river.key), 'another college\'s client');
  });

  test('revoke: 204, listed as revoked, its credentials 401; revoking again is 404', async () => {
    const made = await admin.post('/api/lrs/clients', { name: 'To revoke', scopes: ['all'] });
    const c = new Lrs(srv.url, { key: made.json.client.key, secret: made.json.secret });
    assert.equal((await c.get('statements', { limit: 1 })).status, 200);
    const r = await admin.del(`/api/lrs/clients/${made.json.client.id}`);
    assert.equal(r.status, 204, r.text);
    const listed = (await admin.get('/api/lrs/clients')).json.clients.find((x) => x.id === made.json.client.id);
    assert.equal(listed.revoked, true);
    assertXapiError(await c.get('statements', { limit: 1 }), 401);
    assertError(await admin.del(`/api/lrs/clients/${made.json.client.id}`), 404, 'not_found');
    assertError(await admin.del('/api/lrs/clients/999999'), 404, 'not_found');
    assertError(await admin.del('/api/lrs/clients/abc'), 400, 'bad_request');
  });

  test('validation: name and scopes (422 with the field); nothing created', async () => {
    const before = (await admin.get('/api/lrs/clients')).json.clients.length;
    for (const body of [{ scopes: ['all'] }, { name: '', scopes: ['all'] }, { name: 'x'.repeat(101), scopes: ['all'] }, { name: 7, scopes: ['all'] }]) {
      assertError(await admin.post('/api/lrs/clients', body), 422, 'invalid_field', 'name');
    }
    for (const scopes of [undefined, [], ['everything'], 'all', ['all', 'nope'], [1]]) {
      const body = { name: 'Bad scopes' };
      if (scopes !== undefined) body.scopes = scopes;
      assertError(await admin.post('/api/lrs/clients', body), 422, 'invalid_field', 'scopes');
    }
    assertError(await admin.post('/api/lrs/clients', { name: '张'.repeat(101), scopes: ['all'] }), 422, 'invalid_field', 'name');
    assert.equal((await admin.get('/api/lrs/clients')).json.clients.length, before);
    // 100 characters (not bytes) is the limit.
    const long = await admin.post('/api/lrs/clients', { name: '张'.repeat(100), scopes: ['state', 'profile'] });
    assert.equal(long.status, 201, long.text);
    assert.equal(long.json.client.name, '张'.repeat(100));
    assert.deepEqual(sorted(long.json.client.scopes), ['profile', 'state']);
  });

  test('the CSRF token is required to create or revoke', async () => {
    const raw = new Client(srv.url); // the admin's session cookie, without the token
    raw.cookie = admin.cookie;
    assertError(await raw.post('/api/lrs/clients', { name: 'No CSRF', scopes: ['all'] }), 403, 'csrf_failed');
    assertError(await raw.del(`/api/lrs/clients/${lrs.id}`), 403, 'csrf_failed');
    raw.csrf = 'not-the-token';
    assertError(await raw.post('/api/lrs/clients', { name: 'No CSRF', scopes: ['all'] }), 403, 'csrf_failed');
    assert.ok(!(await admin.get('/api/lrs/clients')).text.includes('No CSRF'), 'nothing created');
    assert.equal((await lrs.get('statements', { limit: 1 })).status, 200);
  });

  test('non-admins get 403; no session 401', async () => {
    for (const who of [chen, student]) {
      assertError(await who.get('/api/lrs/clients'), 403, 'forbidden');
      assertError(await who.post('/api/lrs/clients', { name: 'Sneaky', scopes: ['all'] }), 403, 'forbidden');
      assertError(await who.del(`/api/lrs/clients/${lrs.id}`), 403, 'forbidden');
    }
    const anon = new Client(srv.url);
    assertError(await anon.get('/api/lrs/clients'), 401, 'unauthenticated');
    assertError(await anon.post('/api/lrs/clients', { name: 'Anon', scopes: ['all'] }), 401, 'unauthenticated');
    assert.equal((await lrs.get('statements', { limit: 1 })).status, 200, 'the client was not revoked');
    assert.ok(!(await admin.get('/api/lrs/clients')).text.includes('Sneaky'));
  });
});

describe('/api/lrs/statements', () => {
  const browse = (who, query = '') => who.get(`/api/lrs/statements${query ? `?${query}` : ''}`);
  const idsIn = (r) => r.json.statements.map((s) => s.id);

  test('an admin lists the statements of the college, newest first, none of another college', async () => {
    const r = await browse(admin);
    assert.equal(r.status, 200, r.text);
    const got = idsIn(r);
    const all = [...ids['wang.fang'], ...ids['zhao.min'], ...ids['li.na'], ...ids['liu.wei'], ...ids.private];
    for (const id of all) assert.ok(got.includes(id), `admin misses ${id}`);
    for (const id of ids.river) assert.ok(!got.includes(id), `admin sees the partner college's ${id}`);
    const stored = r.json.statements.map((s) => s.stored);
    assert.deepEqual(stored, [...stored].sort().reverse(), 'newest first');
  });

  test('agent and verb filters give exact sets', async () => {
    assert.deepEqual(sorted(idsIn(await browse(admin, agentQuery(learner('wang.fang'))))), sorted(ids['wang.fang']));
    assert.deepEqual(sorted(idsIn(await browse(admin, agentQuery(learner('zhao.min'))))), sorted(ids['zhao.min']));
    assert.deepEqual(sorted(idsIn(await browse(admin, `verb=${encodeURIComponent(verb('passed').id)}`))), sorted(ids['li.na']));
    assert.deepEqual(sorted(idsIn(await browse(admin, `${agentQuery(learner('wang.fang'))}&verb=${encodeURIComponent(verb('passed').id)}`))), []);
    assert.deepEqual(sorted(idsIn(await browse(admin, `${agentQuery(learner('zhao.min'))}&verb=${encodeURIComponent(verb('practised').id)}`))), sorted(ids['zhao.min']));
    assert.deepEqual(idsIn(await browse(admin, agentQuery(learner('river.student')))), []);
    assertError(await browse(admin, 'agent=%7Bbroken'), 400, 'bad_request');
  });

  test('paging: a page of 50 with `after`, the next page continues without repeats', async () => {
    const many = await lrs.store(Array.from({ length: 55 }, (_, i) => statement({ actor: learner('liu.yang'), verb: verb('paged'), result: { response: String(i) } })));
    const q = agentQuery(learner('liu.yang'));
    const first = await browse(admin, q);
    assert.equal(first.json.statements.length, 50);
    assert.ok(first.json.after !== undefined && first.json.after !== null, `after: ${JSON.stringify(first.json).slice(0, 100)}`);
    const second = await browse(admin, `${q}&after=${first.json.after}`);
    assert.equal(second.status, 200, second.text);
    const got = [...idsIn(first), ...idsIn(second)];
    assert.equal(new Set(got).size, 55);
    assert.deepEqual(sorted(got), sorted(many));
    assert.equal(second.json.after, undefined, 'no more pages');
  });

  test('a teacher reads one of their own students: 200 with exactly that student\'s statements', async () => {
    for (const [who, login] of [[chen, 'wang.fang'], [chen, 'zhao.min'], [chen, 'li.na'], [liu, 'wang.fang'], [liu, 'li.na']]) {
      const r = await browse(who, agentQuery(learner(login)));
      assert.equal(r.status, 200, `${who.me.login} reads ${login}: ${r.status} ${r.text}`);
      assert.deepEqual(sorted(idsIn(r)), sorted(ids[login]), `${who.me.login} reads ${login}`);
    }
  });

  test('a teacher cannot read anyone else: other classes, non-students, other colleges, no agent → 403', async () => {
    const cases = [
      [liu, learner('zhao.min'), 'a student of another class'],
      [chen, learner('liu.wei'), 'a teacher'],
      [chen, learner('admin'), 'the admin'],
      [chen, learner('chen.jing'), 'herself'],
      [chen, learner('river.student'), 'a student of another college'],
      [chen, learner('j.carter'), 'a teacher of another college'],
      [chen, learner('no.such.login'), 'nobody'],
      [chen, PRIVATE, 'an mbox agent'],
      [chen, { openid: 'http://openid.example.org/wang.fang' }, 'an openid agent'],
    ];
    for (const [who, agent, what] of cases) {
      const r = await browse(who, agentQuery(agent));
      assertError(r, 403, 'forbidden');
      assert.ok(!r.text.includes('"statements"'), `${who.me.login} reading ${what}`);
    }
    assertError(await browse(chen), 403, 'forbidden');
    assertError(await browse(chen, `verb=${encodeURIComponent(verb('practised').id)}`), 403, 'forbidden');
  });

  test('naming a student in the account does not let a teacher read another agent by mbox or openid', async () => {
    // One agent must have exactly one identifier; whatever the server makes of such a request,
    // it must not hand over the records of the mbox agent it does not check.
    for (const [who, extra] of [[chen, { mbox: PRIVATE.mbox }], [liu, { mbox: PRIVATE.mbox }], [chen, { openid: 'http://openid.example.org/x' }]]) {
      const agent = { ...learner('wang.fang'), ...extra };
      const r = await browse(who, agentQuery(agent));
      if (r.status !== 200) {
        assert.ok([400, 403].includes(r.status), `${r.status} ${r.text}`);
      } else {
        for (const id of ids.private) assert.ok(!idsIn(r).includes(id), `${who.me.login} read another agent's statement ${id} with agent ${JSON.stringify(agent)}`);
        assert.ok(idsIn(r).every((id) => ids['wang.fang'].includes(id)), `${who.me.login} got statements that are not wang.fang's: ${r.text.slice(0, 300)}`);
      }
    }
    // Likewise liu.wei cannot reach zhao.min (not in class 2) through wang.fang's name.
    const r = await browse(liu, agentQuery({ account: { homePage: HOME, name: 'wang.fang' }, mbox: 'mailto:zhao.min@example.org' }));
    if (r.status === 200) assert.ok(idsIn(r).every((id) => ids['wang.fang'].includes(id)), r.text.slice(0, 300));
  });

  test('students get 403 (even for their own records); no session 401', async () => {
    assertError(await browse(student), 403, 'forbidden');
    assertError(await browse(student, agentQuery(learner('wang.fang'))), 403, 'forbidden');
    assertError(await browse(new Client(srv.url)), 401, 'unauthenticated');
  });

  test('the partner college\'s admin sees only the partner college\'s statements', async () => {
    const r = await browse(riverside);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(sorted(idsIn(r)), sorted(ids.river));
    const wf = await browse(riverside, agentQuery(learner('wang.fang')));
    assert.deepEqual(idsIn(wf), [ids.river[1]], 'the same agent in the partner college: only its statement there');
  });
});

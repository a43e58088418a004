// The LRS resources as a whole (docs/lrs.md, xAPI 2.0 / 1.0.3 communication): /xapi/about,
// authentication of every resource (HTTP Basic, 401), the version header (400 without it, and
// on every response), revoked clients, and what each scope allows.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { loginAs } from './lib/util.mjs';
import {
  newLrs, revokeLrsClient, basic, statement, mbox, uuid, idsOf,
  assertXapiError, assertVersionHeader, V1, V2,
} from './lib/xapi.mjs';

let srv;
let lrs; // scope all
let admin;

const ACT = 'http://example.org/activities/resources';
const AGENT = mbox('resources');

/*
 * One request for each method of each resource (docs/lrs.md, "Resources"), well-formed:
 * with valid credentials and version each one succeeds (see the first test).
 */
function requests() {
  const sid = uuid();
  return [
    { method: 'GET', path: 'statements', query: {} },
    { method: 'HEAD', path: 'statements', query: {} },
    { method: 'POST', path: 'statements', body: statement() },
    { method: 'PUT', path: 'statements', query: { statementId: sid }, body: statement(), sid },
    { method: 'GET', path: 'activities', query: { activityId: ACT } },
    { method: 'GET', path: 'agents', query: { agent: AGENT } },
    ...['activities/state', 'activities/profile', 'agents/profile'].flatMap((path) => {
      const key = path === 'activities/state' ? { activityId: ACT, agent: AGENT, stateId: 'gate' }
        : path === 'activities/profile' ? { activityId: ACT, profileId: 'gate' } : { agent: AGENT, profileId: 'gate' };
      return [
        { method: 'PUT', path, query: key, body: { put: true }, headers: { 'If-None-Match': '*' } },
        { method: 'POST', path, query: key, body: { merged: true } },
        { method: 'GET', path, query: key },
        { method: 'DELETE', path, query: key },
      ];
    }),
  ];
}

const label = (q) => `${q.method} /xapi/${q.path}`;

async function send(client, q, opts = {}) {
  return client.request(q.method, q.path, { query: q.query, body: q.body, headers: q.headers, ...opts });
}

before(async () => {
  srv = await startServer();
  const inst = srv.addInstitution('LRS Resources College', 'LRS 资源学院', 'US');
  assert.equal(inst, 1);
  srv.addUser({ institution: inst, role: 'admin', login: 'res.admin', name: 'Res Admin' });
  admin = await loginAs(srv, 'res.admin');
  lrs = newLrs(srv, { scopes: ['all'] });
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

describe('/xapi/about', () => {
  test('GET /xapi/about needs no credentials and lists the versions 1.0.3 and 2.0.0', async () => {
    for (const opts of [{ auth: null, version: null }, { auth: null }, { auth: basic('nobody', 'wrong'), version: null }, {}]) {
      const r = await lrs.request('GET', 'about', opts);
      assert.equal(r.status, 200, `${JSON.stringify(opts)}: ${r.status} ${r.text}`);
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
      assert.ok(Array.isArray(r.json.version), r.text);
      for (const v of [V1, V2]) assert.ok(r.json.version.includes(v), `about lists ${v}: ${r.text}`);
      for (const v of r.json.version) assert.match(v, /^\d+\.\d+\.\d+$/, `about version ${v}`);
      if ('extensions' in r.json) assert.equal(typeof r.json.extensions, 'object');
    }
  });

  test('the about response carries X-Experience-API-Version too (every response does)', async () => {
    for (const version of [null, V1, V2]) {
      const r = await lrs.request('GET', 'about', { auth: null, version });
      assert.equal(r.status, 200);
      assertVersionHeader(r);
    }
  });
});

describe('authentication', () => {
  test('with valid credentials and version every resource and method succeeds (the requests below are well-formed)', async () => {
    for (const q of requests()) {
      const r = await send(lrs, q);
      assert.ok(r.status >= 200 && r.status < 300, `${label(q)}: ${r.status} ${r.text}`);
      assertVersionHeader(r, V2);
    }
  });

  test('without credentials every resource answers 401 with a Basic challenge, and stores nothing', async () => {
    for (const q of requests()) {
      const r = await send(lrs, q, { auth: null });
      if (q.method === 'HEAD') assert.equal(r.status, 401, `${label(q)}: ${r.status}`);
      else assertXapiError(r, 401, { code: 'unauthenticated' });
      assertVersionHeader(r);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Basic\b/i, `${label(q)}: WWW-Authenticate`);
      if (q.sid) assertXapiError(await lrs.get('statements', { statementId: q.sid }), 404);
    }
    assert.deepEqual(await (await lrs.get('activities/state', { activityId: ACT, agent: AGENT })).json, []);
  });

  test('wrong credentials are 401: wrong secret, unknown key, another client\'s secret, malformed header', async () => {
    const other = newLrs(srv, { scopes: ['all'] });
    const bad = [
      basic(lrs.key, `${lrs.secret}x`),
      basic(lrs.key, ''),
      basic(lrs.key, lrs.secret.slice(0, -1)),
      basic('no-such-client-key-1', lrs.secret),
      basic(lrs.key, other.secret),
      basic(`${lrs.key}x`, lrs.secret),
      `Basic ${Buffer.from(`${lrs.key}${lrs.secret}`).toString('base64')}`, // no colon
      'Basic !!!not-base64!!!',
      `Bearer ${lrs.secret}`,
      basic(lrs.key.toUpperCase() === lrs.key ? lrs.key.toLowerCase() : lrs.key.toUpperCase(), lrs.secret),
    ];
    for (const q of requests()) {
      for (const auth of bad) {
        const r = await send(lrs, q, { auth });
        if (q.method === 'HEAD') assert.equal(r.status, 401, `${label(q)} with ${auth}: ${r.status}`);
        else assertXapiError(r, 401, { code: 'unauthenticated' });
      }
      if (q.sid) assertXapiError(await lrs.get('statements', { statementId: q.sid }), 404);
    }
    assert.deepEqual(await (await lrs.get('activities/state', { activityId: ACT, agent: AGENT })).json, []);
  });

  test('a platform session (the admin\'s cookie) does not authenticate LRS requests', async () => {
    for (const q of requests()) {
      const r = await send(lrs, q, { auth: null, headers: { ...q.headers, Cookie: admin.cookie } });
      assert.equal(r.status, 401, `${label(q)} with only an admin session cookie: ${r.status} ${r.text}`);
    }
  });

  test('without X-Experience-API-Version every resource but about answers 400 (and with an unknown version)', async () => {
    for (const q of requests()) {
      for (const version of [null, '3.0.0', '0.95', 'banana', '']) {
        const r = await send(lrs, q, { version });
        if (q.method === 'HEAD') assert.equal(r.status, 400, `${label(q)} version ${version}: ${r.status}`);
        else assertXapiError(r, 400, { code: 'bad_request' });
        assertVersionHeader(r);
      }
      if (q.sid) assertXapiError(await lrs.get('statements', { statementId: q.sid }), 404);
    }
  });

  test('the answer speaks the version of the request: 1.0.x → 1.0.3, 2.0.x → 2.0.0', async () => {
    for (const [sent, answered] of [['1.0.3', V1], ['1.0.0', V1], ['1.0.1', V1], ['2.0.0', V2], ['2.0', V2]]) {
      const r = await lrs.get('statements', { limit: 1 }, { version: sent });
      assert.equal(r.status, 200, `version ${sent}: ${r.status} ${r.text}`);
      assertVersionHeader(r, answered);
    }
  });

  test('every response carries X-Experience-API-Version: 2xx, 400, 401, 403, 404, 405, 409, 412', async () => {
    const writer = newLrs(srv, { scopes: ['statements/write'] });
    const id = uuid();
    const key = { activityId: ACT, agent: AGENT, stateId: 'hdr' };
    const responses = [
      await lrs.put('statements', { statementId: id }, statement()),
      await lrs.post('statements', undefined, statement()),
      await lrs.get('statements', { statementId: id }),
      await lrs.get('statements', { statementId: uuid() }),
      await lrs.put('statements', { statementId: id }, statement({ actor: mbox('someone-else') })),
      await lrs.get('statements', { limit: 'x' }),
      await lrs.get('statements', undefined, { auth: null }),
      await writer.get('statements'),
      await lrs.request('DELETE', 'statements'),
      await lrs.get('no-such-resource'),
      await lrs.put('activities/state', key, { v: 1 }, { headers: { 'If-Match': '"0000"' } }),
      await lrs.put('activities/state', key, { v: 1 }),
      await lrs.get('activities/state', key),
      await lrs.del('activities/state', key),
    ];
    assert.deepEqual(responses.map((r) => r.status), [204, 200, 200, 404, 409, 400, 401, 403, 405, 404, 412, 204, 200, 204]);
    for (const r of responses) assertVersionHeader(r);
  });
});

describe('revoked clients', () => {
  test('a client revoked with `xapi client revoke` is 401 on every resource', async () => {
    const c = newLrs(srv, { scopes: ['all'] });
    const [id] = await c.store(statement());
    assert.equal((await c.get('statements', { statementId: id })).status, 200);
    revokeLrsClient(srv, c.id);
    for (const q of requests()) {
      const r = await send(c, q);
      assert.equal(r.status, 401, `${label(q)} after revoke: ${r.status} ${r.text}`);
    }
    // The statements it stored stay.
    assert.equal((await lrs.get('statements', { statementId: id })).status, 200);
  });

  test('a client revoked with DELETE /api/lrs/clients/{id} (admin) is 401 at once', async () => {
    const c = newLrs(srv, { scopes: ['statements/write', 'statements/read'] });
    assert.equal((await c.get('statements', { limit: 1 })).status, 200);
    const r = await admin.del(`/api/lrs/clients/${c.id}`);
    assert.equal(r.status, 204, r.text);
    assertXapiError(await c.get('statements', { limit: 1 }), 401);
    assertXapiError(await c.post('statements', undefined, statement()), 401);
    // Other clients are untouched.
    assert.equal((await lrs.get('statements', { limit: 1 })).status, 200);
  });
});

describe('scopes', () => {
  const key = (stateId) => ({ activityId: ACT, agent: AGENT, stateId });

  test('statements/write only: stores statements, but cannot read them (403) nor use documents', async () => {
    const w = newLrs(srv, { scopes: ['statements/write'] });
    const [id] = await w.store(statement());
    const sid = uuid();
    assert.equal((await w.put('statements', { statementId: sid }, statement())).status, 204);
    assertXapiError(await w.get('statements'), 403, { code: 'forbidden' });
    assertXapiError(await w.get('statements', { statementId: id }), 403, { code: 'forbidden' });
    assertXapiError(await w.get('statements', { agent: AGENT }), 403, { code: 'forbidden' });
    assert.equal((await w.head('statements', { statementId: id })).status, 403);
    assertXapiError(await w.put('activities/state', key('w'), { a: 1 }), 403, { code: 'forbidden' });
    assertXapiError(await w.get('activities/state', key('w')), 403, { code: 'forbidden' });
    assertXapiError(await w.put('activities/profile', { activityId: ACT, profileId: 'w' }, { a: 1 }, { headers: { 'If-None-Match': '*' } }), 403);
    assertXapiError(await w.get('agents/profile', { agent: AGENT, profileId: 'w' }), 403);
    // Stored all the same.
    assert.equal((await lrs.get('statements', { statementId: id })).status, 200);
    assert.equal((await lrs.get('statements', { statementId: sid })).status, 200);
  });

  test('state only: the State resource works; statements (read or write) and profiles are 403, nothing stored', async () => {
    const s = newLrs(srv, { scopes: ['state'] });
    assert.equal((await s.put('activities/state', key('s1'), { a: 1 })).status, 204);
    assert.equal((await s.post('activities/state', key('s1'), { b: 2 })).status, 204);
    assert.deepEqual((await s.get('activities/state', key('s1'))).json, { a: 1, b: 2 });
    const id = uuid();
    assertXapiError(await s.post('statements', undefined, statement({ id })), 403, { code: 'forbidden' });
    assertXapiError(await s.put('statements', { statementId: id }, statement()), 403, { code: 'forbidden' });
    assertXapiError(await s.get('statements'), 403, { code: 'forbidden' });
    assertXapiError(await s.put('activities/profile', { activityId: ACT, profileId: 's' }, { a: 1 }, { headers: { 'If-None-Match': '*' } }), 403);
    assertXapiError(await s.get('agents/profile', { agent: AGENT, profileId: 's' }), 403);
    assertXapiError(await lrs.get('statements', { statementId: id }), 404);
    assert.equal((await s.del('activities/state', key('s1'))).status, 204);
  });

  test('profile only: the profile resources work; state and statements are 403', async () => {
    const p = newLrs(srv, { scopes: ['profile'] });
    const ap = { activityId: ACT, profileId: 'p-only' };
    assert.equal((await p.put('activities/profile', ap, { a: 1 }, { headers: { 'If-None-Match': '*' } })).status, 204);
    assert.deepEqual((await p.get('activities/profile', ap)).json, { a: 1 });
    assert.equal((await p.put('agents/profile', { agent: AGENT, profileId: 'p-only' }, { a: 1 }, { headers: { 'If-None-Match': '*' } })).status, 204);
    assertXapiError(await p.get('activities/state', key('p')), 403);
    assertXapiError(await p.post('statements', undefined, statement()), 403);
    assertXapiError(await p.get('statements'), 403);
  });

  test('statements/read and all/read read everything but write nothing', async () => {
    const [id] = await lrs.store(statement());
    assert.equal((await lrs.put('activities/state', key('ro'), { ro: true })).status, 204);
    for (const scope of ['statements/read', 'all/read']) {
      const r = newLrs(srv, { scopes: [scope] });
      assert.equal((await r.get('statements', { statementId: id })).status, 200, scope);
      assert.ok(idsOf(await r.query({ limit: 0 })).includes(id), `${scope} sees every statement`);
      assertXapiError(await r.post('statements', undefined, statement()), 403, { code: 'forbidden' });
      assertXapiError(await r.put('statements', { statementId: uuid() }, statement()), 403, { code: 'forbidden' });
      assertXapiError(await r.put('activities/state', key('ro'), { hacked: true }), 403);
      assertXapiError(await r.del('activities/state', key('ro')), 403);
    }
    const all = newLrs(srv, { scopes: ['all/read'] });
    assert.deepEqual((await all.get('activities/state', key('ro'))).json, { ro: true }, 'all/read reads documents');
    assert.deepEqual((await lrs.get('activities/state', key('ro'))).json, { ro: true }, 'unchanged');
  });

  test('statements/read/mine: only the statements this client stored', async () => {
    const mine = newLrs(srv, { scopes: ['statements/read/mine', 'statements/write'] });
    const other = newLrs(srv, { scopes: ['statements/write'] });
    const actor = mbox('mine-scope');
    const own = await mine.store([statement({ actor }), statement({ actor })]);
    const theirs = await other.store([statement({ actor }), statement({ actor })]);
    const theirsByAll = await lrs.store(statement({ actor }));
    for (const id of own) assert.equal((await mine.get('statements', { statementId: id })).status, 200);
    const seen = idsOf(await mine.query({ agent: actor }));
    assert.deepEqual(seen.sort(), [...own].sort(), `GET statements?agent= as a read/mine client lists ${seen.length} statements`
      + ` (its own: ${own.length}; others': ${theirs.length + theirsByAll.length})`);
    const unfiltered = idsOf(await mine.query({ limit: 0 }));
    for (const id of [...theirs, ...theirsByAll]) {
      assert.ok(!unfiltered.includes(id), `GET statements as a read/mine client shows another client's statement ${id}`);
      const r = await mine.get('statements', { statementId: id });
      assert.ok([403, 404].includes(r.status), `GET statements?statementId=<another client's> as a read/mine client: ${r.status}`);
    }
  });
});

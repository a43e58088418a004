// The document resources of the LRS (xAPI 2.0 / 1.0.3, docs/lrs.md): State, Activity Profile
// and Agent Profile — PUT, GET, POST (merge), DELETE, the ids list with since, ETags (the
// quoted SHA-1 of the bytes) and conditional requests, registrations, deleting all states;
// and the Activities and Agents resources.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import {
  newLrs, statement, mbox, account, activity, uuid, sha1, sleep, sorted, assertXapiError, V1,
} from './lib/xapi.mjs';

let srv;
let lrs; // scope all, xAPI 2.0
let lrs1; // the same client speaking 1.0.3

const ACT = 'http://example.org/activities/documents';
const AGENT = mbox('doc.learner');
const NEW = { 'If-None-Match': '*' };

/* The three document resources, each with the parameters that name one document. */
const KINDS = [
  { name: 'State', path: 'activities/state', key: (id, set = {}) => ({ activityId: ACT, agent: AGENT, ...set, stateId: id }), list: (set = {}) => ({ activityId: ACT, agent: AGENT, ...set }) },
  { name: 'Activity Profile', path: 'activities/profile', key: (id, set = {}) => ({ activityId: ACT, ...set, profileId: id }), list: (set = {}) => ({ activityId: ACT, ...set }) },
  { name: 'Agent Profile', path: 'agents/profile', key: (id, set = {}) => ({ agent: AGENT, ...set, profileId: id }), list: (set = {}) => ({ agent: AGENT, ...set }) },
];

const JSON_CT = { 'Content-Type': 'application/json' };
const quoted = (body) => `"${sha1(body)}"`;

before(async () => {
  srv = await startServer();
  assert.equal(srv.addInstitution('Documents College', '文档学院', 'CN'), 1);
  lrs = newLrs(srv, { scopes: ['all'], name: 'documents suite' });
  lrs1 = lrs.withVersion(V1);
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

for (const K of KINDS) {
  describe(`${K.name} resource`, () => {
    /* GET one document; returns the response (status checked by the caller). */
    const get = (id, set) => lrs.get(K.path, K.key(id, set));
    /* Creates a document (If-None-Match: *), asserting 204. */
    async function create(id, body, headers = JSON_CT, set) {
      const r = await lrs.put(K.path, K.key(id, set), body, { headers: { ...headers, ...NEW } });
      assert.equal(r.status, 204, `create ${K.path} ${id}: ${r.status} ${r.text}`);
      return r;
    }
    async function assertDoc(id, body, contentType = /^application\/json/, set) {
      const r = await get(id, set);
      assert.equal(r.status, 200, `GET ${K.path} ${id}: ${r.status} ${r.text}`);
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
      assert.ok(r.body.equals(bytes), `${id}: body ${JSON.stringify(r.text.slice(0, 200))} ≠ ${JSON.stringify(bytes.toString().slice(0, 200))}`);
      assert.match(r.headers.get('content-type') ?? '', contentType);
      assert.equal(r.headers.get('etag'), quoted(bytes), `${id}: ETag is the quoted SHA-1 hex of the body`);
      return r;
    }

    test('PUT then GET: the same bytes and content type, ETag = quoted SHA-1 of the body, Last-Modified', async () => {
      const body = '{"bookmark":"page-7","answers":{"q1":"b"},"note":"换药"}';
      const before = Date.now();
      await create('put-get', body);
      const r = await assertDoc('put-get', body);
      assert.match(r.headers.get('etag'), /^"[0-9a-f]{40}"$/);
      const lm = Date.parse(r.headers.get('last-modified'));
      assert.ok(Math.abs(lm - before) < 60000, `Last-Modified ${r.headers.get('last-modified')}`);
    });

    test('binary documents of any content type come back byte for byte', async () => {
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), randomBytes(2000)]);
      await create('binary', png, { 'Content-Type': 'image/png' });
      await assertDoc('binary', png, /^image\/png/);
      await create('plain', 'just text, not JSON', { 'Content-Type': 'text/plain; charset=utf-8' });
      await assertDoc('plain', 'just text, not JSON', /^text\/plain/);
      await create('empty', '', { 'Content-Type': 'text/plain' });
      await assertDoc('empty', '', /^text\/plain/);
    });

    test('GET of a missing document is 404', async () => {
      assertXapiError(await get('never-stored'), 404);
    });

    test('If-Match with the current ETag replaces; a wrong ETag is 412 and changes nothing', async () => {
      await create('if-match', '{"v":1}');
      const etag = (await get('if-match')).headers.get('etag');
      assertXapiError(await lrs.put(K.path, K.key('if-match'), '{"v":2}', { headers: { ...JSON_CT, 'If-Match': `"${sha1('other')}"` } }), 412);
      assertXapiError(await lrs.put(K.path, K.key('if-match'), '{"v":2}', { headers: { ...JSON_CT, 'If-Match': '"not-an-etag"' } }), 412);
      await assertDoc('if-match', '{"v":1}');
      const r = await lrs.put(K.path, K.key('if-match'), '{"v":2}', { headers: { ...JSON_CT, 'If-Match': etag } });
      assert.equal(r.status, 204, r.text);
      await assertDoc('if-match', '{"v":2}');
      // The old ETag no longer matches.
      assertXapiError(await lrs.put(K.path, K.key('if-match'), '{"v":3}', { headers: { ...JSON_CT, 'If-Match': etag } }), 412);
      await assertDoc('if-match', '{"v":2}');
    });

    test('If-None-Match: * over an existing document is 412; If-Match on a missing one is 412 and creates nothing', async () => {
      await create('inm', '{"first":true}');
      assertXapiError(await lrs.put(K.path, K.key('inm'), '{"second":true}', { headers: { ...JSON_CT, ...NEW } }), 412);
      const etag = (await get('inm')).headers.get('etag');
      assertXapiError(await lrs.put(K.path, K.key('inm'), '{"second":true}', { headers: { ...JSON_CT, 'If-None-Match': etag } }), 412);
      await assertDoc('inm', '{"first":true}');
      assertXapiError(await lrs.put(K.path, K.key('missing-if-match'), '{"x":1}', { headers: { ...JSON_CT, 'If-Match': `"${sha1('{"x":1}')}"` } }), 412);
      assertXapiError(await get('missing-if-match'), 404);
    });

    test('POST with If-Match honours it too: 412 on a wrong ETag, merged with the right one', async () => {
      await create('post-if', '{"a":1}');
      assertXapiError(await lrs.post(K.path, K.key('post-if'), '{"b":2}', { headers: { ...JSON_CT, 'If-Match': `"${sha1('x')}"` } }), 412);
      await assertDoc('post-if', '{"a":1}');
      const etag = (await get('post-if')).headers.get('etag');
      assert.equal((await lrs.post(K.path, K.key('post-if'), '{"b":2}', { headers: { ...JSON_CT, 'If-Match': etag } })).status, 204);
      assert.deepEqual((await get('post-if')).json, { a: 1, b: 2 });
    });

    test('POST merges JSON objects (top-level properties replaced or added); ETag follows the new bytes', async () => {
      await create('merge', '{"a":1,"b":{"x":1,"y":2},"c":[1,2]}');
      const r = await lrs.post(K.path, K.key('merge'), { b: { z: 3 }, d: 'new', c: null });
      assert.equal(r.status, 204, r.text);
      const g = await get('merge');
      assert.equal(g.status, 200);
      assert.deepEqual(g.json, { a: 1, b: { z: 3 }, c: null, d: 'new' });
      assert.match(g.headers.get('content-type'), /^application\/json/);
      assert.equal(g.headers.get('etag'), quoted(g.body));
    });

    test('POST to a missing document creates it', async () => {
      assert.equal((await lrs.post(K.path, K.key('post-new'), { created: true })).status, 204);
      assert.deepEqual((await get('post-new')).json, { created: true });
    });

    test('merging anything but two JSON objects is 400 and changes nothing', async () => {
      await create('merge-json', '{"keep":true}');
      for (const [body, ct] of [['not json', 'text/plain'], ['{"x":1}', 'text/plain'], ['{broken', 'application/json'], ['[1,2]', 'application/json'], ['"s"', 'application/json']]) {
        const r = await lrs.post(K.path, K.key('merge-json'), body, { headers: { 'Content-Type': ct } });
        assertXapiError(r, 400);
      }
      await assertDoc('merge-json', '{"keep":true}');
      await create('merge-text', 'plain text', { 'Content-Type': 'text/plain' });
      assertXapiError(await lrs.post(K.path, K.key('merge-text'), { x: 1 }), 400);
      await assertDoc('merge-text', 'plain text', /^text\/plain/);
    });

    test('DELETE removes one document (204); If-Match with a wrong ETag is 412 and keeps it', async () => {
      await create('delete-me', '{"d":1}');
      assertXapiError(await lrs.del(K.path, K.key('delete-me'), { headers: { 'If-Match': `"${sha1('nope')}"` } }), 412);
      await assertDoc('delete-me', '{"d":1}');
      const etag = (await get('delete-me')).headers.get('etag');
      const r = await lrs.del(K.path, K.key('delete-me'), { headers: { 'If-Match': etag } });
      assert.equal(r.status, 204, r.text);
      assertXapiError(await get('delete-me'), 404);
      await create('delete-plain', '{"d":2}');
      assert.equal((await lrs.del(K.path, K.key('delete-plain'))).status, 204);
      assertXapiError(await get('delete-plain'), 404);
    });

    test('GET without an id lists the ids; since lists those updated after it', async () => {
      const set = K.name === 'State' ? { registration: uuid() } : K.name === 'Agent Profile' ? { agent: mbox(`list-${uuid()}`) } : { activityId: `http://example.org/activities/list-${uuid()}` };
      const listQuery = K.list(set);
      const put = (id, body) => lrs.put(K.path, K.key(id, set), body, { headers: { ...JSON_CT, ...NEW } });
      assert.deepEqual((await lrs.get(K.path, listQuery)).json, []);
      assert.equal((await put('old-1', '{}')).status, 204);
      assert.equal((await put('old-2', '{}')).status, 204);
      await sleep(30);
      const since = new Date().toISOString();
      await sleep(30);
      assert.equal((await put('new-1', '{}')).status, 204);
      assert.equal((await lrs.post(K.path, K.key('old-1', set), { touched: true })).status, 204);
      const all = await lrs.get(K.path, listQuery);
      assert.equal(all.status, 200, all.text);
      assert.match(all.headers.get('content-type'), /^application\/json/);
      assert.deepEqual(sorted(all.json), ['new-1', 'old-1', 'old-2']);
      const recent = await lrs.get(K.path, { ...listQuery, since });
      assert.equal(recent.status, 200, recent.text);
      assert.deepEqual(sorted(recent.json), ['new-1', 'old-1']);
      // The same instant in another time zone.
      const plus8 = new Date(Date.parse(since) + 8 * 3600e3).toISOString().replace('Z', '+08:00');
      assert.deepEqual(sorted((await lrs.get(K.path, { ...listQuery, since: plus8 })).json), ['new-1', 'old-1']);
      assert.deepEqual((await lrs.get(K.path, { ...listQuery, since: new Date(Date.now() + 60000).toISOString() })).json, []);
      assertXapiError(await lrs.get(K.path, { ...listQuery, since: 'last week' }), 400);
    });

    test('concurrent writes with the same If-Match: exactly one wins, the others are 412', async () => {
      await create('race', '{"v":"start"}');
      const etag = (await get('race')).headers.get('etag');
      const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => lrs.put(K.path, K.key('race'), `{"v":"writer ${i}"}`, { headers: { ...JSON_CT, 'If-Match': etag } })));
      const statuses = rs.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 204).length, 1, `statuses ${statuses}`);
      assert.equal(statuses.filter((s) => s === 412).length, 9, `statuses ${statuses}`);
      const winner = rs.findIndex((r) => r.status === 204);
      await assertDoc('race', `{"v":"writer ${winner}"}`);
      const created = await Promise.all(Array.from({ length: 10 }, (_, i) => lrs.put(K.path, K.key('race-new'), `{"v":${i}}`, { headers: { ...JSON_CT, ...NEW } })));
      assert.equal(created.filter((r) => r.status === 204).length, 1, `If-None-Match: * statuses ${created.map((r) => r.status)}`);
    });

    test('a PUT without If-Match or If-None-Match over an existing document is 409 (2.0 and 1.0.3 profiles, 2.0 state)', async () => {
      await create('no-headers', '{"v":1}');
      const versions = K.name === 'State' ? [lrs] : [lrs, lrs1];
      for (const c of versions) {
        const r = await c.put(K.path, K.key('no-headers'), '{"v":2}', { headers: JSON_CT });
        assertXapiError(r, 409);
      }
      await assertDoc('no-headers', '{"v":1}');
    });

    test('the document is named by its own parameters: another id, agent or activity is another document', async () => {
      await create('named', '{"who":"first"}');
      assertXapiError(await get('Named'), 404, {});
      if (K.name !== 'Activity Profile') assertXapiError(await lrs.get(K.path, K.key('named', { agent: mbox('someone.else') })), 404);
      if (K.name !== 'Agent Profile') assertXapiError(await lrs.get(K.path, K.key('named', { activityId: `${ACT}/other` })), 404);
      // The same agent written differently (name added, objectType) is the same agent.
      if (K.name !== 'Activity Profile') {
        const r = await lrs.get(K.path, K.key('named', { agent: { objectType: 'Agent', name: 'Doc Learner', mbox: AGENT.mbox } }));
        assert.equal(r.status, 200, r.text);
      }
    });

    test('missing or malformed parameters are 400', async () => {
      const key = K.key('params');
      const drop = (k) => { const q = { ...key }; delete q[k]; return q; };
      const bad = [];
      if ('activityId' in key) bad.push(drop('activityId'), { ...key, activityId: 'not an iri' });
      if ('agent' in key) bad.push(drop('agent'), { ...key, agent: '{broken' }, { ...key, agent: { name: 'no identifier' } });
      bad.push({ ...key, unknownParameter: 'x' });
      if (K.name === 'State') bad.push({ ...key, registration: 'not-a-uuid' });
      for (const q of bad) {
        assertXapiError(await lrs.get(K.path, q), 400);
        assertXapiError(await lrs.put(K.path, q, '{}', { headers: { ...JSON_CT, ...NEW } }), 400);
      }
      // A write needs the document id.
      const noId = K.list();
      assertXapiError(await lrs.put(K.path, noId, '{}', { headers: { ...JSON_CT, ...NEW } }), 400);
      assertXapiError(await lrs.post(K.path, noId, '{}', { headers: JSON_CT }), 400);
      if (K.name !== 'State') assertXapiError(await lrs.del(K.path, noId), 400);
    });
  });
}

describe('Last-Modified of an ids list', () => {
  test('GET of the ids carries Last-Modified: when the most recently modified document was (xAPI 2.2.s6.b2, SHOULD*)', async () => {
    const missing = [];
    const sets = KINDS.map((K) => (K.name === 'Activity Profile' ? { activityId: `${ACT}/lm-${uuid()}` } : { agent: mbox(`lm-${uuid()}`) }));
    for (const [i, K] of KINDS.entries()) {
      assert.equal((await lrs.put(K.path, K.key('one', sets[i]), '{}', { headers: { ...JSON_CT, ...NEW } })).status, 204);
    }
    await sleep(1100); // Last-Modified has whole seconds
    for (const [i, K] of KINDS.entries()) {
      const set = sets[i];
      assert.equal((await lrs.put(K.path, K.key('two', set), '{}', { headers: { ...JSON_CT, ...NEW } })).status, 204);
      const newest = (await lrs.get(K.path, K.key('two', set))).headers.get('last-modified');
      const r = await lrs.get(K.path, K.list(set));
      assert.equal(r.status, 200);
      const lm = r.headers.get('last-modified');
      if (lm !== newest) missing.push(`GET /xapi/${K.path}${JSON.stringify(K.list(set))}: Last-Modified ${lm} (newest document: ${newest})`);
    }
    assert.deepEqual(missing, []);
  });
});

describe('State specifics', () => {
  const P = 'activities/state';
  const key = (stateId, set = {}) => ({ activityId: ACT, agent: mbox('state.learner'), stateId, ...set });

  test('in 1.0.3 a state PUT without conditions replaces the document', async () => {
    assert.equal((await lrs1.put(P, key('v103'), '{"v":1}', { headers: JSON_CT })).status, 204);
    assert.equal((await lrs1.put(P, key('v103'), '{"v":2}', { headers: JSON_CT })).status, 204);
    assert.deepEqual((await lrs1.get(P, key('v103'))).json, { v: 2 });
  });

  test('the registration separates state documents of the same activity, agent and stateId', async () => {
    const r1 = uuid();
    const r2 = uuid();
    assert.equal((await lrs.put(P, key('bookmark'), { where: 'none' })).status, 204);
    assert.equal((await lrs.put(P, key('bookmark', { registration: r1 }), { where: 'r1' })).status, 204);
    assert.equal((await lrs.put(P, key('bookmark', { registration: r2 }), { where: 'r2' })).status, 204);
    assert.deepEqual((await lrs.get(P, key('bookmark'))).json, { where: 'none' });
    assert.deepEqual((await lrs.get(P, key('bookmark', { registration: r1 }))).json, { where: 'r1' });
    assert.deepEqual((await lrs.get(P, key('bookmark', { registration: r2 }))).json, { where: 'r2' });
    assertXapiError(await lrs.get(P, key('bookmark', { registration: uuid() })), 404);
    // The case of a registration's hex digits does not matter.
    assert.deepEqual((await lrs.get(P, key('bookmark', { registration: r1.toUpperCase() }))).json, { where: 'r1' });
    // A merge into one registration leaves the others.
    assert.equal((await lrs.post(P, key('bookmark', { registration: r1 }), { more: 1 })).status, 204);
    assert.deepEqual((await lrs.get(P, key('bookmark', { registration: r2 }))).json, { where: 'r2' });
    const ids = await lrs.get(P, { activityId: ACT, agent: mbox('state.learner'), registration: r2 });
    assert.deepEqual(ids.json, ['bookmark']);
    // Deleting one registration's document leaves the others.
    assert.equal((await lrs.del(P, key('bookmark', { registration: r1 }))).status, 204);
    assertXapiError(await lrs.get(P, key('bookmark', { registration: r1 })), 404);
    assert.deepEqual((await lrs.get(P, key('bookmark'))).json, { where: 'none' });
    assert.deepEqual((await lrs.get(P, key('bookmark', { registration: r2 }))).json, { where: 'r2' });
  });

  test('DELETE without stateId deletes every state of that activity, agent and registration, and no other', async () => {
    const learner = mbox('delete.all');
    const other = mbox('delete.other');
    const reg = uuid();
    const k = (stateId, set = {}) => ({ activityId: ACT, agent: learner, stateId, ...set });
    for (const s of ['a', 'b', 'c']) assert.equal((await lrs.put(P, k(s), { s })).status, 204);
    for (const s of ['a', 'r']) assert.equal((await lrs.put(P, k(s, { registration: reg }), { s })).status, 204);
    assert.equal((await lrs.put(P, { ...k('a'), agent: other }, { keep: 1 })).status, 204);
    assert.equal((await lrs.put(P, { ...k('a'), activityId: `${ACT}/other` }, { keep: 2 })).status, 204);

    // One registration's states.
    assert.equal((await lrs.del(P, { activityId: ACT, agent: learner, registration: reg })).status, 204);
    assert.deepEqual((await lrs.get(P, { activityId: ACT, agent: learner, registration: reg })).json, []);
    assert.deepEqual(sorted((await lrs.get(P, { activityId: ACT, agent: learner })).json), ['a', 'b', 'c']);

    // Then the rest.
    for (const s of ['a', 'r']) assert.equal((await lrs.put(P, k(s, { registration: reg }), { s })).status, 204);
    const r = await lrs.del(P, { activityId: ACT, agent: learner });
    assert.equal(r.status, 204, r.text);
    for (const s of ['a', 'b', 'c']) assertXapiError(await lrs.get(P, k(s)), 404);
    assert.deepEqual((await lrs.get(P, { activityId: ACT, agent: learner })).json, []);
    assert.deepEqual((await lrs.get(P, { ...k('a'), agent: other })).json, { keep: 1 }, 'another agent\'s state stays');
    assert.deepEqual((await lrs.get(P, { ...k('a'), activityId: `${ACT}/other` })).json, { keep: 2 }, 'another activity\'s state stays');
  });
});

describe('profile specifics', () => {
  test('in 1.0.3 a profile PUT without conditions for a new document never claims a document is stored', async () => {
    const q = { activityId: ACT, profileId: `new-${uuid()}` };
    const r = await lrs1.put('activities/profile', q, '{"v":1}', { headers: JSON_CT });
    if (r.status === 204) return;
    assertXapiError(r, 400);
    assert.doesNotMatch(r.json.error.message, /already stored/i, `PUT of a NEW profile without If-Match/If-None-Match (1.0.3): ${r.text}`);
    assertXapiError(await lrs1.get('activities/profile', q), 404);
  });

  test('agent profiles are per agent; account agents work too', async () => {
    const a = account('li.na', 'http://lms.example.org');
    const b = account('li.na', 'http://other.example.org');
    const q = (agent) => ({ agent, profileId: 'prefs' });
    assert.equal((await lrs.put('agents/profile', q(a), { lang: 'zh-CN' }, { headers: NEW })).status, 204);
    assert.equal((await lrs.put('agents/profile', q(b), { lang: 'en' }, { headers: NEW })).status, 204);
    assert.deepEqual((await lrs.get('agents/profile', q(a))).json, { lang: 'zh-CN' });
    assert.deepEqual((await lrs.get('agents/profile', q(b))).json, { lang: 'en' });
  });
});

describe('Activities and Agents resources', () => {
  test('GET /xapi/activities returns the activity with the definition statements gave it, language maps merged', async () => {
    const id = `http://example.org/activities/defined-${uuid()}`;
    await lrs.store(statement({ object: { objectType: 'Activity', id, definition: { name: { en: 'Wound care' }, type: 'http://adlnet.gov/expapi/activities/simulation' } } }));
    await lrs.store(statement({ object: { objectType: 'Activity', id, definition: { name: { 'zh-CN': '伤口护理' }, description: { en: 'Dressing a wound' } } } }));
    const r = await lrs.get('activities', { activityId: id });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, id);
    assert.ok([undefined, 'Activity'].includes(r.json.objectType));
    assert.deepEqual(r.json.definition.name, { en: 'Wound care', 'zh-CN': '伤口护理' });
    assert.deepEqual(r.json.definition.description, { en: 'Dressing a wound' });
    assert.equal(r.json.definition.type, 'http://adlnet.gov/expapi/activities/simulation');
    assertXapiError(await lrs.get('activities', {}), 400);
    assertXapiError(await lrs.get('activities', { activityId: 'not an iri' }), 400);
  });

  test('GET /xapi/agents returns a Person with the agent\'s identifiers as arrays', async () => {
    const r = await lrs.get('agents', { agent: { objectType: 'Agent', name: 'Wang Fang', mbox: 'mailto:wang.fang@example.org' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.objectType, 'Person');
    assert.deepEqual(r.json.mbox, ['mailto:wang.fang@example.org']);
    assert.deepEqual(r.json.name, ['Wang Fang']);
    assertXapiError(await lrs.get('agents', {}), 400);
    assertXapiError(await lrs.get('agents', { agent: { name: 'no identifier' } }), 400);
  });
});

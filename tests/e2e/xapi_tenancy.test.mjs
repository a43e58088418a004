// LRS tenancy (docs/lrs.md: "Statements are tenant-scoped: a client of one college never sees
// another's statements or documents"): two colleges on one server, an LRS client in each. A
// client of college A never reads, finds, changes or voids college B's statements, documents,
// activity definitions or attachments — and the same statement id may exist in both.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { loginAs } from './lib/util.mjs';
import {
  newLrs, basic, statement, mbox, verb, activity, uuid, idsOf, sha1, sha256, multipart, parseMultipart,
  assertXapiError, VOIDED, V2,
} from './lib/xapi.mjs';

let srv;
const A = {};
const B = {};
const NEW = { 'If-None-Match': '*' };

before(async () => {
  srv = await startServer();
  for (const [c, en, zh, k] of [[A, 'Alpha LRS College', '阿尔法学院', 'a'], [B, 'Beta LRS College', '贝塔学院', 'b']]) {
    c.inst = srv.addInstitution(en, zh, 'US');
    c.lrs = newLrs(srv, { scopes: ['all'], institution: c.inst, name: `college ${k}` });
    srv.addUser({ institution: c.inst, role: 'admin', login: `lrs.${k}.admin`, name: `Admin ${k}` });
    c.admin = await loginAs(srv, `lrs.${k}.admin`);
    c.actor = mbox(`tenant.${k}`);
    c.verb = verb(`tenant-${k}`);
    c.activity = activity(`tenant-${k}`, { name: { en: `Activity of ${k}` } });
    c.registration = uuid();
  }
  assert.notEqual(A.inst, B.inst);
  // College B's records.
  B.ids = await B.lrs.store([
    statement({ actor: B.actor, verb: B.verb, object: B.activity, context: { registration: B.registration } }),
    statement({ actor: B.actor, verb: B.verb, object: B.activity }),
    statement({ actor: mbox('shared.learner'), verb: verb('shared'), object: activity('shared') }),
  ]);
  A.ids = await A.lrs.store([statement({ actor: A.actor, verb: A.verb, object: A.activity })]);
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

describe('statements', () => {
  test('B\'s statement by statementId is 404 for A, the same answer as a missing id (GET and HEAD)', async () => {
    const missing = await A.lrs.get('statements', { statementId: uuid() });
    assertXapiError(missing, 404);
    for (const id of B.ids) {
      const r = await A.lrs.get('statements', { statementId: id });
      assert.equal(r.status, 404, `A reads B's statement ${id}: ${r.status} ${r.text.slice(0, 200)}`);
      assert.deepEqual(r.json, missing.json);
      assert.equal((await A.lrs.head('statements', { statementId: id })).status, 404);
      assert.equal((await B.lrs.get('statements', { statementId: id })).status, 200, 'B reads its own');
    }
  });

  test('A\'s queries never include B\'s statements, whatever the filter', async () => {
    const bSet = new Set(B.ids);
    const queries = [
      {}, { limit: 0 }, { ascending: true }, { agent: B.actor }, { agent: B.actor, related_agents: true },
      { agent: B.lrs.authority, related_agents: true }, { verb: B.verb.id }, { activity: B.activity.id },
      { activity: B.activity.id, related_activities: true }, { registration: B.registration },
      { agent: mbox('shared.learner') }, { verb: verb('shared').id }, { since: '2000-01-01T00:00:00Z' },
      { format: 'ids' }, { attachments: true },
    ];
    for (const q of queries) {
      const r = await A.lrs.get('statements', q);
      assert.equal(r.status, 200, r.text);
      const text = r.text;
      for (const id of bSet) assert.ok(!text.includes(id), `A's GET statements ${JSON.stringify(q)} shows B's statement ${id}`);
    }
    assert.deepEqual(idsOf(await A.lrs.query({})), A.ids, 'A sees exactly its own');
    assert.deepEqual(idsOf(await A.lrs.query({ agent: B.actor })), []);
  });

  test('following B\'s more link with A\'s credentials shows none of B\'s statements', async () => {
    const page = await B.lrs.query({ limit: 1 });
    assert.notEqual(page.more, '');
    const res = await fetch(`${srv.url}${page.more}`, { headers: { Authorization: basic(A.lrs.key, A.lrs.secret), 'X-Experience-API-Version': V2 } });
    const text = await res.text();
    assert.ok([200, 400].includes(res.status), `${res.status} ${text}`);
    for (const id of B.ids) assert.ok(!text.includes(id), `A following B's more link sees ${id}`);
  });

  test('the same statement id can exist in both colleges, each with its own content', async () => {
    const [bid] = B.ids;
    const r = await A.lrs.put('statements', { statementId: bid }, statement({ actor: A.actor, verb: verb('same-id-in-a') }));
    assert.equal(r.status, 204, `A stores a statement with an id B uses: ${r.status} ${r.text}`);
    assert.deepEqual((await A.lrs.statement(bid)).verb, verb('same-id-in-a'));
    assert.deepEqual((await B.lrs.statement(bid)).verb, B.verb, 'B\'s statement unchanged');
    // And the other way round, with content identical to the other college's.
    const aid = uuid();
    const same = statement({ id: aid, verb: verb('identical') });
    await A.lrs.store(same);
    await B.lrs.store(same);
    assert.equal((await A.lrs.statement(aid)).authority.account.name, A.lrs.key);
    assert.equal((await B.lrs.statement(aid)).authority.account.name, B.lrs.key);
  });

  test('A voiding B\'s statement id voids nothing in B', async () => {
    const [target] = await B.lrs.store(statement({ actor: B.actor, verb: verb('not-voidable-by-a') }));
    const r = await A.lrs.post('statements', undefined, { actor: A.actor, verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: target } });
    assert.ok([200, 400, 403, 404].includes(r.status), `${r.status} ${r.text}`);
    assert.equal((await B.lrs.get('statements', { statementId: target })).status, 200, 'B\'s statement is not voided');
    assertXapiError(await B.lrs.get('statements', { voidedStatementId: target }), 404);
    assert.ok(idsOf(await B.lrs.query({ verb: verb('not-voidable-by-a').id })).includes(target));
    assertXapiError(await A.lrs.get('statements', { voidedStatementId: target }), 404);
  });

  test('A\'s StatementRef to B\'s statement does not make it match B\'s filters', async () => {
    const [ref] = await A.lrs.store({ actor: A.actor, verb: verb('refers'), object: { objectType: 'StatementRef', id: B.ids[0] } });
    assert.deepEqual(idsOf(await A.lrs.query({ agent: B.actor })), [], 'A\'s ref statement does not match on B\'s actor');
    assert.ok(!idsOf(await B.lrs.query({ agent: B.actor })).includes(ref), 'and B never sees A\'s statement');
  });
});

describe('documents', () => {
  const docs = [
    ['activities/state', { activityId: 'http://example.org/activities/tenant-doc', agent: mbox('doc.tenant'), stateId: 'progress' }],
    ['activities/profile', { activityId: 'http://example.org/activities/tenant-doc', profileId: 'settings' }],
    ['agents/profile', { agent: mbox('doc.tenant'), profileId: 'prefs' }],
  ];
  const listOf = (q) => { const l = { ...q }; delete l.stateId; delete l.profileId; return l; };

  before(async () => {
    for (const [path, q] of docs) {
      const r = await B.lrs.put(path, q, { owner: 'B', secret: 42 }, { headers: NEW });
      assert.equal(r.status, 204, r.text);
    }
  });

  test('A cannot read B\'s documents: 404, and A\'s id lists are empty', async () => {
    for (const [path, q] of docs) {
      assertXapiError(await A.lrs.get(path, q), 404);
      const list = await A.lrs.get(path, listOf(q));
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.json, [], `A lists ${path} ids of B`);
      assert.deepEqual((await A.lrs.get(path, { ...listOf(q), since: '2000-01-01T00:00:00Z' })).json, []);
    }
  });

  test('A cannot change or delete B\'s documents; A\'s writes make A\'s own documents', async () => {
    for (const [path, q] of docs) {
      const bEtag = (await B.lrs.get(path, q)).headers.get('etag');
      assertXapiError(await A.lrs.put(path, q, { owner: 'A' }, { headers: { 'If-Match': bEtag } }), 412);
      assert.equal((await A.lrs.del(path, q, { headers: { 'If-Match': bEtag } })).status === 204, false, `A deletes ${path} with B's ETag`);
      assert.equal((await A.lrs.post(path, q, { mergedByA: true })).status, 204);
      assert.deepEqual((await A.lrs.get(path, q)).json, { mergedByA: true }, 'A\'s merge made A\'s own document');
      assert.equal((await A.lrs.del(path, q)).status, 204);
      assert.equal((await A.lrs.put(path, q, { owner: 'A' }, { headers: NEW })).status, 204, 'If-None-Match: * succeeds for A: no document of A is there');
      assert.deepEqual((await A.lrs.get(path, q)).json, { owner: 'A' });
    }
    // Deleting all of A's states for that activity and agent.
    const [statePath, sq] = docs[0];
    assert.equal((await A.lrs.del(statePath, listOf(sq))).status, 204);
    for (const [path, q] of docs) {
      const r = await B.lrs.get(path, q);
      assert.equal(r.status, 200, `B's ${path} after A's writes: ${r.status}`);
      assert.deepEqual(r.json, { owner: 'B', secret: 42 }, `B's ${path} unchanged`);
      assert.equal(r.headers.get('etag'), `"${sha1(r.body)}"`);
    }
  });
});

describe('activities and attachments', () => {
  test('A does not see B\'s activity definitions, and A\'s definitions do not merge into B\'s', async () => {
    const a = await A.lrs.get('activities', { activityId: B.activity.id });
    assert.equal(a.status, 200, a.text);
    assert.ok(!a.text.includes('Activity of b'), `A reads B's definition: ${a.text}`);
    await A.lrs.store(statement({ actor: A.actor, object: activity('tenant-b', { name: { 'zh-CN': 'A 的名字' }, description: { en: 'by A' } }) }));
    const b = await B.lrs.get('activities', { activityId: B.activity.id });
    assert.deepEqual(b.json.definition, { name: { en: 'Activity of b' } }, 'B\'s definition unchanged');
    const a2 = await A.lrs.get('activities', { activityId: B.activity.id });
    assert.deepEqual(a2.json.definition, { name: { 'zh-CN': 'A 的名字' }, description: { en: 'by A' } });
  });

  test('A cannot reach B\'s attachment content by naming its hash', async () => {
    const content = `B's confidential notes ${uuid()}`;
    const att = { usageType: 'http://example.org/usage/notes', display: { en: 'notes' }, contentType: 'text/plain', length: Buffer.byteLength(content), sha2: sha256(content) };
    const mp = multipart(statement({ actor: B.actor, attachments: [att] }), [{ content }]);
    const stored = await B.lrs.post('statements', undefined, mp.body, { headers: { 'Content-Type': mp.contentType } });
    assert.equal(stored.status, 200, stored.text);

    // Without the part (and without fileUrl) A's statement is refused: B's copy does not count.
    assertXapiError(await A.lrs.post('statements', undefined, statement({ attachments: [att] })), 400);
    // With a fileUrl it is stored, but fetching it with attachments=true never yields B's bytes.
    const [id] = await A.lrs.store(statement({ attachments: [{ ...att, fileUrl: 'https://files.example.org/x.txt' }] }));
    const r = await A.lrs.get('statements', { statementId: id, attachments: true });
    assert.equal(r.status, 200);
    assert.ok(!r.body.includes(content), 'A received B\'s attachment content');
    const parts = parseMultipart(r.body, r.headers.get('content-type'));
    assert.equal(parts.length, 1, 'only the statement');
    const all = await A.lrs.get('statements', { attachments: true, limit: 0 });
    assert.ok(!all.body.includes(content));
  });
});

describe('administration across colleges', () => {
  test('an admin lists only the LRS clients of their own college and cannot revoke another\'s', async () => {
    const list = await A.admin.get('/api/lrs/clients');
    assert.equal(list.status, 200, list.text);
    const keys = list.json.clients.map((c) => c.key);
    assert.ok(keys.includes(A.lrs.key));
    assert.ok(!keys.includes(B.lrs.key), 'A\'s admin sees B\'s client');
    const r = await A.admin.del(`/api/lrs/clients/${B.lrs.id}`);
    assert.equal(r.status, 404, `A's admin revokes B's client: ${r.status} ${r.text}`);
    assert.equal((await B.lrs.get('statements', { limit: 1 })).status, 200, 'B\'s client still works');
  });

  test('an admin\'s statement browser shows only their college\'s statements', async () => {
    for (const q of ['', `?agent=${encodeURIComponent(JSON.stringify(B.actor))}`, `?verb=${encodeURIComponent(B.verb.id)}`]) {
      const r = await A.admin.get(`/api/lrs/statements${q}`);
      assert.equal(r.status, 200, r.text);
      for (const id of B.ids.slice(1)) assert.ok(!r.text.includes(id), `A's admin sees B's statement ${id} (${q})`);
      assert.ok(!r.text.includes(JSON.stringify(B.actor.mbox)), `A's admin sees B's actor (${q})`);
    }
  });
});

// The Statement resource (xAPI 2.0 / 1.0.3, docs/lrs.md): storing (POST, PUT, batches, ids),
// validation with the path of the offending field, conflicts, voiding, queries with exact
// result sets, stable `more` paging, formats, consistency headers, HEAD, attachments
// (multipart/mixed) and the 1.0.3 alternate request syntax.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { hasCJK } from './lib/util.mjs';
import {
  newLrs, basic, qs, statement, mbox, account, verb, activity, uuid, idsOf, sorted, sha256, sleep,
  multipart, parseMultipart, assertXapiError, assertVersionHeader, assertSameStatement, V1, V2, VOIDED,
} from './lib/xapi.mjs';

let srv;
let lrs; // institution 1, scope all, xAPI 2.0
let lrs1; // the same client speaking 1.0.3

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const TS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

before(async () => {
  srv = await startServer();
  assert.equal(srv.addInstitution('Statements College', '语句学院', 'CN'), 1);
  lrs = newLrs(srv, { scopes: ['all'], name: 'statements suite' });
  lrs1 = lrs.withVersion(V1);
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

/* Asserts that none of IDS is stored (neither as a statement nor as a voided one). */
async function assertNotStored(ids, what) {
  for (const id of ids) {
    const r = await lrs.get('statements', { statementId: id });
    assert.equal(r.status, 404, `${what}: statement ${id} was stored (${r.status})`);
  }
}

describe('storing statements', () => {
  test('POST one statement: 200 with its id; GET returns it with stored, timestamp, version and the client as authority', async () => {
    const sent = statement({ actor: { objectType: 'Agent', name: 'Wang Fang', mbox: 'mailto:wang.fang@example.org' } });
    const before = Date.now();
    const r = await lrs.post('statements', undefined, sent);
    assert.equal(r.status, 200, r.text);
    assertVersionHeader(r, V2);
    assert.ok(Array.isArray(r.json) && r.json.length === 1, r.text);
    const [id] = r.json;
    assert.match(id, UUID_RE);
    const got = await lrs.statement(id);
    assertSameStatement(got, sent);
    assert.equal(got.id, id);
    assert.match(got.stored, TS_RE);
    assert.match(got.timestamp, TS_RE);
    assert.ok(Math.abs(Date.parse(got.stored) - before) < 60000, `stored ${got.stored}`);
    assert.match(got.version, /^2\.0\.\d+$/);
    assert.deepEqual(got.authority.account, lrs.authority.account, 'authority: the client\'s account (docs/lrs.md)');
    assert.ok([undefined, 'Agent'].includes(got.authority.objectType));
  });

  test('the LRS sets the authority to the client, whatever the statement says (docs/lrs.md)', async () => {
    const claimed = { objectType: 'Agent', name: 'The Dean', mbox: 'mailto:dean@example.org' };
    const [id] = await lrs.store(statement({ authority: claimed }));
    const got = await lrs.statement(id);
    assert.deepEqual(got.authority.account, lrs.authority.account, `authority ${JSON.stringify(got.authority)}`);
    assert.equal(got.authority.mbox, undefined);
  });

  test('POST a batch: the ids in order, the given id kept, the others generated; each is stored', async () => {
    const given = uuid();
    const batch = [statement({ id: given }), statement({ verb: verb('second') }), statement({ verb: verb('third') })];
    const ids = await lrs.store(batch);
    assert.equal(ids[0], given);
    assert.equal(new Set(ids).size, 3);
    for (const [i, id] of ids.entries()) {
      assert.match(id, UUID_RE);
      assertSameStatement(await lrs.statement(id), batch[i], `statement ${i}`);
    }
  });

  test('PUT ?statementId= stores the statement under that id: 204 with an empty body', async () => {
    const id = uuid();
    const r = await lrs.put('statements', { statementId: id }, statement({ verb: verb('put') }));
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    const got = await lrs.statement(id);
    assert.equal(got.id, id);
    assert.deepEqual(got.verb, verb('put'));
    // The body may carry the same id.
    const id2 = uuid();
    assert.equal((await lrs.put('statements', { statementId: id2 }, statement({ id: id2 }))).status, 204);
    assert.equal((await lrs.statement(id2)).id, id2);
  });

  test('PUT whose body id differs from statementId: 400 (field id), nothing stored under either id', async () => {
    const a = uuid();
    const b = uuid();
    assertXapiError(await lrs.put('statements', { statementId: a }, statement({ id: b })), 400, { field: 'id' });
    await assertNotStored([a, b], 'PUT id mismatch');
  });

  test('PUT without statementId, or with a malformed one: 400', async () => {
    const id = uuid();
    assertXapiError(await lrs.put('statements', {}, statement({ id })), 400);
    assertXapiError(await lrs.put('statements', { statementId: 'not-a-uuid' }, statement()), 400);
    await assertNotStored([id], 'PUT without statementId');
  });

  test('the same id with the same content is accepted again (PUT 204, POST 200) and changes nothing', async () => {
    const id = uuid();
    const sent = statement({ id, result: { success: true, score: { scaled: 0.5 } }, timestamp: '2026-05-04T17:00:00.000Z' });
    assert.equal((await lrs.put('statements', { statementId: id }, sent)).status, 204);
    const first = await lrs.statement(id);
    await sleep(5);
    assert.equal((await lrs.put('statements', { statementId: id }, sent)).status, 204);
    const r = await lrs.post('statements', undefined, sent);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, [id]);
    assert.deepEqual(await lrs.statement(id), first, 'the stored statement is unchanged (stored included)');
    // A batch repeating a stored statement unchanged is accepted too, the new one stored.
    const ids = await lrs.store([sent, statement()]);
    assert.equal(ids[0], id);
    assert.deepEqual(await lrs.statement(id), first);
  });

  test('re-sending the identical request is accepted also when contextActivities held a single Activity', async () => {
    // The LRS stores single contextActivities as arrays (as the spec requires); a client retrying
    // the very same request must not be told the statement conflicts with itself.
    const id = uuid();
    const sent = statement({ id, context: { contextActivities: { parent: activity('course-1'), grouping: [activity('program')] } } });
    assert.equal((await lrs.put('statements', { statementId: id }, sent)).status, 204);
    const got = await lrs.statement(id);
    assert.deepEqual(got.context.contextActivities.parent, [activity('course-1')], 'stored as an array');
    const again = await lrs.put('statements', { statementId: id }, sent);
    assert.equal(again.status, 204, `PUT of the identical statement again: ${again.status} ${again.text}`);
    const post = await lrs.post('statements', undefined, sent);
    assert.equal(post.status, 200, `POST of the identical statement again: ${post.status} ${post.text}`);
  });

  test('differences the spec says comparisons ignore (timestamp serialization, verb display) are not conflicts', async () => {
    // xAPI Data 2.3.1: serialization of timestamps and the Verb's display are exceptions to
    // immutability, and "differences which could have been caused by [them] MUST be ignored".
    const id = uuid();
    const sent = statement({ id, timestamp: '2026-05-04T17:00:00Z' });
    assert.equal((await lrs.put('statements', { statementId: id }, sent)).status, 204);
    const refused = [];
    for (const [what, variant] of [
      ['timestamp 2026-05-04T17:00:00.000Z', { ...sent, timestamp: '2026-05-04T17:00:00.000Z' }],
      ['timestamp 2026-05-04T19:00:00+02:00', { ...sent, timestamp: '2026-05-04T19:00:00+02:00' }],
      ['verb display with zh-CN added', { ...sent, verb: verb('attended', { 'en-US': 'attended', 'zh-CN': '参加了' }) }],
    ]) {
      const r = await lrs.put('statements', { statementId: id }, variant);
      if (r.status !== 204) refused.push(`${what}: ${r.status} ${r.json?.error?.message ?? r.text}`);
    }
    assert.deepEqual(refused, [], `PUT of the statement (timestamp 2026-05-04T17:00:00Z) again with only these differences`);
    assert.equal((await lrs.statement(id)).timestamp, sent.timestamp, 'and the stored statement is unchanged');
  });

  test('the same id with different content: 409, and the stored statement is unchanged', async () => {
    const id = uuid();
    const sent = statement({ id });
    assert.equal((await lrs.put('statements', { statementId: id }, sent)).status, 204);
    const first = await lrs.statement(id);
    for (const changed of [
      { ...sent, actor: mbox('impostor') },
      { ...sent, verb: verb('failed') },
      { ...sent, object: activity('other') },
      { ...sent, result: { success: false } },
    ]) {
      assertXapiError(await lrs.put('statements', { statementId: id }, changed), 409, { code: 'conflict' });
      assertXapiError(await lrs.post('statements', undefined, changed), 409, { code: 'conflict' });
    }
    assert.deepEqual(await lrs.statement(id), first);
  });

  test('statement ids and registrations are UUIDs: the case of their hex digits does not make another one', async () => {
    // RFC 4122 §3: hex digits "are case insensitive on input".
    const id = uuid();
    assert.equal((await lrs.put('statements', { statementId: id.toUpperCase() }, statement({ verb: verb('upper') }))).status, 204);
    const lower = await lrs.get('statements', { statementId: id });
    assert.equal(lower.status, 200, `GET statementId=<lower case> after PUT statementId=<upper case>: ${lower.status}`);
    const dup = await lrs.put('statements', { statementId: id }, statement({ verb: verb('lower-different') }));
    assert.equal(dup.status, 409, `PUT statementId=<lower case> with other content after PUT <upper case>: ${dup.status} (a second statement with the same id)`);
    const reg = uuid();
    const [withReg] = await lrs.store(statement({ context: { registration: reg.toUpperCase() } }));
    assert.deepEqual(idsOf(await lrs.query({ registration: reg })), [withReg], 'GET statements?registration=<lower case> finds the statement stored with it in upper case');
  });

  test('concurrent PUTs of different statements with one id: exactly one is stored, the others 409', async () => {
    const id = uuid();
    const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => lrs.put('statements', { statementId: id }, statement({ verb: verb(`race-${i}`) }))));
    const statuses = rs.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 204).length, 1, `statuses ${statuses}`);
    assert.equal(statuses.filter((s) => s === 409).length, 9, `statuses ${statuses}`);
    assert.deepEqual((await lrs.statement(id)).verb, verb(`race-${statuses.indexOf(204)}`));
  });

  test('a batch with one invalid statement stores nothing: 400 naming [index].path', async () => {
    const ok1 = uuid();
    const ok2 = uuid();
    const r = await lrs.post('statements', undefined, [
      statement({ id: ok1 }), statement({ verb: { id: 'not an iri' } }), statement({ id: ok2 }),
    ]);
    assertXapiError(r, 400, { field: '[1].verb.id' });
    await assertNotStored([ok1, ok2], 'batch with an invalid statement');
  });

  test('a batch that conflicts with a stored statement stores nothing: 409', async () => {
    const stored = uuid();
    await lrs.store(statement({ id: stored }));
    const fresh = uuid();
    assertXapiError(await lrs.post('statements', undefined, [statement({ id: fresh }), statement({ id: stored, verb: verb('changed') })]), 409);
    await assertNotStored([fresh], 'batch with a conflict');
  });

  test('a batch repeating one id twice is refused whole', async () => {
    const id = uuid();
    const other = uuid();
    const r = await lrs.post('statements', undefined, [statement({ id: other }), statement({ id }), statement({ id, verb: verb('x') })]);
    assert.ok([400, 409].includes(r.status), `${r.status} ${r.text}`);
    assertXapiError(r, r.status);
    await assertNotStored([id, other], 'batch with a repeated id');
  });

  test('bodies that are not statements: invalid JSON, a number, a string → 400, nothing stored', async () => {
    for (const body of ['{"actor":', '42', '"x"', 'null', '[1]']) {
      assertXapiError(await lrs.post('statements', undefined, body, { headers: { 'Content-Type': 'application/json' } }), 400);
    }
    const id = uuid();
    assertXapiError(await lrs.post('statements', undefined, `${JSON.stringify(statement({ id }))}x`, { headers: { 'Content-Type': 'application/json' } }), 400);
    await assertNotStored([id], 'trailing garbage');
  });

  test('a statement sent as text/plain is refused and not stored; the error code agrees with the status', async () => {
    const id = uuid();
    const r = await lrs.post('statements', undefined, JSON.stringify(statement({ id })), { headers: { 'Content-Type': 'text/plain' } });
    assert.ok([400, 415].includes(r.status), `text/plain body: ${r.status} ${r.text}`);
    assertXapiError(r, r.status);
    await assertNotStored([id], 'text/plain body');
    // docs/api.md, "Errors": the code unsupported_media_type is the status 415.
    if (r.json.error.code === 'unsupported_media_type') {
      assert.equal(r.status, 415, `POST /xapi/statements (text/plain): code unsupported_media_type with status ${r.status}`);
    }
  });

  test('error messages follow Accept-Language (zh-CN)', async () => {
    const r = await lrs.post('statements', undefined, statement({ actor: { mbox: 'wang@example.org' } }), { headers: { 'Accept-Language': 'zh-CN' } });
    assertXapiError(r, 400, { field: 'actor.mbox' });
    assert.ok(hasCJK(r.json.error.message), `message in Chinese: ${r.json.error.message}`);
    const en = await lrs.post('statements', undefined, statement({ actor: { mbox: 'wang@example.org' } }), { headers: { 'Accept-Language': 'en' } });
    assert.ok(!hasCJK(en.json.error.message), en.json.error.message);
  });
});

/* Invalid statements: [what, statement (or change), field, version]. Each is 400 with that field. */
const INVALID = [
  ['mbox without mailto:', { actor: { mbox: 'learner@example.org' } }, 'actor.mbox'],
  ['mbox_sha1sum not 40 hex digits', { actor: { mbox_sha1sum: 'abc' } }, 'actor.mbox_sha1sum'],
  ['account without homePage', { actor: { account: { name: 'x' } } }, 'actor.account.homePage'],
  ['agent with two identifiers', { actor: { mbox: 'mailto:a@example.org', openid: 'http://openid.example.org/a' } }, 'actor'],
  ['agent without identifier', { actor: { name: 'Nobody' } }, 'actor'],
  ['group member that is a group', { actor: { objectType: 'Group', member: [{ objectType: 'Group', mbox: 'mailto:g@example.org' }] } }, 'actor.member[0].objectType'],
  ['no actor', { actor: undefined }, 'actor'],
  ['no verb', { verb: undefined }, 'verb'],
  ['verb id not an IRI', { verb: { id: 'attended' } }, 'verb.id'],
  ['verb display not a language map', { verb: { id: 'http://example.org/verbs/x', display: 'attended' } }, 'verb.display'],
  ['no object', { object: undefined }, 'object'],
  ['activity id not an IRI', { object: { id: 'ward round' } }, 'object.id'],
  ['unknown interactionType', { object: activity('q', { interactionType: 'essay' }) }, 'object.definition.interactionType'],
  ['choices with true-false', { object: activity('q', { interactionType: 'true-false', choices: [{ id: 'a' }] }) }, 'object.definition.choices'],
  ['agent object without objectType', { object: { mbox: 'mailto:o@example.org' } }, 'object.objectType'],
  ['id not a UUID', { id: '1234' }, 'id'],
  ['timestamp not a timestamp', { timestamp: 'yesterday' }, 'timestamp'],
  ['timestamp with -00:00', { timestamp: '2026-05-04T17:00:00-00:00' }, 'timestamp'],
  ['score.scaled over 1', { result: { score: { scaled: 1.5 } } }, 'result.score.scaled'],
  ['success as a string', { result: { success: 'true' } }, 'result.success'],
  ['duration not ISO 8601', { result: { duration: '90 minutes' } }, 'result.duration'],
  ['registration not a UUID', { context: { registration: 'reg-1' } }, 'context.registration'],
  ['parent activity id not an IRI', { context: { contextActivities: { parent: [{ id: 'course one' }] } } }, 'context.contextActivities.parent[0].id'],
  ['revision with an Agent object', { object: { objectType: 'Agent', mbox: 'mailto:o@example.org' }, context: { revision: '2' } }, 'context.revision'],
  ['unknown property', { grade: 'A' }, 'grade'],
  ['null property', { result: null }, 'result'],
  ['voiding an Activity', { verb: { id: VOIDED }, object: activity('x') }, 'object.objectType'],
  ['attachment without sha2', { attachments: [{ usageType: 'http://example.org/u', display: { en: 'a' }, contentType: 'text/plain', length: 1, fileUrl: 'http://example.org/a.txt' }] }, 'attachments[0].sha2'],
  ['SubStatement with an id', { object: { objectType: 'SubStatement', id: uuid(), actor: mbox('s'), verb: verb('v'), object: activity('a') } }, 'object.id'],
  ['contextAgents in 1.0.3', { context: { contextAgents: [{ objectType: 'contextAgent', agent: mbox('c') }] } }, 'context.contextAgents', V1],
  ['statement version 3.0', { version: '3.0.0' }, 'version'],
  ['timestamp without offset in 2.0', { timestamp: '2026-05-04T17:00:00' }, 'timestamp'],
  ['extension key not an IRI', { result: { extensions: { seat: 4 } } }, 'result.extensions["seat"]'],
];

describe('validation', () => {
  for (const [what, change, field, version] of INVALID) {
    test(`invalid: ${what} → 400, field ${field}`, async () => {
      const badId = 'id' in change;
      const id = badId ? change.id : uuid();
      const st = { ...statement(), id, ...change };
      for (const k of Object.keys(st)) if (st[k] === undefined) delete st[k];
      const client = version === V1 ? lrs1 : lrs;
      const r = await client.post('statements', undefined, st);
      assertXapiError(r, 400, { code: 'bad_request', field });
      assert.ok(r.json.error.message.includes(field), `the message names the field: ${r.json.error.message}`);
      if (!badId) await assertNotStored([id], what);
      // The same statement through PUT is refused too.
      const put = await client.put('statements', { statementId: badId ? uuid() : id }, st);
      assert.equal(put.status, 400, `PUT: ${put.status} ${put.text}`);
      if (!badId) await assertNotStored([id], `${what} (PUT)`);
    });
  }

  test('the same statements are valid without the fault (the table tests one fault at a time)', async () => {
    const ok = [
      statement({ actor: { mbox: 'mailto:learner@example.org' } }),
      statement({ actor: { mbox_sha1sum: 'a'.repeat(40) } }),
      statement({ actor: { account: { homePage: 'http://x', name: 'x' } } }),
      statement({ actor: { objectType: 'Group', member: [mbox('m1'), mbox('m2')] } }),
      statement({ object: activity('q', { interactionType: 'choice', choices: [{ id: 'a' }, { id: 'b' }] }) }),
      statement({ object: { objectType: 'Agent', mbox: 'mailto:o@example.org' } }),
      statement({ timestamp: '2026-05-04T17:00:00+00:00', result: { score: { scaled: 1 }, success: true, duration: 'PT1H30M' } }),
      statement({ context: { registration: uuid(), revision: '2', contextActivities: { parent: [activity('c')] } } }),
      statement({ object: { objectType: 'SubStatement', actor: mbox('s'), verb: verb('v'), object: activity('a') } }),
      statement({ context: { contextAgents: [{ objectType: 'contextAgent', agent: mbox('c') }] } }),
      statement({ version: '2.0.0' }),
    ];
    await lrs.store(ok);
  });
});

describe('voiding', () => {
  let target;
  let voiding;
  const act = activity('voided-activity');
  const vb = verb('to-be-voided');

  before(async () => {
    [target] = await lrs.store(statement({ verb: vb, object: act }));
    [voiding] = await lrs.store({ actor: mbox('admin'), verb: { id: VOIDED, display: { 'en-US': 'voided' } }, object: { objectType: 'StatementRef', id: target } });
  });

  test('a voided statement is 404 by statementId and found by voidedStatementId', async () => {
    assertXapiError(await lrs.get('statements', { statementId: target }), 404);
    const r = await lrs.get('statements', { voidedStatementId: target });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, target);
    assert.deepEqual(r.json.verb, vb);
    // The voiding statement itself is a normal statement, and not a voided one.
    assert.equal((await lrs.statement(voiding)).object.id, target);
    assertXapiError(await lrs.get('statements', { voidedStatementId: voiding }), 404);
  });

  test('queries exclude the voided statement but return the voiding one (it targets a match)', async () => {
    for (const q of [{ verb: vb.id }, { activity: act.id }, { limit: 0 }]) {
      const ids = idsOf(await lrs.query(q));
      assert.ok(!ids.includes(target), `GET statements${qs(q)} returned the voided statement`);
      assert.ok(ids.includes(voiding), `GET statements${qs(q)} misses the voiding statement`);
    }
  });

  test('a voiding statement cannot be voided: 400, nothing stored, it stays valid', async () => {
    const id = uuid();
    const r = await lrs.post('statements', undefined, { id, actor: mbox('admin'), verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: voiding } });
    assertXapiError(r, 400);
    await assertNotStored([id], 'voiding a voiding statement');
    assert.equal((await lrs.get('statements', { statementId: voiding })).status, 200);
    // In a batch the whole batch is refused, and the field names the statement.
    const other = uuid();
    const b = await lrs.post('statements', undefined, [statement({ id: other }), { actor: mbox('admin'), verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: voiding } }]);
    assertXapiError(b, 400, { field: '[1].object.id' });
    await assertNotStored([other], 'batch voiding a voiding statement');
  });

  test('voiding a statement that is not there is accepted; voiding in a batch with its target works', async () => {
    const [v] = await lrs.store({ actor: mbox('admin'), verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: uuid() } });
    assert.equal((await lrs.get('statements', { statementId: v })).status, 200);
    const t = uuid();
    await lrs.store([statement({ id: t }), { actor: mbox('admin'), verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: t } }]);
    assertXapiError(await lrs.get('statements', { statementId: t }), 404);
    assert.equal((await lrs.get('statements', { voidedStatementId: t })).status, 200);
  });
});

describe('queries', () => {
  // A college of its own, so that unfiltered queries have an exact answer.
  let q; // the client
  const S = {}; // name → id
  const st = {}; // name → statement as sent
  const A1 = mbox('f.a1');
  const A2 = mbox('f.a2');
  const A3 = account('f.a3', 'http://example.org/lms');
  const G = { objectType: 'Group', mbox: 'mailto:f.group@example.org', member: [mbox('f.member')] };
  const V1v = verb('f-one');
  const V2v = verb('f-two');
  const V3v = verb('f-refers');
  const X1 = activity('f-x1');
  const X2 = activity('f-x2');
  const X3 = activity('f-x3');
  const R1 = uuid();
  const R2 = uuid();
  const stored = {};

  before(async () => {
    const inst = srv.addInstitution('Filters College', '筛选学院', 'US');
    q = newLrs(srv, { scopes: ['all'], institution: inst, name: 'filters' });
    const put = async (name, s) => {
      st[name] = s;
      [S[name]] = await q.store(s);
      stored[name] = (await q.statement(S[name])).stored;
    };
    await put('s1', { actor: A1, verb: V1v, object: X1, context: { registration: R1 } });
    await put('s2', { actor: A2, verb: V1v, object: X2, context: { instructor: A3, contextActivities: { parent: [X1] } } });
    await put('s3', { actor: A1, verb: V2v, object: A2 });
    await sleep(25);
    await put('s4', { actor: A3, verb: V2v, object: X3, context: { registration: R2, contextActivities: { grouping: [X2] } } });
    await put('s5', { actor: A2, verb: V2v, object: { objectType: 'SubStatement', actor: A1, verb: V1v, object: X3 } });
    await sleep(25);
    await put('s6', { actor: G, verb: V1v, object: X1 });
    await put('s7', { actor: A3, verb: V3v, object: { objectType: 'StatementRef', id: S.s1 } });
  });

  const names = (ids) => ids.map((id) => Object.keys(S).find((k) => S[k] === id) ?? id);
  async function expect(query, want, { ordered = false } = {}) {
    const got = names(idsOf(await q.query(query)));
    if (ordered) assert.deepEqual(got, want, `GET statements${qs(query)}`);
    else assert.deepEqual(sorted(got), sorted(want), `GET statements${qs(query)}`);
  }

  test('no filter: every statement of the college, newest first (stored descending)', async () => {
    await expect({}, ['s7', 's6', 's5', 's4', 's3', 's2', 's1'], { ordered: true });
  });

  test('ascending=true: oldest first', async () => {
    await expect({ ascending: true }, ['s1', 's2', 's3', 's4', 's5', 's6', 's7'], { ordered: true });
    await expect({ ascending: false }, ['s7', 's6', 's5', 's4', 's3', 's2', 's1'], { ordered: true });
  });

  test('agent: actor or object (and statements targeting a match)', async () => {
    await expect({ agent: A1 }, ['s1', 's3', 's7']);
    await expect({ agent: A2 }, ['s2', 's3', 's5']);
    await expect({ agent: A3 }, ['s4', 's7']);
    await expect({ agent: { objectType: 'Group', mbox: G.mbox } }, ['s6']);
    await expect({ agent: mbox('f.nobody') }, []);
    // The same agent with another name or without objectType is the same agent (its identifier counts).
    await expect({ agent: { mbox: A1.mbox, name: 'Someone' } }, ['s1', 's3', 's7']);
  });

  test('related_agents=true: also instructor, authority, and inside a SubStatement', async () => {
    await expect({ agent: A1, related_agents: true }, ['s1', 's3', 's5', 's7']);
    await expect({ agent: A3, related_agents: true }, ['s2', 's4', 's7']);
    await expect({ agent: q.authority, related_agents: true }, ['s1', 's2', 's3', 's4', 's5', 's6', 's7']);
    await expect({ agent: q.authority }, []);
    await expect({ agent: A3, related_agents: false }, ['s4', 's7']);
  });

  test('verb: exact IRI', async () => {
    await expect({ verb: V1v.id }, ['s1', 's2', 's6', 's7']);
    await expect({ verb: V2v.id }, ['s3', 's4', 's5']);
    await expect({ verb: V3v.id }, ['s7']);
    await expect({ verb: `${V1v.id}/` }, []);
  });

  test('activity and related_activities', async () => {
    await expect({ activity: X1.id }, ['s1', 's6', 's7']);
    await expect({ activity: X1.id, related_activities: true }, ['s1', 's2', 's6', 's7']);
    await expect({ activity: X2.id }, ['s2']);
    await expect({ activity: X2.id, related_activities: true }, ['s2', 's4']);
    await expect({ activity: X3.id }, ['s4']);
    await expect({ activity: X3.id, related_activities: true }, ['s4', 's5']);
  });

  test('registration', async () => {
    await expect({ registration: R1 }, ['s1', 's7']);
    await expect({ registration: R1.toUpperCase() }, ['s1', 's7']); // a UUID, whatever its case
    await expect({ registration: R2 }, ['s4']);
    await expect({ registration: uuid() }, []);
  });

  test('filters combine (AND)', async () => {
    await expect({ agent: A1, verb: V1v.id }, ['s1', 's7']);
    await expect({ agent: A1, verb: V2v.id }, ['s3']);
    await expect({ verb: V2v.id, activity: X3.id }, ['s4']);
    await expect({ verb: V2v.id, activity: X3.id, related_activities: true }, ['s4', 's5']);
    await expect({ agent: A2, registration: R1 }, []);
  });

  test('since (exclusive) and until (inclusive) on stored', async () => {
    await expect({ since: stored.s3 }, ['s4', 's5', 's6', 's7']);
    await expect({ until: stored.s5 }, ['s1', 's2', 's3', 's4', 's5']);
    await expect({ since: stored.s3, until: stored.s5 }, ['s4', 's5']);
    await expect({ since: stored.s7 }, []);
    await expect({ until: '2000-01-01T00:00:00Z' }, []);
    // Another time zone names the same instant.
    const t = new Date(Date.parse(stored.s3));
    const plus8 = new Date(t.getTime() + 8 * 3600e3).toISOString().replace('Z', '+08:00');
    await expect({ since: plus8 }, ['s4', 's5', 's6', 's7']);
    // Time filters apply to the targeting statement itself.
    await expect({ agent: A1, since: stored.s3 }, ['s7']);
  });

  test('limit: a page of that many with a `more` link; 0 means the server maximum', async () => {
    const r = await q.query({ limit: 2 });
    assert.deepEqual(names(idsOf(r)), names(idsOf(await q.query({}))).slice(0, 2));
    assert.match(r.more, /^\/xapi\/statements\?/, `more is a relative IRL with the full path: ${r.more}`);
    const all = await q.query({ limit: 0 });
    assert.equal(all.more, '');
    assert.ok(all.statements.length >= 7);
    const last = await q.query({ since: stored.s5, ascending: true, limit: 2 });
    assert.equal(last.statements.length, 2);
  });

  test('malformed parameters: 400', async () => {
    for (const bad of [
      { agent: '{not json' }, { agent: { name: 'no identifier' } }, { verb: 'not an iri' }, { activity: 'not an iri' },
      { registration: 'nope' }, { since: 'yesterday' }, { until: '2026-13-01T00:00:00Z' }, { limit: -1 }, { limit: 'ten' },
      { ascending: 'yes' }, { related_agents: 1 }, { format: 'full' }, { attachments: 'maybe' }, { unknown: 'x' },
      { statementId: uuid(), voidedStatementId: uuid() }, { statementId: uuid(), agent: A1 }, { more: 'garbage' },
    ]) {
      const r = await q.get('statements', bad);
      assertXapiError(r, 400);
      assert.ok(r.headers.get('x-experience-api-consistent-through'), `Consistent-Through on the 400 of ${qs(bad)}`);
    }
  });
  test('a chain of StatementRefs matches recursively (a targets b targets c)', async () => {
    // xAPI Communication 2.1.3: "This rule applies recursively".
    const [s8] = await q.store({ actor: mbox('f.a4'), verb: V3v, object: { objectType: 'StatementRef', id: S.s7 } });
    // (Last in this group: it adds a statement to the college.)
    const got = idsOf(await q.query({ agent: A1 }));
    assert.ok(got.includes(S.s7), 's7 targets s1');
    assert.ok(got.includes(s8), `GET statements?agent=A1 misses s8, which targets s7, which targets s1 (A1's): ${names(got)}`);
    assert.ok(idsOf(await q.query({ activity: X1.id })).includes(s8), 'activity filter, recursively');
  });

});

describe('paging with more', () => {
  let p; // a client of a college of its own
  const vb = verb('paged');
  const posted = []; // every id stored with vb, in order

  before(async () => {
    const inst = srv.addInstitution('Paging College', '分页学院', 'US');
    p = newLrs(srv, { scopes: ['all'], institution: inst, name: 'paging' });
    const batch = Array.from({ length: 120 }, (_, i) => statement({ id: uuid(), verb: vb, result: { response: `n${i}` } }));
    posted.push(...await p.store(batch));
  });

  async function collect(query, between) {
    const seen = [];
    let page = await p.query(query);
    let pages = 1;
    for (;;) {
      seen.push(...idsOf(page));
      if (!page.more) break;
      assert.match(page.more, /^\/xapi\/statements\?/);
      await between();
      page = await p.more(page.more);
      pages++;
      assert.ok(pages < 50, 'paging does not end');
    }
    return { seen, pages };
  }

  test('descending: 120 statements in pages of 25, each exactly once, newest first, while new ones arrive', async () => {
    const before = [...posted];
    const { seen, pages } = await collect({ verb: vb.id, limit: 25 }, async () => {
      posted.push(...await p.store([statement({ verb: vb }), statement({ verb: vb })]));
    });
    assert.equal(pages, 5);
    assert.equal(new Set(seen).size, seen.length, 'no statement twice');
    assert.deepEqual(seen, [...before].reverse(), 'exactly the 120 that were there, newest first');
  });

  test('ascending: every statement once, in store order, those that arrived while paging at the end', async () => {
    const { seen } = await collect({ verb: vb.id, limit: 25, ascending: true }, async () => {
      posted.push(...await p.store([statement({ verb: vb }), statement({ verb: vb })]));
    });
    assert.equal(new Set(seen).size, seen.length, 'no statement twice');
    assert.deepEqual(seen, posted);
  });

  test('the more link keeps the filters and the format', async () => {
    await p.store(statement({ verb: verb('not-paged') }));
    const first = await p.query({ verb: vb.id, limit: 50, format: 'ids' });
    const second = await p.more(first.more);
    for (const s of [...first.statements, ...second.statements]) {
      assert.deepEqual(s.verb, { id: vb.id });
      assert.deepEqual(Object.keys(s.object).sort(), ['id']);
    }
  });

  test('limit over 500, or 0, returns at most 500 with a more link', async () => {
    const total = (await p.query({ limit: 0 })).statements.length;
    const need = 505 - total;
    if (need > 0) await p.store(Array.from({ length: need }, () => statement({ verb: verb('filler') })));
    for (const limit of [0, 501, 100000]) {
      const r = await p.query({ limit });
      assert.equal(r.statements.length, 500, `limit=${limit}`);
      assert.notEqual(r.more, '', `limit=${limit}: more`);
    }
  });
});

describe('formats, consistency headers, HEAD', () => {
  let id;
  const sent = statement({
    actor: { objectType: 'Agent', name: 'Li Na', mbox: 'mailto:li.na@example.org' },
    verb: { id: 'http://example.org/verbs/practised', display: { 'en-US': 'practised', 'zh-CN': '练习了' } },
    object: activity('bed-bath', {
      name: { 'en-US': 'Bed bath', 'zh-CN': '床上擦浴' },
      description: { 'en-US': 'A bed bath on the simulator', 'zh-CN': '在模拟人上进行床上擦浴' },
      type: 'http://adlnet.gov/expapi/activities/simulation',
    }),
    context: { instructor: { name: 'Chen Jing', mbox: 'mailto:chen.jing@example.org' }, contextActivities: { parent: [activity('course', { name: { en: 'Course' } })] } },
  });

  before(async () => { [id] = await lrs.store(sent); });

  test('format=exact (the default) returns the statement as sent', async () => {
    assertSameStatement(await lrs.statement(id), sent);
    assertSameStatement(await lrs.statement(id, { format: 'exact' }), sent);
  });

  test('format=ids keeps only identifiers', async () => {
    const s = await lrs.statement(id, { format: 'ids' });
    assert.equal(s.id, id);
    assert.equal(s.actor.mbox, sent.actor.mbox);
    assert.equal(s.actor.name, undefined, 'no actor name');
    assert.deepEqual(s.verb, { id: sent.verb.id });
    assert.equal(s.object.id, sent.object.id);
    assert.equal(s.object.definition, undefined, 'no activity definition');
    assert.equal(s.context.instructor.name, undefined);
    assert.deepEqual(s.context.contextActivities.parent.map((a) => a.definition), [undefined]);
    const list = await lrs.query({ verb: sent.verb.id, format: 'ids' });
    assert.equal(list.statements[0].object.definition, undefined);
  });

  test('format=canonical keeps one language by Accept-Language (zh-CN picks zh-CN)', async () => {
    for (const [al, lang] of [['zh-CN', 'zh-CN'], ['zh-CN,en;q=0.5', 'zh-CN'], ['en-US', 'en-US'], ['en;q=0.3, zh-CN;q=0.9', 'zh-CN']]) {
      const r = await lrs.get('statements', { statementId: id, format: 'canonical' }, { headers: { 'Accept-Language': al } });
      assert.equal(r.status, 200, r.text);
      const s = r.json;
      assert.deepEqual(Object.keys(s.verb.display), [lang], `${al}: verb.display ${JSON.stringify(s.verb.display)}`);
      assert.equal(s.verb.display[lang], sent.verb.display[lang]);
      assert.deepEqual(s.object.definition.name, { [lang]: sent.object.definition.name[lang] }, `${al}: name`);
      assert.deepEqual(s.object.definition.description, { [lang]: sent.object.definition.description[lang] }, `${al}: description`);
      assert.equal(s.object.definition.type, sent.object.definition.type);
    }
    const list = await lrs.get('statements', { verb: sent.verb.id, format: 'canonical' }, { headers: { 'Accept-Language': 'zh-CN' } });
    assert.deepEqual(list.json.statements[0].verb.display, { 'zh-CN': '练习了' });
  });

  test('X-Experience-API-Consistent-Through on every statements GET: a timestamp not before what was stored', async () => {
    const [fresh] = await lrs.store(statement());
    const storedAt = Date.parse((await lrs.statement(fresh)).stored);
    for (const query of [{}, { statementId: fresh }, { statementId: uuid() }, { verb: sent.verb.id }, { limit: 'x' }]) {
      const r = await lrs.get('statements', query);
      const h = r.headers.get('x-experience-api-consistent-through');
      assert.ok(h, `GET statements${qs(query)} (${r.status}): no X-Experience-API-Consistent-Through`);
      assert.match(h, TS_RE);
      assert.ok(Date.parse(h) >= storedAt, `Consistent-Through ${h} is before a stored statement (${storedAt})`);
    }
  });

  test('GET one statement carries Last-Modified (its stored time)', async () => {
    const r = await lrs.get('statements', { statementId: id });
    const lm = r.headers.get('last-modified');
    assert.ok(lm, 'Last-Modified');
    assert.equal(Math.floor(Date.parse(lm) / 1000), Math.floor(Date.parse(r.json.stored) / 1000));
  });

  test('HEAD: the headers of GET without a body; 404 for a missing statement', async () => {
    const get = await lrs.get('statements', { statementId: id });
    const head = await lrs.head('statements', { statementId: id });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers.get('content-type'), get.headers.get('content-type'));
    assert.ok(head.headers.get('x-experience-api-consistent-through'));
    assertVersionHeader(head, V2);
    assert.equal((await lrs.head('statements', { statementId: uuid() })).status, 404);
    const list = await lrs.head('statements', { limit: 3 });
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 0);
  });
});

describe('attachments', () => {
  const text = 'Nursing notes: turned the patient at 14:00.\n';
  const usage = 'http://example.org/attachment-usage/notes';
  const att = (content, over = {}) => ({
    usageType: usage, display: { 'en-US': 'notes' }, contentType: 'text/plain', length: Buffer.byteLength(content), sha2: sha256(content), ...over,
  });
  const postMultipart = (statements, parts, opts) => {
    const mp = multipart(statements, parts, opts);
    return lrs.post('statements', undefined, mp.body, { headers: { 'Content-Type': mp.contentType } });
  };

  test('multipart/mixed POST with a text attachment; GET attachments=true returns it as a part, hash checked', async () => {
    const id = uuid();
    const r = await postMultipart(statement({ id, attachments: [att(text)] }), [{ content: text }]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, [id]);

    const g = await lrs.get('statements', { statementId: id, attachments: true });
    assert.equal(g.status, 200, g.text);
    assert.match(g.headers.get('content-type'), /^multipart\/mixed;\s*boundary=/);
    const parts = parseMultipart(g.body, g.headers.get('content-type'));
    assert.equal(parts.length, 2, 'the statement and one attachment');
    assert.match(parts[0].headers['content-type'], /^application\/json/);
    const st = JSON.parse(parts[0].body.toString('utf8'));
    assert.equal(st.id, id);
    assert.equal(st.attachments[0].sha2, sha256(text));
    assert.equal(parts[1].body.toString('utf8'), text);
    assert.equal(parts[1].headers['x-experience-api-hash'], sha256(text));
    assert.equal(sha256(parts[1].body), sha256(text));
    assert.match(parts[1].headers['content-type'], /^text\/plain/);
    assert.equal(parts[1].headers['content-transfer-encoding'], 'binary');

    // Without attachments=true: JSON, no content.
    const plain = await lrs.get('statements', { statementId: id });
    assert.match(plain.headers.get('content-type'), /^application\/json/);
    assert.ok(!plain.text.includes('turned the patient'));
  });

  test('binary content survives byte for byte (bytes that look like delimiters included)', async () => {
    const bin = Buffer.concat([randomBytes(3000), Buffer.from('\r\n--not-the-boundary\r\n\r\n'), randomBytes(100), Buffer.from([0, 255, 13, 10])]);
    const id = uuid();
    const r = await postMultipart(statement({ id, attachments: [att(bin, { contentType: 'application/octet-stream', length: bin.length })] }),
      [{ content: bin, contentType: 'application/octet-stream' }]);
    assert.equal(r.status, 200, r.text);
    const g = await lrs.get('statements', { statementId: id, attachments: true });
    const parts = parseMultipart(g.body, g.headers.get('content-type'));
    assert.equal(parts.length, 2);
    assert.ok(parts[1].body.equals(bin), 'the attachment comes back unchanged');
  });

  test('a statement query with attachments=true is multipart too, each attachment once', async () => {
    const content = `shared ${uuid()}`;
    const vb = verb(`with-attachment-${uuid()}`);
    const mp = multipart([statement({ verb: vb, attachments: [att(content)] }), statement({ verb: vb, attachments: [att(content)] })], [{ content }]);
    const r = await lrs.post('statements', undefined, mp.body, { headers: { 'Content-Type': mp.contentType } });
    assert.equal(r.status, 200, r.text);
    const g = await lrs.get('statements', { verb: vb.id, attachments: true });
    assert.equal(g.status, 200);
    const parts = parseMultipart(g.body, g.headers.get('content-type'));
    const result = JSON.parse(parts[0].body.toString('utf8'));
    assert.equal(result.statements.length, 2);
    assert.equal(parts.length, 2, 'one part for the shared attachment');
    assert.equal(parts[1].body.toString(), content);
  });

  test('the more link of an attachments=true query gives the next page with its attachments too', async () => {
    const vb = verb(`att-paged-${uuid()}`);
    const contents = ['first page file', 'second page file'];
    for (const content of contents) {
      const r = await postMultipart(statement({ verb: vb, attachments: [att(content)] }), [{ content }]);
      assert.equal(r.status, 200, r.text);
    }
    const g = await lrs.get('statements', { verb: vb.id, attachments: true, limit: 1 });
    const parts = parseMultipart(g.body, g.headers.get('content-type'));
    const page = JSON.parse(parts[0].body.toString('utf8'));
    assert.equal(parts[1].body.toString(), contents[1], 'newest first');
    assert.notEqual(page.more, '');
    const res = await fetch(`${srv.url}${page.more}`, { headers: { Authorization: basic(lrs.key, lrs.secret), 'X-Experience-API-Version': V2 } });
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200);
    const ct = res.headers.get('content-type');
    assert.match(ct, /^multipart\/mixed/, `GET ${page.more} (the more link of GET statements?verb=…&attachments=true&limit=1) answers ${ct}`);
    const next = parseMultipart(body, ct);
    assert.equal(next[1]?.body.toString(), contents[0]);
  });

  test('a wrong or missing X-Experience-API-Hash is 400 and nothing is stored', async () => {
    for (const part of [{ content: text, hash: sha256('something else') }, { content: text, hash: null }, { content: `${text}tampered`, hash: sha256(text) }]) {
      const id = uuid();
      assertXapiError(await postMultipart(statement({ id, attachments: [att(text)] }), [part]), 400);
      await assertNotStored([id], 'bad hash');
    }
  });

  test('an attachment with only a fileUrl may be sent as plain JSON', async () => {
    const id = uuid();
    const a = att('remote', { fileUrl: 'https://files.example.org/notes.txt' });
    await lrs.store(statement({ id, attachments: [a] }));
    assert.deepEqual((await lrs.statement(id)).attachments, [a]);
  });

  test('an attachment without fileUrl and without its part is 400 (JSON or multipart), nothing stored', async () => {
    const id = uuid();
    assertXapiError(await lrs.post('statements', undefined, statement({ id, attachments: [att(text)] })), 400);
    await assertNotStored([id], 'JSON without the part');
    const id2 = uuid();
    assertXapiError(await postMultipart(statement({ id: id2, attachments: [att(text)] }), []), 400);
    const other = 'another file';
    assertXapiError(await postMultipart(statement({ id: id2, attachments: [att(text)] }), [{ content: other }]), 400);
    await assertNotStored([id2], 'multipart without the part');
  });
});

describe('xAPI 1.0.3 alternate request syntax', () => {
  const form = (fields) => new URLSearchParams(fields).toString();
  const altPost = (method, fields, { query = '', headers = {} } = {}) => fetch(`${srv.url}/xapi/statements?method=${method}${query}`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: form(fields),
  }).then(async (res) => {
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, text, json, method: `POST?method=${method}`, path: 'statements' };
  });

  test('POST ?method=GET with the headers and parameters in the form works in 1.0.3', async () => {
    const [id] = await lrs.store(statement({ verb: verb('alt-get') }));
    const r = await altPost('GET', { Authorization: basic(lrs.key, lrs.secret), 'X-Experience-API-Version': V1, statementId: id });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, id);
    assertVersionHeader(r, V1);
    // Headers sent as real headers, parameters in the form, also work.
    const r2 = await altPost('GET', { verb: verb('alt-get').id }, { headers: { Authorization: basic(lrs.key, lrs.secret), 'X-Experience-API-Version': V1 } });
    assert.equal(r2.status, 200, r2.text);
    assert.deepEqual(idsOf(r2.json), [id]);
  });

  test('POST ?method=PUT with content stores the statement in 1.0.3', async () => {
    const id = uuid();
    const r = await altPost('PUT', {
      Authorization: basic(lrs.key, lrs.secret), 'X-Experience-API-Version': V1, 'Content-Type': 'application/json',
      statementId: id, content: JSON.stringify(statement({ verb: verb('alt-put') })),
    });
    assert.equal(r.status, 204, r.text);
    assert.deepEqual((await lrs.statement(id)).verb, verb('alt-put'));
  });

  test('the alternate syntax needs the credentials like any request', async () => {
    const [id] = await lrs.store(statement());
    const r = await altPost('GET', { 'X-Experience-API-Version': V1, statementId: id });
    assertXapiError(r, 401);
    const wrong = await altPost('GET', { Authorization: basic(lrs.key, 'wrong'), 'X-Experience-API-Version': V1, statementId: id });
    assertXapiError(wrong, 401);
  });

  test('other query parameters beside method are 400', async () => {
    const [id] = await lrs.store(statement());
    const r = await altPost('GET', { Authorization: basic(lrs.key, lrs.secret), 'X-Experience-API-Version': V1 }, { query: `&statementId=${id}` });
    assertXapiError(r, 400);
  });

  test('xAPI 2.0 rejects the alternate syntax: 400, nothing stored', async () => {
    const [id] = await lrs.store(statement());
    const r = await altPost('GET', { Authorization: basic(lrs.key, lrs.secret), 'X-Experience-API-Version': V2, statementId: id });
    assertXapiError(r, 400);
    const put = uuid();
    const p = await altPost('PUT', {
      Authorization: basic(lrs.key, lrs.secret), 'X-Experience-API-Version': V2, 'Content-Type': 'application/json',
      statementId: put, content: JSON.stringify(statement()),
    });
    assertXapiError(p, 400);
    await assertNotStored([put], 'alternate PUT in 2.0');
    const h = await altPost('GET', { statementId: id }, { headers: { Authorization: basic(lrs.key, lrs.secret), 'X-Experience-API-Version': V2 } });
    assertXapiError(h, 400);
  });
});

// Badges end to end (docs/credentials.md): achievements, awards issued through the API and by the
// award worker from attainment statements posted as an LRS client (exactly once), verification by
// `carecampus verify` and by @digitalcredentials/vc offline with our did:web document, revocation
// seen by both, expiry, key rotation, tampering through the public verify API, the learner record.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, utimesSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createHash as hash } from 'node:crypto';
import * as vc from '@digitalcredentials/vc';
import { DataIntegrityProof } from '@digitalcredentials/data-integrity';
import { cryptosuite } from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import { securityLoader } from '@digitalcredentials/security-document-loader';
import { startServer, binaryPath, Client } from '../lib/server.mjs';
import { addLrsClient, basic, uuid, sleep } from './lib/xapi.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'carecampus-badges-'));
let srv, admin, teacher, student, lrs, items;

function run(args) {
  const r = spawnSync(binaryPath(), args, { encoding: 'utf8' });
  assert.doesNotMatch(r.stderr, /Sanitizer/, r.stderr);
  return r;
}
function file(name, content) {
  const p = join(tmp, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return p;
}
/* `carecampus verify --json` with our DID document and status list pinned. */
function cliVerify(cred, ...args) {
  const r = run(['verify', '--json', ...args, file(`c-${uuid()}.json`, cred)]);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout);
}
const check = (report, name) => report.checks.find((c) => c.check === name);

/* The independent verifier, offline: bundled contexts, CLR context, our did:web documents. */
function loader(dids) {
  const l = securityLoader({ fetchRemoteContexts: false });
  l.addStatic('https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
    JSON.parse(readFileSync(join(root, 'src/credential/contexts/clr-v2p0-context-2.0.1.json'), 'utf8')));
  const base = l.build();
  return async (url) => {
    for (const did of dids) {
      if (url === did.id) return { contextUrl: null, documentUrl: url, document: did };
      const vm = did.verificationMethod.find((m) => m.id === url);
      if (vm) return { contextUrl: null, documentUrl: url, document: { '@context': did['@context'], ...vm } };
    }
    return base(url);
  };
}
async function jsVerify(credential, dids) {
  return vc.verifyCredential({
    credential, suite: new DataIntegrityProof({ cryptosuite }), documentLoader: loader(dids),
    checkStatus: async () => ({ verified: true }), // the bit is checked by jsRevoked
  });
}
/* The revocation bit of CREDENTIAL in LIST, decoded here (W3C Bitstring Status List). */
function jsRevoked(credential, list) {
  const enc = list.credentialSubject.encodedList;
  assert.equal(enc[0], 'u');
  const bits = gunzipSync(Buffer.from(enc.slice(1), 'base64url'));
  assert.ok(bits.length * 8 >= 131072);
  const i = Number(credential.credentialStatus.statusListIndex);
  return ((bits[i >> 3] >> (7 - (i & 7))) & 1) === 1;
}
async function didDoc(inst = 1) { return (await fetch(`${srv.url}/institutions/${inst}/did.json`)).json(); }
async function statusList(cred) { return (await fetch(cred.credentialStatus.statusListCredential)).json(); }

async function xapiPost(statements) {
  const res = await fetch(`${srv.url}/xapi/statements`, {
    method: 'POST',
    headers: { authorization: basic(lrs.key, lrs.secret), 'x-experience-api-version': '2.0.0', 'content-type': 'application/json' },
    body: JSON.stringify(statements),
  });
  assert.equal(res.status, 200, await res.text());
}
// Evidence that makes the mastery engine publish attainments (docs/mastery.md): a first pass is
// developing, a second proficient, a third at 90 % or more mastered. The award worker believes only
// the attainments the platform publishes, never ones an LRS client posts.
let clock = Date.parse('2026-11-01T08:00:00Z');
function passed(login, item, scaled = 0.95) {
  clock += 60000;
  return {
    id: uuid(),
    actor: { objectType: 'Agent', account: { homePage: 'https://lrs.carecampus.invalid/users', name: login } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { 'en-US': 'passed' } },
    object: { objectType: 'Activity', id: `https://vr.example.edu/xapi/activities/${item}` },
    result: { success: true, score: { scaled } },
    context: { extensions: { 'https://carecampus.org/xapi/extensions/cfitems': [item] } },
    timestamp: new Date(clock).toISOString(),
  };
}
function attainment(login, item, level, verb = 'https://carecampus.org/xapi/verbs/attained') {
  return {
    id: uuid(),
    actor: { objectType: 'Agent', account: { homePage: 'https://lrs.carecampus.invalid/users', name: login } },
    verb: { id: verb, display: { 'en-US': 'attained' } },
    object: { objectType: 'Activity', id: `https://carecampus.org/case/CFItems/${item}` },
    result: { success: level >= 3, extensions: { 'https://carecampus.org/xapi/extensions/mastery-level': level } },
    context: { extensions: { 'https://carecampus.org/xapi/extensions/cfitems': [item] } },
  };
}
async function userId(login) {
  const r = await admin.get('/api/users?role=student');
  return r.json.users.find((u) => u.login === login).id;
}
async function awardsOf(achievement) {
  return (await admin.get(`/api/achievements/${achievement}/awards`)).json.awards;
}
async function waitFor(fn, ms = 15000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) return v;
    await sleep(200);
  }
}

before(async () => {
  srv = await startServer({ demo: true });
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin', 'carecampus')).status, 200);
  teacher = new Client(srv.url);
  assert.equal((await teacher.login('liu.wei', 'carecampus')).status, 200);
  student = new Client(srv.url);
  assert.equal((await student.login('li.na', 'carecampus')).status, 200);
  lrs = addLrsClient(srv, { scopes: ['all'] });
  const r = await admin.get('/api/frameworks/search?q=NA.S0');
  items = r.json.items.map((i) => i.identifier);
  assert.ok(items.length >= 4);
});
after(async () => {
  await srv?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('issuer identity', () => {
  test('the institution DID document lists its key as a Multikey assertion method', async () => {
    const r = await admin.get('/api/credentials/issuer');
    assert.equal(r.status, 200);
    assert.match(r.json.issuer_id, /^did:web:127\.0\.0\.1%3A\d+:institutions:1$/);
    const doc = await didDoc(1);
    assert.equal(doc.id, r.json.issuer_id);
    assert.equal(doc.verificationMethod[0].type, 'Multikey');
    assert.match(doc.verificationMethod[0].publicKeyMultibase, /^z6Mk/);
    assert.deepEqual(doc.assertionMethod, doc.verificationMethod.map((m) => m.id));
    const server = await (await fetch(`${srv.url}/.well-known/did.json`)).json();
    assert.match(server.id, /^did:web:127\.0\.0\.1%3A\d+$/);
    assert.ok(server.alsoKnownAs.includes(doc.id));
    assert.equal((await fetch(`${srv.url}/institutions/999/did.json`)).status, 404);
  });
  test('the profile is bilingual and checked', async () => {
    let r = await admin.patch('/api/credentials/issuer', { name: { en: 'Changsha Health VC', 'zh-CN': '长沙健康职院' }, url: 'https://college.example.cn', email: 'badges@college.example.cn' });
    assert.equal(r.status, 200);
    assert.equal(r.json.issuer.name['zh-CN'], '长沙健康职院');
    r = await admin.patch('/api/credentials/issuer', { url: 'javascript:alert(1)' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'url');
    r = await teacher.patch('/api/credentials/issuer', { url: 'https://x.example' });
    assert.equal(r.status, 403);
  });
});

describe('issue, verify, revoke', () => {
  let ach, award, cred;
  before(async () => {
    let r = await admin.post('/api/achievements', {
      name: { en: 'Safe transfer', 'zh-CN': '安全转移' },
      description: { en: 'Moves a resident from bed to wheelchair safely.', 'zh-CN': '安全地将老人从床转移到轮椅。' },
      criteria: { en: 'Observed three times.', 'zh-CN': '观察三次。' },
      alignments: [items[0], items[1]],
      validity_days: 365,
    });
    assert.equal(r.status, 201, r.text);
    ach = r.json.achievement;
    assert.match(ach.image, /^<svg/);
    assert.equal(ach.alignments.length, 2);
    const statement = attainment('li.na', items[0], 3);
    await xapiPost([statement]);
    r = await teacher.post(`/api/achievements/${ach.id}/awards`, {
      user_id: await userId('li.na'), narrative: 'Calm and safe.',
      evidence: [{ statement: statement.id }, { url: 'https://college.example.cn/debriefs/7', name: 'Debrief' }],
    });
    assert.equal(r.status, 201, r.text);
    award = r.json.award;
    cred = award.credential;
  });

  test('the credential is an OpenBadgeCredential with status, evidence and alignments', () => {
    assert.deepEqual(cred['@context'], ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    assert.deepEqual(cred.type, ['VerifiableCredential', 'OpenBadgeCredential']);
    assert.equal(cred.proof.cryptosuite, 'eddsa-rdfc-2022');
    assert.equal(cred.credentialStatus.type, 'BitstringStatusListEntry');
    assert.equal(cred.credentialStatus.statusPurpose, 'revocation');
    assert.ok(cred.validUntil > cred.validFrom);
    const a = cred.credentialSubject.achievement;
    // In the learner's language (li.na reads Chinese), the other edition related.
    assert.equal(a.inLanguage, 'zh-CN');
    assert.equal(a.name, '安全转移');
    assert.equal(a.related[0].inLanguage, 'en');
    assert.match(a.related[0].id, /^urn:uuid:/);
    assert.equal(a.alignment[0].targetType, 'CFItem');
    assert.match(a.alignment[0].targetUrl, /\/CFItems\/[0-9a-f-]{36}$/);
    assert.ok(cred.evidence.some((e) => e.genre === 'xAPI statement'));
    assert.ok(cred.evidence.some((e) => e.narrative === 'Calm and safe.'));
  });

  test('both verifiers accept it; the status list is signed and its bit clear', async () => {
    const did = await didDoc(1);
    const list = await statusList(cred);
    assert.ok(!jsRevoked(cred, list));
    const js = await jsVerify(cred, [did]);
    assert.equal(js.verified, true, JSON.stringify(js.error));
    assert.equal((await jsVerify(list, [did])).verified, true);
    const report = cliVerify(cred, '--did-document', file('did.json', did), '--status-list', file('list.json', list));
    assert.equal(report.verified, true, JSON.stringify(report.checks));
    assert.equal(check(report, 'status').result, 'passed');
    assert.ok(report.statusFetched);
    // Offline without the list: the revocation check cannot pass.
    const offline = cliVerify(cred, '--did-document', file('did.json', did));
    assert.equal(offline.verified, false);
    assert.equal(check(offline, 'status').error, 'status_unavailable');
  });

  test('the cache directory says how old its copy is', async () => {
    const cache = mkdtempSync(join(tmp, 'cache-'));
    const did = file('did.json', await didDoc(1));
    const r = run(['verify', '--did-document', did, '--status-cache', cache, '--refresh-status', file('cred.json', cred)]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /status list: http:\/\/127\.0\.0\.1:\d+\/credentials\/status\/1\/\d+ \(copy of /);
    const name = hash('sha256').update(cred.credentialStatus.statusListCredential).digest('hex');
    const old = new Date(Date.now() - 3 * 86400000);
    utimesSync(join(cache, `${name}.json`), old, old);
    const again = run(['verify', '--did-document', did, '--status-cache', cache, file('cred.json', cred)]);
    assert.equal(again.status, 0);
    assert.match(again.stdout, /3 d old/);
  });

  test('revoked: the API, the CLI and the bit all say so; restoring undoes it', async () => {
    let r = await teacher.post(`/api/awards/${award.id}/revoke`, { reason: 'x' });
    assert.equal(r.status, 403);
    r = await admin.post(`/api/awards/${award.id}/revoke`, { reason: '' });
    assert.equal(r.status, 422);
    r = await admin.post(`/api/awards/${award.id}/revoke`, { reason: 'Evidence was another student\'s' });
    assert.equal(r.status, 200);
    assert.equal(r.json.award.status, 'revoked');
    assert.equal(r.json.award.audit.length, 1);
    assert.equal((await admin.post(`/api/awards/${award.id}/revoke`, { reason: 'again' })).status, 409);
    const list = await statusList(cred);
    assert.ok(jsRevoked(cred, list));
    assert.equal((await jsVerify(list, [await didDoc(1)])).verified, true);
    const report = cliVerify(cred, '--did-document', file('did.json', await didDoc(1)), '--status-list', file('list.json', list));
    assert.equal(report.verified, false);
    assert.equal(report.error, 'revoked');
    const api = await fetch(`${srv.url}/api/verify/${award.uuid}`).then((x) => x.json());
    assert.equal(api.report.error, 'revoked');
    r = await admin.post(`/api/awards/${award.id}/unrevoke`, { reason: 'Mistake: it was hers' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.award.audit.map((a) => a.action), ['credential.revoke', 'credential.unrevoke']);
    assert.ok(!jsRevoked(cred, await statusList(cred)));
    assert.equal((await fetch(`${srv.url}/api/verify/${award.uuid}`).then((x) => x.json())).report.verified, true);
  });

  test('expired and not yet valid', async () => {
    const did = file('did.json', await didDoc(1));
    const list = file('list.json', await statusList(cred));
    const later = new Date(Date.parse(cred.validUntil) + 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
    let report = cliVerify(cred, '--did-document', did, '--status-list', list, '--now', later);
    assert.equal(report.error, 'expired');
    report = cliVerify(cred, '--did-document', did, '--status-list', list, '--now', '2020-01-01T00:00:00Z');
    assert.equal(report.error, 'not_yet_valid');
  });

  test('tampering is caught by the public verify API, each for its reason', async () => {
    const cases = [
      ['changed field', (c) => { c.credentialSubject.achievement.name = 'Something else'; }, 'signature_invalid'],
      ['changed proof', (c) => { c.proof.proofValue = c.proof.proofValue.slice(0, -3) + 'abc'; }, null],
      ['wrong key', (c) => { c.proof.verificationMethod = c.proof.verificationMethod.replace(/#key-\d+$/, '#key-99'); }, 'method_unresolved'],
      ['wrong context', (c) => { c['@context'][1] = 'https://example.com/context.json'; }, 'context_not_bundled'],
      ['other status list', (c) => { c.credentialStatus.statusListCredential = 'https://elsewhere.example/list'; }, 'signature_invalid'],
    ];
    for (const [name, change, want] of cases) {
      const c = structuredClone(cred);
      change(c);
      const r = await fetch(`${srv.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(c) }).then((x) => x.json());
      assert.equal(r.report.verified, false, name);
      if (want) assert.ok(r.report.checks.some((k) => k.error === want), `${name}: ${JSON.stringify(r.report.checks)}`);
    }
    const bad = await fetch(`${srv.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    assert.equal((await bad.json()).report.error, 'not_json');
    const empty = await fetch(`${srv.url}/api/verify`, { method: 'POST', body: '' });
    assert.equal(empty.status, 400);
  });

  test('the public verify view explains issuer, learner, achievement and the crosswalk', async () => {
    const r = await fetch(`${srv.url}/api/verify/${award.uuid}`).then((x) => x.json());
    assert.equal(r.credential.kind, 'badge');
    assert.equal(r.credential.subject.name, '李娜 Li Na');
    assert.equal(r.credential.issuer.names['zh-CN'], '长沙健康职院');
    const a = r.credential.achievements[0];
    assert.equal(a.editions['zh-CN'].name, '安全转移');
    assert.ok(Array.isArray(a.alignments[0].crosswalk));
    const qr = await fetch(`${srv.url}/api/public/credentials/${award.uuid}/qr.svg`);
    assert.equal(qr.headers.get('content-type'), 'image/svg+xml');
    assert.match(await qr.text(), /^<svg[^>]*viewBox="0 0 \d+ \d+"/);
    assert.equal((await fetch(`${srv.url}/api/public/credentials/${uuid()}`)).status, 404);
  });

  test('key rotation keeps the old credential verifiable; new ones use the new key', async () => {
    const r = await admin.post('/api/credentials/issuer/rotate', {});
    assert.equal(r.status, 201);
    assert.equal(r.json.keys.length, 2);
    assert.ok(r.json.keys[0].active_until);
    const did = await didDoc(1);
    assert.equal(did.verificationMethod.length, 2);
    assert.equal((await jsVerify(cred, [did])).verified, true);
    const api = await fetch(`${srv.url}/api/verify/${award.uuid}`).then((x) => x.json());
    assert.equal(api.report.verified, true, JSON.stringify(api.report.checks));
    const again = await admin.post(`/api/awards/${award.id}/recertify`, {});
    assert.equal(again.status, 201, again.text);
    assert.match(again.json.award.credential.proof.verificationMethod, /#key-2$/);
    assert.equal(again.json.award.replaces, award.id);
    assert.equal((await jsVerify(again.json.award.credential, [did])).verified, true);
  });

  test('a student sees only their own badges and downloads a learner record that verifies', async () => {
    const r = await student.get('/api/me/badges');
    assert.equal(r.status, 200);
    assert.ok(r.json.badges.length >= 2);
    assert.ok(r.json.badges.every((b) => b.user.login === 'li.na'));
    assert.equal((await student.get('/api/achievements')).status, 403);
    const clr = await student.get('/api/me/clr');
    assert.equal(clr.status, 200);
    assert.deepEqual(clr.json.type, ['VerifiableCredential', 'ClrCredential']);
    assert.ok(clr.json.credentialSubject.verifiableCredential.length >= 2);
    const did = await didDoc(1);
    assert.equal((await jsVerify(clr.json, [did])).verified, true);
    const same = await student.get('/api/me/clr');
    assert.equal(same.json.id, clr.json.id, 'the same badges give the same record');
    const t = await student.get('/api/me/transcript');
    assert.match(t.json.qr_svg, /^<svg/);
    assert.equal(t.json.verify_url, `${srv.url}/verify/${t.json.record}`);
  });
});

describe('the award worker', () => {
  test('issues a badge once a learner attains every item of a rule, exactly once', async () => {
    let r = await teacher.post('/api/achievements/generate', { item: items[2], level: 3 });
    assert.equal(r.status, 201, r.text);
    const one = r.json.achievement;
    assert.equal(one.rule.level, 3);
    assert.equal((await teacher.post('/api/achievements/generate', { item: items[2], level: 3 })).status, 409);
    r = await admin.post('/api/achievements', {
      name: { en: 'Two skills', 'zh-CN': '两项技能' }, description: { en: 'd', 'zh-CN': '描述' },
      criteria: { en: 'c', 'zh-CN': '标准' }, rule: { level: 3, items: [items[2], items[3]] },
    });
    assert.equal(r.status, 201, r.text);
    const two = r.json.achievement;

    // An LRS client cannot award a badge by posting attainments of its own.
    // (success false, so that the mastery engine reads it as a failed result: no level of its own.)
    await xapiPost([{ ...attainment('li.na', items[2], 4), result: { success: false, extensions: { 'https://carecampus.org/xapi/extensions/mastery-level': 4 } } }]);
    await xapiPost([passed('zhang.wei', items[2])]);
    await sleep(2500);
    assert.equal((await awardsOf(one.id)).length, 0, 'developing is not proficient, and posted attainments count for nothing');
    await xapiPost([passed('zhang.wei', items[2]), passed('zhang.wei', items[3])]);
    const got = await waitFor(async () => (await awardsOf(one.id)).length === 1);
    assert.ok(got, 'the worker issued the badge');
    assert.equal((await awardsOf(two.id)).length, 0, 'one item of two is not enough');
    // Mastered later: still one badge of the first.
    await xapiPost([passed('zhang.wei', items[2])]);
    await xapiPost([passed('zhang.wei', items[3])]);
    assert.ok(await waitFor(async () => (await awardsOf(two.id)).length === 1));
    await sleep(1500);
    assert.equal((await awardsOf(one.id)).length, 1);
    assert.equal((await awardsOf(two.id)).length, 1);
    const a = (await awardsOf(one.id))[0];
    assert.equal(a.source, 'rule');
    const full = await admin.get(`/api/awards/${a.id}`);
    assert.ok(full.json.award.credential.evidence.some((e) => e.genre === 'xAPI statement'));
    // The earned statement is in the LRS.
    const st = await fetch(`${srv.url}/xapi/statements?verb=${encodeURIComponent('http://id.tincanapi.com/verb/earned')}`, {
      headers: { authorization: basic(lrs.key, lrs.secret), 'x-experience-api-version': '2.0.0' },
    }).then((x) => x.json());
    assert.ok(st.statements.length >= 3);
  });

  test('a correction lowers the level before the rule is met', async () => {
    const r = await teacher.post('/api/achievements/generate', { item: items[1], level: 3 });
    assert.equal(r.status, 201);
    // The second pass is voided: proficient never stands, so the rule is never met.
    const second = passed('chen.xi', items[1]);
    await xapiPost([passed('chen.xi', items[1]), second]);
    await xapiPost([{ actor: second.actor, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: second.id } }]);
    await sleep(2500);
    assert.equal((await awardsOf(r.json.achievement.id)).length, 0);
    // A rule made later applies to what was attained before.
    await xapiPost([passed('chen.xi', items[0]), passed('chen.xi', items[0]), passed('chen.xi', items[0])]);
    await sleep(2500);
    const late = await teacher.post('/api/achievements/generate', { item: items[0], level: 4 });
    assert.equal(late.status, 201);
    assert.ok(await waitFor(async () => (await awardsOf(late.json.achievement.id)).some((w) => w.user.login === 'chen.xi')));
  });
});

describe('bad input and tenancy', () => {
  test('achievements are checked', async () => {
    const bad = [
      [{}, 'name'],
      [{ name: { en: 'x' } }, 'name'],
      [{ name: { en: 'x', 'zh-CN': 'y' }, description: { en: 'd', 'zh-CN': 'd' }, criteria: { en: 'c', 'zh-CN': 'c' }, image: '<svg onload="alert(1)"></svg>' }, 'image'],
      [{ name: { en: 'x', 'zh-CN': 'y' }, description: { en: 'd', 'zh-CN': 'd' }, criteria: { en: 'c', 'zh-CN': 'c' }, alignments: [uuid()] }, 'alignments'],
      [{ name: { en: 'x', 'zh-CN': 'y' }, description: { en: 'd', 'zh-CN': 'd' }, criteria: { en: 'c', 'zh-CN': 'c' }, rule: { level: 9, items: [items[0]] } }, 'rule.level'],
      [{ name: { en: 'x'.repeat(201), 'zh-CN': 'y' }, description: { en: 'd', 'zh-CN': 'd' }, criteria: { en: 'c', 'zh-CN': 'c' } }, 'name'],
    ];
    for (const [body, field] of bad) {
      const r = await admin.post('/api/achievements', body);
      assert.equal(r.status, 422, JSON.stringify(body));
      assert.equal(r.json.error.field, field);
    }
  });
  test('another college sees none of this college\'s badges', async () => {
    const other = new Client(srv.url);
    assert.equal((await other.login('riverside.admin', 'carecampus')).status, 200);
    const mine = (await admin.get('/api/awards')).json.awards;
    assert.ok(mine.length > 0);
    assert.equal((await other.get('/api/awards')).json.awards.length, 0);
    assert.equal((await other.get(`/api/awards/${mine[0].id}`)).status, 404);
    assert.equal((await other.post(`/api/awards/${mine[0].id}/revoke`, { reason: 'x' })).status, 404);
    assert.equal((await other.get(`/api/achievements/${mine[0].achievement.id}`)).status, 404);
  });
});

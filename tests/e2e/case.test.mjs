// Competency frameworks end to end: the framework CLI (import, export, list, remove; the
// lossless round trip; reports for bad packages), the public CASE 1.1 provider at
// /ims/case/v1p1/ (shapes, paging, imsx errors), the app API under /api/frameworks (upload as
// an administrator, reports, owners, browsing, search) and /api/alignments.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, Client, cli } from '../lib/server.mjs';
import { assertError, loginAs, rawRequest, asFetchLike, hasCJK } from './lib/util.mjs';
import { newLrs, statement, account } from './lib/xapi.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '..', 'fixtures', 'case');
const fixture = (name) => readFileSync(join(fixtures, name), 'utf8');
const parsed = (name) => JSON.parse(fixture(name));

const DOC_A = '76a7364f-a13b-4463-bcef-9270880bee75';
const DOC_B = 'e5096055-b3b2-40d1-bbbe-02e815aec33a';
const DOC_X = 'f1c8ed82-f270-4021-b3e9-c347cf31d906';
const ITEM_A1 = '7a2d1adc-faa8-42f5-9bca-d96c8bc90448';
const ITEM_B1 = '0b328c2e-4652-4635-a997-b91ce86f3490';
const ITEM_X1 = '36703404-b9c0-4127-9054-a1f2e1556f25';
const ASSOC_A1 = 'bb7292ba-8760-4848-a79e-9a8440ab83b6'; // T.1.1 isChildOf T.1
const UNKNOWN = 'aaaaaaaa-0000-4000-8000-000000000000';
const DEMO_PASSWORD = 'carecampus';
const JSON_CT = { 'content-type': 'application/json' };

let srv;
let admin; // demo college (1)
let teacher;
let student;
let riverside; // admin of the partner college (2)
let anon;

before(async () => {
  srv = await startServer({ demo: true });
  admin = await loginAs(srv, 'admin', DEMO_PASSWORD);
  teacher = await loginAs(srv, 'chen.jing', DEMO_PASSWORD);
  student = await loginAs(srv, 'wang.fang', DEMO_PASSWORD);
  riverside = await loginAs(srv, 'riverside.admin', DEMO_PASSWORD);
  anon = new Client(srv.url);
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

async function frameworks(client = admin) {
  const r = await client.get('/api/frameworks');
  assert.equal(r.status, 200, r.text);
  return r.json.frameworks;
}

/* The framework fixture with one change, as text. */
function mutated(name, change) {
  const p = parsed(name);
  change(p);
  return JSON.stringify(p);
}

describe('carecampus framework (CLI)', () => {
  let dir;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'carecampus-case-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args, input) => cli(args, { dataDir: join(dir, 'data'), input });

  test('import prints what it did; export, import, export gives the same bytes', () => {
    let r = run(['framework', 'import', join(fixtures, 'framework.json')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /imported "基础照护测试框架" \(76a7364f-a13b-4463-bcef-9270880bee75\): 5 items \(5 new/);
    const e1 = join(dir, 'e1.json');
    const e2 = join(dir, 'e2.json');
    r = run(['framework', 'export', DOC_A, '--out', e1]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(readFileSync(e1, 'utf8')), parsed('framework.json'), 'the export is the package imported');
    r = run(['framework', 'import', e1, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.valid, true);
    assert.equal(report.changes.document, 'replaced');
    assert.deepEqual(report.changes.items, { created: 0, updated: 5, removed: 0 });
    r = run(['framework', 'export', DOC_A]);
    assert.equal(r.status, 0, r.stderr);
    writeFileSync(e2, r.stdout);
    assert.equal(readFileSync(e2, 'utf8'), readFileSync(e1, 'utf8'), 'byte for byte');
  });

  test('a new version replaces items and associations; --check writes nothing', () => {
    let r = run(['framework', 'import', '--check', join(fixtures, 'framework-v2.json')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /valid/);
    r = run(['framework', 'export', DOC_A]);
    assert.equal(JSON.parse(r.stdout).CFItems.length, 5, 'unchanged by --check');
    r = run(['framework', 'import', join(fixtures, 'framework-v2.json')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /replaced .*5 items \(1 new, 4 updated, 1 removed\)/);
  });

  test('a hostile package: exit 1, every problem with its path, nothing imported', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, mutated('framework-b.json', (p) => {
      p.CFItems[1].identifier = p.CFItems[0].identifier;
      p.CFItems[0].fullStatement = 7;
      p.CFAssociations[0].destinationNodeURI.identifier = UNKNOWN;
    }));
    let r = run(['framework', 'import', bad]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /nothing was imported/);
    assert.match(r.stderr, /CFItems\[1\]\.identifier: repeats the identifier of CFItems\[0\]/);
    assert.match(r.stderr, /CFItems\[0\]\.fullStatement: must be a string/);
    assert.match(r.stderr, /CFAssociations\[0\]\.destinationNodeURI\.identifier: must be an item of this package/);
    r = run(['framework', 'import', bad, '--json']);
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.valid, false);
    assert.equal(report.imported, false);
    assert.ok(report.errors.some((e) => e.code === 'case_duplicate_id' && e.path === 'CFItems[1].identifier'));
    r = run(['framework', 'list', '--json']);
    assert.ok(!JSON.parse(r.stdout).some((d) => d.identifier === DOC_B));
    writeFileSync(bad, '{"CFDocument": ');
    r = run(['framework', 'import', bad]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not valid JSON/);
  });

  test('list shows bundled and imported frameworks; remove takes only what is removable', () => {
    let r = run(['framework', 'list', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const list = JSON.parse(r.stdout);
    const mine = list.find((d) => d.identifier === DOC_A);
    assert.equal(mine.kind, 'framework');
    assert.equal(mine.bundled, false);
    assert.equal(mine.owner_institution_id, null);
    r = run(['framework', 'list']);
    assert.match(r.stdout, /76a7364f-a13b-4463-bcef-9270880bee75 +framework +5 items/);
    const bundled = list.find((d) => d.bundled);
    if (bundled) {
      r = run(['framework', 'remove', bundled.identifier]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /comes with CareCampus/);
    }
    r = run(['framework', 'remove', UNKNOWN]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no framework has this identifier/);
    r = run(['framework', 'remove', DOC_A]);
    assert.equal(r.status, 0, r.stderr);
    r = run(['framework', 'export', DOC_A]);
    assert.equal(r.status, 1);
  });

  test('usage errors exit 2', () => {
    for (const args of [['framework'], ['framework', 'frobnicate'], ['framework', 'import'],
      ['framework', 'export'], ['framework', 'import', 'a', 'b'], ['framework', 'list', '--bogus'],
      ['framework', 'import', '--institution', 'x', 'f.json']]) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.status} ${r.stderr}`);
      assert.match(r.stderr, /--help/);
    }
    const r = run(['framework', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /framework import/);
  });
});

describe('uploading through the API', () => {
  test('an admin uploads a package: 201 with the report, then 200 when it replaces it', async () => {
    let r = await admin.post('/api/frameworks', fixture('framework.json'), JSON_CT);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.report.valid, true);
    assert.equal(r.json.report.imported, true);
    assert.equal(r.json.report.changes.document, 'created');
    assert.deepEqual(r.json.report.stats, { items: 5, associations: 6, definitions: 2, rubrics: 1 });
    assert.deepEqual(r.json.report.document, { identifier: DOC_A, title: '基础照护测试框架' });
    r = await admin.post('/api/frameworks', fixture('framework.json'), JSON_CT);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.report.changes.document, 'replaced');
    for (const name of ['framework-b.json', 'crosswalk.json']) {
      r = await admin.post('/api/frameworks', fixture(name), JSON_CT);
      assert.equal(r.status, 201, r.text);
    }
    const mine = (await frameworks()).find((d) => d.identifier === DOC_A);
    assert.equal(mine.owner_institution_id, 1);
    assert.equal(mine.mine, true);
    assert.equal(mine.can_delete, true);
    const theirs = (await frameworks(riverside)).find((d) => d.identifier === DOC_A);
    assert.equal(theirs.mine, false, 'frameworks are shared, owned by one college');
    assert.equal(theirs.can_delete, false);
  });

  test('a bad package: 422 with every error and its path, in the caller\'s language; nothing changes', async () => {
    const before = await frameworks();
    const body = mutated('framework-b.json', (p) => {
      p.CFDocument.identifier = 'b2b2b2b2-0000-4000-8000-000000000000';
      p.CFItems[0].identifier = 'NOT-A-UUID';
      p.CFAssociations[1].associationType = 'isParentOf';
      p.CFAssociations.push({ ...p.CFAssociations[0], identifier: 'b2b2b2b2-0000-4000-8000-000000000001', originNodeURI: { ...p.CFAssociations[0].originNodeURI, identifier: p.CFItems[1].identifier }, destinationNodeURI: { ...p.CFAssociations[0].destinationNodeURI, identifier: p.CFItems[1].identifier } });
    });
    // Messages follow the user's language setting.
    const lang = admin.me.lang;
    for (const [l, cjk] of [['en', false], ['zh-CN', true]]) {
      assert.equal((await admin.patch('/api/me', { lang: l })).status, 200);
      const r = await admin.post('/api/frameworks', body, JSON_CT);
      assertError(r, 422, 'case_invalid');
      const { report } = r.json;
      assert.equal(report.valid, false);
      assert.equal(report.imported, false);
      assert.equal(report.changes, null);
      const paths = report.errors.map((e) => `${e.path} ${e.code}`);
      assert.ok(paths.includes('CFItems[0].identifier case_uuid'), paths.join('\n'));
      assert.ok(paths.includes('CFAssociations[1].associationType case_association_type'), paths.join('\n'));
      assert.ok(paths.includes('CFAssociations[2] case_child_cycle'), paths.join('\n'));
      assert.equal(report.error_count, report.errors.length);
      assert.equal(hasCJK(report.errors[0].message), cjk, report.errors[0].message);
      assert.equal(hasCJK(r.json.error.message), cjk);
    }
    assert.equal((await admin.patch('/api/me', { lang })).status, 200);
    assert.deepEqual(await frameworks(), before);
  });

  test('a file that is not JSON is a 400 with the report', async () => {
    const r = await admin.post('/api/frameworks', '{"CFDocument": {"title": "x",', JSON_CT);
    assertError(r, 400, 'case_invalid');
    assert.equal(r.json.report.errors[0].code, 'case_bad_json');
    assert.match(r.json.report.errors[0].message, /line 1/);
  });

  test('?check=1 reports without importing', async () => {
    const body = mutated('framework-b.json', (p) => { p.CFDocument.identifier = 'c3c3c3c3-0000-4000-8000-000000000000'; p.CFItems = []; p.CFAssociations = []; });
    const r = await admin.post('/api/frameworks?check=1', body, JSON_CT);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.report.valid, true);
    assert.equal(r.json.report.imported, false);
    assert.ok(!(await frameworks()).some((d) => d.identifier === 'c3c3c3c3-0000-4000-8000-000000000000'));
  });

  test('another college cannot replace a college\'s framework', async () => {
    const r = await riverside.post('/api/frameworks', fixture('framework-b.json'), JSON_CT);
    assertError(r, 422, 'case_invalid');
    assert.equal(r.json.report.errors[0].code, 'case_document_not_yours');
    assert.equal(r.json.report.errors[0].path, 'CFDocument.identifier');
  });

  test('teachers, students and visitors cannot upload; the body must be JSON; CSRF applies', async () => {
    assertError(await student.post('/api/frameworks', fixture('framework-b.json'), JSON_CT), 403, 'forbidden');
    assertError(await teacher.post('/api/frameworks', fixture('framework-b.json'), JSON_CT), 403, 'forbidden');
    assertError(await anon.post('/api/frameworks', fixture('framework-b.json'), JSON_CT), 401, 'unauthenticated');
    assertError(await admin.post('/api/frameworks', fixture('framework-b.json'), { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    const noCsrf = new Client(srv.url);
    noCsrf.cookie = admin.cookie;
    assertError(await noCsrf.post('/api/frameworks', fixture('framework-b.json'), JSON_CT), 403, 'csrf_failed');
  });

  test('packages beyond 1 MiB are accepted on this route; beyond 32 MiB refused with 413', async () => {
    const p = parsed('framework-b.json');
    p.CFDocument.identifier = 'd4d4d4d4-0000-4000-8000-000000000000';
    const item = p.CFItems[0];
    p.CFItems = [];
    p.CFAssociations = [];
    for (let i = 0; i < 3000; i++) {
      const id = `d4d4d4d4-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
      p.CFItems.push({ ...item, identifier: id, humanCodingScheme: `BIG.${i}`, notes: 'n'.repeat(400) });
      p.CFAssociations.push({
        identifier: `d5d5d5d5-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, uri: 'https://example.org/a',
        associationType: 'isChildOf', originNodeURI: { title: 'i', identifier: id, uri: 'https://example.org/i' },
        destinationNodeURI: { title: 'd', identifier: p.CFDocument.identifier, uri: 'https://example.org/d' },
        lastChangeDateTime: '2026-11-01T00:00:00+00:00',
      });
    }
    const body = JSON.stringify(p);
    assert.ok(body.length > 2 * 1024 * 1024);
    let r = await admin.post('/api/frameworks', body, JSON_CT);
    assert.equal(r.status, 201, r.text.slice(0, 500));
    assert.equal(r.json.report.stats.items, 3000);
    r = await admin.get(`/api/frameworks/${p.CFDocument.identifier}/package`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, p);
    assert.equal((await admin.del(`/api/frameworks/${p.CFDocument.identifier}`)).status, 204);
    const raw = await rawRequest(srv.port,
      `POST /api/frameworks HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\n`
      + `Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${32 * 1024 * 1024 + 1}\r\n\r\n`);
    assertError(asFetchLike(raw), 413, 'payload_too_large');
  });
});

describe('the CASE 1.1 provider (/ims/case/v1p1)', () => {
  const P = '/ims/case/v1p1';

  function assertImsx(r, status, minor) {
    assert.equal(r.status, status, r.text);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(r.json.imsx_codeMajor, 'failure');
    assert.equal(r.json.imsx_severity, 'error');
    assert.equal(typeof r.json.imsx_description, 'string');
    assert.equal(r.json.imsx_codeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue, minor);
  }

  test('CFDocuments: every document with its CFPackageURI, no login needed', async () => {
    const r = await anon.get(`${P}/CFDocuments`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(Object.keys(r.json), ['CFDocuments']);
    const docs = r.json.CFDocuments;
    assert.equal(Number(r.headers.get('x-total-count')), docs.length);
    const a = docs.find((d) => d.identifier === DOC_A);
    assert.ok(a, 'the uploaded framework is published');
    assert.deepEqual(a.CFPackageURI, { title: a.title, identifier: DOC_A, uri: `http://127.0.0.1:${srv.port}${P}/CFPackages/${DOC_A}` });
    for (const d of docs) for (const k of ['identifier', 'uri', 'creator', 'title', 'lastChangeDateTime']) assert.ok(k in d, `${d.identifier}: ${k}`);
  });

  test('CFDocuments pages with limit and offset, sorts, and says how many there are', async () => {
    const all = (await anon.get(`${P}/CFDocuments?sort=identifier`)).json.CFDocuments.map((d) => d.identifier);
    assert.deepEqual(all, [...all].sort());
    const desc = (await anon.get(`${P}/CFDocuments?sort=identifier&orderBy=desc`)).json.CFDocuments.map((d) => d.identifier);
    assert.deepEqual(desc, [...all].reverse());
    const r = await anon.get(`${P}/CFDocuments?sort=identifier&limit=2&offset=1`);
    assert.deepEqual(r.json.CFDocuments.map((d) => d.identifier), all.slice(1, 3));
    assert.equal(Number(r.headers.get('x-total-count')), all.length);
    assert.match(r.headers.get('link'), /rel="first"/);
    assert.match(r.headers.get('link'), /offset=0&sort=identifier>; rel="prev"/);
    assertImsx(await anon.get(`${P}/CFDocuments?sort=colour`), 400, 'invalid_sort_field');
    assertImsx(await anon.get(`${P}/CFDocuments?orderBy=up`), 400, 'invalid_selection_field');
    assertImsx(await anon.get(`${P}/CFDocuments?limit=0`), 400, 'invalid_selection_field');
    assertImsx(await anon.get(`${P}/CFDocuments?limit=-1`), 400, 'invalid_selection_field');
    assertImsx(await anon.get(`${P}/CFDocuments?offset=x`), 400, 'invalid_selection_field');
    assertImsx(await anon.get(`${P}/CFDocuments?filter=title%3D'x'`), 400, 'invalid_selection_field');
  });

  test('CFPackages gives the package as imported', async () => {
    const r = await anon.get(`${P}/CFPackages/${DOC_A}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, parsed('framework.json'));
    const x = await anon.get(`${P}/CFPackages/${DOC_X}`);
    assert.deepEqual(x.json, parsed('crosswalk.json'));
  });

  test('CFDocuments, CFItems, CFAssociations and CFItemAssociations by identifier', async () => {
    let r = await anon.get(`${P}/CFDocuments/${DOC_A}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.title, '基础照护测试框架');
    assert.equal(r.json.CFPackageURI.identifier, DOC_A);
    r = await anon.get(`${P}/CFItems/${ITEM_A1}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.humanCodingScheme, 'T.1.1');
    assert.deepEqual(r.json.CFDocumentURI, { title: '基础照护测试框架', identifier: DOC_A, uri: `https://example.org/case/CFDocuments/${DOC_A}` });
    r = await anon.get(`${P}/CFAssociations/${ASSOC_A1}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.associationType, 'isChildOf');
    assert.equal(r.json.CFDocumentURI.identifier, DOC_A);
    r = await anon.get(`${P}/CFItemAssociations/${ITEM_A1}`);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json).sort(), ['CFAssociations', 'CFItem']);
    assert.equal(r.json.CFItem.identifier, ITEM_A1);
    const types = r.json.CFAssociations.map((a) => a.associationType).sort();
    assert.deepEqual(types, ['exactMatchOf', 'isChildOf', 'precedes'], 'its own and the crosswalk\'s');
  });

  test('unknown identifiers are 404 unknownobject, malformed ones 400 invalid_uuid', async () => {
    for (const kind of ['CFDocuments', 'CFPackages', 'CFItems', 'CFAssociations', 'CFItemAssociations']) {
      assertImsx(await anon.get(`${P}/${kind}/${UNKNOWN}`), 404, 'unknownobject');
      assertImsx(await anon.get(`${P}/${kind}/not-a-uuid`), 400, 'invalid_uuid');
      assertImsx(await anon.get(`${P}/${kind}/${DOC_A.toUpperCase()}`), 400, 'invalid_uuid');
    }
    assertImsx(await anon.get(`${P}/CFItems/${DOC_A}`), 404, 'unknownobject'); // a document is no item
    const r = await anon.post(`${P}/CFDocuments`, '{}', JSON_CT);
    assert.equal(r.status, 405);
    assert.equal((await anon.get(`${P}/CFSomething/${DOC_A}`)).status, 404);
  });
});

describe('browsing frameworks (/api/frameworks)', () => {
  test('everyone who is logged in sees the list and the tree; visitors do not', async () => {
    for (const c of [admin, teacher, student]) {
      const list = await frameworks(c);
      assert.ok(list.some((d) => d.identifier === DOC_A && d.kind === 'framework' && d.item_count === 5));
      assert.ok(list.some((d) => d.identifier === DOC_X && d.kind === 'crosswalk'));
    }
    assertError(await anon.get('/api/frameworks'), 401, 'unauthenticated');
    const r = await student.get(`/api/frameworks/${DOC_A}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.document.identifier, DOC_A);
    assert.equal(r.json.document.translations.en.title, 'Basic care test framework');
    assert.deepEqual(r.json.items.map((i) => [i.human_coding, i.depth]), [['T.1', 0], ['T.1.1', 1], ['T.1.2', 1], ['T.2', 0], ['T.2.1', 1]]);
    assertError(await student.get(`/api/frameworks/${UNKNOWN}`), 404, 'not_found');
    assertError(await student.get('/api/frameworks/nope'), 404, 'not_found');
  });

  test('an item: its path, children, crosswalk matches side by side', async () => {
    const r = await student.get(`/api/frameworks/items/${ITEM_A1}`);
    assert.equal(r.status, 200, r.text);
    const d = r.json;
    assert.equal(d.item.human_coding, 'T.1.1');
    assert.equal(d.item.critical, true);
    assert.deepEqual(d.item.levels, [5, 4, 3]);
    assert.equal(d.document.identifier, DOC_A);
    assert.deepEqual(d.path.map((p) => p.human_coding), ['T.1']);
    const exact = d.associations.find((a) => a.type === 'exactMatchOf');
    assert.equal(exact.direction, 'in');
    assert.equal(exact.other.identifier, ITEM_X1);
    assert.equal(exact.other.item.translations.en.fullStatement, 'Hand hygiene (handwashing)');
    assert.equal(exact.other.document.identifier, DOC_B);
    assert.equal(exact.source.identifier, DOC_X);
    const parent = await student.get(`/api/frameworks/items/${d.path[0].identifier}`);
    assert.deepEqual(parent.json.children.map((c) => c.human_coding), ['T.1.1', 'T.1.2']);
    const related = (await student.get(`/api/frameworks/items/${ITEM_B1}`)).json.associations[0];
    assert.equal(related.type, 'isRelatedTo');
    assert.match(related.translations['zh-CN'].notes, /节律/);
    assertError(await student.get(`/api/frameworks/items/${UNKNOWN}`), 404, 'not_found');
  });

  test('search finds items in both languages', async () => {
    let r = await student.get('/api/frameworks/search?q=hand%20hygiene');
    assert.equal(r.status, 200);
    const found = r.json.items.map((i) => i.identifier);
    assert.ok(found.includes(ITEM_A1) && found.includes(ITEM_X1), found.join(' '));
    r = await student.get(`/api/frameworks/search?q=${encodeURIComponent('手卫生')}&document=${DOC_A}`);
    assert.deepEqual(r.json.items.map((i) => i.human_coding), ['T.1.1']);
    assert.equal(r.json.items[0].document.identifier, DOC_A);
    r = await student.get('/api/frameworks/search?q=');
    assert.deepEqual(r.json.items, []);
    assertError(await student.get(`/api/frameworks/search?q=${'x'.repeat(201)}`), 400, 'bad_request', 'q');
    assertError(await student.get('/api/frameworks/search?q=a&document=x'), 400, 'bad_request', 'document');
  });

  test('the package downloads as a file', async () => {
    const r = await teacher.get(`/api/frameworks/${DOC_B}/package`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-disposition'), /attachment; filename="case-e5096055-b3b2-40d1-bbbe-02e815aec33a\.json"/);
    assert.deepEqual(r.json, parsed('framework-b.json'));
  });

  test('only the owning college\'s admin removes a framework; bundled ones stay', async () => {
    assertError(await riverside.del(`/api/frameworks/${DOC_B}`), 403, 'forbidden');
    assertError(await teacher.del(`/api/frameworks/${DOC_B}`), 403, 'forbidden');
    const bundled = (await frameworks()).find((d) => d.bundled);
    if (bundled) {
      const r = await admin.del(`/api/frameworks/${bundled.identifier}`);
      assertError(r, 403, 'forbidden');
      assert.match(r.json.error.message, /comes with CareCampus|随 CareCampus 提供/);
    }
    const r = await admin.del(`/api/frameworks/${DOC_B}`);
    assert.equal(r.status, 204);
    assertError(await admin.del(`/api/frameworks/${DOC_B}`), 404, 'not_found');
    assert.equal((await anon.get(`/ims/case/v1p1/CFItems/${ITEM_X1}`)).status, 404);
    // The crosswalk still points at it; the item detail says what it cannot show.
    const d = (await student.get(`/api/frameworks/items/${ITEM_A1}`)).json;
    const exact = d.associations.find((a) => a.type === 'exactMatchOf');
    assert.equal(exact.other.item, null);
    assert.equal(exact.other.title, 'Handwashing');
    assert.equal((await admin.post('/api/frameworks', fixture('framework-b.json'), JSON_CT)).status, 201);
  });
});

describe('alignments (/api/alignments)', () => {
  const ACT = 'https://vr.example.org/activities/hand-washing-sim';

  test('an admin aligns an external activity to an item, lists and removes it', async () => {
    let r = await admin.post('/api/alignments', { activity: ACT, item: ITEM_A1 });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.alignment, { activity: ACT, item: ITEM_A1, created: true });
    r = await admin.post('/api/alignments', { activity: ACT, item: ITEM_A1 });
    assert.equal(r.status, 200);
    assert.equal(r.json.alignment.created, false);
    assert.equal((await admin.post('/api/alignments', { activity: ACT, item: ITEM_B1 })).status, 201);
    r = await admin.get(`/api/alignments?activity=${encodeURIComponent(ACT)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.alignments.map((a) => a.item.human_coding).sort(), ['T.1.1', 'T.2.1']);
    assert.ok(r.json.alignments.every((a) => a.source === 'admin' && a.activity === ACT));
    r = await admin.get(`/api/alignments?item=${ITEM_A1}`);
    assert.deepEqual(r.json.alignments.map((a) => a.activity), [ACT]);
    // The item's detail shows the activity to everyone of the college, not to another college.
    assert.deepEqual((await student.get(`/api/frameworks/items/${ITEM_A1}`)).json.alignments.map((a) => a.activity), [ACT]);
    assert.deepEqual((await riverside.get(`/api/frameworks/items/${ITEM_A1}`)).json.alignments, []);
    assert.deepEqual((await riverside.get(`/api/alignments?item=${ITEM_A1}`)).json.alignments, []);
    r = await admin.del(`/api/alignments?activity=${encodeURIComponent(ACT)}&item=${ITEM_B1}`);
    assert.equal(r.status, 204);
    assertError(await admin.del(`/api/alignments?activity=${encodeURIComponent(ACT)}&item=${ITEM_B1}`), 404, 'not_found');
    assertError(await riverside.del(`/api/alignments?activity=${encodeURIComponent(ACT)}&item=${ITEM_A1}`), 404, 'not_found');
  });

  test('bad activities and unknown items are refused with the field named', async () => {
    assertError(await admin.post('/api/alignments', { activity: 'not an iri', item: ITEM_A1 }), 422, 'invalid_field', 'activity');
    assertError(await admin.post('/api/alignments', { activity: `https://x.org/${'a'.repeat(2100)}`, item: ITEM_A1 }), 422, 'invalid_field', 'activity');
    assertError(await admin.post('/api/alignments', { item: ITEM_A1 }), 422, 'invalid_field', 'activity');
    assertError(await admin.post('/api/alignments', { activity: ACT, item: UNKNOWN }), 422, 'invalid_field', 'item');
    assertError(await admin.post('/api/alignments', { activity: ACT }), 422, 'invalid_field', 'item');
    assertError(await admin.get('/api/alignments'), 400, 'bad_request');
    assertError(await admin.get(`/api/alignments?activity=${encodeURIComponent(ACT)}&item=${ITEM_A1}`), 400, 'bad_request');
    assertError(await admin.get('/api/alignments?activity=nope'), 400, 'bad_request', 'activity');
  });

  test('only administrators manage alignments', async () => {
    for (const c of [teacher, student]) {
      assertError(await c.get(`/api/alignments?item=${ITEM_A1}`), 403, 'forbidden');
      assertError(await c.post('/api/alignments', { activity: ACT, item: ITEM_A1 }), 403, 'forbidden');
      assertError(await c.del(`/api/alignments?activity=${encodeURIComponent(ACT)}&item=${ITEM_A1}`), 403, 'forbidden');
      assertError(await c.get('/api/alignments/activities'), 403, 'forbidden');
    }
  });

  test('the activities the LRS knows, most recent first, searchable by name', async () => {
    const lrs = newLrs(srv, { scopes: ['all'], institution: 1, name: 'vr lab' });
    const learner = account('wang.fang', 'https://lrs.carecampus.invalid/users');
    const act = (id, en, zh) => ({ objectType: 'Activity', id, definition: { name: { 'en-US': en, 'zh-CN': zh } } });
    await lrs.store(statement({ actor: learner, object: act('https://vr.example.org/activities/bed-bath', 'Bed bath simulation', '床上擦浴模拟') }));
    await lrs.store(statement({ actor: learner, object: act(ACT, 'Hand washing simulation', '洗手模拟') }));
    let r = await admin.get('/api/alignments/activities');
    assert.equal(r.status, 200, r.text);
    const ids = r.json.activities.map((a) => a.id);
    assert.deepEqual(ids.slice(0, 2), [ACT, 'https://vr.example.org/activities/bed-bath']);
    assert.equal(r.json.activities[0].alignment_count, 1);
    assert.equal(r.json.activities[0].name['zh-CN'], '洗手模拟');
    r = await admin.get(`/api/alignments/activities?q=${encodeURIComponent('擦浴')}`);
    assert.deepEqual(r.json.activities.map((a) => a.id), ['https://vr.example.org/activities/bed-bath']);
    r = await riverside.get('/api/alignments/activities');
    assert.ok(!r.json.activities.some((a) => a.id === ACT), 'another college\'s LRS');
  });
});

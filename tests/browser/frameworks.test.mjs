// The framework browser and the alignment editor, in both languages, at laptop and tablet size:
// the list, a framework's tree (mouse and keyboard), search, an item with its crosswalk matches
// side by side and its aligned activities, a crosswalk, uploading a bad and a good package
// (the report), deleting, and aligning an activity. Screenshots in build/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../lib/server.mjs';
import { newLrs, statement, account } from '../e2e/lib/xapi.mjs';
import {
  startDemoServer, stopDemoServer, launch, openPage, assertNoProblems, assertNoRawKeys, assertNoHorizontalOverflow,
  allKeys, gotoPage, chooseLang, login, screenshot, settled, SIZES, LANGS, PASSWORD, root,
} from './lib.mjs';

const fixtures = join(root, 'tests', 'fixtures', 'case');
const fixture = (name) => readFileSync(join(fixtures, name), 'utf8');
const DOC_A = '76a7364f-a13b-4463-bcef-9270880bee75';
const DOC_B = 'e5096055-b3b2-40d1-bbbe-02e815aec33a';
const DOC_X = 'f1c8ed82-f270-4021-b3e9-c347cf31d906';
const ITEM_A1 = '7a2d1adc-faa8-42f5-9bca-d96c8bc90448';
const ITEM_B1 = '0b328c2e-4652-4635-a997-b91ce86f3490';
const ACT = 'https://vr.example.org/activities/hand-washing-sim';
const JSON_CT = { 'content-type': 'application/json' };

let server;
let browser;
let api;
const keys = allKeys();
const dialog = (page) => page.locator('dialog[open]');

before(async () => {
  server = await startDemoServer();
  browser = await launch();
  api = new Client(server.url);
  assert.equal((await api.login('admin', PASSWORD)).status, 200);
  for (const name of ['framework.json', 'framework-b.json', 'crosswalk.json']) {
    const r = await api.post('/api/frameworks', fixture(name), JSON_CT);
    assert.ok([200, 201].includes(r.status), `${name}: ${r.status} ${r.text.slice(0, 300)}`);
  }
  assert.equal((await api.post('/api/alignments', { activity: ACT, item: ITEM_A1 })).status, 201);
  const lrs = newLrs({ url: server.url, dataDir: server.dataDir }, { scopes: ['all'], institution: 1, name: 'vr lab' });
  const learner = account('wang.fang', 'https://lrs.carecampus.invalid/users');
  await lrs.store(statement({ actor: learner, object: { objectType: 'Activity', id: ACT, definition: { name: { 'en-US': 'Hand washing simulation', 'zh-CN': '洗手模拟' } } } }));
  await lrs.store(statement({ actor: learner, object: { objectType: 'Activity', id: 'https://vr.example.org/activities/bed-bath', definition: { name: { 'en-US': 'Bed bath simulation', 'zh-CN': '床上擦浴模拟' } } } }));
});

after(async () => {
  await browser?.close();
  await stopDemoServer(server);
});

async function check(page, name, where, { fullPage = true } = {}) {
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header at the top of the picture
  await assertNoRawKeys(page, keys, where);
  await assertNoHorizontalOverflow(page, where);
  const clipped = await page.evaluate(() => [...document.querySelectorAll('#main .table-wrap')]
    .filter((w) => w.scrollWidth > w.clientWidth + 1).length);
  assert.equal(clipped, 0, `a table scrolls sideways ${where}`);
  assertNoProblems(page, where);
  await screenshot(page, name, { fullPage });
}

async function loginAs(page, who, lang) {
  await gotoPage(page, server.url, '/login');
  await chooseLang(page, lang);
  await login(page, server.url, who);
  await chooseLang(page, lang);
}

const detailTitle = (page) => page.locator('.fw-detail .fw-item-title');

for (const lang of LANGS) {
  test(`an admin browses frameworks: list, tree, item, matches, crosswalk (${lang})`, async () => {
    const { context, page } = await openPage(browser);
    try {
      await loginAs(page, 'admin', lang);
      assert.ok((await page.$$eval('#site-nav a', (as) => as.map((a) => a.getAttribute('href')))).includes('/frameworks'));
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await gotoPage(page, server.url, '/frameworks');
        assert.equal(await page.locator('h1').count(), 1);
        assert.ok(await page.locator(`#main a[data-doc="${DOC_A}"]`).count() === 1, 'the uploaded framework is listed');
        assert.ok(await page.locator('[data-action="upload"]').count() === 1, 'an admin may upload');
        await check(page, `admin-frameworks-${lang}-${size.width}`, `on /frameworks ${lang} ${size.width}`);
      }
      await page.setViewportSize(SIZES[0]);
      await page.click(`#main a[data-doc="${DOC_A}"]`);
      await page.waitForURL((u) => u.pathname === `/frameworks/${DOC_A}`);
      await settled(page);
      const titleText = lang === 'en' ? 'Basic care test framework' : '基础照护测试框架';
      assert.equal((await page.locator('h1').innerText()).trim(), titleText, 'the title in the UI language');
      // The top level is open, deeper levels closed; codes, level and critical tags show.
      const top = page.locator('[role="tree"] > [role="treeitem"]');
      assert.equal(await top.count(), 2);
      assert.equal(await top.first().getAttribute('aria-expanded'), 'true');
      const a1 = page.locator(`[role="treeitem"][data-id="${ITEM_A1}"]`);
      assert.equal(await a1.locator('.tag-critical').count(), 1);
      assert.match(await a1.locator('.tag-level').innerText(), lang === 'en' ? /Levels 5–3/ : /五级至三级/);
      assert.match(await a1.locator('.tree-label').innerText(), lang === 'en' ? /Hand hygiene/ : /手卫生/);

      // Keyboard: into the tree, down, close and open with the arrows, Enter chooses.
      await top.first().focus();
      await page.keyboard.press('ArrowLeft');
      assert.equal(await top.first().getAttribute('aria-expanded'), 'false');
      await page.keyboard.press('ArrowRight');
      assert.equal(await top.first().getAttribute('aria-expanded'), 'true');
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.evaluate(() => document.activeElement.dataset.code), 'T.1.1');
      await page.keyboard.press('End'); // the last visible item: the last child of T.2
      await page.keyboard.press('ArrowLeft'); // a leaf: to its parent
      assert.equal(await page.evaluate(() => document.activeElement.dataset.code), 'T.2');
      await page.keyboard.press('ArrowLeft');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-expanded')), 'false');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement.dataset.code), 'T.2.1');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('.fw-detail .fw-item-title'));
      assert.match(await detailTitle(page).innerText(), /T\.2\.1/);
      assert.equal(await page.locator(`[role="treeitem"][data-code="T.2.1"]`).getAttribute('aria-selected'), 'true');
      assert.equal(new URL(page.url()).searchParams.get('item'), ITEM_B1, 'the address keeps the item');
      // The partial match and what differs.
      const related = page.locator('.match[data-relation="isRelatedTo"]');
      assert.equal(await related.count(), 1);
      assert.match(await related.locator('.match-note').innerText(), lang === 'en' ? /60 seconds/ : /节律/);

      // Hand hygiene from the address: the exact match side by side, and the aligned activity.
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await gotoPage(page, server.url, `/frameworks/${DOC_A}?item=${ITEM_A1}`);
        await page.waitForFunction(() => document.querySelector('.fw-detail .match'));
        const exact = page.locator('.match[data-relation="exactMatchOf"]');
        assert.equal(await exact.count(), 1);
        assert.match(await exact.locator('.match-other').innerText(), lang === 'en' ? /Handwashing/ : /洗手/);
        assert.match(await exact.locator('.match-this').innerText(), lang === 'en' ? /Hand hygiene/ : /手卫生/);
        assert.match(await page.locator('.fw-aligned').innerText(), lang === 'en' ? /Hand washing simulation/ : /洗手模拟/);
        assert.equal(await page.locator('.fw-path a').count(), 1, 'the parent path');
        await check(page, `admin-framework-item-${lang}-${size.width}`, `on the item ${lang} ${size.width}`);
      }

      // Search within the framework, in the other language too; a result opens its item.
      await page.setViewportSize(SIZES[0]);
      await page.fill('[data-search="framework"]', lang === 'en' ? 'oral' : '口腔');
      await page.waitForSelector('.fw-tree-card .search-result a');
      await page.click('.fw-tree-card .search-result a');
      await page.waitForFunction(() => /T\.1\.2/.test(document.querySelector('.fw-detail .fw-item-title')?.innerText || ''));
      assert.equal(await page.locator('[role="treeitem"][data-code="T.1.2"]').getAttribute('aria-selected'), 'true');

      // Following the match into the other framework.
      await gotoPage(page, server.url, `/frameworks/${DOC_A}?item=${ITEM_A1}`);
      await page.waitForSelector('.match-other a');
      await page.click('.match-other a');
      await page.waitForURL((u) => u.pathname === `/frameworks/${DOC_B}`);
      await settled(page);
      await page.waitForFunction(() => /NT\.1/.test(document.querySelector('.fw-detail .fw-item-title')?.innerText || ''));
      assertNoProblems(page, 'following a match');

      // A crosswalk is a table of links with the notes.
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await gotoPage(page, server.url, `/frameworks/${DOC_X}`);
        assert.equal(await page.locator('#main tbody tr').count(), 3);
        assert.equal(await page.locator('#main [data-relation="exactMatchOf"]').count(), 1);
        await check(page, `admin-crosswalk-${lang}-${size.width}`, `on the crosswalk ${lang} ${size.width}`);
      }
      // The search of all frameworks on the list.
      await gotoPage(page, server.url, '/frameworks');
      await page.fill('[data-search="all"]', 'hand hygiene');
      await page.waitForSelector(`.search-result a[data-item="${ITEM_A1}"]`);
      await check(page, `admin-frameworks-search-${lang}-1366`, `searching all ${lang}`);
    } finally { await context.close(); }
  });

  test(`an admin uploads packages and reads the report (${lang})`, async () => {
    const { context, page } = await openPage(browser);
    try {
      await loginAs(page, 'admin', lang);
      await gotoPage(page, server.url, '/frameworks');
      await page.click('[data-action="upload"]');
      await dialog(page).waitFor();
      // No file: the field says so.
      await dialog(page).locator('button[type="submit"]').click();
      assert.equal(await dialog(page).locator('.field.has-error').count(), 1);
      // A hostile package: every problem with its path; nothing imported.
      const bad = JSON.parse(fixture('framework-b.json'));
      bad.CFDocument.identifier = 'b2b2b2b2-0000-4000-8000-000000000000';
      bad.CFItems[1].identifier = bad.CFItems[0].identifier;
      bad.CFAssociations[0].sequenceNumber = 'first';
      bad.CFItems[0].colour = 'blue';
      await dialog(page).locator('input[type="file"]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
      await dialog(page).locator('button[type="submit"]').click();
      await dialog(page).locator('.report-errors').waitFor();
      const errs = await dialog(page).locator('.report-errors .report-path').allInnerTexts();
      assert.ok(errs.includes('CFItems[1].identifier'), errs.join(' '));
      assert.ok(errs.includes('CFAssociations[0].sequenceNumber'), errs.join(' '));
      assert.equal(await dialog(page).locator('.report-warnings').count(), 1);
      assert.match(await dialog(page).locator('.report-errors').innerText(), lang === 'en' ? /not imported/ : /未导入/);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await check(page, `admin-framework-upload-errors-${lang}-${size.width}`, `upload report ${lang} ${size.width}`, { fullPage: false });
      }
      await page.setViewportSize(SIZES[0]);
      // The new version of a framework: what changed.
      await dialog(page).locator('input[type="file"]').setInputFiles({ name: 'framework-v2.json', mimeType: 'application/json', buffer: Buffer.from(fixture(lang === 'en' ? 'framework-v2.json' : 'framework.json')) });
      await dialog(page).locator('button[type="submit"]').click();
      await dialog(page).locator('.report-done').waitFor();
      assert.match(await dialog(page).locator('.report-done').innerText(), lang === 'en' ? /replaced.*\n?.*5 items/s : /已用新版本替换/);
      await check(page, `admin-framework-upload-done-${lang}-1366`, `upload done ${lang}`, { fullPage: false });
      await dialog(page).locator('.dialog-close').click();
      assertNoProblems(page, 'after the upload');
      // The next tests expect the first version.
      assert.equal((await api.post('/api/frameworks', fixture('framework.json'), JSON_CT)).status, 200);
    } finally { await context.close(); }
  });

  test(`an admin aligns an activity to framework items (${lang})`, async () => {
    const { context, page } = await openPage(browser);
    try {
      await loginAs(page, 'admin', lang);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await gotoPage(page, server.url, '/alignments');
        assert.equal(await page.locator('.act-pick').count() >= 2, true);
        await check(page, `admin-alignments-${lang}-${size.width}`, `on /alignments ${lang} ${size.width}`);
      }
      await page.setViewportSize(SIZES[0]);
      await page.click('.act-pick[data-activity="https://vr.example.org/activities/bed-bath"]');
      await page.waitForSelector('[data-search="items"]');
      assert.match(await page.locator('.align-panel .card-title').innerText(), lang === 'en' ? /Bed bath simulation/ : /床上擦浴模拟/);
      await page.fill('[data-search="items"]', 'T.1.2'); // the exact code comes first
      await page.waitForSelector('[data-action="align"]');
      await page.click('[data-action="align"]');
      await page.waitForSelector('.aligned-row');
      assert.match(await page.locator('.aligned-row').first().innerText(), /T\.1\.2/);
      const list = await api.get(`/api/alignments?activity=${encodeURIComponent('https://vr.example.org/activities/bed-bath')}`);
      assert.equal(list.json.alignments.length, 1);
      await check(page, `admin-alignments-chosen-${lang}-1366`, `an activity chosen ${lang}`);
      await page.click('[data-action="unalign"]');
      await page.waitForFunction(() => !document.querySelector('.aligned-row'));
      assert.equal((await api.get(`/api/alignments?activity=${encodeURIComponent('https://vr.example.org/activities/bed-bath')}`)).json.alignments.length, 0);
      // An activity that has sent nothing yet, by its IRI; a bad IRI is refused.
      await page.fill('[data-input="activity-iri"]', 'not an iri');
      await page.click('.iri-form button[type="submit"]');
      assert.equal(await page.locator('.iri-form.has-error').count(), 1);
      await page.fill('[data-input="activity-iri"]', 'https://h5p.example.org/quiz/7');
      await page.click('.iri-form button[type="submit"]');
      await page.waitForFunction(() => /h5p\.example\.org\/quiz\/7/.test(document.querySelector('.align-panel .act-iri')?.innerText || ''));
      assertNoProblems(page, 'aligning');
    } finally { await context.close(); }
  });
}

test('an admin deletes a framework of the college', async () => {
  const { context, page } = await openPage(browser);
  try {
    await loginAs(page, 'admin', 'en');
    await gotoPage(page, server.url, '/frameworks');
    await page.click(`[data-action="delete"][data-doc="${DOC_B}"]`);
    await dialog(page).waitFor();
    await dialog(page).locator('.btn-danger').click();
    await page.waitForFunction((id) => !document.querySelector(`#main a[data-doc="${id}"]`), DOC_B);
    assert.equal((await api.get(`/api/frameworks/${DOC_B}`)).status, 404);
    assert.equal(await page.locator('[data-action="delete"][data-source="bundled"]').count(), 0);
    assertNoProblems(page, 'deleting');
    assert.equal((await api.post('/api/frameworks', fixture('framework-b.json'), JSON_CT)).status, 201);
  } finally { await context.close(); }
});

for (const lang of LANGS) {
  test(`a student browses frameworks but neither uploads nor aligns (${lang})`, async () => {
    const { context, page } = await openPage(browser);
    try {
      await loginAs(page, 'wang.fang', lang);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await gotoPage(page, server.url, '/frameworks');
        assert.equal(await page.locator('[data-action="upload"], [data-action="delete"]').count(), 0);
        await check(page, `student-frameworks-${lang}-${size.width}`, `student /frameworks ${lang} ${size.width}`);
        await gotoPage(page, server.url, `/frameworks/${DOC_A}?item=${ITEM_A1}`);
        await page.waitForFunction(() => document.querySelector('.fw-detail .fw-item-title'));
        assert.equal(await page.locator('[data-action="align"]').count(), 0);
        await check(page, `student-framework-item-${lang}-${size.width}`, `student item ${lang} ${size.width}`);
      }
      await gotoPage(page, server.url, '/alignments');
      assert.equal(await page.locator('.act-pick, [data-search="items"]').count(), 0, 'no alignment editor');
      assertNoProblems(page, 'student on /alignments');
    } finally { await context.close(); }
  });
}

// The digital-literacy test in the browser, in both languages at laptop and tablet size: a
// student takes a practice test through every item type (choices, ordering with the arrow
// buttons, a simulated screen with its sub-screens, all by keyboard too), with feedback, a
// resume after a reload, larger text and the live region, to the result (level, meaning,
// profile table with bars, learning path); a certified test shows no feedback; a teacher reads
// the class profile and item statistics; an administrator filters, previews, retires and
// restores questions, imports a bank file (a bad one with its report, then a good one), runs a
// calibration and changes the settings.
// Screenshots: build/screenshots/literacy-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../lib/server.mjs';
import {
  root, startDemoServer, stopDemoServer, launch, openPage, assertNoProblems, assertNoRawKeys, assertNoHorizontalOverflow,
  allKeys, gotoPage, chooseLang, login, screenshot, settled, SIZES, LANGS, PASSWORD,
} from './lib.mjs';

const FIX = join(root, 'tests', 'fixtures', 'literacy');
const bankText = readFileSync(join(FIX, 'bank.json'), 'utf8');
const keys = allKeys();

let server;
let browser;
let admin;
let classId;

before(async () => {
  server = await startDemoServer();
  browser = await launch();
  admin = new Client(server.url);
  assert.equal((await admin.login('admin', PASSWORD)).status, 200);
  const imp = await admin.post('/api/literacy/items/import', JSON.parse(bankText));
  assert.equal(imp.status, 201, imp.text);
  // Only the fixture bank in use (it has every item type in every area), and short tests.
  const all = (await admin.get('/api/literacy/items')).json.items;
  for (const it of all) if (!/-9\d\d$/.test(it.id)) assert.equal((await admin.post(`/api/literacy/items/${it.id}/retire`)).status, 200);
  assert.equal((await admin.put('/api/literacy/settings', { min_items: 8, max_items: 12 })).status, 200);
  const classes = (await admin.get('/api/classes')).json.classes;
  classId = classes.find((c) => c.teacher.name.includes('Chen Jing')).id;
});

after(async () => {
  await browser?.close();
  await stopDemoServer(server);
});

async function check(page, name, where) {
  await assertNoRawKeys(page, keys, where);
  await assertNoHorizontalOverflow(page, where);
  assertNoProblems(page, where);
  await screenshot(page, name);
}

/* Waits until the live region says something matching RE; returns what it says. */
async function announced(page, re) {
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-role="live"]')?.textContent || ''), re.source);
  return page.locator('[data-role="live"]').innerText();
}

/* Gives an answer to the question on screen (keyboard for ordering and screens); returns its type. */
async function answerQuestion(page, { shot, seen }) {
  await page.locator('.lit-question').waitFor();
  const type = await page.locator('.lit-item').getAttribute('data-type');
  const first = !seen.has(type);
  seen.add(type);
  if (first && shot) await shot(`q-${type}`);
  if (type === 'single' || type === 'multiple') {
    assert.ok(await page.locator('.lit-choice').count() >= 2);
    // Every choice is a labelled control.
    const unlabelled = await page.$$eval('.lit-choice-input', (is) => is.filter((i) => !i.closest('label')?.innerText.trim()).length);
    assert.equal(unlabelled, 0);
    await page.locator('.lit-choice-input').first().check();
  } else if (type === 'ordering') {
    const before = await page.$$eval('.lit-order-row', (rs) => rs.map((r) => r.dataset.step));
    await page.locator('.lit-order-row').first().locator('[data-move="down"]').focus();
    await page.keyboard.press('Enter');
    const after = await page.$$eval('.lit-order-row', (rs) => rs.map((r) => r.dataset.step));
    assert.deepEqual(after, [before[1], before[0], ...before.slice(2)], 'moved down by keyboard');
    await announced(page, /2/);
  } else {
    assert.equal(type, 'screen');
    assert.ok(await page.locator('.lit-device').count() === 1);
    const opener = page.locator('.lit-el[data-opens="true"]').first();
    if (await opener.count()) {
      await opener.focus();
      await page.keyboard.press('Enter');
      await page.locator('[data-action="screen-back"]').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('lit-screen-title')), true, 'focus on the sub-screen title');
      if (first && shot) await shot('q-screen-sub');
      await page.keyboard.press('Escape');
      await page.locator('[data-action="screen-back"]').waitFor({ state: 'detached' });
    }
    const leaf = page.locator('.lit-el[data-opens="false"]').first();
    await leaf.focus();
    await page.keyboard.press('Space');
    assert.equal(await page.locator('.lit-el[data-opens="false"]').first().getAttribute('aria-pressed'), 'true');
    await page.locator('.lit-selected-list').waitFor();
  }
  assert.equal(await page.locator('[data-action="answer"]').isDisabled(), false);
  await page.click('[data-action="answer"]');
  return type;
}

for (const size of SIZES) {
  for (const lang of LANGS) {
    test(`a student takes a practice test to the result (${lang}, ${size.width}x${size.height})`, async () => {
      const student = { en: { 768: 'li.na', 1366: 'zhang.wei' }, 'zh-CN': { 768: 'liu.yang', 1366: 'chen.xi' } }[lang][size.width];
      const name = `literacy-${lang}-${size.width}`;
      const shot = (step) => check(page, `${name}-${step}`, `${step} ${lang} ${size.width}`);
      const { context, page } = await openPage(browser, { size });
      try {
        await login(page, server.url, student);
        await chooseLang(page, lang);
        const nav = await page.$$eval('#site-nav a', (as) => as.map((a) => a.getAttribute('href')));
        assert.ok(nav.includes('/literacy'), 'students have the test in the navigation');
        await gotoPage(page, server.url, '/literacy');
        await page.locator('[data-action="start-practice"]').waitFor();
        await shot('1-home');
        // Larger text: a pressed switch, remembered.
        await page.click('[data-action="large-text"]');
        assert.equal(await page.locator('[data-action="large-text"]').getAttribute('aria-pressed'), 'true');
        assert.ok(await page.locator('.lit-page.is-large').count() === 1);
        await page.click('[data-action="large-text"]');
        await page.click('[data-action="start-practice"]');
        await page.waitForURL((u) => u.pathname === '/literacy/test');
        await settled(page);
        await page.locator('.lit-question').waitFor();
        // A reload (or a lost connection) resumes at the same question.
        const q1 = await page.locator('.lit-item').getAttribute('data-item');
        await page.reload();
        await settled(page);
        assert.equal(await page.locator('.lit-item').getAttribute('data-item'), q1, 'the same question after a reload');
        // Practice tests until every item type has come up (a test adapts, so which types come is not fixed).
        const seen = new Set();
        const TYPES = ['single', 'multiple', 'ordering', 'screen'];
        for (let tests = 0; tests < 5 && !TYPES.every((t) => seen.has(t)); tests++) {
          if (tests > 0) {
            await gotoPage(page, server.url, '/literacy');
            await page.click('[data-action="start-practice"]');
            await page.waitForURL((u) => u.pathname === '/literacy/test');
            await settled(page);
          }
          for (let n = 0; page.url().endsWith('/literacy/test') && n < 14; n++) {
            const type = await answerQuestion(page, { shot, seen });
            const fb = page.locator('.lit-feedback');
            await fb.waitFor();
            // Right or not in words and an icon, the right answer, why.
            assert.ok((await fb.locator('.lit-feedback-title').innerText()).trim().length > 2);
            assert.ok(await fb.locator('.lit-feedback-key li').count() >= 1);
            assert.ok((await fb.locator('.lit-feedback-why').innerText()).trim().length > 5);
            assert.equal(await page.evaluate(() => document.activeElement?.dataset.action), 'next', 'focus on Next');
            if (!seen.has(`fb-${type}`)) { seen.add(`fb-${type}`); await shot(`fb-${type}`); }
            await page.keyboard.press('Enter');
            await page.waitForFunction(() => !document.querySelector('.lit-feedback'));
          }
          await page.waitForURL((u) => u.pathname.startsWith('/literacy/results/'));
          await settled(page);
        }
        for (const t of ['single', 'multiple', 'ordering', 'screen']) assert.ok(seen.has(t), `saw a ${t} question (${[...seen]})`);
        // The result: a level with its meaning, the areas and competences as a table with bars, a path.
        const level = Number(await page.locator('.lit-overall').getAttribute('data-level'));
        assert.ok(level >= 1 && level <= 8);
        assert.ok((await page.locator('[data-role="meaning"]').innerText()).length > 40);
        assert.equal(await page.locator('.lit-areas tbody tr').count(), 5);
        assert.equal(await page.locator('.lit-competences tbody tr').count(), 21);
        assert.ok(await page.locator('.lit-areas .lit-bar').count() === 5);
        assert.ok(await page.locator('.lit-areas th[scope="row"]').count() === 5, 'rows have headers');
        await shot('9-result');
      } finally { await context.close(); }
    });
  }
}

test('a certified test gives no feedback, and a student can finish early', async () => {
  const { context, page } = await openPage(browser, { size: SIZES[0] });
  try {
    await login(page, server.url, 'wu.hao');
    await chooseLang(page, 'en');
    await gotoPage(page, server.url, '/literacy');
    await page.click('[data-action="start-certified"]');
    await page.locator('dialog[open] .btn-primary').click();
    await page.waitForURL((u) => u.pathname === '/literacy/test');
    await settled(page);
    const seen = new Set();
    for (let i = 0; i < 3; i++) {
      const seq = Number(await page.locator('.lit-question').getAttribute('data-seq'));
      await answerQuestion(page, { seen });
      await page.waitForFunction((s) => Number(document.querySelector('.lit-question')?.dataset.seq) === s + 1, seq);
      assert.equal(await page.locator('.lit-feedback').count(), 0, 'no feedback in certified mode');
      await announced(page, new RegExp(String(seq + 1)));
    }
    await page.click('[data-action="finish"]');
    await page.locator('dialog[open] .btn-primary').click();
    await page.waitForURL((u) => u.pathname.startsWith('/literacy/results/'));
    await settled(page);
    await page.locator('.lit-overall').waitFor();
    assertNoProblems(page, 'certified');
    await gotoPage(page, server.url, '/literacy');
    assert.ok(await page.locator('#main table a[href^="/literacy/results/"]').count() >= 1, 'the result is in the history');
    await screenshot(page, 'literacy-en-1366-history');
  } finally { await context.close(); }
});

for (const size of SIZES) {
  for (const lang of LANGS) {
    test(`a teacher reads the class profile and item statistics (${lang}, ${size.width}x${size.height})`, async () => {
      const { context, page } = await openPage(browser, { size });
      try {
        await login(page, server.url, 'chen.jing');
        await chooseLang(page, lang);
        await gotoPage(page, server.url, '/literacy/classes');
        await page.click(`.choice[data-class-id="${classId}"]`);
        await settled(page);
        await page.locator('.lit-roster').waitFor();
        assert.ok(await page.locator('.lit-roster a[href^="/literacy/results/"]').count() >= 2, 'results of the students who took a test');
        await check(page, `literacy-class-${lang}-${size.width}`, `class ${lang} ${size.width}`);
        await page.locator('.lit-roster a[href^="/literacy/results/"]').first().click();
        await settled(page);
        await page.locator('.lit-overall').waitFor();
        assertNoProblems(page, 'teacher opens a result');
        await page.goBack();
        await settled(page);
        await page.click('.lit-tabs a[href$="tab=items"]');
        await settled(page);
        await page.locator('.lit-pct-meter').first().waitFor();
        await check(page, `literacy-class-items-${lang}-${size.width}`, `class items ${lang} ${size.width}`);
      } finally { await context.close(); }
    });
  }
}

for (const lang of LANGS) {
  test(`an administrator manages the item bank (${lang})`, async () => {
    const { context, page } = await openPage(browser, { size: SIZES[0] });
    const dir = mkdtempSync(join(tmpdir(), 'lit-bank-'));
    try {
      await login(page, server.url, 'admin');
      await chooseLang(page, lang);
      await gotoPage(page, server.url, '/literacy/bank?status=active');
      await page.locator('#main table').waitFor();
      assert.equal(await page.locator('#main tbody tr').count(), 42);
      await check(page, `literacy-bank-${lang}-1366`, `bank ${lang}`);
      // Filters: area and type (any status), in the URL.
      await page.selectOption('select[name="status"]', '');
      await page.selectOption('select[name="area"]', 'DC.2');
      await page.selectOption('select[name="type"]', 'screen');
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('#main tbody tr .lit-item-head .mono')].map((e) => e.textContent);
        return location.search.includes('type=screen') && rows.length > 0 && rows.every((id) => id.startsWith('dl-2.'));
      });
      const ids = await page.$$eval('#main tbody tr .lit-item-head .mono', (els) => els.map((e) => e.textContent));
      assert.ok(ids.length >= 1 && ids.every((id) => id.startsWith('dl-2.')), ids.join(' '));
      const mine = ids.find((id) => /-9\d\d$/.test(id)); // a question of the fixture bank, in use
      // Preview: the question as students see it, the key and the explanation.
      await page.click(`[data-action="preview"][data-item="${mine}"]`);
      await page.locator('dialog[open] .lit-device').waitFor();
      await page.locator('dialog[open] .lit-preview-key').waitFor();
      await assertNoRawKeys(page, keys, `preview ${lang}`);
      await screenshot(page, `literacy-bank-preview-${lang}-1366`, { fullPage: false });
      await page.keyboard.press('Escape');
      // Retire and restore.
      await page.click(`[data-action="retire"][data-item="${mine}"]`);
      await page.locator(`[data-action="restore"][data-item="${mine}"]`).waitFor();
      assert.equal((await admin.get(`/api/literacy/items/${mine}`)).json.summary.retired, true);
      await page.click(`[data-action="restore"][data-item="${mine}"]`);
      await page.locator(`[data-action="retire"][data-item="${mine}"]`).waitFor();
      // Import: a broken file is refused with every problem and its place; nothing changes.
      const broken = JSON.parse(bankText);
      broken.items[0].key = ['zz'];
      broken.items[1].level = 12;
      writeFileSync(join(dir, 'broken.json'), JSON.stringify(broken));
      await page.click('[data-action="import"]');
      await page.setInputFiles('dialog[open] input[type="file"]', join(dir, 'broken.json'));
      await page.click('dialog[open] .dialog-actions .btn-primary');
      const problems = page.locator('dialog[open] [data-role="import-problems"]');
      await problems.waitFor();
      assert.equal(await problems.locator('li').count(), 2);
      assert.match(await problems.innerText(), /dl-1\.1-901/);
      await assertNoRawKeys(page, keys, `import report ${lang}`);
      await screenshot(page, `literacy-bank-import-${lang}-1366`, { fullPage: false });
      await page.setInputFiles('dialog[open] input[type="file"]', join(FIX, 'bank.json'));
      await page.click('dialog[open] .dialog-actions .btn-primary');
      await page.locator('dialog[open] [data-role="import-done"]').waitFor();
      await page.keyboard.press('Escape');
      // Calibration: too few answers is said plainly; the runs list is there.
      await page.click('.lit-tabs a[data-tab="calibration"]');
      await settled(page);
      await page.fill('input[name="min_responses"]', '1000');
      await page.click('[data-action="calibrate"]');
      await page.locator('.error-summary:not([hidden])').waitFor();
      assert.match(await page.locator('.error-summary').innerText(), /1000/);
      await check(page, `literacy-bank-calibration-${lang}-1366`, `calibration ${lang}`);
      // Settings: a bad value is refused at its field; a good one is saved.
      await page.click('.lit-tabs a[data-tab="settings"]');
      await settled(page);
      await page.fill('input[name="max_items"]', '5');
      await page.click('[data-action="save-settings"]');
      await page.locator('.error-summary:not([hidden])').waitFor();
      await page.fill('input[name="max_items"]', '12');
      await page.click('[data-action="save-settings"]');
      await page.locator('.toast').first().waitFor();
      // Exposure control: a target out of range is refused at its field; 0 turns it off.
      await page.fill('input[name="max_exposure"]', '0.01');
      await page.click('[data-action="tune-exposure"]');
      await page.locator('.lit-exposure .error-summary:not([hidden])').waitFor();
      await page.fill('input[name="max_exposure"]', '0');
      await page.click('[data-action="tune-exposure"]');
      await page.locator('[data-role="exposure-done"]').waitFor();
      assert.equal((await admin.get('/api/literacy/settings')).json.settings.max_exposure, 0);
      await check(page, `literacy-bank-settings-${lang}-1366`, `settings ${lang}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await context.close();
    }
  });
}

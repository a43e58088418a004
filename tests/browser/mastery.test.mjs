// The mastery pages: a student's progress (framework tree with levels, the evidence behind a
// level, the statement behind the evidence, what to practise next) and a teacher's class
// heatmap (a cell opens that student's evidence), in both languages, at laptop and tablet size.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../lib/server.mjs';
import { seedFrameworks, align, evidence, ITEMS, DOC_YL, DOC_NA } from '../lib/mastery_fixture.mjs';
import {
  startDemoServer, stopDemoServer, launch, openPage, assertNoProblems, assertNoRawKeys, assertNoHorizontalOverflow,
  allKeys, gotoPage, chooseLang, login, screenshot, settled, SIZES, LANGS, PASSWORD,
} from './lib.mjs';

const VR = 'https://vr.example.edu/xapi/activities/hand-hygiene-station';
const CHECKOFF = 'https://carecampus.org/xapi/activities/checkoffs/hand-hygiene';
const FALLS = 'https://carecampus.org/xapi/activities/scenarios/night-fall';

let server;
let browser;
let api;
const keys = allKeys();
const dialog = (page) => page.locator('dialog[open]');

/* POSTs statements as an LRS client. */
async function xapiPost(client, statements) {
  const r = await fetch(`${server.url}/xapi/statements`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}`,
      'X-Experience-API-Version': '2.0.0', 'Content-Type': 'application/json',
    },
    body: JSON.stringify(statements),
  });
  assert.equal(r.status, 200, await r.text());
}

const day = (d, h = 9) => `2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;
const pass = (s) => ({ success: true, score: { scaled: s } });
const fail = (s) => ({ success: false, score: { scaled: s } });

before(async () => {
  server = await startDemoServer();
  seedFrameworks(server.dataDir);
  align(server.dataDir, 1, VR, ITEMS.NAS01);
  browser = await launch();
  api = new Client(server.url);
  assert.equal((await api.login('admin', PASSWORD)).status, 200);
  const r = await api.post('/api/lrs/clients', { name: 'VR ward', scopes: ['statements/write'] });
  assert.equal(r.status, 201, r.text);
  const client = { key: r.json.client.key, secret: r.json.secret };
  const hand = { en: 'Hand hygiene check-off', zh: '手卫生技能考核' };
  const vr = { en: 'VR hand hygiene station', zh: 'VR 手卫生练习站' };
  const falls = { en: 'Night-time fall scenario', zh: '夜间跌倒情景' };
  const s = [
    evidence('li.na', { verb: 'completed', activity: CHECKOFF, name: hand, items: [ITEMS.YL11], timestamp: day(2) }),
    evidence('li.na', { activity: CHECKOFF, name: hand, items: [ITEMS.YL11], result: pass(0.88), timestamp: day(3) }),
    evidence('li.na', { activity: VR, name: vr, result: pass(0.93), timestamp: day(4) }),
    evidence('li.na', { activity: CHECKOFF, name: hand, items: [ITEMS.YL11], result: pass(0.95), timestamp: day(5, 8) }),
    evidence('li.na', { verb: 'failed', activity: FALLS, name: falls, items: [ITEMS.YL21], result: fail(0.45), timestamp: day(5) }),
    evidence('li.na', { activity: FALLS, name: falls, items: [ITEMS.YL21], result: pass(0.82), timestamp: day(6) }),
  ];
  const others = ['wang.fang', 'zhang.wei', 'liu.yang', 'chen.xi', 'yang.jie'];
  others.forEach((login, i) => {
    for (let k = 0; k <= i % 4; k++) {
      s.push(evidence(login, { activity: CHECKOFF, name: hand, items: [ITEMS.YL11], result: pass(0.9 + k / 40), timestamp: day(7 + k, 8 + i) }));
    }
    if (i % 2) s.push(evidence(login, { activity: FALLS, name: falls, items: [ITEMS.YL21], result: fail(0.3), timestamp: day(12, 8 + i) }));
    if (i === 3) s.push(evidence(login, { activity: 'https://vr.example.edu/xapi/activities/feeding', items: [ITEMS.YL12], result: pass(0.8), timestamp: day(13) }));
  });
  await xapiPost(client, s);
});

after(async () => {
  await browser?.close();
  await stopDemoServer(server);
});

async function check(page, name, where, { fullPage = true } = {}) {
  await assertNoRawKeys(page, keys, where);
  await assertNoHorizontalOverflow(page, where);
  assertNoProblems(page, where);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name, { fullPage });
}

async function loginAs(page, who, lang) {
  await gotoPage(page, server.url, '/login');
  await chooseLang(page, lang);
  await login(page, server.url, who);
  await chooseLang(page, lang);
}

/* Waits for the chosen item's evidence to be shown. */
async function detailShown(page, coding) {
  await page.waitForFunction((c) => {
    const t = document.querySelector('.detail-area .item-title .item-coding');
    return t && t.textContent === c && !document.querySelector('.detail-area .state-loading');
  }, coding);
}

for (const lang of LANGS) {
  test(`a student's progress: tree, evidence, statement, practise next (${lang})`, async () => {
    const { context, page } = await openPage(browser);
    try {
      await loginAs(page, 'li.na', lang);
      const nav = await page.$$eval('#site-nav a', (as) => as.map((a) => a.getAttribute('href')));
      assert.ok(nav.includes('/progress'), `student navigation: ${nav}`);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        const tag = `${size.width}x${size.height}-${lang}`;
        await gotoPage(page, server.url, `/progress?framework=${DOC_YL}`);
        await page.waitForSelector('.mastery-tree .tree-row');
        assert.equal(await page.locator('h1').count(), 1);
        // Every competency of the framework, each with a level in text (number and name), not only colour.
        const rows = page.locator('.tree-row');
        assert.equal(await rows.count(), 5);
        const yl11 = page.locator('.tree-row[data-coding="YL.1.1"]');
        assert.equal(await yl11.locator('.tag-level').getAttribute('data-level'), '4');
        assert.match(await yl11.locator('.tag-level').innerText(), /4\s*(Mastered|精通)/);
        await yl11.click();
        await detailShown(page, 'YL.1.1');
        assert.equal(await yl11.getAttribute('aria-pressed'), 'true');
        assert.match(page.url(), new RegExp(`item=${ITEMS.YL11}`), 'the chosen item is kept in the address');
        const ev = page.locator('.detail-area tbody tr');
        assert.equal(await ev.count(), 4, 'four learning records count for YL.1.1');
        // The crosswalk is named: the VR statement counted for NA.S01, equivalent to YL.1.1.
        assert.match(await page.locator('.detail-area tbody').innerText(), /NA\.S01/);
        assert.match(await page.locator('.detail-area .explanation').innerText(), /3|三/);
        await check(page, `mastery-progress-${tag}`, `progress ${tag}`);
        // The statement behind a row.
        await page.locator('.detail-area [data-action="statement"]').first().click();
        await dialog(page).waitFor();
        const json = JSON.parse(await dialog(page).locator('pre').innerText());
        assert.ok(json.id && json.verb && json.actor.account.name === 'li.na');
        await check(page, `mastery-statement-${tag}`, `statement ${tag}`, { fullPage: false });
        await page.keyboard.press('Escape');
        await dialog(page).waitFor({ state: 'detached' });
        // Practise next: the fall scenario (YL.2.1, developing) before what is not begun.
        const next = page.locator('.next-list .next-item');
        assert.ok(await next.count() >= 2);
        assert.match(await next.first().innerText(), /YL\.2\.1/);
        await next.first().locator('.item-link').click();
        await detailShown(page, 'YL.2.1');
        // A parent explains its level from its parts.
        await page.locator('.tree-row[data-coding="YL.1"]').click();
        await detailShown(page, 'YL.1');
        assert.equal(await page.locator('.detail-area .item-list .item-row').count(), 2);
      }
      // The other framework: NA.S01 mastered through the aligned VR station and the crosswalk.
      await page.setViewportSize(SIZES[0]);
      await page.selectOption('select[name="framework"]', DOC_NA);
      await page.waitForSelector('.tree-row[data-coding="NA.S01"]');
      assert.equal(await page.locator('.tree-row[data-coding="NA.S01"] .tag-level').getAttribute('data-level'), '4');
      assert.equal(await page.locator('.tree-row[data-coding="NA.S01"] .tag-critical').count(), 1);
      await check(page, `mastery-progress-na-${lang}`, 'nurse aide framework');
    } finally {
      await context.close();
    }
  });

  test(`switching language keeps the chosen competency (${lang})`, async () => {
    const { context, page } = await openPage(browser);
    try {
      await loginAs(page, 'li.na', lang);
      await gotoPage(page, server.url, `/progress?framework=${DOC_YL}&item=${ITEMS.YL21}`);
      await detailShown(page, 'YL.2.1');
      const other = lang === 'en' ? 'zh-CN' : 'en';
      await chooseLang(page, other);
      await page.waitForFunction((zh) => {
        const t = document.querySelector('.detail-area .item-title');
        return t && /[\u4e00-\u9fff]/.test(t.textContent) === zh && !document.querySelector('.detail-area .state-loading');
      }, other === 'zh-CN');
      assert.equal(await page.locator('.tree-row[data-coding="YL.2.1"]').getAttribute('aria-pressed'), 'true');
      await assertNoRawKeys(page, keys, 'after switching');
      assertNoProblems(page, 'after switching');
      await chooseLang(page, lang);
    } finally {
      await context.close();
    }
  });

  test(`a teacher's class heatmap, a cell's evidence, a student's progress (${lang})`, async () => {
    const { context, page } = await openPage(browser);
    try {
      await loginAs(page, 'chen.jing', lang);
      const nav = await page.$$eval('#site-nav a', (as) => as.map((a) => a.getAttribute('href')));
      assert.ok(nav.includes('/heatmap'), `teacher navigation: ${nav}`);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        const tag = `${size.width}x${size.height}-${lang}`;
        await gotoPage(page, server.url, '/heatmap');
        await page.selectOption('select[name="framework"]', DOC_YL);
        await page.waitForSelector('table.heatmap');
        await page.selectOption('select[name="depth"]', '2');
        await page.waitForFunction(() => document.querySelectorAll('table.heatmap thead th').length === 4);
        await settled(page);
        assert.equal(await page.locator('table.heatmap tbody tr').count(), 12);
        // Every cell says its level in text for screen readers and shows the number.
        const cell = page.locator('.hm-cell[data-student="li.na"]').first();
        assert.equal(await cell.innerText(), '4');
        assert.match(await cell.getAttribute('aria-label'), /4/);
        await check(page, `mastery-heatmap-${tag}`, `heatmap ${tag}`);
        await cell.click();
        await dialog(page).waitFor();
        await page.waitForFunction(() => document.querySelector('dialog[open] tbody tr'));
        assert.equal(await dialog(page).locator('tbody tr').count(), 4);
        await check(page, `mastery-heatmap-cell-${tag}`, `heatmap cell ${tag}`, { fullPage: false });
        await page.keyboard.press('Escape');
        await dialog(page).waitFor({ state: 'detached' });
      }
      // The student's whole progress, from their name.
      await page.setViewportSize(SIZES[0]);
      await page.locator('table.heatmap tbody th a', { hasText: /Li Na|李娜/ }).click();
      await page.waitForURL((u) => /\/students\/\d+\/progress/.test(u.pathname));
      await page.waitForSelector('.tree-row');
      assert.match(await page.locator('h1').innerText(), /李娜|Li Na/);
      await check(page, `mastery-student-${lang}`, 'a student of the class');
      // A student of another teacher's class only: refused, with a way back.
      await gotoPage(page, server.url, '/students/999999/progress');
      assert.equal(await page.locator('.state-empty').count(), 1);
      assertNoProblems(page, 'unknown student');
    } finally {
      await context.close();
    }
  });
}

test('a student with no evidence yet is told what to do', async () => {
  const { context, page } = await openPage(browser);
  try {
    await loginAs(page, 'sun.yue', 'en');
    await gotoPage(page, server.url, '/progress');
    await page.waitForSelector('.tree-row');
    assert.match(await page.locator('.next-card .state-empty').innerText(), /Practise any activity/);
    assert.ok(await page.locator('.tree-row .tag-level[data-level="0"]').count() >= 3);
    await check(page, 'mastery-progress-empty-en', 'no evidence');
    // Students have no heatmap.
    await gotoPage(page, server.url, '/heatmap');
    assert.match(await page.locator('h1').innerText(), /not available to you/);
  } finally {
    await context.close();
  }
});

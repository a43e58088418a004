// Skill check-offs in the browser: a teacher checks off a skill on a tablet held in portrait and
// on a laptop, in both languages (big tap targets, critical steps marked with an icon and words,
// the summary before submitting); the draft survives a reload; the whole thing offline (the
// outbox, the banner, a reload served by the service worker, sending when the network is back,
// the statement stored exactly once); students read their own results.
// Screenshots: build/screenshots/checkoff-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../lib/server.mjs';
import {
  startDemoServer, stopDemoServer, launch, openPage, assertNoProblems, assertNoRawKeys, assertNoHorizontalOverflow,
  allKeys, gotoPage, chooseLang, login, screenshot, settled, SIZES, LANGS, PASSWORD,
} from './lib.mjs';

const TABLET = SIZES.find((s) => s.width === 768);
const LAPTOP = SIZES.find((s) => s.width === 1366);
const ACTIVITY = 'https://carecampus.org/xapi/activities/checkoffs/';
const HOME = 'https://lrs.carecampus.invalid/users';

let server;
let browser;
let admin; // an API client, to check what the UI did
let classId;
let students; // of the demo class, by login
const keys = allKeys();

before(async () => {
  server = await startDemoServer();
  browser = await launch();
  admin = new Client(server.url);
  assert.equal((await admin.login('admin', PASSWORD)).status, 200);
  const classes = (await admin.get('/api/classes')).json.classes;
  const demo = classes.find((c) => c.teacher.name.includes('Chen Jing'));
  classId = demo.id;
  students = Object.fromEntries((await admin.get(`/api/classes/${classId}`)).json.students.map((s) => [s.login, s]));
});

after(async () => {
  await browser?.close();
  await stopDemoServer(server);
});

/* The statements of the LRS about LOGIN doing checklist ID (through the admin's statement browser). */
async function statements(login, id) {
  const agent = JSON.stringify({ account: { homePage: HOME, name: login } });
  const r = await admin.get(`/api/lrs/statements?agent=${encodeURIComponent(agent)}&activity=${encodeURIComponent(ACTIVITY + id)}`);
  assert.equal(r.status, 200, r.text);
  return r.json.statements;
}

async function check(page, name, where) {
  await assertNoRawKeys(page, keys, where);
  await assertNoHorizontalOverflow(page, where);
  assertNoProblems(page, where);
  await screenshot(page, name);
}

/* The height of every element matching SELECTOR is at least MIN px (tap targets). */
async function assertTapTargets(page, selector, min = 44) {
  const sizes = await page.$$eval(selector, (els) => els.map((e) => Math.round(e.getBoundingClientRect().height)));
  assert.ok(sizes.length > 0, `no ${selector}`);
  const small = sizes.filter((hgt) => hgt < min);
  assert.deepEqual(small, [], `${selector}: targets under ${min}px`);
}

/* Opens the check-off of STUDENT (login) for CHECKLIST through the three choices, searching for SEARCH. */
async function openChecklist(page, { login: student, checklist, search }) {
  await gotoPage(page, server.url, '/checkoffs');
  await page.click(`.choice[data-class-id="${classId}"]`);
  await settled(page);
  await page.fill('.choice-search input', student.split('.')[0]);
  await page.locator(`.choice[data-login="${student}"]`).click();
  await settled(page);
  await page.fill('.choice-search input', search);
  await page.waitForFunction((id) => document.querySelectorAll('.choice[data-checklist]').length >= 1
    && document.querySelector(`.choice[data-checklist="${id}"]`), checklist);
  await page.click(`.choice[data-checklist="${checklist}"]`);
  await settled(page);
  await page.locator('.steps').waitFor();
}

const counterText = (page) => page.locator('[data-role="counter"]').innerText();

for (const size of [TABLET, LAPTOP]) {
  for (const lang of LANGS) {
    test(`a teacher checks off a skill (${lang}, ${size.width}x${size.height})`, async () => {
      const student = { en: { 768: 'li.na', 1366: 'zhang.wei' }, 'zh-CN': { 768: 'liu.yang', 1366: 'chen.xi' } }[lang][size.width];
      const shot = `checkoff-${lang}-${size.width}`;
      const { context, page } = await openPage(browser, { size });
      try {
        await gotoPage(page, server.url, '/login');
        await login(page, server.url, 'chen.jing');
        await chooseLang(page, lang);
        const nav = await page.$$eval('#site-nav a', (as) => as.map((a) => a.getAttribute('href')));
        assert.ok(nav.includes('/checkoffs'), 'teachers have the check-offs in the navigation');

        await gotoPage(page, server.url, '/checkoffs');
        assert.equal(await page.locator('[data-role="sync"]').getAttribute('data-state'), 'synced');
        await check(page, `${shot}-1-classes`, `classes ${lang} ${size.width}`);
        await page.click(`.choice[data-class-id="${classId}"]`);
        await settled(page);
        await assertTapTargets(page, '.choice');
        await check(page, `${shot}-2-students`, `students ${lang} ${size.width}`);
        await page.locator(`.choice[data-login="${student}"]`).click();
        await settled(page);
        // Search in the language of the page; the other language works too.
        await page.fill('.choice-search input', lang === 'zh-CN' ? '手卫生' : 'hand');
        await page.waitForFunction(() => document.querySelectorAll('.choice[data-checklist]').length === 1);
        await page.fill('.choice-search input', '');
        await page.waitForFunction(() => document.querySelectorAll('.choice[data-checklist]').length >= 14);
        await check(page, `${shot}-3-student`, `student ${lang} ${size.width}`);
        await page.click('.choice[data-checklist="hand-hygiene"]');
        await settled(page);

        // The checklist: every step a big target; critical steps marked with an icon and words.
        await assertTapTargets(page, '.step-label');
        await assertTapTargets(page, '[data-action="review"]');
        const critical = await page.$$eval('.step.is-critical', (ls) => ls.map((l) => l.querySelector('.critical-tag')?.innerText.trim()));
        assert.ok(critical.length >= 1);
        assert.ok(critical.every((txt) => txt && txt.includes(lang === 'zh-CN' ? '关键步骤' : 'Critical step')), `critical tags: ${critical}`);
        const steps = await page.$$eval('.step-check', (cs) => cs.map((c) => ({ id: c.dataset.step, critical: c.closest('.step').classList.contains('is-critical') })));
        assert.equal(steps.length, 10);
        assert.match(await counterText(page), /0\/10/);
        await check(page, `${shot}-4-checklist`, `checklist ${lang} ${size.width}`);

        // Tick all but one critical step, by tapping the text of each row.
        const skipped = steps.find((s) => s.critical);
        for (const s of steps) if (s !== skipped) await page.locator(`.step-check[data-step="${s.id}"]`).locator('xpath=..').locator('.step-body').click();
        assert.match(await counterText(page), /9\/10/);
        const comment = lang === 'zh-CN' ? '揉搓时间不足 20 秒，下次注意。' : 'Lather for the full 20 seconds.';
        await page.fill('[data-role="comment"]', comment);
        await page.click('[data-action="review"]');
        const dialog = page.locator('dialog[open]');
        await dialog.waitFor();
        assert.equal(await dialog.locator('.review-outcome').getAttribute('data-passed'), 'false');
        assert.ok((await dialog.locator('.review-critical').innerText()).includes(String(steps.indexOf(skipped) + 1)), 'the missed critical step is listed');
        await assertTapTargets(page, 'dialog[open] .dialog-actions .btn');
        await assertNoRawKeys(page, keys, `review ${lang} ${size.width}`);
        assertNoProblems(page, `review ${lang} ${size.width}`);
        await screenshot(page, `${shot}-5-review`, { fullPage: false });
        // Back to the checklist: nothing lost. Tick the last step too: passed.
        await dialog.locator('.dialog-actions .btn').nth(1).click();
        await page.locator(`.step-check[data-step="${skipped.id}"]`).check();
        await page.click('[data-action="review"]');
        await dialog.waitFor();
        assert.equal(await dialog.locator('.review-outcome').getAttribute('data-passed'), 'true');
        await page.click('[data-action="submit"]');
        await page.waitForURL((u) => !u.search.includes('checklist'));
        await settled(page);
        await page.locator('.toast').first().waitFor();
        await page.locator('.result-item:not([data-pending]) .outcome-tag[data-passed="true"]').first().waitFor();
        assert.equal(await page.locator('[data-role="sync"]').getAttribute('data-state'), 'synced');
        await check(page, `${shot}-6-recorded`, `recorded ${lang} ${size.width}`);

        const sts = await statements(student, 'hand-hygiene');
        assert.equal(sts.length, 1, 'one statement');
        assert.equal(sts[0].verb.id, 'http://adlnet.gov/expapi/verbs/passed');
        assert.equal(sts[0].result.response, comment);
        assert.equal(sts[0].context.instructor.account.name, 'chen.jing');
      } finally { await context.close(); }
    });
  }
}

test('ticks and the comment survive a reload; start over clears them', async () => {
  const { context, page } = await openPage(browser, { size: TABLET });
  try {
    await login(page, server.url, 'chen.jing');
    await chooseLang(page, 'en');
    await openChecklist(page, { login: 'wu.hao', checklist: 'radial-pulse', search: 'pulse' });
    await page.locator('.step-check[data-step="s1"]').check();
    await page.locator('.step-check[data-step="s3"]').check();
    await page.fill('[data-role="comment"]', 'Count for a full minute.');
    await page.waitForTimeout(400); // the comment is saved after a short pause in typing
    await page.reload();
    await settled(page);
    await page.locator('.steps').waitFor();
    assert.equal(await page.locator('.step-check:checked').count(), 2);
    assert.equal(await page.inputValue('[data-role="comment"]'), 'Count for a full minute.');
    await page.locator('[data-action="start-over"]').waitFor();
    // The checklist list shows the check-off in progress.
    await page.goBack();
    await settled(page);
    assert.ok(await page.locator('.choice[data-checklist="radial-pulse"] .tag-waiting').count() === 1, 'marked in progress');
    await page.goForward();
    await settled(page);
    await page.click('[data-action="start-over"]');
    await page.locator('dialog[open] .btn-danger').click();
    await settled(page);
    await page.locator('.steps').waitFor();
    assert.equal(await page.locator('.step-check:checked').count(), 0);
    assert.equal(await page.inputValue('[data-role="comment"]'), '');
    assertNoProblems(page, 'draft');
  } finally { await context.close(); }
});

test('offline for a lab session: queued, reloaded, sent once when the network is back', async () => {
  const { context, page, problems } = await openPage(browser, { size: TABLET });
  try {
    await login(page, server.url, 'chen.jing');
    await chooseLang(page, 'en');
    // The first visit keeps copies of the rosters and checklists, and installs the service worker.
    await gotoPage(page, server.url, '/checkoffs');
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await settled(page);
    assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the page is controlled by the service worker');
    await openChecklist(page, { login: 'xu.jing', checklist: 'feeding', search: 'feed' });

    await context.setOffline(true);
    const checks = page.locator('.step-check');
    for (let i = 0; i < await checks.count(); i++) await checks.nth(i).check();
    await page.fill('[data-role="comment"]', 'Offered drinks between bites.');
    await page.click('[data-action="review"]');
    await page.click('[data-action="submit"]');
    await page.waitForURL((u) => !u.search.includes('checklist'));
    await settled(page);
    const banner = page.locator('[data-role="sync"]');
    await page.waitForFunction(() => document.querySelector('[data-role="sync"]')?.dataset.state === 'offline');
    assert.equal(await banner.getAttribute('data-waiting'), '1');
    assert.match(await banner.innerText(), /Offline.*1 check-off waiting/);
    assert.equal(await page.locator('.result-item[data-pending="true"]').count(), 1, 'the waiting check-off is in the history');
    await page.waitForTimeout(500); // past the comment's save delay: the submitted draft stays gone
    await page.reload();
    await settled(page);
    assert.equal(await page.locator('.choice[data-checklist="feeding"] .tag-waiting').count(), 0, 'no draft left behind');
    await screenshot(page, 'checkoff-offline-queued-en-768');

    // Reload without the network: the service worker serves the app, the outbox is still there.
    await page.reload();
    await settled(page);
    await page.waitForFunction(() => document.querySelector('[data-role="sync"]')?.dataset.waiting === '1');
    assert.equal(await page.locator('.result-item[data-pending="true"]').count(), 1);
    // And the other pages of the session still open: the class, another checklist.
    await page.click('.breadcrumb a >> nth=1');
    await settled(page);
    await page.locator('.choice[data-login="sun.yue"]').click();
    await settled(page);
    await page.locator('.choice[data-checklist="mouth-care"]').click();
    await settled(page);
    assert.ok(await page.locator('.step-check').count() >= 10, 'a checklist opened offline');
    await screenshot(page, 'checkoff-offline-checklist-en-768');
    assert.equal(await statements('xu.jing', 'feeding').then((s) => s.length), 0, 'nothing reached the server yet');

    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForFunction(() => document.querySelector('[data-role="sync"]')?.dataset.state === 'synced', null, { timeout: 20000 });
    assert.equal(await banner.getAttribute('data-waiting'), '0');
    const sts = await statements('xu.jing', 'feeding');
    assert.equal(sts.length, 1, 'the statement exists exactly once');
    assert.equal(sts[0].result.success, true);
    assert.equal(sts[0].result.response, 'Offered drinks between bites.');
    // Another round of retries sends nothing more.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForTimeout(500);
    assert.equal((await statements('xu.jing', 'feeding')).length, 1);
    await screenshot(page, 'checkoff-online-again-en-768');
    // Requests that failed because the browser was offline are what offline means; nothing else.
    const unexpected = problems.splice(0).filter((p) => !/ERR_INTERNET_DISCONNECTED|net::ERR_FAILED/.test(p));
    assert.deepEqual(unexpected, []);
  } finally { await context.close(); }
});

test('a check-off the server refuses stays on the device with why, until removed', async () => {
  const { context, page } = await openPage(browser, { size: TABLET });
  try {
    await login(page, server.url, 'chen.jing');
    await chooseLang(page, 'zh-CN');
    await openChecklist(page, { login: 'sun.yue', checklist: 'respirations', search: '呼吸' });
    // The student leaves the class while the teacher is checking off.
    const sun = students['sun.yue'];
    assert.equal((await admin.del(`/api/classes/${classId}/students/${sun.id}`)).status, 204);
    try {
      await page.locator('.step-check').first().check();
      await page.click('[data-action="review"]');
      await page.click('[data-action="submit"]');
      await page.waitForURL((u) => !u.search.includes('checklist'));
      await settled(page);
      const refused = page.locator('.sync-problems .refused-list li');
      await refused.first().waitFor();
      assert.match(await refused.first().innerText(), /不在您任教的班级中/);
      await screenshot(page, 'checkoff-refused-zh-CN-768');
      await refused.first().locator('.btn-danger-link').click();
      await page.locator('dialog[open] .btn-danger').click();
      await page.waitForFunction(() => !document.querySelector('.sync-problems .refused-list'));
      assertNoProblems(page, 'refused');
    } finally {
      assert.equal((await admin.post(`/api/classes/${classId}/students`, { user_ids: [sun.id] })).status, 200);
    }
  } finally { await context.close(); }
});

test('on a shared tablet, the next user to log in does not inherit the offline copies', async () => {
  const { context, page } = await openPage(browser, { size: TABLET });
  try {
    await login(page, server.url, 'chen.jing');
    await gotoPage(page, server.url, '/checkoffs');
    await page.click(`.choice[data-class-id="${classId}"]`);
    await settled(page);
    const offlineKeys = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cc.offline.')).sort());
    const before = await offlineKeys();
    assert.ok(before.includes('cc.offline.session') && before.some((k) => k.startsWith('cc.offline.checkoff-cache.')), before.join());
    // The teacher walks away without logging out; the session ends; a student logs in.
    await context.clearCookies();
    await gotoPage(page, server.url, '/login');
    await login(page, server.url, 'wang.fang');
    assert.deepEqual(await offlineKeys(), []);
    assertNoProblems(page, 'shared tablet');
  } finally { await context.close(); }
});

for (const lang of LANGS) {
  test(`a student reads "My check-offs" (${lang})`, async () => {
    const { context, page } = await openPage(browser, { size: TABLET });
    try {
      await login(page, server.url, lang === 'en' ? 'li.na' : 'liu.yang');
      await chooseLang(page, lang);
      const nav = await page.$$eval('#site-nav a', (as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(nav, ['/progress', '/training', '/literacy', '/checkoffs/mine', '/frameworks', '/badges', '/profile']);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await gotoPage(page, server.url, '/checkoffs/mine');
        const items = page.locator('.result-item');
        assert.ok(await items.count() >= 1, 'the check-off of the teacher test is there');
        assert.equal(await items.first().locator('.outcome-tag').getAttribute('data-passed'), 'true');
        await check(page, `checkoff-mine-${lang}-${size.width}`, `mine ${lang} ${size.width}`);
      }
      // Students cannot open the teacher's page.
      await gotoPage(page, server.url, '/checkoffs');
      assert.equal(await page.locator('.choice').count(), 0);
    } finally { await context.close(); }
  });
}

// Live training in the browser. A teacher assigns a scenario through the UI; a student starts it
// from "Assigned to you", plays the false-alarm scenario through to the end with the alert queue,
// the palette and its dialogs (reloading the page midway: the session resumes where it was), and
// reads the debrief (score, timeline over the curves, replay); the teacher watches it live from the
// live view and sees the result on the assignment page. The same play in Chinese on a tablet, and
// quick looks at the other language and size (an assessment shows no pause or hints; the SBAR form).
// Screenshots: build/screenshots/training-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../lib/server.mjs';
import {
  startDemoServer, stopDemoServer, launch, openPage, assertNoProblems, assertNoRawKeys, assertNoHorizontalOverflow,
  allKeys, gotoPage, chooseLang, login, screenshot, settled, SIZES, PASSWORD,
} from './lib.mjs';

const TABLET = SIZES.find((s) => s.width === 768);
const LAPTOP = SIZES.find((s) => s.width === 1366);
const SCENARIO = 'false-alarm-loose-wearable';
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
  const classes = (await admin.get('/api/classes')).json.classes;
  classId = classes.find((c) => c.teacher.name.includes('Chen Jing')).id;
});

after(async () => {
  await browser?.close();
  await stopDemoServer(server);
});

async function check(page, name, where, opts = {}) {
  await assertNoRawKeys(page, keys, where);
  await assertNoHorizontalOverflow(page, where);
  assertNoProblems(page, where);
  await screenshot(page, name, { fullPage: !(await page.locator('dialog[open]').count()), ...opts });
}

/* Clicks the primary button of the open dialog (its submit). */
async function submitDialog(page) {
  await page.click('dialog[open] .dialog-actions .btn-primary');
  await page.waitForFunction(() => !document.querySelector('dialog[open]'), null, { timeout: 10000 });
}

/* Waits for an alert of KIND in the queue; returns its locator. */
async function alertOf(page, kind, timeout = 90000) {
  const el = page.locator(`.alert-item[data-kind="${kind}"]`);
  await el.first().waitFor({ timeout });
  return el.first();
}

/* The simulated milliseconds the page shows (from the elapsed text "mm:ss of mm:ss"). */
async function shownSeconds(page) {
  const txt = await page.locator('.player-elapsed').innerText();
  const m = /(\d+):(\d\d)/.exec(txt);
  return m ? Number(m[1]) * 60 + Number(m[2]) : -1;
}

/*
 * Plays the false alarm as a careful carer: acknowledges the NEWS2 alert, reviews the data, goes to
 * the room, acknowledges the fall alert, observes, measures SpO2, checks and refits the wristband,
 * dismisses both alerts with their reasons and documents. SHOT names the screenshots (null: none).
 */
async function playFalseAlarm(page, shot, { reloadMidway = false } = {}) {
  const news = await alertOf(page, 'news2');
  if (shot) await check(page, `${shot}-3-alert`, 'the NEWS2 alert');
  // The alert is announced in a live region, with its priority in words.
  assert.ok((await page.locator('.player-alerts [aria-live="assertive"]').innerText()).length > 0, 'the new alert is announced');
  await news.locator('[data-action="acknowledge"]').click();
  await page.click('.player-palette [data-action="review_data"]');
  await news.locator('[data-action="go"]').click();
  await page.waitForFunction(() => document.querySelector('.res-actions .here-tag'), null, { timeout: 60000 });
  if (reloadMidway) {
    const before = await shownSeconds(page);
    const feed = await page.locator('.feed-item').count();
    await page.reload();
    await settled(page);
    await page.locator('.feed-item').nth(feed - 1).waitFor({ timeout: 15000 });
    assert.ok(await shownSeconds(page) >= before, 'after a reload the clock goes on from where it was');
    await page.waitForFunction(() => document.querySelector('.res-actions .here-tag'), null, { timeout: 15000 });
  }
  const fall = await alertOf(page, 'fall');
  await fall.locator('[data-action="acknowledge"]').click();
  await page.click('.player-palette [data-action="observe"]');
  await page.selectOption('dialog[open] select[name="focus"]', 'general');
  await submitDialog(page);
  await page.click('.player-palette [data-action="measure-spo2"]');
  await page.locator('.obs-list li .obs-result').first().waitFor();
  await page.click('.player-palette [data-action="check_device"]');
  await page.selectOption('dialog[open] select[name="device"]', 'wearable');
  await submitDialog(page);
  await page.click('.player-palette [data-action="refit_device"]');
  await page.selectOption('dialog[open] select[name="device"]', 'wearable');
  await submitDialog(page);
  await fall.locator('[data-action="dismiss"]').click();
  await page.selectOption('dialog[open] select[name="reason"]', 'device_off_body');
  if (shot) await check(page, `${shot}-4-dismiss`, 'the dismiss dialog');
  await submitDialog(page);
  await page.locator('.alert-item[data-kind="news2"] [data-action="dismiss"]').click();
  await page.selectOption('dialog[open] select[name="reason"]', 'device_artefact');
  await submitDialog(page);
  await page.click('.player-palette [data-action="document"]');
  await page.selectOption('dialog[open] select[name="about"]', 'device');
  for (const f of ['device_fault', 'false_alarm', 'sensor_data']) await page.check(`dialog[open] input[value="${f}"]`);
  await page.fill('dialog[open] textarea[name="text"]', 'Wristband slipped off: NEWS2 and fall alerts were artefacts. Refitted; SpO2 97 % by finger oximeter. 手环脱落导致误报，已重新佩戴。');
  if (shot) await check(page, `${shot}-5-document`, 'the document dialog');
  await submitDialog(page);
  await page.waitForFunction(() => !document.querySelector('.alert-item.alert-open'), null, { timeout: 15000 });
}

async function finish(page) {
  await page.click('[data-action="finish"]');
  await page.click('dialog[open] .dialog-actions .btn-primary');
  await page.waitForURL(/\/debrief$/);
  await settled(page);
}

async function checkDebrief(page, shot, lang, { passed }) {
  const outcome = await page.locator('[data-role="outcome"]').innerText();
  assert.ok(outcome.includes(passed ? (lang === 'zh-CN' ? '通过' : 'Passed') : (lang === 'zh-CN' ? '未通过' : 'Not passed')), `outcome: ${outcome}`);
  await page.locator('.debrief-chart canvas').first().waitFor();
  assert.ok(await page.locator('.tl-item').count() > 10, 'the timeline of events and actions');
  assert.ok(await page.locator('.note').count() >= 1, 'the debrief notes');
  await check(page, `${shot}-6-debrief`, 'the debrief');
  // The replay: jump to the fall alert in the timeline; the moment shows the alert open.
  await page.locator('.tl-item[data-kind="alert_raised"] .tl-time').nth(1).click();
  await page.waitForFunction(() => document.querySelector('.replay-open .prio-tag'));
  const scrub = Number(await page.locator('[data-role="scrub"]').inputValue());
  assert.ok(scrub > 150, `the replay moved to the alert (${scrub} s)`);
  await page.locator('.replay-at').scrollIntoViewIfNeeded();
  await screenshot(page, `${shot}-7-replay`, { fullPage: false });
  assertNoProblems(page, 'the replay');
}

test('a teacher assigns; a student plays the false alarm to the end; the teacher watches live (en, laptop)', async () => {
  const lang = 'en';
  const shot = 'training-en-1366';
  const t = await openPage(browser, { size: LAPTOP });
  const s = await openPage(browser, { size: LAPTOP });
  const teacher = t.page;
  const page = s.page;
  try {
    // The teacher assigns the scenario to the class.
    await gotoPage(teacher, server.url, '/login');
    await login(teacher, server.url, 'chen.jing');
    await chooseLang(teacher, lang);
    await gotoPage(teacher, server.url, '/training');
    await check(teacher, `${shot}-t1-home`, 'teacher home');
    await teacher.click('[data-action="assign"]');
    await teacher.selectOption('dialog[open] select[name="class_id"]', String(classId));
    await teacher.selectOption('dialog[open] select[name="scenario"]', SCENARIO);
    await teacher.selectOption('dialog[open] select[name="mode"]', 'practice');
    await check(teacher, `${shot}-t2-assign`, 'the assign dialog');
    await submitDialog(teacher);
    await teacher.locator('a[data-assignment]').first().waitFor();
    await check(teacher, `${shot}-t3-assigned`, 'assigned');

    // The student finds it assigned, reads the handover and starts at 5x.
    await gotoPage(page, server.url, '/login');
    await login(page, server.url, 'zhang.wei');
    await chooseLang(page, lang);
    const nav = await page.$$eval('#site-nav a', (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(nav.includes('/training'), 'students have Training in the navigation');
    await gotoPage(page, server.url, '/training');
    await check(page, `${shot}-1-home`, 'student home');
    await page.click(`.assign-item[data-scenario="${SCENARIO}"] [data-action="start"]`);
    await page.locator('dialog[open] .briefing').waitFor();
    await page.selectOption('dialog[open] select[name="speed"]', '5');
    await check(page, `${shot}-2-briefing`, 'the briefing');
    await page.click('[data-action="start-now"]');
    await page.waitForURL(/\/training\/sessions\/[0-9a-f-]{36}$/);
    await settled(page);
    await page.locator('.trend-chart canvas').waitFor();
    const sessionUrl = page.url();

    // The teacher sees the session in the live view and opens it, read-only.
    await gotoPage(teacher, server.url, '/training/live');
    await teacher.locator('.live-card[data-login="zhang.wei"]').waitFor({ timeout: 15000 });
    await check(teacher, `${shot}-t4-live`, 'the live view');
    await teacher.click('.live-card[data-login="zhang.wei"] [data-action="watch"]');
    await teacher.waitForURL(sessionUrl);
    await settled(teacher);
    assert.equal(await teacher.locator('.player-palette').count(), 0, 'no palette for a watcher');
    assert.ok((await teacher.locator('.watch-banner').innerText()).includes('Zhang Wei'));

    await playFalseAlarm(page, shot, { reloadMidway: true });
    // The teacher saw it all happen: the score so far and the actions in the feed.
    await teacher.waitForFunction(() => document.querySelectorAll('.feed-item.ev-action').length >= 8, null, { timeout: 20000 });
    assert.match(await teacher.locator('[data-role="progress"]').innerText(), /Score so far \d+ % \(\d+\/\d+\)/);
    assert.ok(await teacher.locator('.feed-item.ev-truth').count() >= 1, 'the teacher sees what happened (the strap coming loose)');
    assert.equal(await page.locator('.feed-item.ev-truth').count(), 0, 'the student does not');
    await check(teacher, `${shot}-t5-watch`, 'watching');
    await check(page, `${shot}-3b-played`, 'after the play');

    await finish(page);
    await checkDebrief(page, shot, lang, { passed: true });
    // The watching teacher is told it ended, with a link to the debrief.
    await teacher.locator('[data-action="debrief"]').waitFor({ timeout: 15000 });
    await gotoPage(teacher, server.url, '/training');
    await teacher.click('a[data-assignment]');
    await settled(teacher);
    const row = teacher.locator('table tr', { hasText: 'Zhang Wei' }).first();
    assert.match(await row.innerText(), /Passed/);
    await check(teacher, `${shot}-t6-progress`, 'the assignment progress');
  } finally {
    await t.context.close();
    await s.context.close();
  }
});

test('a student plays the false alarm to the end in Chinese on a tablet', async () => {
  const lang = 'zh-CN';
  const shot = 'training-zh-CN-768';
  const { context, page } = await openPage(browser, { size: TABLET, locale: 'zh-CN' });
  try {
    await gotoPage(page, server.url, '/login');
    await login(page, server.url, 'liu.yang');
    await chooseLang(page, lang);
    await gotoPage(page, server.url, '/training');
    await check(page, `${shot}-1-home`, 'student home');
    await page.click(`[data-action="practise"][data-scenario="${SCENARIO}"]`);
    await page.locator('dialog[open] .briefing').waitFor();
    await page.selectOption('dialog[open] select[name="speed"]', '5');
    await check(page, `${shot}-2-briefing`, 'the briefing');
    await page.click('[data-action="start-now"]');
    await page.waitForURL(/\/training\/sessions\/[0-9a-f-]{36}$/);
    await settled(page);
    // Tap targets of the tablet layout.
    const small = await page.$$eval('.player-palette button, .room-button', (els) => els.map((e) => Math.round(e.getBoundingClientRect().height)).filter((x) => x < 44));
    assert.deepEqual(small, [], 'tap targets under 44 px');
    // Practice: pause holds the clock; resume.
    await page.click('[data-action="pause"]');
    await page.waitForFunction(() => document.querySelector('.conn-paused'));
    const at = await shownSeconds(page);
    await page.waitForTimeout(1200);
    assert.equal(await shownSeconds(page), at, 'paused');
    await page.click('[data-action="hint"]');
    await page.locator('.hint-box .notice-title').waitFor();
    await page.click('[data-action="pause"]');
    await page.waitForFunction(() => !document.querySelector('.conn-paused'));
    await playFalseAlarm(page, shot);
    await finish(page);
    await checkDebrief(page, shot, lang, { passed: true });
  } finally {
    await context.close();
  }
});

for (const [lang, size] of [['en', TABLET], ['zh-CN', LAPTOP]]) {
  test(`an assessment: no pause, no hints; the SBAR form; ending early (${lang}, ${size.width}x${size.height})`, async () => {
    const shot = `training-${lang}-${size.width}-assessment`;
    const login2 = lang === 'en' ? 'yang.jie' : 'zhao.min';
    const teacher = new Client(server.url);
    assert.equal((await teacher.login('chen.jing', PASSWORD)).status, 200);
    const r = await teacher.post('/api/training/assignments', { class_id: classId, scenario: 'night-fall-high-risk', mode: 'assessment' });
    assert.equal(r.status, 201, r.text);
    const { context, page } = await openPage(browser, { size, locale: lang === 'zh-CN' ? 'zh-CN' : 'en-US' });
    try {
      await gotoPage(page, server.url, '/login');
      await login(page, server.url, login2);
      await chooseLang(page, lang);
      await gotoPage(page, server.url, '/training');
      await page.click(`.assign-item[data-assignment="${r.json.assignment.id}"] [data-action="start"]`);
      await page.locator('dialog[open] .briefing').waitFor();
      await page.click('[data-action="start-now"]');
      await page.waitForURL(/\/training\/sessions\/[0-9a-f-]{36}$/);
      await settled(page);
      await page.waitForFunction(() => /[1-9]/.test(document.querySelector('.player-elapsed').textContent.split(/of|\//)[0]));
      assert.equal(await page.locator('[data-action="pause"]').count(), 0, 'no pause in an assessment');
      assert.equal(await page.locator('[data-action="hint"]').count(), 0, 'no hints in an assessment');
      await page.locator('.trend-chart canvas').waitFor();
      await check(page, `${shot}-1-player`, 'the assessment player');
      await page.click('.player-palette [data-action="call"]');
      await page.selectOption('dialog[open] select[name="to"]', 'nurse');
      await page.fill('dialog[open] textarea[name="sbar.situation"]', lang === 'en' ? 'Checking in on Mrs Wang at night.' : '夜间巡视王奶奶。');
      await page.check('dialog[open] input[value="dementia"]');
      await screenshot(page, `${shot}-2-sbar`, { fullPage: false });
      await assertNoRawKeys(page, keys, 'the SBAR form');
      await submitDialog(page);
      await page.locator('.feed-item[data-kind="action"]').first().waitFor();
      await finish(page);
      await checkDebrief(page, shot, lang, { passed: false });
      // The attempt is used: the assignment says so.
      await gotoPage(page, server.url, '/training');
      const item = page.locator(`.assign-item[data-assignment="${r.json.assignment.id}"]`);
      assert.ok(await item.locator('[data-action="start"]').isDisabled(), 'no attempt left');
      await check(page, `${shot}-3-home`, 'home after the assessment');
    } finally {
      await context.close();
    }
  });
}

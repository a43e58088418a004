// Badges in the browser: a teacher makes a badge from a competency and awards it with evidence; an
// administrator sees the issuer and keys and revokes an award with a reason; a student sees their
// badges (download, share, LinkedIn, transcript with a QR code); anyone verifies a badge without
// logging in, from its link or by pasting it, and sees a tampered copy refused for its reason —
// in both languages, at laptop and tablet size, with screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import {
  launch, openPage, assertNoProblems, assertNoRawKeys, assertNoHorizontalOverflow, allKeys, gotoPage,
  chooseLang, login, screenshot, SIZES, LANGS,
} from './lib.mjs';

let srv;
let browser;
let admin;
let award; // li.na's badge, made through the API
const keys = allKeys();
const dialog = (page) => page.locator('dialog[open]');

before(async () => {
  srv = await startServer({ demo: true });
  browser = await launch();
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin', 'carecampus')).status, 200);
  const items = (await admin.get('/api/frameworks/search?q=NA.S0')).json.items;
  const gen = await admin.post('/api/achievements/generate', { item: items[0].identifier, level: 3 });
  assert.equal(gen.status, 201, gen.text);
  const students = (await admin.get('/api/users?role=student')).json.users;
  const id = (login) => students.find((u) => u.login === login).id;
  let r = await admin.post(`/api/achievements/${gen.json.achievement.id}/awards`, { user_id: id('li.na'), narrative: 'Safe and calm.' });
  assert.equal(r.status, 201, r.text);
  award = r.json.award;
  r = await admin.post(`/api/achievements/${gen.json.achievement.id}/awards`, { user_id: id('wang.fang') });
  assert.equal(r.status, 201, r.text);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function check(page, name, where) {
  await assertNoRawKeys(page, keys, where);
  await assertNoHorizontalOverflow(page, where);
  assertNoProblems(page, where);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

async function as(who, lang, size = SIZES[0]) {
  const t = await openPage(browser, { size });
  await gotoPage(t.page, srv.url, '/login');
  await chooseLang(t.page, lang);
  await login(t.page, srv.url, who);
  await chooseLang(t.page, lang);
  return t;
}

for (const lang of LANGS) {
  test(`a teacher makes a badge from a competency and awards it with evidence (${lang})`, async () => {
    const { context, page } = await as('liu.wei', lang);
    try {
      await page.click(`#site-nav a[href="/achievements"]`);
      await page.waitForURL((u) => u.pathname === '/achievements');
      await page.locator('#main table').waitFor();
      await check(page, `teacher-achievements-${lang}-1366`, `list, ${lang}`);
      await page.click('[data-action="generate"]');
      await dialog(page).locator('[data-field="item-search"]').fill(lang === 'en' ? 'NA.S02' : 'NA.S03');
      await dialog(page).locator('[data-pick]').first().click();
      await screenshot(page, `teacher-achievements-generate-${lang}-1366`, { fullPage: false });
      await dialog(page).locator('[data-action="generate-go"]').click();
      await page.waitForURL((u) => /^\/achievements\/\d+$/.test(u.pathname));
      await page.locator('#main .achievement-view').waitFor();
      await page.click('[data-action="award"]');
      await dialog(page).locator('select[name="user_id"] option').first().waitFor({ state: 'attached' });
      await dialog(page).locator('input[name="link"]').fill('https://college.example.cn/debriefs/12');
      await dialog(page).locator('textarea[name="narrative"]').fill(lang === 'en' ? 'Kept the resident safe.' : '保证了老人安全。');
      await screenshot(page, `teacher-award-dialog-${lang}-1366`, { fullPage: false });
      await dialog(page).locator('[data-action="award-go"]').click();
      await page.locator('#main table tbody tr').first().waitFor();
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await check(page, `teacher-achievement-detail-${lang}-${size.width}`, `detail, ${lang} ${size.width}`);
      }
    } finally { await context.close(); }
  });

  test(`an administrator sees the issuer and keys and revokes an award with a reason (${lang})`, async () => {
    const { context, page } = await as('admin', lang);
    try {
      await gotoPage(page, srv.url, '/achievements');
      await page.locator('#main [data-action="rotate"]').waitFor();
      await check(page, `admin-achievements-${lang}-1366`, `admin list, ${lang}`);
      await page.click(`#main a[data-achievement="${award.achievement.id}"]`);
      await page.locator('#main table tbody tr').first().waitFor();
      const revoke = page.locator('#main [data-action="revoke"]').first();
      await revoke.click();
      await dialog(page).locator('textarea[name="reason"]').fill(lang === 'en' ? 'Recorded for the wrong student' : '记错了学生');
      await dialog(page).locator('[data-action="confirm-reason"]').click();
      await page.locator('#main [data-status="revoked"]').first().waitFor();
      await check(page, `admin-achievement-revoked-${lang}-1366`, `revoked, ${lang}`);
      // Restore it for the next language's run.
      await page.locator('#main [data-action="unrevoke"]').first().click();
      await dialog(page).locator('textarea[name="reason"]').fill('restored');
      await dialog(page).locator('[data-action="confirm-reason"]').click();
      await page.waitForFunction(() => !document.querySelector('#main [data-status="revoked"]'));
    } finally { await context.close(); }
  });

  test(`a student sees their badges and a printable transcript (${lang})`, async () => {
    for (const size of SIZES) {
      const { context, page } = await as('li.na', lang, size);
      try {
        await gotoPage(page, srv.url, '/badges');
        const card = page.locator(`#main [data-badge="${award.uuid}"]`);
        await card.waitFor();
        assert.equal(await card.locator('[data-action="download"]').count(), 1);
        const li = await card.locator('[data-link="linkedin"]').getAttribute('href');
        assert.match(li, /^https:\/\/www\.linkedin\.com\/profile\/add\?startTask=CERTIFICATION_NAME&/);
        assert.ok(new URL(li).searchParams.get('certUrl').endsWith(`/verify/${award.uuid}`));
        await check(page, `student-badges-${lang}-${size.width}`, `badges, ${lang} ${size.width}`);
        await page.click('[data-link="transcript"]');
        await page.waitForURL((u) => u.pathname === '/badges/transcript');
        await page.locator('#main .transcript-qr img').waitFor();
        await check(page, `student-transcript-${lang}-${size.width}`, `transcript, ${lang} ${size.width}`);
      } finally { await context.close(); }
    }
  });

  test(`anyone verifies a badge without logging in, and a tampered copy is refused (${lang})`, async () => {
    for (const size of SIZES) {
      const { context, page } = await openPage(browser, { size });
      try {
        await gotoPage(page, srv.url, '/login');
        await chooseLang(page, lang);
        await gotoPage(page, srv.url, `/verify/${award.uuid}`);
        await page.locator('#main .verify-banner[data-verified="true"]').waitFor();
        assert.equal(await page.locator('#main [data-check="signature"][data-result="passed"]').count(), 1);
        assert.equal(await page.locator('#main [data-check="status"][data-result="passed"]').count(), 1);
        await check(page, `verify-ok-${lang}-${size.width}`, `verified, ${lang} ${size.width}`);
        const tampered = structuredClone(award.credential);
        tampered.credentialSubject.achievement.name = 'Something else';
        await page.fill('#main [data-field="credential"]', JSON.stringify(tampered));
        await page.click('#main [data-action="verify"]');
        await page.locator('#main .verify-banner[data-verified="false"]').waitFor();
        assert.equal(await page.locator('#main [data-check="signature"][data-result="failed"]').count(), 1);
        // What a refused credential says is shown as it says it, not as the college defined it.
        assert.ok((await page.locator('#main .achievement-view .card-title').innerText()).includes('Something else'));
        await check(page, `verify-tampered-${lang}-${size.width}`, `tampered, ${lang} ${size.width}`);
      } finally { await context.close(); }
    }
  });
}

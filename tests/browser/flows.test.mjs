// What people do with the UI, end to end against the real server: log in and
// out, add and import users, create a class, enrol and remove students, change
// language (kept per user, and without losing what is on the page), change password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../lib/server.mjs';
import {
  startDemoServer, stopDemoServer, launch, openPage, assertNoProblems, assertNoRawKeys, allKeys, gotoPage, chooseLang,
  login, logout, screenshot, settled, PASSWORD,
} from './lib.mjs';

let server;
let browser;
let api; // an admin API client, to check what the UI did
const keys = allKeys();

before(async () => {
  server = await startDemoServer();
  browser = await launch();
  api = new Client(server.url);
  assert.equal((await api.login('admin', PASSWORD)).status, 200);
});

after(async () => {
  await browser?.close();
  await stopDemoServer(server);
});

async function userExists(login) {
  const r = await api.get(`/api/users?q=${encodeURIComponent(login)}`);
  return r.json.users.some((u) => u.login === login);
}

const dialog = (page) => page.locator('dialog[open]');

test('login shows an error summary for empty fields, a wrong password and too many attempts', async () => {
  const { context, page } = await openPage(browser);
  try {
    await gotoPage(page, server.url, '/login');
    await chooseLang(page, 'en');
    await page.click('form button[type="submit"]');
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    assert.equal(await summary.locator('li a').count(), 2, 'one linked problem per empty field');
    await summary.locator('li a').first().click();
    assert.equal(await page.evaluate(() => document.activeElement.name), 'login', 'the summary link focuses the field');

    await page.fill('input[name="login"]', 'admin');
    await page.fill('input[name="password"]', 'not-the-password');
    await page.click('form button[type="submit"]');
    await page.locator('.field.has-error input[name="password"]').waitFor();
    assert.ok((await summary.innerText()).length > 'There is a problem'.length, 'the server message is shown');
    assert.equal(new URL(page.url()).pathname, '/login');
    await screenshot(page, 'anon-login-error-en-1366');

    // Too many failures on one account: 429, with a hint of when to try again.
    let hinted = false;
    for (let i = 0; i < 8 && !hinted; i++) {
      await page.fill('input[name="login"]', 'liu.wei');
      await page.fill('input[name="password"]', `wrong-password-${i}`);
      await page.click('form button[type="submit"]');
      await page.waitForFunction(() => !document.querySelector('form button[aria-busy]'));
      hinted = /wait \d+ minutes?, then try again\./.test(await summary.innerText());
    }
    assert.ok(hinted, 'a rate-limited login says when to try again');
    await assertNoRawKeys(page, keys, 'on the login errors');
    assertNoProblems(page);
  } finally { await context.close(); }
});

test('admin adds a user, and sees field errors for a taken login', async () => {
  const { context, page } = await openPage(browser);
  try {
    await login(page, server.url, 'admin');
    await chooseLang(page, 'en');
    assert.equal(new URL(page.url()).pathname, '/users');
    await page.click('[data-action="add-user"]');
    const d = dialog(page);
    await d.waitFor();
    await d.locator('button[type="submit"]').click();
    await d.locator('.error-summary li').first().waitFor();
    assert.ok(await d.locator('.error-summary li').count() >= 3, 'empty login, name and password are reported');

    await d.locator('input[name="login"]').fill('test.student');
    await d.locator('input[name="name"]').fill('测试 Test Student');
    await d.locator('select[name="role"]').selectOption('student');
    await d.locator('input[name="password"]').fill('correct-horse-9');
    await screenshot(page, 'admin-users-add-en-1366', { fullPage: false });
    await d.locator('button[type="submit"]').click();
    await d.waitFor({ state: 'detached' });
    await page.locator('#main tbody tr', { hasText: 'test.student' }).waitFor();
    assert.ok(await userExists('test.student'));

    // The same login again: the server's 409 lands on the login field.
    await page.click('[data-action="add-user"]');
    await d.waitFor();
    await d.locator('input[name="login"]').fill('test.student');
    await d.locator('input[name="name"]').fill('Someone Else');
    await d.locator('input[name="password"]').fill('correct-horse-9');
    await d.locator('button[type="submit"]').click();
    await d.locator('.field.has-error input[name="login"]').waitFor();
    assert.equal(await d.locator('.error-summary a').count(), 1, 'the summary links to the login field');
    await assertNoRawKeys(page, keys, 'in the add-user dialog');
    await screenshot(page, 'admin-users-add-error-en-1366', { fullPage: false });
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    assertNoProblems(page);
  } finally { await context.close(); }
});

test('admin imports users from CSV: a bad row imports nothing, a good file imports all', async () => {
  const { context, page } = await openPage(browser);
  try {
    await login(page, server.url, 'admin');
    await chooseLang(page, 'en');
    const className = (await api.get('/api/classes')).json.classes[0].name;

    await page.click('[data-action="import-users"]');
    const d = dialog(page);
    await d.waitFor();
    assert.match(await d.locator('[data-action="download-template"]').getAttribute('href'), /^blob:/, 'the template is a download');
    assert.match(await d.locator('pre').innerText(), /^login,name,role,password,lang,class/);

    const bad = 'login,name,role,password,lang,class\n'
      + 'imp.one,Import One,student,correct-horse-9,en,\n'
      + 'imp.two,Import Two,nurse,correct-horse-9,en,\n';
    await d.locator('input[type="file"]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await d.locator('button[type="submit"]').click();
    const rowErrors = d.locator('.import-result tbody tr');
    await rowErrors.first().waitFor();
    assert.equal(await rowErrors.count(), 1, 'one row error');
    const cells = await rowErrors.first().locator('th, td').allInnerTexts();
    assert.equal(cells[0].trim(), '3', 'the error is on line 3 (the header is line 1)');
    assert.equal(cells[1].trim(), 'role');
    assert.ok(cells[2].trim().length > 0, 'with the server message');
    assert.match(await d.locator('.import-result').innerText(), /nothing was imported/i);
    await assertNoRawKeys(page, keys, 'in the import errors');
    await screenshot(page, 'admin-users-import-errors-en-1366', { fullPage: false });
    assert.equal(await userExists('imp.one'), false, 'the good row of a bad file is not imported');

    const good = '\uFEFFlogin,name,role,password,lang,class\r\n'
      + `imp.one,Import One,student,correct-horse-9,en,${className}\r\n`
      + 'imp.two,"Import Two, Jr.",student,correct-horse-9,zh-CN,\r\n';
    await d.locator('input[type="file"]').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await d.locator('button[type="submit"]').click();
    await d.locator('.notice-success').waitFor();
    assert.match(await d.locator('.notice-success').innerText(), /2 users imported/);
    await screenshot(page, 'admin-users-import-done-en-1366', { fullPage: false });
    await d.locator('.dialog-actions button', { hasText: 'Close' }).click();
    await d.waitFor({ state: 'detached' });
    await page.locator('#main tbody tr', { hasText: 'imp.two' }).waitFor();
    assert.ok(await userExists('imp.one'));
    assertNoProblems(page);
  } finally { await context.close(); }
});

test('admin creates a class, enrols students and removes one', async () => {
  const { context, page } = await openPage(browser);
  try {
    await login(page, server.url, 'admin');
    await chooseLang(page, 'zh-CN');
    await page.click('#site-nav a[href="/classes"]');
    await page.waitForURL((u) => u.pathname === '/classes');
    await settled(page);

    await page.click('[data-action="new-class"]');
    const d = dialog(page);
    await d.waitFor();
    await d.locator('select[name="teacher_id"]').waitFor();
    await d.locator('button[type="submit"]').click();
    await d.locator('.error-summary li').nth(1).waitFor();
    const name = '失智照护2026级 Dementia Care 2026';
    await d.locator('input[name="name"]').fill(name);
    const teacherValue = await d.locator('select[name="teacher_id"] option', { hasText: 'liu.wei' }).getAttribute('value');
    await d.locator('select[name="teacher_id"]').selectOption(teacherValue);
    await screenshot(page, 'admin-classes-new-zh-CN-1366', { fullPage: false });
    await d.locator('button[type="submit"]').click();
    await d.waitFor({ state: 'detached' });

    await page.locator('#main tbody a', { hasText: name }).click();
    await page.waitForURL((u) => /^\/classes\/\d+$/.test(u.pathname));
    await settled(page);
    assert.equal(await page.locator('#main .state-empty').count(), 1, 'a new class shows its empty state');
    await screenshot(page, 'admin-class-empty-zh-CN-1366');

    await page.click('[data-action="enrol"]');
    await d.waitFor();
    await d.locator('.pick-row').first().waitFor();
    await d.locator('input[type="search"]').fill('test.student');
    await page.waitForFunction(() => document.querySelectorAll('dialog[open] .pick-row').length === 1);
    await d.locator('input[type="checkbox"][data-login="test.student"]').check();
    await d.locator('input[type="search"]').fill('');
    await d.locator('input[type="checkbox"][data-login="wang.fang"]').check();
    assert.match(await d.locator('[data-action="enrol-submit"]').innerText(), /2/);
    await screenshot(page, 'admin-class-enrol-zh-CN-1366', { fullPage: false });
    await d.locator('[data-action="enrol-submit"]').click();
    await d.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelectorAll('#main tbody tr').length === 2);

    await page.click('[data-action="remove"][data-login="test.student"]');
    await d.waitFor();
    await screenshot(page, 'admin-class-remove-zh-CN-1366', { fullPage: false });
    await d.locator('.btn-danger').click();
    await d.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelectorAll('#main tbody tr').length === 1);
    assert.equal(await page.locator('#main tbody tr', { hasText: 'wang.fang' }).count(), 1);
    await assertNoRawKeys(page, keys, 'on the new class');
    assertNoProblems(page);

    const classes = (await api.get('/api/classes')).json.classes;
    const created = classes.find((c) => c.name === name);
    assert.ok(created, 'the class exists');
    assert.equal(created.student_count, 1);
    assert.equal(created.teacher.name.includes('Liu'), true);
  } finally { await context.close(); }
});

test('switching language keeps the current page and what was typed', async () => {
  const { context, page } = await openPage(browser);
  try {
    await login(page, server.url, 'admin');
    await chooseLang(page, 'en');
    await gotoPage(page, server.url, '/profile');
    const nameInput = page.locator('input[name="name"]');
    await nameInput.fill('Typed but not saved');
    await page.locator('input[name="current"]').fill('half-typed');
    await chooseLang(page, 'zh-CN');
    assert.equal(new URL(page.url()).pathname, '/profile');
    assert.equal(await nameInput.inputValue(), 'Typed but not saved');
    assert.equal(await page.locator('input[name="current"]').inputValue(), 'half-typed');
    assert.equal(await page.locator('h1').innerText(), '个人中心');
    assert.equal(await page.locator(`label[for="${await nameInput.getAttribute('id')}"]`).innerText(), '姓名');
    assert.match(await page.title(), /个人中心/);
    await assertNoRawKeys(page, keys, 'after switching language');

    // Filters on the users page survive too, in the form and in the address.
    await gotoPage(page, server.url, '/users?role=student&q=wang');
    assert.equal(await page.locator('#main tbody tr').count(), 1);
    await chooseLang(page, 'en');
    assert.equal(await page.locator('select[name="role"]').inputValue(), 'student');
    assert.equal(await page.locator('input[name="q"]').inputValue(), 'wang');
    assert.equal(new URL(page.url()).search, '?role=student&q=wang');
    assert.equal(await page.locator('#main tbody tr').count(), 1);
    assert.match(await page.locator('#main thead').innerText(), /Name/);
    assertNoProblems(page);
  } finally { await context.close(); }
});

test("a student's language choice persists after logout and login", async () => {
  const a = await openPage(browser);
  let target;
  try {
    await login(a.page, server.url, 'li.na');
    assert.equal(new URL(a.page.url()).pathname, '/profile');
    const start = await a.page.getAttribute('html', 'lang');
    target = start === 'zh-CN' ? 'en' : 'zh-CN';
    await a.page.locator(`input[type="radio"][value="${target}"]`).check();
    await a.page.waitForFunction((l) => document.documentElement.lang === l, target);
    assert.equal(await a.page.getAttribute(`#lang-switch button[data-lang="${target}"]`, 'aria-pressed'), 'true');
    await logout(a.page);
    assert.equal(await a.page.getAttribute('html', 'lang'), target, 'the login page keeps the language');
    await login(a.page, server.url, 'li.na');
    assert.equal(await a.page.getAttribute('html', 'lang'), target);
    assertNoProblems(a.page);
  } finally { await a.context.close(); }

  // On another device (nothing stored in the browser), the account's language still wins.
  const b = await openPage(browser);
  try {
    await gotoPage(b.page, server.url, '/login');
    await chooseLang(b.page, target === 'en' ? 'zh-CN' : 'en');
    await login(b.page, server.url, 'li.na');
    assert.equal(await b.page.getAttribute('html', 'lang'), target, 'the language is remembered for the user');
    assertNoProblems(b.page);
  } finally { await b.context.close(); }
});

test('a user changes their password; wrong and mismatched entries are explained', async () => {
  const { context, page } = await openPage(browser);
  try {
    await login(page, server.url, 'test.student', 'correct-horse-9');
    await chooseLang(page, 'en');
    await page.fill('input[name="current"]', 'not-my-password');
    await page.fill('input[name="new"]', 'battery-staple-42');
    await page.fill('input[name="confirm"]', 'battery-staple-43');
    await page.click('button:has-text("Change password")');
    await page.locator('.field.has-error input[name="confirm"]').waitFor();
    await page.fill('input[name="confirm"]', 'battery-staple-42');
    await page.click('button:has-text("Change password")');
    await page.locator('.field.has-error input[name="current"]').waitFor(); // the server's 422 field "current"
    await screenshot(page, 'student-profile-password-error-en-1366');
    await page.fill('input[name="current"]', 'correct-horse-9');
    await page.click('button:has-text("Change password")');
    await page.locator('.toast').filter({ hasText: 'password has been changed' }).waitFor();
    assert.equal(await page.locator('.field.has-error').count(), 0);
    await logout(page);
    await login(page, server.url, 'test.student', 'battery-staple-42');
    assert.equal(new URL(page.url()).pathname, '/profile');
    assertNoProblems(page);
  } finally { await context.close(); }
});

test('logout ends the session', async () => {
  const { context, page } = await openPage(browser);
  try {
    await login(page, server.url, 'chen.jing');
    assert.equal(new URL(page.url()).pathname, '/classes');
    await logout(page);
    const status = await page.evaluate(async () => (await fetch('/api/me')).status);
    assert.equal(status, 401);
    await gotoPage(page, server.url, '/classes');
    assert.equal(new URL(page.url()).pathname, '/login', 'pages need a session again');
    // After logging in again, the page asked for first is opened.
    await login(page, server.url, 'chen.jing');
    assert.equal(new URL(page.url()).pathname, '/classes');
    assertNoProblems(page);
  } finally { await context.close(); }
});

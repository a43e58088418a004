// The statement forwarding page (/lrs/clients/forwarding): an administrator of the campus server
// (the demo college) finds it from the LRS clients page, adds the central server as a target, sees
// the statements arrive, sees what went wrong while the central server is down (and that the
// records wait), tries again, pauses and resumes, sends everything again, changes and removes the
// target — in both languages, at laptop and tablet size, with screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startServer, Client, cli } from '../lib/server.mjs';
import {
  launch, openPage, assertNoProblems, assertNoRawKeys, assertNoHorizontalOverflow, allKeys, gotoPage,
  chooseLang, login, screenshot, SIZES, LANGS, root,
} from './lib.mjs';

let campus; // server A: the demo college, forwarding quickly so that states change within a test
let central; // server B: receives
let browser;
let api; // the campus admin through the API, to check what the UI did
let sink; // the credentials of the LRS client made for the campus on the central server
let content; // an LRS client of the campus that stores statements
const keys = allKeys();
const dialog = (page) => page.locator('dialog[open]');
const PAGE = '/lrs/clients/forwarding';

function webDirArgs() {
  const dir = process.env.CARECAMPUS_WEB_DIR;
  return dir ? ['--web-dir', resolve(root, dir)] : [];
}

async function xapiPost(srv, { key, secret }, statements) {
  const r = await fetch(`${srv.url}/xapi/statements`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
      'X-Experience-API-Version': '2.0.0',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(statements),
  });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  return JSON.parse(text);
}

const practised = (login, n) => Array.from({ length: n }, (_, i) => ({
  actor: { objectType: 'Agent', account: { homePage: 'https://lrs.carecampus.invalid/users', name: login } },
  verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { 'en-US': 'experienced', 'zh-CN': '体验' } },
  object: { id: `https://campus.example.edu/activities/transfer-${i}` },
}));

function lrsClient(srv, name, scopes) {
  const r = cli(['xapi', 'client', 'add', '--name', name, '--scope', ...scopes, '--json'], { dataDir: srv.dataDir });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

before(async () => {
  [campus, central] = await Promise.all([
    startServer({ demo: true, extraArgs: ['--forward-interval-ms', '200', '--forward-retry-max-ms', '20000', ...webDirArgs()] }),
    startServer(),
  ]);
  central.addInstitution('Changsha Health Vocational College — central', '长沙健康职业学院（中心）', 'CN');
  sink = lrsClient(central, 'Training room 3 campus server', ['statements/write']);
  content = lrsClient(campus, 'VR transfer simulation', ['statements/write']);
  browser = await launch();
  api = new Client(campus.url);
  assert.equal((await api.login('admin', 'carecampus')).status, 200);
});

after(async () => {
  await browser?.close();
  await campus?.stop();
  await central?.stop();
});

async function check(page, name, where) {
  await assertNoRawKeys(page, keys, where);
  await assertNoHorizontalOverflow(page, where);
  assertNoProblems(page, where);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

async function adminPage(lang, size = SIZES[0]) {
  const t = await openPage(browser, { size });
  await gotoPage(t.page, campus.url, '/login');
  await chooseLang(t.page, lang);
  await login(t.page, campus.url, 'admin');
  await chooseLang(t.page, lang);
  return t;
}

const card = (page) => page.locator('#main .forward-card').first();
const waitStatus = (page, status) => page.locator(`#main .forward-card[data-status="${status}"]`).waitFor({ timeout: 15000 });

/* How many statements the campus college holds (none are voided here), through the statement browser. */
async function totalStatements() {
  let n = 0;
  let after = '';
  for (;;) {
    const r = await api.get(`/api/lrs/statements${after ? `?after=${after}` : ''}`);
    assert.equal(r.status, 200, r.text);
    n += r.json.statements.length;
    if (r.json.after === undefined) return n;
    after = r.json.after;
  }
}

/* Waits until the card shows N statements sent. */
const waitDelivered = (page, n) => page.waitForFunction((x) => document.querySelector('#main [data-fact="delivered"]')?.textContent === x,
  new Intl.NumberFormat('en').format(n), { timeout: 15000 });

async function target() {
  const r = await api.get('/api/xapi/forwarding');
  assert.equal(r.status, 200, r.text);
  return r.json.targets[0];
}

for (const lang of LANGS) {
  test(`before a target exists the page says what to do, and the LRS clients page leads to it (${lang})`, async () => {
    const { context, page } = await adminPage(lang);
    try {
      await gotoPage(page, campus.url, '/lrs/clients');
      await check(page, `admin-lrs-clients-with-forwarding-link-${lang}-1366`, `the link on /lrs/clients, ${lang}`);
      await page.click('[data-link="forwarding"]');
      await page.waitForURL((u) => u.pathname === PAGE);
      await page.locator('#main .state-empty').waitFor();
      assert.equal(await page.locator('h1').count(), 1);
      assert.equal(await page.locator('#site-nav a[aria-current]').getAttribute('href'), '/lrs/clients', 'LRS clients stays marked in the navigation');
      assert.equal(await page.locator('#main .breadcrumb a[href="/lrs/clients"]').count(), 1);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await check(page, `admin-lrs-forwarding-empty-${lang}-${size.width}`, `empty, ${lang} ${size.width}`);
      }
    } finally { await context.close(); }
  });
}

test('a teacher has no forwarding page', async () => {
  const { context, page } = await openPage(browser);
  try {
    await login(page, campus.url, 'chen.jing');
    await gotoPage(page, campus.url, PAGE);
    assert.equal(await page.locator('#main .forward-card, #main [data-action="add-target"]').count(), 0);
    assertNoProblems(page);
  } finally { await context.close(); }
});

test('admin adds the central server: the form explains each field and every problem; records arrive', async () => {
  const { context, page } = await adminPage('en');
  try {
    await gotoPage(page, campus.url, PAGE);
    await page.click('[data-action="add-target"]');
    const d = dialog(page);
    await d.waitFor();
    // Nothing filled in: four problems, each linked to its field.
    await d.locator('button[type="submit"]').click();
    await d.locator('.error-summary li').nth(3).waitFor();
    assert.equal(await d.locator('.error-summary li').count(), 4);
    await d.locator('.error-summary li a').nth(1).click();
    assert.equal(await page.evaluate(() => document.activeElement.name), 'url');
    await assertNoRawKeys(page, keys, 'in the form errors');
    await screenshot(page, 'admin-lrs-forwarding-add-error-en-1366', { fullPage: false });

    // An address the server refuses: its message lands on the field.
    await d.locator('input[name="name"]').fill('Central server 中心服务器');
    await d.locator('input[name="url"]').fill(`http://user:pw@127.0.0.1:${central.port}/xapi/`);
    await d.locator('input[name="key"]').fill(sink.key);
    await d.locator('input[name="secret"]').fill(sink.secret);
    await d.locator('button[type="submit"]').click();
    await d.locator('.field.has-error input[name="url"]').waitFor();
    assert.match(await d.locator('.error-summary').innerText(), /without a user name, password/);

    await d.locator('input[name="url"]').fill(`${central.url}/xapi/`);
    assert.equal(await d.locator('select[name="version"]').inputValue(), '2.0.0');
    await screenshot(page, 'admin-lrs-forwarding-add-en-1366', { fullPage: false });
    await d.locator('button[type="submit"]').click();
    await d.waitFor({ state: 'detached' });
    await card(page).waitFor();
    const t = await target();
    assert.equal(t.url, `${central.url}/xapi/`);
    assert.equal(t.key, sink.key);
    assert.ok(!(await page.content()).includes(sink.secret), 'the secret is not on the page');

    await xapiPost(campus, content, practised('wang.fang', 5));
    await waitDelivered(page, await totalStatements());
    await waitStatus(page, 'up_to_date');
    assert.equal(await card(page).locator('[data-fact="pending"]').innerText(), '0');
    assert.equal(await card(page).locator('.tag').innerText(), 'Up to date');
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await check(page, `admin-lrs-forwarding-ok-en-${size.width}`, `up to date at ${size.width}`);
    }
  } finally { await context.close(); }
});

test('while the central server is down the page says why and that records wait; try now delivers', async () => {
  const port = central.port;
  const dataDir = central.dataDir;
  await central.stop({ keepData: true });
  await xapiPost(campus, content, practised('li.na', 3));
  for (const lang of LANGS) {
    const { context, page } = await adminPage(lang);
    try {
      await gotoPage(page, campus.url, PAGE);
      await waitStatus(page, 'failing');
      const box = card(page).locator('.forward-error');
      await box.waitFor();
      assert.match(await box.innerText(), lang === 'en' ? /could not be reached/ : /无法连接/);
      assert.match(await box.locator('[data-fact="last-error"]').innerText(), /connect/i);
      assert.equal(await card(page).locator('[data-fact="pending"]').innerText(), '3');
      assert.equal(await card(page).locator('[data-action="retry"]').count(), 1);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await check(page, `admin-lrs-forwarding-failing-${lang}-${size.width}`, `failing, ${lang} ${size.width}`);
      }
    } finally { await context.close(); }
  }

  // Once the back-off has grown long, the central server comes back: "Try now" does not wait for it.
  let due;
  for (const end = Date.now() + 30000; ; await new Promise((r) => setTimeout(r, 100))) {
    due = Date.parse((await target()).next_attempt_at);
    if (due - Date.now() > 5000) break;
    assert.ok(Date.now() < end, 'the back-off grows');
  }
  central = await startServer({ dataDir, port });
  const { context, page } = await adminPage('en');
  try {
    await gotoPage(page, campus.url, PAGE);
    await card(page).locator('[data-action="retry"]').click();
    await waitStatus(page, 'up_to_date');
    assert.ok(Date.parse((await target()).last_success_at) < due, 'delivered before the back-off ended');
    await waitDelivered(page, await totalStatements());
    assert.equal((await target()).pending, 0);
    assertNoProblems(page);
  } finally { await context.close(); }
});

test('pause and resume, send all again, change and remove (in Chinese, tablet)', async () => {
  const { context, page } = await adminPage('zh-CN', SIZES[1]);
  try {
    await gotoPage(page, campus.url, PAGE);
    await card(page).locator('[data-action="disable"]').click();
    await waitStatus(page, 'disabled');
    assert.equal((await target()).enabled, false);
    await xapiPost(campus, content, practised('zhao.min', 2));
    await gotoPage(page, campus.url, PAGE);
    assert.equal(await card(page).locator('[data-fact="pending"]').innerText(), '2');
    assert.equal(await card(page).locator('.tag').innerText(), '已暂停');
    await check(page, 'admin-lrs-forwarding-paused-zh-CN-768', 'paused');
    await card(page).locator('[data-action="enable"]').click();
    await waitStatus(page, 'up_to_date');

    // Send all again: confirmed first; the central server keeps one copy of each.
    const before = await target();
    await card(page).locator('[data-action="resend"]').click();
    const d = dialog(page);
    await d.waitFor();
    assert.match(await d.innerText(), /不会产生重复/);
    await screenshot(page, 'admin-lrs-forwarding-resend-zh-CN-768', { fullPage: false });
    await d.locator('.btn-primary').click();
    await d.waitFor({ state: 'detached' });
    const all = await totalStatements();
    await waitDelivered(page, before.delivered + all);

    // Change the name and the version; the secret field left empty keeps the secret.
    await card(page).locator('[data-action="edit"]').click();
    await d.waitFor();
    assert.equal(await d.locator('input[name="secret"]').inputValue(), '');
    await d.locator('input[name="name"]').fill('中心服务器（主）');
    await screenshot(page, 'admin-lrs-forwarding-edit-zh-CN-768', { fullPage: false });
    await d.locator('button[type="submit"]').click();
    await d.waitFor({ state: 'detached' });
    await page.locator('#main .forward-card h2', { hasText: '中心服务器（主）' }).waitFor();
    await xapiPost(campus, content, practised('chen.xi', 1));
    await waitDelivered(page, before.delivered + all + 1);

    await card(page).locator('[data-action="delete"]').click();
    await d.waitFor();
    await d.locator('.btn-danger').click();
    await d.waitFor({ state: 'detached' });
    await page.locator('#main .state-empty').waitFor();
    assert.deepEqual((await api.get('/api/xapi/forwarding')).json.targets, []);
    await assertNoRawKeys(page, keys, 'after removing');
    assertNoProblems(page);
  } finally { await context.close(); }
});

// The LRS pages: an administrator creates an LRS client (its secret shown once), copies its
// credentials and revokes it; statements a client sends over xAPI appear in the statement
// browser of administrators and teachers, in both languages, at laptop and tablet size.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from '../lib/server.mjs';
import {
  startDemoServer, stopDemoServer, launch, openPage, assertNoProblems, assertNoRawKeys, assertNoHorizontalOverflow,
  allKeys, gotoPage, chooseLang, login, screenshot, settled, SIZES, LANGS, PASSWORD,
} from './lib.mjs';

let server;
let browser;
let api; // an admin API client, to check what the UI did and to set up data
const keys = allKeys();
const dialog = (page) => page.locator('dialog[open]');

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

async function check(page, name, where, { fullPage = true } = {}) {
  await assertNoRawKeys(page, keys, where);
  await assertNoHorizontalOverflow(page, where);
  const clipped = await page.evaluate(() => [...document.querySelectorAll('#main .table-wrap, dialog[open] .table-wrap')]
    .filter((w) => w.scrollWidth > w.clientWidth + 1).length);
  assert.equal(clipped, 0, `a table scrolls sideways ${where}`);
  assertNoProblems(page, where);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name, { fullPage });
}

/* POSTs statements to the LRS as a client would: HTTP Basic with the client's key and secret. */
function xapiPost(key, secret, statements) {
  return fetch(`${server.url}/xapi/statements`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
      'X-Experience-API-Version': '1.0.3',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(statements),
  });
}

const agent = (login) => ({ objectType: 'Agent', account: { homePage: 'https://lrs.carecampus.invalid/users', name: login } });

async function newClient(name, scopes) {
  const r = await api.post('/api/lrs/clients', { name, scopes });
  assert.equal(r.status, 201, r.text);
  return { key: r.json.client.key, secret: r.json.secret, id: r.json.client.id };
}

async function loginAs(page, who, lang) {
  await gotoPage(page, server.url, '/login');
  await chooseLang(page, lang);
  await login(page, server.url, who);
  await chooseLang(page, lang); // the user's stored language wins at login; make it the one under test
}

for (const lang of LANGS) {
  test(`before anything is connected, both pages say what to do (${lang})`, async () => {
    const { context, page } = await openPage(browser);
    try {
      await loginAs(page, 'admin', lang);
      const nav = await page.$$eval('#site-nav a', (as) => as.map((a) => a.getAttribute('href')));
      assert.ok(nav.includes('/lrs/clients') && nav.includes('/lrs/statements'), `admin navigation: ${nav}`);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await gotoPage(page, server.url, '/lrs/clients');
        assert.equal(await page.locator('h1').count(), 1);
        assert.equal(await page.locator('#main .state-empty').count(), 1, 'no clients: an empty state');
        assert.match(await page.locator('.endpoint-url').innerText(), /\/xapi\/$/);
        await check(page, `admin-lrs-clients-empty-${lang}-${size.width}`, `on /lrs/clients ${lang} ${size.width}`);
        await gotoPage(page, server.url, '/lrs/statements');
        assert.equal(await page.locator('#main .state-empty').count(), 1, 'no statements: an empty state');
        assert.equal(await page.locator('#main .state-empty a[href="/lrs/clients"]').count(), 1, 'the admin is sent to the clients');
        await check(page, `admin-lrs-statements-empty-${lang}-${size.width}`, `on /lrs/statements ${lang} ${size.width}`);
      }
    } finally { await context.close(); }

    const t = await openPage(browser);
    try {
      await loginAs(t.page, 'chen.jing', lang);
      const nav = await t.page.$$eval('#site-nav a', (as) => as.map((a) => a.getAttribute('href')));
      assert.ok(nav.includes('/lrs/statements') && !nav.includes('/lrs/clients'), `teacher navigation: ${nav}`);
      await gotoPage(t.page, server.url, '/lrs/statements');
      assert.equal(await t.page.locator('#main .state-empty').count(), 1);
      await check(t.page, `teacher-lrs-statements-empty-${lang}-1366`, `on /lrs/statements as teacher ${lang}`);
      await gotoPage(t.page, server.url, '/lrs/clients');
      assert.equal(await t.page.locator('#main table, [data-action="new-client"]').count(), 0, 'a teacher cannot manage clients');
      assertNoProblems(t.page, 'on /lrs/clients as teacher');
    } finally { await t.context.close(); }
  });
}

test('a student has neither page', async () => {
  const { context, page } = await openPage(browser);
  try {
    await login(page, server.url, 'wang.fang');
    for (const p of ['/lrs/statements', '/lrs/clients']) {
      await gotoPage(page, server.url, p);
      assert.equal(await page.locator('#main table, #main form').count(), 0, `nothing on ${p}`);
    }
    assert.equal(await page.locator('#site-nav a[href^="/lrs/"]').count(), 0);
    assertNoProblems(page);
  } finally { await context.close(); }
});

test('admin creates a client, copies its secret (shown once) and revokes it', async () => {
  const { context, page } = await openPage(browser);
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await loginAs(page, 'admin', 'en');
    await gotoPage(page, server.url, '/lrs/clients');

    // Nothing filled in: both problems are listed and linked to their fields.
    await page.click('[data-action="new-client"]');
    const d = dialog(page);
    await d.waitFor();
    assert.equal(await d.locator('input[name="scopes"]').count(), 8, 'one checkbox per scope');
    assert.equal(await d.locator('.scope-help').count(), 8, 'each scope is explained');
    await d.locator('input[name="scopes"]:checked').uncheck();
    await d.locator('button[type="submit"]').click();
    await d.locator('.error-summary li').nth(1).waitFor();
    await d.locator('.error-summary li a').nth(1).click();
    assert.equal(await page.evaluate(() => document.activeElement.name), 'scopes', 'the summary link focuses the scopes');
    await assertNoRawKeys(page, keys, 'in the new-client errors');
    await screenshot(page, 'admin-lrs-clients-new-error-en-1366', { fullPage: false });

    await d.locator('input[name="name"]').fill('VR fall-prevention lab 防跌倒实训');
    await d.locator('input[name="scopes"][value="statements/write"]').check();
    await d.locator('input[name="scopes"][value="state"]').check();
    await screenshot(page, 'admin-lrs-clients-new-en-1366', { fullPage: false });
    await d.locator('button[type="submit"]').click();
    await d.waitFor({ state: 'detached' });

    // The secret panel: key, secret, endpoint, an example, and a warning that it is shown once.
    const panel = page.locator('.secret-panel');
    await panel.waitFor();
    const key = await panel.locator('input[data-cred="key"]').inputValue();
    const secret = await panel.locator('input[data-cred="secret"]').inputValue();
    assert.match(key, /^[A-Za-z0-9_-]{20}$/);
    assert.ok(secret.length >= 32, 'a long secret');
    assert.equal(await panel.locator('input[data-cred="endpoint"]').inputValue(), `${server.url}/xapi/`);
    assert.match(await panel.locator('.warning-text').innerText(), /will not be shown again/);
    const example = await panel.locator('pre[data-example="write"]').innerText();
    assert.ok(example.includes(`${key}:${secret}`) && example.includes(`${server.url}/xapi/statements`), 'the example uses the new credentials');
    assert.ok(await page.evaluate(() => document.activeElement.classList.contains('secret-panel')), 'focus moves to the panel');
    await page.locator('#main tbody tr', { hasText: key }).waitFor();
    const listed = (await api.get('/api/lrs/clients')).json.clients.find((c) => c.key === key);
    assert.deepEqual(listed.scopes.slice().sort(), ['state', 'statements/write']);
    assert.equal(await page.locator('#main tbody tr', { hasText: key }).locator('.tag-scope').count(), 2, 'scope tags');

    await panel.locator('[data-copy="secret"]').click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret, 'the secret is on the clipboard');
    await panel.locator('[data-copy="key"]').click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key, 'the key is on the clipboard');

    for (const size of SIZES) {
      await page.setViewportSize(size);
      await check(page, `admin-lrs-clients-secret-en-${size.width}`, `with the secret panel at ${size.width}`);
    }
    await page.setViewportSize(SIZES[0]);

    // The credentials work.
    const ok = await xapiPost(key, secret, { actor: agent('zhang.wei'), verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: `${server.url}/activities/check` } });
    assert.equal(ok.status, 200, await ok.text());

    // Once dismissed (or after a reload) the secret is nowhere on the page.
    await panel.locator('[data-action="secret-done"]').click();
    assert.equal(await page.locator('.secret-panel').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.action), 'new-client', 'focus goes back to New client');
    await gotoPage(page, server.url, '/lrs/clients');
    assert.ok(!(await page.content()).includes(secret), 'the secret is not shown again');

    // Revoke, after confirming.
    await page.click(`[data-action="revoke"][data-key="${key}"]`);
    await d.waitFor();
    await screenshot(page, 'admin-lrs-clients-revoke-en-1366', { fullPage: false });
    await d.locator('.btn-danger').click();
    await d.waitFor({ state: 'detached' });
    const row = page.locator('#main tbody tr', { hasText: key });
    await row.locator('[data-status="revoked"]').waitFor();
    assert.equal(await row.locator('[data-action="revoke"]').count(), 0, 'a revoked client cannot be revoked again');
    assert.equal((await api.get('/api/lrs/clients')).json.clients.find((c) => c.key === key).revoked, true);
    const refused = await xapiPost(key, secret, { actor: agent('zhang.wei'), verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: `${server.url}/activities/check` } });
    assert.equal(refused.status, 401, 'a revoked client is refused');
    await assertNoRawKeys(page, keys, 'after revoking');
    assertNoProblems(page);
  } finally { await context.close(); }
});

test('the new-client form and the secret panel in Chinese', async () => {
  const { context, page } = await openPage(browser, { size: SIZES[1] });
  try {
    await loginAs(page, 'admin', 'zh-CN');
    await gotoPage(page, server.url, '/lrs/clients');
    await page.click('[data-action="new-client"]');
    const d = dialog(page);
    await d.waitFor();
    await d.locator('input[name="name"]').fill('H5P 失智照护题库');
    await d.locator('input[name="scopes"][value="statements/read/mine"]').check();
    await screenshot(page, 'admin-lrs-clients-new-zh-CN-768', { fullPage: false });
    await d.locator('button[type="submit"]').click();
    await d.waitFor({ state: 'detached' });
    await page.locator('.secret-panel').waitFor();
    assert.match(await page.locator('.warning-text').innerText(), /不会再次显示/);
    await check(page, 'admin-lrs-clients-secret-zh-CN-768', 'with the secret panel in Chinese');
    await page.setViewportSize(SIZES[0]);
    await check(page, 'admin-lrs-clients-zh-CN-1366', 'the client list in Chinese');
  } finally { await context.close(); }
});

test('statements sent by a client appear in the browser, with their JSON', async () => {
  const { key, secret } = await newClient('Statement browser test', ['statements/write']);
  const completed = {
    id: randomUUID(),
    actor: agent('wang.fang'),
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed', 'zh-CN': '完成' } },
    object: {
      objectType: 'Activity', id: 'https://vr.example.edu/activities/fall-prevention',
      definition: { name: { 'en-US': 'VR fall prevention', 'zh-CN': 'VR 防跌倒实训' } },
    },
    result: { score: { raw: 8, min: 0, max: 10, scaled: 0.8 }, success: true, completion: true },
    timestamp: '2026-03-02T09:15:00Z',
  };
  const attempted = {
    id: randomUUID(),
    actor: agent('li.na'),
    verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
    object: { id: 'https://h5p.example.edu/h5p/12/dementia-communication' },
    timestamp: '2026-03-02T10:40:00Z',
  };
  const r = await xapiPost(key, secret, [completed, attempted]);
  assert.equal(r.status, 200, await r.text());

  const { context, page } = await openPage(browser);
  try {
    await loginAs(page, 'admin', 'zh-CN');
    await gotoPage(page, server.url, '/lrs/statements');
    const rows = page.locator('#main tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('#main tbody tr').length >= 2);
    // Newest first (by when they were stored: the check statement of the client test is older).
    const first = rows.filter({ hasText: 'li.na' });
    const second = rows.filter({ hasText: 'wang.fang' });
    assert.equal(await first.count(), 1);
    assert.equal(await second.count(), 1);
    const order = await rows.evaluateAll((trs) => trs.map((tr) => tr.innerText));
    assert.ok(order.findIndex((x) => x.includes('li.na')) < order.findIndex((x) => x.includes('wang.fang')), 'newest first');
    assert.match(await first.innerText(), /attempted/, 'a verb without display shows the end of its IRI');
    assert.match(await second.innerText(), /完成/, 'the verb in Chinese');
    assert.match(await second.innerText(), /VR 防跌倒实训/, 'the activity name in Chinese');
    assert.match(await second.innerText(), /王芳 Wang Fang/, 'the learner by name');
    assert.match(await second.innerText(), /8\/10/);
    assert.match(await second.innerText(), /通过/);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await check(page, `admin-lrs-statements-zh-CN-${size.width}`, `on /lrs/statements zh-CN ${size.width}`);
    }
    await page.setViewportSize(SIZES[0]);

    // Switching language re-words the table in place.
    await chooseLang(page, 'en');
    assert.match(await second.innerText(), /completed/);
    assert.match(await second.innerText(), /VR fall prevention/);
    assert.match(await second.innerText(), /8 of 10/);
    await check(page, 'admin-lrs-statements-en-1366', 'on /lrs/statements en');

    // The learner filter asks for the platform's own agent, and is kept in the address.
    await page.locator('select[name="learner"]').selectOption('wang.fang');
    await page.waitForFunction(() => document.querySelectorAll('#main tbody tr').length === 1);
    assert.equal(new URL(page.url()).searchParams.get('learner'), 'wang.fang');
    assert.match(await rows.first().innerText(), /wang\.fang/);

    // A row opens its statement as pretty-printed JSON.
    await rows.first().locator('td').nth(2).click();
    const d = dialog(page);
    await d.waitFor();
    const json = JSON.parse(await d.locator('pre').innerText());
    assert.equal(json.id, completed.id);
    assert.equal(json.verb.id, completed.verb.id);
    assert.ok(json.stored, 'the stored statement, with what the LRS added');
    assert.match(await d.locator('pre').innerText(), /\n {2}"actor": \{/, 'indented');
    await check(page, 'admin-lrs-statement-json-en-1366', 'in the statement dialog', { fullPage: false });
    await page.setViewportSize(SIZES[1]);
    await check(page, 'admin-lrs-statement-json-en-768', 'in the statement dialog at 768', { fullPage: false });
    await page.setViewportSize(SIZES[0]);
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });

    // By keyboard: the first cell is a button.
    const open = rows.first().locator('.statement-open');
    await open.focus();
    await page.keyboard.press('Enter');
    await d.waitFor();
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    assert.ok(await open.evaluate((el) => el === document.activeElement), 'focus returns to the row');

    // Verb and activity IRIs must match exactly; an empty result says what to do.
    await page.locator('select[name="learner"]').selectOption('');
    await page.fill('input[name="verb"]', 'http://adlnet.gov/expapi/verbs/attempted');
    await page.press('input[name="verb"]', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#main tbody tr').length === 1);
    assert.match(await rows.first().innerText(), /li\.na/);
    await page.fill('input[name="activity"]', 'https://nowhere.example/none');
    await page.press('input[name="activity"]', 'Enter');
    await page.locator('#main .state-empty').waitFor();
    await check(page, 'admin-lrs-statements-filtered-empty-en-1366', 'with no statement matching');
    await page.click('#main .state-empty button');
    await page.waitForFunction(() => document.querySelectorAll('#main tbody tr').length >= 2);
    assert.equal(new URL(page.url()).search, '', 'clearing the filters clears the address');

    // A time range that ends before it starts is refused before asking the server.
    await page.fill('input[name="since"]', '2026-03-02T10:00');
    await page.fill('input[name="until"]', '2026-03-01T10:00');
    await page.press('input[name="until"]', 'Enter');
    await page.locator('.filters .error-summary li').waitFor();
    assert.equal(await page.locator('.field.has-error input[name="until"]').count(), 1);
    await assertNoRawKeys(page, keys, 'with a bad time range');
    assertNoProblems(page);
  } finally { await context.close(); }

  // A teacher sees them too, and can pick one of the students of their classes.
  for (const lang of LANGS) {
    const t = await openPage(browser);
    try {
      await loginAs(t.page, 'chen.jing', lang);
      await gotoPage(t.page, server.url, '/lrs/statements');
      // A teacher picks one of their students first: the records are theirs to see, not the college's.
      assert.equal(await t.page.locator('#main .state-empty').count(), 1, 'asked to choose a learner');
      await t.page.locator('select[name="learner"] optgroup option[value="wang.fang"]').first().waitFor({ state: 'attached' });
      await t.page.selectOption('select[name="learner"]', 'wang.fang');
      await t.page.waitForFunction(() => document.querySelectorAll('#main tbody tr').length >= 1);
      for (const size of SIZES) {
        await t.page.setViewportSize(size);
        await check(t.page, `teacher-lrs-statements-${lang}-${size.width}`, `on /lrs/statements as teacher ${lang} ${size.width}`);
      }
    } finally { await t.context.close(); }
  }
});

test('"Load more" fetches the next page of statements', async () => {
  const { key, secret } = await newClient('Bulk sender', ['statements/write']);
  const batch = Array.from({ length: 55 }, (_, i) => ({
    actor: agent(i % 2 ? 'zhao.min' : 'sun.yue'),
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered', 'zh-CN': '作答' } },
    object: { id: `https://h5p.example.edu/h5p/quiz/${i}`, definition: { name: { 'en-US': `Question ${i + 1}` } } },
    result: { success: i % 3 !== 0 },
  }));
  const r = await xapiPost(key, secret, batch);
  assert.equal(r.status, 200, await r.text());
  const total = (await api.get('/api/lrs/statements')).json.statements.length;
  assert.equal(total, 50, 'the API pages by 50');

  const { context, page } = await openPage(browser, { size: SIZES[1] });
  try {
    await loginAs(page, 'admin', 'en');
    await gotoPage(page, server.url, '/lrs/statements');
    const rows = page.locator('#main tbody tr');
    assert.equal(await rows.count(), 50);
    assert.match(await page.locator('.result-count').innerText(), /there are more/);
    await page.click('[data-action="load-more"]');
    await page.waitForFunction(() => document.querySelectorAll('#main tbody tr').length >= 58);
    assert.ok(await rows.count() >= 58, 'the rest is appended');
    assert.equal(await page.locator('[data-action="load-more"]').count(), 0, 'nothing more to load');
    assert.ok(await page.evaluate(() => document.activeElement.classList.contains('statement-open')), 'focus moves to the first new row');
    await check(page, 'admin-lrs-statements-more-en-768', 'after loading more');
  } finally { await context.close(); }
});

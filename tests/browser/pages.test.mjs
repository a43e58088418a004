// Every page of every role, in both languages, at laptop and tablet-portrait
// size: no console errors, no raw i18n keys, nothing sideways, and a full-page
// screenshot in build/screenshots/<role>-<page>-<lang>-<width>.png to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../lib/server.mjs';
import {
  startDemoServer, stopDemoServer, launch, openPage, assertNoProblems, assertNoRawKeys, assertNoHorizontalOverflow,
  allKeys, gotoPage, chooseLang, login, logout, screenshot, settled, SIZES, LANGS, PASSWORD,
} from './lib.mjs';

let server;
let browser;
let classId;
const keys = allKeys();

before(async () => {
  server = await startDemoServer();
  browser = await launch();
  const admin = new Client(server.url);
  const r = await admin.login('admin', PASSWORD);
  assert.equal(r.status, 200, 'demo admin can log in');
  const classes = (await admin.get('/api/classes')).json.classes;
  const demo = classes.find((c) => c.student_count === 12) || classes[0];
  assert.ok(demo, 'the demo college has a class');
  classId = demo.id;
});

after(async () => {
  await browser?.close();
  await stopDemoServer(server);
});

const ROLES = {
  admin: { login: 'admin', landing: '/users', nav: ['/users', '/classes', '/training', '/checkoffs', '/lrs/statements', '/lrs/clients', '/frameworks', '/alignments', '/achievements', '/literacy/bank', '/profile'], pages: () => [['users', '/users'], ['classes', '/classes'], ['class', `/classes/${classId}`], ['heatmap', '/heatmap'], ['training', '/training'], ['checkoffs', '/checkoffs'], ['lrs-statements', '/lrs/statements'], ['lrs-clients', '/lrs/clients'], ['profile', '/profile']] },
  teacher: { login: 'chen.jing', landing: '/classes', nav: ['/classes', '/heatmap', '/training', '/checkoffs', '/lrs/statements', '/frameworks', '/achievements', '/literacy/classes', '/profile'], pages: () => [['classes', '/classes'], ['class', `/classes/${classId}`], ['heatmap', '/heatmap'], ['training', '/training'], ['training-live', '/training/live'], ['checkoffs', '/checkoffs'], ['lrs-statements', '/lrs/statements'], ['profile', '/profile']] },
  student: { login: 'wang.fang', landing: '/profile', nav: ['/progress', '/training', '/literacy', '/checkoffs/mine', '/frameworks', '/badges', '/profile'], pages: () => [['progress', '/progress'], ['training', '/training'], ['my-checkoffs', '/checkoffs/mine'], ['badges', '/badges'], ['profile', '/profile']] },
};

async function check(page, name, where) {
  await assertNoRawKeys(page, keys, where);
  await assertNoHorizontalOverflow(page, where);
  assertNoProblems(page, where);
  await screenshot(page, name);
}

for (const lang of LANGS) {
  test(`login page (${lang})`, async () => {
    const { context, page } = await openPage(browser);
    try {
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await gotoPage(page, server.url, '/login');
        await chooseLang(page, lang);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        await check(page, `anon-login-${lang}-${size.width}`, `on /login ${lang} ${size.width}`);
      }
      // An unknown address says so, and offers a way home.
      await gotoPage(page, server.url, '/no-such-page');
      assert.equal(new URL(page.url()).pathname, '/login', 'anonymous visitors are sent to log in');
    } finally { await context.close(); }
  });

  for (const [role, spec] of Object.entries(ROLES)) {
    test(`${role} sees every page of the role (${lang})`, async () => {
      const { context, page } = await openPage(browser);
      try {
        await gotoPage(page, server.url, '/login');
        await chooseLang(page, lang);
        await login(page, server.url, spec.login);
        assert.equal(new URL(page.url()).pathname, spec.landing, `${role} lands on ${spec.landing}`);
        await chooseLang(page, lang); // the user's stored language wins at login; make it the one under test
        const nav = await page.$$eval('#site-nav a', (as) => as.map((a) => a.getAttribute('href')));
        assert.deepEqual(nav, spec.nav, `${role} navigation`);
        for (const size of SIZES) {
          await page.setViewportSize(size);
          for (const [name, path] of spec.pages()) {
            await gotoPage(page, server.url, path);
            assert.equal(await page.getAttribute('html', 'lang'), lang, `<html lang> on ${path}`);
            assert.equal(await page.locator('h1').count(), 1, `one h1 on ${path}`);
            assert.equal(await page.locator('#main .state-error').count(), 0, `no error state on ${path}`);
            await check(page, `${role}-${name}-${lang}-${size.width}`, `on ${path} as ${role} ${lang} ${size.width}`);
          }
        }
        if (role !== 'admin') {
          await gotoPage(page, server.url, '/users');
          assert.equal(await page.locator('table').count(), 0, `${role} gets no user table`);
          assertNoProblems(page, `on /users as ${role}`);
        }
        await logout(page);
        assertNoProblems(page, 'after logout');
      } finally { await context.close(); }
    });
  }
}

test('the demo class shows its 12 students to its teacher', async () => {
  const { context, page } = await openPage(browser);
  try {
    await login(page, server.url, 'chen.jing');
    await gotoPage(page, server.url, `/classes/${classId}`);
    assert.equal(await page.locator('#main tbody tr').count(), 12);
    assert.equal(await page.locator('[data-action="remove"]').count(), 0, 'a teacher cannot remove students');
    await page.click('.breadcrumb a');
    await page.waitForURL((u) => u.pathname === '/classes');
    await settled(page);
    assertNoProblems(page);
  } finally { await context.close(); }
});

// Shared helpers for the browser suites: chromium, pages that record every
// console error, login, screenshots and the raw-i18n-key check.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const webDir = join(root, 'web');
export const shotDir = join(root, 'build', 'screenshots');
export const PASSWORD = 'carecampus';
export const SIZES = [
  { width: 1366, height: 768 },
  { width: 768, height: 1024 },
];
export const LANGS = ['en', 'zh-CN'];

/* The flattened keys of a catalog: {"a": {"b": "x"}} → ["a.b"]; plural objects count as their forms. */
export function flatten(obj, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') flatten(v, key, out);
    else out.set(key, v);
  }
  return out;
}

export function catalog(lang) {
  return JSON.parse(readFileSync(join(webDir, 'i18n', `${lang}.json`), 'utf8'));
}

/* Every key a page could show raw: the leaf keys and the plural parents (t() is called with those). */
export function allKeys() {
  const keys = new Set();
  for (const lang of LANGS) {
    for (const k of flatten(catalog(lang)).keys()) {
      keys.add(k);
      keys.add(k.replace(/\.(zero|one|two|few|many|other)$/, ''));
    }
  }
  return keys;
}

/*
 * Starts the real server with the demo college. It serves the web files embedded in the
 * binary (what ships; `make test` rebuilds it first). While working on web/ without
 * rebuilding, set CARECAMPUS_WEB_DIR=web to serve the work tree's files instead.
 */
export function startDemoServer() {
  const dir = process.env.CARECAMPUS_WEB_DIR;
  return startServer({ demo: true, extraArgs: dir ? ['--web-dir', resolve(root, dir)] : [] });
}

/* Stops the server; if it had died during the suite, says how, with the end of its log. */
export async function stopDemoServer(server) {
  if (!server) return;
  const p = server.proc;
  if (p.exitCode !== null || p.signalCode !== null) {
    console.error(`carecampus serve died during the suite (exit ${p.exitCode}, signal ${p.signalCode}):\n${server.log().slice(-3000)}`);
  }
  await server.stop();
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/*
 * A fresh context and page. problems[] collects console errors, uncaught page errors,
 * failed requests and server errors; call assertNoProblems(page) to fail on them.
 * Expected API refusals (4xx from /api/, e.g. 401 at boot or 422 on a bad form) are the UI's to
 * handle and are not problems; a 4xx for any other file is.
 */
export async function openPage(browser, { size = SIZES[0], locale = 'en-US' } = {}) {
  const context = await browser.newContext({ viewport: size, locale, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const url = (msg.location() && msg.location().url) || '';
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text) && url.includes('/api/')) return;
    problems.push(`console error: ${text} (${url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const f = req.failure();
    if (f && /ERR_ABORTED/.test(f.errorText)) return; // navigation away, aborted fetches
    problems.push(`request failed: ${req.method()} ${req.url()} ${f ? f.errorText : ''}`);
  });
  page.on('response', (res) => {
    const u = new URL(res.url());
    if (res.status() >= 500) problems.push(`server error ${res.status()} for ${res.request().method()} ${u.pathname}`);
    else if (res.status() >= 400 && !u.pathname.startsWith('/api/')) problems.push(`${res.status()} for ${u.pathname}`);
  });
  page.problems = problems;
  return { context, page, problems };
}

export function assertNoProblems(page, where = '') {
  const p = page.problems.splice(0);
  assert.deepEqual(p, [], `browser problems ${where}:\n${p.join('\n')}`);
}

/* Waits until the current view has finished loading (no spinner, main not busy). */
export async function settled(page) {
  await page.waitForFunction(() => {
    const main = document.getElementById('main');
    return main && main.getAttribute('aria-busy') === 'false' && !document.querySelector('#main .state-loading, #main .boot-spinner');
  }, null, { timeout: 10000 });
}

export async function gotoPage(page, base, path) {
  await page.goto(base + path);
  await settled(page);
}

/* Chooses the UI language with the header switch (before login: stored locally; after: PATCH /api/me). */
export async function chooseLang(page, lang) {
  const btn = page.locator(`#lang-switch button[data-lang="${lang}"]`);
  if ((await btn.getAttribute('aria-pressed')) !== 'true') await btn.click();
  await page.waitForFunction((l) => document.documentElement.lang === l
    && document.querySelector(`#lang-switch button[data-lang="${l}"]`)?.getAttribute('aria-pressed') === 'true', lang);
}

export async function login(page, base, loginName, password = PASSWORD) {
  if (!page.url().endsWith('/login')) await gotoPage(page, base, '/login');
  await page.fill('input[name="login"]', loginName);
  await page.fill('input[name="password"]', password);
  await page.click('form button[type="submit"]');
  await page.waitForURL((u) => !u.pathname.endsWith('/login'));
  await settled(page);
}

export async function logout(page) {
  await page.click('#user-menu .user-button');
  await page.click('#user-menu [data-action="logout"]');
  await page.waitForURL((u) => u.pathname === '/login');
  await settled(page);
}

/* Full page by default; {fullPage: false} for what is on screen (e.g. with a modal dialog open). */
export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage });
}

const KEY_RE = /\b[a-z]+(?:\.[a-z_]+)+\b/g;

/* Fails when visible text, the title or accessible labels show a catalog key or an unfilled {placeholder}. */
export async function assertNoRawKeys(page, keys, where = '') {
  const texts = await page.evaluate(() => {
    const out = [document.body.innerText, document.title];
    for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], [alt]')) {
      for (const a of ['aria-label', 'placeholder', 'title', 'alt']) if (el.hasAttribute(a)) out.push(el.getAttribute(a));
    }
    return out.join('\n');
  });
  const raw = [...new Set((texts.match(KEY_RE) || []).filter((m) => keys.has(m)))];
  assert.deepEqual(raw, [], `raw i18n keys visible ${where}: ${raw.join(', ')}`);
  const holes = [...new Set(texts.match(/\{[a-z_]+\}/g) || [])];
  assert.deepEqual(holes, [], `unfilled placeholders visible ${where}: ${holes.join(', ')}`);
}

/* Fails when the page scrolls sideways (something is clipped or overflows the viewport). */
export async function assertNoHorizontalOverflow(page, where = '') {
  const r = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth }));
  assert.ok(r.sw <= r.w, `page is ${r.sw}px wide in a ${r.w}px viewport ${where}`);
}

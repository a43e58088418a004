// Static checks of the web UI: the two catalogs match, every key the code uses
// exists, and nothing in web/ breaks the server's Content-Security-Policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { catalog, flatten, webDir } from './lib.mjs';

const en = flatten(catalog('en'));
const zh = flatten(catalog('zh-CN'));

function files(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out); else out.push(p);
  }
  return out;
}
const web = files(webDir);
const js = web.filter((f) => f.endsWith('.js'));

test('en.json and zh-CN.json have exactly the same keys', () => {
  const a = [...en.keys()].sort();
  const b = [...zh.keys()].sort();
  assert.deepEqual(a.filter((k) => !zh.has(k)), [], 'keys only in en.json');
  assert.deepEqual(b.filter((k) => !en.has(k)), [], 'keys only in zh-CN.json');
});

test('every message is a non-empty string with the same placeholders in both languages', () => {
  for (const [k, v] of en) {
    assert.equal(typeof v, 'string', `en ${k}`);
    assert.ok(v.trim(), `en ${k} is empty`);
    const z = zh.get(k);
    assert.ok(typeof z === 'string' && z.trim(), `zh-CN ${k} is empty`);
    const ph = (s) => [...new Set(s.match(/\{[a-z_]+\}/g) || [])].sort();
    assert.deepEqual(ph(z), ph(v), `placeholders of ${k}`);
  }
});

test('keys are lower-case dotted names (what the raw-key check looks for)', () => {
  for (const k of en.keys()) assert.match(k, /^[a-z]+(\.[a-z_]+)+$/, k);
});

test('Chinese messages are actually Chinese', () => {
  // Brand names, language names in their own language and format strings may be equal.
  const same = [...en.keys()].filter((k) => en.get(k) === zh.get(k));
  const allowed = new Set(['app.name', 'shell.title_format', 'shell.lang_native_en', 'shell.lang_native_zh_cn']);
  assert.deepEqual(same.filter((k) => !allowed.has(k)), [], 'untranslated messages');
});

test('every message key used in web/js exists in the catalog', () => {
  const used = new Set();
  for (const f of js) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\b(?:L|t)\('([a-z_]+(?:\.[a-z_]+)+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 50, 'found the keys in the code');
  const isKey = (k) => en.has(k) || [...en.keys()].some((x) => x.startsWith(k + '.'));
  assert.deepEqual([...used].filter((k) => !isKey(k)), [], 'keys used in code but missing from en.json');
});

test('web/ is fit for the CSP: no inline scripts or styles, no eval, no external resources', () => {
  for (const f of web) {
    if (/\.(png|ico)$/.test(f)) continue;
    const rel = relative(webDir, f);
    const src = readFileSync(f, 'utf8');
    if (f.endsWith('.html')) {
      assert.doesNotMatch(src, /<script(?![^>]*\bsrc=)[^>]*>/i, `${rel}: inline <script>`);
      assert.doesNotMatch(src, /\sstyle\s*=/i, `${rel}: style attribute`);
      assert.doesNotMatch(src, /<style/i, `${rel}: <style> element`);
      assert.doesNotMatch(src, /\son[a-z]+\s*=/i, `${rel}: inline event handler`);
    }
    if (f.endsWith('.js')) {
      assert.doesNotMatch(src, /\beval\s*\(|new Function\s*\(/, `${rel}: eval`);
      assert.doesNotMatch(src, /\.style\b|setAttribute\(\s*['"]style['"]|innerHTML/, `${rel}: inline style or innerHTML`);
    }
    assert.doesNotMatch(src, /(?:src|href)=["']?(?:https?:)?\/\//i, `${rel}: external resource`);
    assert.doesNotMatch(src, /@import|url\(\s*['"]?https?:/i, `${rel}: external CSS resource`);
    assert.doesNotMatch(src, /fetch\(\s*['"`]https?:/, `${rel}: external fetch`);
  }
});

test('first page stays small: shell, styles, core modules and one catalog under 300 KB', () => {
  const core = ['index.html', 'css/app.css', 'js/app.js', 'js/i18n.js', 'js/api.js', 'js/ui.js', 'js/pages/login.js', 'i18n/zh-CN.json', 'img/favicon.svg'];
  const total = core.reduce((n, f) => n + statSync(join(webDir, f)).size, 0);
  assert.ok(total < 300 * 1024, `first page is ${total} bytes`);
});

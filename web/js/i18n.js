// Message catalogs, locale formatting and live re-localisation.
//
// Every visible string comes from /i18n/<lang>.json. Text that must follow the
// language is created through bind()/L()/loc(): the node remembers how to
// produce its text, so switching language rewrites the text in place and keeps
// everything else on the page (typed values, focus, scroll, open dialogs).

export const LANGS = ['en', 'zh-CN'];
const STORAGE_KEY = 'cc.lang';

let current = 'en';
let catalog = {};
const catalogs = new Map();
const listeners = new Set();
// Registered bindings: {ref: WeakRef<Node>, apply()}.
const bindings = new Set();

/* 'zh', 'zh-TW', 'zh-Hans-CN' → 'zh-CN'; 'en-US' → 'en'; anything else → null. */
export function normalizeLang(tag) {
  if (!tag) return null;
  const s = String(tag).trim().toLowerCase();
  if (s.startsWith('zh')) return 'zh-CN';
  if (s.startsWith('en')) return 'en';
  return null;
}

/* The language to show before anyone is logged in. */
export function initialLang() {
  let stored = null;
  try { stored = localStorage.getItem(STORAGE_KEY); } catch { /* storage disabled */ }
  if (LANGS.includes(stored)) return stored;
  for (const l of navigator.languages || [navigator.language]) {
    const n = normalizeLang(l);
    if (n) return n;
  }
  return 'en';
}

export function rememberLang(l) {
  try { localStorage.setItem(STORAGE_KEY, l); } catch { /* storage disabled */ }
}

export function lang() { return current; }

async function loadCatalog(l) {
  if (catalogs.has(l)) return catalogs.get(l);
  const res = await fetch(`/i18n/${l}.json`, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`cannot load /i18n/${l}.json: HTTP ${res.status}`);
  const data = await res.json();
  catalogs.set(l, data);
  return data;
}

/* Switches the UI language: loads its catalog, sets <html lang>, rewrites every bound text. */
export async function setLang(l) {
  if (!LANGS.includes(l)) l = 'en';
  const data = await loadCatalog(l);
  const changed = l !== current || catalog !== data;
  current = l;
  catalog = data;
  document.documentElement.lang = l;
  if (changed) relocalize();
}

export function onLangChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

function lookup(key) {
  let v = catalog;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object' || !(part in v)) return undefined;
    v = v[part];
  }
  return v;
}

const missingReported = new Set();

function resolveParam(v) {
  if (v instanceof Loc) return v.text();
  if (typeof v === 'number') return formatNumber(v);
  return v == null ? '' : String(v);
}

/*
 * t('users.count', {count: 3}) → "3 users". A catalog entry may be a string or an
 * object of plural forms ({one, other, …}) chosen with Intl.PluralRules by the
 * `count` parameter. Placeholders are {name}. A missing key is reported on the
 * console as an error (the browser tests fail on it) and shown as the key.
 */
export function t(key, params = {}) {
  let entry = lookup(key);
  if (entry && typeof entry === 'object' && 'other' in entry) {
    const n = Number(params.count ?? 0);
    const form = new Intl.PluralRules(current).select(n);
    entry = entry[form] ?? entry.other;
  }
  if (typeof entry !== 'string') {
    if (!missingReported.has(current + ':' + key)) {
      missingReported.add(current + ':' + key);
      console.error(`i18n: missing message "${key}" for ${current}`);
    }
    return key;
  }
  return entry.replace(/\{([a-z_]+)\}/g, (m, name) => (name in params ? resolveParam(params[name]) : m));
}

/* A piece of text that is worked out again whenever the language changes. */
export class Loc {
  constructor(fn) { this.fn = fn; }
  text() { return this.fn(current); }
  toString() { return this.text(); }
}
export const loc = (fn) => new Loc(fn);
export const L = (key, params) => new Loc(() => t(key, params));

/* Keeps node up to date: apply() now and after every language change. */
export function bind(node, apply) {
  apply();
  bindings.add({ ref: new WeakRef(node), apply });
  return node;
}

/* Forgets bindings whose node is gone or no longer in the document (called on navigation). */
export function pruneBindings() {
  for (const b of bindings) {
    const n = b.ref.deref();
    if (!n || !n.isConnected) bindings.delete(b);
  }
}

export function relocalize() {
  for (const b of bindings) {
    const n = b.ref.deref();
    if (!n) { bindings.delete(b); continue; }
    b.apply();
  }
  for (const fn of listeners) fn(current);
}

/* ---- Formatting by locale ---- */

export function formatNumber(n, opts) {
  return new Intl.NumberFormat(current, opts).format(n);
}

export function formatDate(iso, opts = { dateStyle: 'medium' }) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(current, opts).format(d);
}

export const Ldate = (iso, opts) => new Loc(() => formatDate(iso, opts));
export const Lnum = (n, opts) => new Loc(() => formatNumber(n, opts));

/* A bilingual value from the server, e.g. {"en": "…", "zh-CN": "…"}: pick the current language. */
export const Lpick = (obj) => new Loc((l) => (obj && (obj[l] ?? obj.en ?? Object.values(obj)[0])) || '');

/* A list joined the way the language joins lists ("A, B and C" / "A、B和C"). */
export function formatList(items) {
  return new Intl.ListFormat(current, { style: 'long', type: 'conjunction' }).format(items);
}

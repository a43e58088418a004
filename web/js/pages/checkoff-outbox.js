// What keeps a lab session going without the network: the outbox of check-offs waiting to be
// sent, the drafts of check-offs in progress, and the copies of the rosters and checklists the
// check-off page loaded. All in localStorage, whose writes are done when setItem returns, so a
// check-off the teacher submitted survives a closed tab, a reload or a flat battery.
//
// Keys (per user id, so that two teachers sharing a tablet never send each other's work):
//   cc.checkoff.outbox.<uid>        {uuid: item}  check-offs not yet acknowledged by the server
//   cc.checkoff.drafts.<uid>        {student:checklist: draft}  ticks and comment in progress
//   cc.offline.checkoff-cache.<uid> {key: value}  classes, rosters, checklists (cleared at logout)
//   cc.offline.session              the user and college, so the app can start offline
// An item is removed from the outbox only when the server answered 200/201 (recorded, or
// recorded before: the client UUID makes resending safe) or the teacher removes it.
import { get, post, setCsrf } from '../api.js';

const OUTBOX = 'cc.checkoff.outbox.';
const DRAFTS = 'cc.checkoff.drafts.';
const CACHE = 'cc.offline.checkoff-cache.';
export const SESSION_KEY = 'cc.offline.session';
const RETRY_MS = 15000;

function readJson(key, fallback) {
  try {
    const v = JSON.parse(localStorage.getItem(key) || 'null');
    return v && typeof v === 'object' ? v : fallback;
  } catch { return fallback; }
}

/* Writes; false when storage is disabled or full. */
function writeJson(key, value) {
  try { localStorage.setItem(key, JSON.stringify(value)); return true; } catch { return false; }
}

/* A version 4 UUID. crypto.randomUUID needs a secure context; a campus server on plain HTTP is not one. */
export function makeUuid() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/* ---- The signed-in user, for starting offline ---- */

export function rememberSession(s) {
  if (!s || !s.user) return;
  const { id, login, name, role, lang, institution_id: inst, created_at: created } = s.user;
  writeJson(SESSION_KEY, { user: { id, login, name, role, lang, institution_id: inst, created_at: created }, institution: s.institution });
}

/* ---- Cached copies of what the page loaded ---- */

export function cacheGet(uid, key) {
  const c = readJson(CACHE + uid, {});
  return c[key] === undefined ? null : c[key];
}

export function cachePut(uid, key, value) {
  const c = readJson(CACHE + uid, {});
  c[key] = value;
  writeJson(CACHE + uid, c);
}

/* ---- Drafts ---- */

export function draftGet(uid, key) { return readJson(DRAFTS + uid, {})[key] || null; }

export function draftPut(uid, key, draft) {
  const d = readJson(DRAFTS + uid, {});
  d[key] = draft;
  return writeJson(DRAFTS + uid, d);
}

export function draftDelete(uid, key) {
  const d = readJson(DRAFTS + uid, {});
  delete d[key];
  writeJson(DRAFTS + uid, d);
}

/* ---- The outbox ---- */

const state = {
  uid: null,
  flushing: null,
  offline: typeof navigator !== 'undefined' && navigator.onLine === false,
  needsLogin: false,
  timer: null,
  listeners: new Set(),
  started: false,
};

export function items(uid = state.uid) {
  return Object.values(readJson(OUTBOX + uid, {})).sort((a, b) => a.queued_at.localeCompare(b.queued_at));
}

/* {waiting, failed (items the server refused), offline, sending, needsLogin}. */
export function status() {
  const all = state.uid == null ? [] : items();
  return {
    waiting: all.filter((i) => !i.error).length,
    failed: all.filter((i) => i.error),
    offline: state.offline,
    sending: !!state.flushing,
    needsLogin: state.needsLogin,
  };
}

export function subscribe(fn) {
  state.listeners.add(fn);
  fn(status());
  return () => state.listeners.delete(fn);
}

function emit() {
  const s = status();
  for (const fn of state.listeners) { try { fn(s); } catch (e) { console.warn('outbox listener', e); } }
  schedule();
}

function schedule() {
  const waiting = state.uid != null && items().some((i) => !i.error);
  if (waiting && !state.timer) state.timer = setInterval(() => flush(), RETRY_MS);
  if (!waiting && state.timer) { clearInterval(state.timer); state.timer = null; }
}

function update(uid, uuid, fn) {
  const box = readJson(OUTBOX + uid, {});
  if (!box[uuid]) return;
  const next = fn(box[uuid]);
  if (next) box[uuid] = next; else delete box[uuid];
  writeJson(OUTBOX + uid, box);
}

/*
 * Puts a check-off in the outbox (before anything is sent). item: {uuid, checklist, title,
 * student: {id, name, login}, body, outcome}. Returns false when it could not be kept on the
 * device (storage full or disabled): the caller then sends it at once and says so.
 */
export function enqueue(uid, item) {
  const box = readJson(OUTBOX + uid, {});
  box[item.uuid] = { ...item, queued_at: new Date().toISOString(), attempts: 0 };
  const ok = writeJson(OUTBOX + uid, box);
  emit();
  return ok;
}

/* Removes a check-off the teacher gave up on (one the server refused). */
export function discard(uid, uuid) {
  update(uid, uuid, () => null);
  emit();
}

/* Puts a refused check-off back in the queue (after the teacher fixed what was wrong, e.g. logged in). */
export function retry(uid, uuid) {
  update(uid, uuid, (i) => ({ ...i, error: null }));
  emit();
  return flush();
}

const sent = new Set();
/* Was this check-off sent (and acknowledged) while the page was open? Its result is kept by onSent. */
export const wasSent = (uuid) => sent.has(uuid);

const sentListeners = new Set();
/* fn(item, result) after the server recorded a check-off of the outbox. */
export function onSent(fn) { sentListeners.add(fn); return () => sentListeners.delete(fn); }

async function sendOne(uid, item) {
  const path = `/api/checkoffs/${encodeURIComponent(item.checklist)}/results`;
  try {
    return { ok: true, data: await post(path, item.body, { allowAnonymous: true }) };
  } catch (err) {
    if (err.status === 403 && err.code === 'csrf_failed') {
      // Started offline (no token yet) or the token changed: fetch it and try once more.
      try {
        const me = await get('/api/me', { allowAnonymous: true });
        if (!me || !me.user || me.user.id !== uid) return { ok: false, err: { status: 401, code: 'unauthenticated' } };
        setCsrf(me.csrf);
        return { ok: true, data: await post(path, item.body, { allowAnonymous: true }) };
      } catch (err2) { return { ok: false, err: err2 }; }
    }
    return { ok: false, err };
  }
}

/* Sends what waits, oldest first; stops at the first sign of no network. Resolves when done. */
export function flush() {
  if (state.flushing) return state.flushing;
  const uid = state.uid;
  if (uid == null) return Promise.resolve();
  state.flushing = (async () => {
    emit();
    for (const item of items(uid)) {
      if (item.error) continue;
      update(uid, item.uuid, (i) => ({ ...i, attempts: (i.attempts || 0) + 1, last_attempt: new Date().toISOString() }));
      const r = await sendOne(uid, item);
      if (r.ok) {
        state.offline = false;
        state.needsLogin = false;
        update(uid, item.uuid, () => null);
        sent.add(item.uuid);
        for (const fn of sentListeners) { try { fn(item, r.data.result); } catch (e) { console.warn(e); } }
        continue;
      }
      const e = r.err || {};
      if (!e.status) { state.offline = true; break; } // no network: try again later
      state.offline = false;
      if (e.status === 401) { state.needsLogin = true; break; }
      if (e.status === 429 || e.status >= 500) break; // the server is busy or failing: later
      // The server refused this check-off (not your student, checklist changed…): keep it, with why.
      update(uid, item.uuid, (i) => ({ ...i, error: { status: e.status, code: e.code, message: e.message } }));
    }
  })().finally(() => {
    state.flushing = null;
    emit();
  });
  return state.flushing;
}

/* Starts sending for user UID: now, when the browser is back online, and every 15 s while items wait. */
export function startOutbox(uid) {
  if (state.uid !== uid) {
    state.uid = uid;
    state.needsLogin = false;
  }
  if (!state.started) {
    state.started = true;
    window.addEventListener('online', () => { state.offline = false; flush(); });
    window.addEventListener('offline', () => { state.offline = true; emit(); });
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') flush(); });
  }
  return flush();
}

/* The network failed for a request of the page (not of the outbox): show it. */
export function noteOffline(offline) {
  if (state.offline !== offline) { state.offline = offline; emit(); }
}

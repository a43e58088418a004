// Helpers shared by the e2e suites, on top of tests/lib/server.mjs:
// raw-socket HTTP (for limits the fetch client cannot express), keep-alive
// requests through node:http, error-shape assertions and small fixtures.
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { Client } from '../../lib/server.mjs';

export const PASSWORD = 'correct-horse-9';

/* True when the text contains a CJK ideograph (a Chinese message). */
export function hasCJK(s) {
  return /[\u3400-\u9fff]/.test(s ?? '');
}

/*
 * Asserts that r is the documented error: the status, {"error":{"code","message"[,"field"]}}
 * with a non-empty message, and (when given) the field.
 */
export function assertError(r, status, code, field) {
  const what = `expected ${status} ${code}${field ? ` (field ${field})` : ''}, got ${r.status} ${r.text?.slice(0, 300)}`;
  assert.equal(r.status, status, what);
  assert.ok(r.json && typeof r.json === 'object' && r.json.error && typeof r.json.error === 'object', `no error object: ${what}`);
  assert.equal(r.json.error.code, code, what);
  assert.equal(typeof r.json.error.message, 'string', what);
  assert.ok(r.json.error.message.length > 0, `empty message: ${what}`);
  if (field !== undefined) assert.equal(r.json.error.field, field, what);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/, `error content type: ${what}`);
}

/* Asserts the documented user object shape; returns it. */
export function assertUser(u, expect = {}) {
  assert.ok(u && typeof u === 'object', 'user object');
  assert.equal(typeof u.id, 'number');
  assert.ok(Number.isInteger(u.id) && u.id > 0);
  assert.equal(typeof u.login, 'string');
  assert.equal(typeof u.name, 'string');
  assert.ok(['admin', 'teacher', 'student', 'verifier'].includes(u.role), `role ${u.role}`);
  assert.ok(['en', 'zh-CN'].includes(u.lang), `lang ${u.lang}`);
  assert.equal(typeof u.institution_id, 'number');
  assert.match(u.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, `created_at ${u.created_at}`);
  for (const k of Object.keys(u)) assert.doesNotMatch(k, /pass|hash|salt|secret/i, `user object leaks ${k}`);
  for (const [k, v] of Object.entries(expect)) assert.deepEqual(u[k], v, `user.${k}`);
  return u;
}

export function assertClass(c, expect = {}) {
  assert.ok(c && typeof c === 'object', 'class object');
  assert.equal(typeof c.id, 'number');
  assert.equal(typeof c.name, 'string');
  assert.ok(c.teacher && typeof c.teacher.id === 'number' && typeof c.teacher.name === 'string', 'class.teacher {id,name}');
  assert.equal(typeof c.student_count, 'number');
  for (const [k, v] of Object.entries(expect)) assert.deepEqual(c[k], v, `class.${k}`);
  return c;
}

/* Logs a new Client in and fails the test when the login does not succeed. */
export async function loginAs(srv, login, password = PASSWORD, opts = {}) {
  const c = new Client(srv.url, opts);
  const r = await c.login(login, password);
  assert.equal(r.status, 200, `login ${login}: ${r.status} ${r.text}`);
  c.me = r.json.user;
  return c;
}

/*
 * Sends raw bytes (a Buffer/string, or an array of them written one after the
 * other) on a fresh TCP connection and returns the first HTTP response parsed:
 * {status, headers (lower-case keys), body (Buffer), raw, closed}. Write errors
 * (the server may answer and close before it has read everything) are ignored.
 * pauseAfterFirst: milliseconds to wait after the first part (the head) before the body;
 * no more is written once a complete response has arrived.
 */
export function rawRequest(port, data, { timeout = 10000, host = '127.0.0.1', pauseAfterFirst = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host });
    const chunks = [];
    let done = false;
    let errCode = '';
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const raw = Buffer.concat(chunks);
      const parsed = parseResponse(raw);
      if (!parsed) {
        return reject(new Error(`no HTTP response: the connection was ${errCode ? `reset (${errCode})` : closed ? 'closed' : 'silent'}`
          + ` after ${raw.length} bytes ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`));
      }
      parsed.closed = closed;
      resolve(parsed);
    };
    const timer = setTimeout(() => finish(false), timeout);
    sock.on('data', (d) => {
      chunks.push(d);
      const p = parseResponse(Buffer.concat(chunks));
      if (p && p.complete) finish(false);
    });
    sock.on('error', (e) => { errCode = e.code ?? String(e); finish(true); });
    sock.on('close', () => finish(true));
    sock.on('connect', async () => {
      const parts = Array.isArray(data) ? data : [data];
      for (const [i, part] of parts.entries()) {
        if (done || sock.destroyed) return;
        const ok = sock.write(part);
        if (!ok) await new Promise((r) => { sock.once('drain', r); sock.once('close', r); });
        // Like a client on a real network, give an early answer time to arrive before the
        // rest is sent: node drops unread input when a later write fails with EPIPE.
        if (i === 0 && pauseAfterFirst) await new Promise((r) => setTimeout(r, pauseAfterFirst));
        else await new Promise((r) => setImmediate(r));
      }
    });
  });
}

/* Parses one HTTP/1.1 response from raw bytes; null if the head is incomplete. */
export function parseResponse(raw) {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = raw.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  if (!m) return null;
  const headers = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.subarray(end + 4);
  let complete = false;
  if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    complete = body.length >= n;
    body = body.subarray(0, n);
  } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const dec = dechunk(body);
    complete = dec !== null;
    if (dec) body = dec;
  }
  let json = null;
  try { json = JSON.parse(body.toString('utf8')); } catch { /* not JSON */ }
  return { status: Number(m[1]), headers, body, json, complete, raw };
}

function dechunk(buf) {
  const out = [];
  let i = 0;
  for (;;) {
    const nl = buf.indexOf('\r\n', i);
    if (nl < 0) return null;
    const n = parseInt(buf.subarray(i, nl).toString('latin1'), 16);
    if (Number.isNaN(n)) return null;
    if (n === 0) return Buffer.concat(out);
    if (buf.length < nl + 2 + n + 2) return null;
    out.push(buf.subarray(nl + 2, nl + 2 + n));
    i = nl + 2 + n + 2;
  }
}

/* A Client-like response object from a raw one, for assertError. */
export function asFetchLike(r) {
  return {
    status: r.status,
    json: r.json,
    text: r.body.toString('utf8'),
    headers: { get: (k) => r.headers[k.toLowerCase()] ?? null },
  };
}

/* One request with node:http through the given agent; resolves {status, headers, body, reused}. */
export function httpRequest(port, { method = 'GET', path = '/', headers = {}, body, agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({
        status: res.statusCode,
        headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        reused: req.reusedSocket,
        socket: req.socket,
      }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/* Builds a CSV text from rows of cells, quoting as RFC 4180 needs; CRLF line ends. */
export function toCsv(rows, { bom = false, eol = '\r\n' } = {}) {
  const cell = (v) => {
    const s = String(v ?? '');
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return (bom ? '\ufeff' : '') + rows.map((r) => r.map(cell).join(',')).join(eol) + eol;
}

/* Headers for an authenticated CSV upload. */
export const CSV = { 'content-type': 'text/csv' };

/* Asserts that two responses are the same answer (status, code, message, field): nothing leaks. */
export function assertSameAnswer(a, b, what) {
  assert.equal(a.status, b.status, `${what}: status ${a.status} vs ${b.status} (${a.text} / ${b.text})`);
  assert.deepEqual(a.json, b.json, `${what}: bodies differ (${a.text} / ${b.text})`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Returns the list of users of the admin's institution (throws on a non-200). */
export async function listUsers(admin, query = '') {
  const r = await admin.get(`/api/users${query}`);
  assert.equal(r.status, 200, `GET /api/users${query}: ${r.status} ${r.text}`);
  assert.ok(Array.isArray(r.json.users));
  return r.json.users;
}

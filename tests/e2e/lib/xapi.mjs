// Helpers for the LRS (xAPI) e2e suites: LRS clients made with the CLI, a small
// xAPI client (HTTP Basic + X-Experience-API-Version), statement builders,
// multipart/mixed bodies, hashes and error-shape assertions.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { cli } from '../../lib/server.mjs';

export const V2 = '2.0.0';
export const V1 = '1.0.3';
export const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

export const uuid = () => randomUUID();
export const sha1 = (data) => createHash('sha1').update(data).digest('hex');
export const sha256 = (data) => createHash('sha256').update(data).digest('hex');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/*
 * Adds an LRS client with the CLI; returns {key, secret, id, institution, scopes}.
 * scopes: an array of scope names; institution: its id (the CLI's default is 1).
 */
export function addLrsClient(srv, { name = 'test client', scopes = ['all'], institution } = {}) {
  const args = ['xapi', 'client', 'add', '--name', name, '--scope', ...scopes, '--json'];
  if (institution !== undefined) args.push('--institution', String(institution));
  const r = cli(args, { dataDir: srv.dataDir });
  assert.equal(r.status, 0, `xapi client add: ${r.status} ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  assert.match(out.key, /^\S+$/);
  assert.match(out.secret, /^\S{16,}$/);
  return { ...out, id: lrsClientId(srv, out.key, institution), institution: institution ?? 1, scopes };
}

/* The id of the LRS client with KEY, from `xapi client list` (lines "ID KEY STATE NAME (SCOPES)"). */
export function lrsClientId(srv, key, institution) {
  const args = ['xapi', 'client', 'list'];
  if (institution !== undefined) args.push('--institution', String(institution));
  const r = cli(args, { dataDir: srv.dataDir });
  assert.equal(r.status, 0, `xapi client list: ${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.split(/\s+/)[1] === key);
  assert.ok(line, `client ${key} not listed:\n${r.stdout}`);
  return Number(line.trim().split(/\s+/)[0]);
}

/* Revokes an LRS client with the CLI. */
export function revokeLrsClient(srv, id, institution) {
  const args = ['xapi', 'client', 'revoke', String(id)];
  if (institution !== undefined) args.push('--institution', String(institution));
  const r = cli(args, { dataDir: srv.dataDir });
  assert.equal(r.status, 0, `xapi client revoke ${id}: ${r.stderr}`);
}

/* Basic credentials for a key and secret. */
export const basic = (key, secret) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

/* Turns {a: 1, b: {x: 1}} into "?a=1&b=%7B%22x%22%3A1%7D" (objects as JSON); undefined values are left out. */
export function qs(params = {}) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    const s = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/*
 * A small xAPI client. Each call resolves {status, headers, text, json, body (Buffer)}.
 * Options of request(): query (object, see qs), body (object → JSON, string or Buffer),
 * headers, version (null: no X-Experience-API-Version), auth (null: no Authorization;
 * a string: that header).
 */
export class Lrs {
  constructor(url, { key, secret, version = V2 } = {}) {
    this.url = url;
    this.key = key;
    this.secret = secret;
    this.version = version;
  }

  /* The same client speaking another xAPI version. */
  withVersion(version) {
    return new Lrs(this.url, { key: this.key, secret: this.secret, version });
  }

  /* The authority the LRS sets on this client's statements (docs/lrs.md). */
  get authority() {
    return { objectType: 'Agent', account: { homePage: 'https://lrs.carecampus.invalid/clients', name: this.key } };
  }

  async request(method, path, { query, body, headers = {}, version, auth } = {}) {
    const h = { ...headers };
    const v = version === undefined ? this.version : version;
    if (v !== null && !Object.keys(h).some((k) => k.toLowerCase() === 'x-experience-api-version')) {
      h['X-Experience-API-Version'] = v;
    }
    if (auth === undefined) {
      if (this.key !== undefined) h.Authorization = basic(this.key, this.secret);
    } else if (auth !== null) {
      h.Authorization = auth;
    }
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      payload = JSON.stringify(body);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    }
    const res = await fetch(`${this.url}/xapi/${path}${typeof query === 'string' ? query : qs(query)}`, {
      method, headers: h, body: payload,
    });
    const buf = Buffer.from(await res.arrayBuffer());
    const text = buf.toString('utf8');
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, text, json, body: buf, method, path, query };
  }

  get(path, query, opts = {}) { return this.request('GET', path, { ...opts, query }); }
  head(path, query, opts = {}) { return this.request('HEAD', path, { ...opts, query }); }
  del(path, query, opts = {}) { return this.request('DELETE', path, { ...opts, query }); }
  put(path, query, body, opts = {}) { return this.request('PUT', path, { ...opts, query, body }); }
  post(path, query, body, opts = {}) { return this.request('POST', path, { ...opts, query, body }); }

  /* POSTs statements (one or an array); asserts 200 and returns the ids. */
  async store(statements, opts = {}) {
    const r = await this.post('statements', undefined, statements, opts);
    assert.equal(r.status, 200, `POST statements: ${r.status} ${r.text}`);
    assert.ok(Array.isArray(r.json), `POST statements answers an array of ids: ${r.text}`);
    assert.equal(r.json.length, Array.isArray(statements) ? statements.length : 1, r.text);
    return r.json;
  }

  /* GET one statement by id; asserts 200 and returns it. */
  async statement(id, query = {}) {
    const r = await this.get('statements', { statementId: id, ...query });
    assert.equal(r.status, 200, `GET statements?statementId=${id}: ${r.status} ${r.text}`);
    return r.json;
  }

  /* GET statements with QUERY; asserts 200 and a StatementResult; returns it. */
  async query(query = {}, opts = {}) {
    const r = await this.get('statements', query, opts);
    assert.equal(r.status, 200, `GET statements${qs(query)}: ${r.status} ${r.text}`);
    assert.ok(r.json && Array.isArray(r.json.statements), `StatementResult: ${r.text.slice(0, 300)}`);
    assert.equal(typeof r.json.more, 'string', 'StatementResult.more is a string');
    return r.json;
  }

  /* Follows a `more` link (a relative IRL) as-is. */
  async more(link) {
    const res = await fetch(`${this.url}${link}`, {
      headers: { Authorization: basic(this.key, this.secret), 'X-Experience-API-Version': this.version },
    });
    const text = await res.text();
    assert.equal(res.status, 200, `GET ${link}: ${res.status} ${text}`);
    return JSON.parse(text);
  }
}

/* A client for the LRS at srv with new credentials (scopes, institution) made by the CLI. */
export function newLrs(srv, { scopes = ['all'], institution, name, version = V2 } = {}) {
  const c = addLrsClient(srv, { scopes, institution, name: name ?? `client ${scopes.join(' ')}` });
  const lrs = new Lrs(srv.url, { key: c.key, secret: c.secret, version });
  lrs.id = c.id;
  lrs.institution = c.institution;
  return lrs;
}

/* ------------------------------------------------------------ statements */

export const mbox = (name) => ({ objectType: 'Agent', mbox: `mailto:${name}@example.org` });
export const account = (name, homePage = 'http://x') => ({ objectType: 'Agent', account: { homePage, name } });
export const verb = (name, display) => ({ id: `http://example.org/verbs/${name}`, ...(display ? { display } : {}) });
export const activity = (name, definition) => ({
  objectType: 'Activity', id: `http://example.org/activities/${name}`, ...(definition ? { definition } : {}),
});

/* A minimal valid statement; OVER replaces or adds properties. */
export function statement(over = {}) {
  return {
    actor: mbox('learner'),
    verb: verb('attended', { 'en-US': 'attended' }),
    object: activity('ward-round'),
    ...over,
  };
}

/* The statement as the client sent it, compared with what the LRS returns (ignoring what it adds). */
export function assertSameStatement(got, sent, what = 'statement') {
  assert.ok(got && typeof got === 'object', `${what}: no statement`);
  for (const [k, v] of Object.entries(sent)) assert.deepEqual(got[k], v, `${what}.${k}`);
}

/* Ids of a StatementResult (or an array of statements). */
export const idsOf = (r) => (Array.isArray(r) ? r : r.statements).map((s) => s.id);

/* ---------------------------------------------------------------- errors */

/*
 * Asserts an LRS error: STATUS, the documented {"error":{"code","message"[,"field"]}} body,
 * and when given the field. Always checks the X-Experience-API-Version header.
 */
export function assertXapiError(r, status, { code, field } = {}) {
  const what = `${r.method ?? ''} ${r.path ?? ''}${r.query ? qs(r.query) : ''}: expected ${status}`
    + `${field ? ` (field ${field})` : ''}, got ${r.status} ${r.text?.slice(0, 400)}`;
  assert.equal(r.status, status, what);
  assert.ok(r.json && r.json.error && typeof r.json.error === 'object', `no error object: ${what}`);
  assert.equal(typeof r.json.error.code, 'string', what);
  if (code) assert.equal(r.json.error.code, code, what);
  assert.equal(typeof r.json.error.message, 'string', what);
  assert.ok(r.json.error.message.length > 0, `empty message: ${what}`);
  assert.doesNotMatch(r.json.error.message, /^xapi_[a-z_]+$/, `raw message key: ${what}`);
  if (field !== undefined) assert.equal(r.json.error.field, field, what);
  assertVersionHeader(r);
}

/* Every LRS response carries X-Experience-API-Version. */
export function assertVersionHeader(r, expect) {
  const v = r.headers.get('x-experience-api-version');
  assert.ok(v, `${r.method ?? ''} ${r.path ?? ''} → ${r.status}: no X-Experience-API-Version header`);
  assert.match(v, /^(1\.0\.\d+|2\.0\.\d+)$/, `X-Experience-API-Version ${v}`);
  if (expect) assert.equal(v, expect);
}

/* ------------------------------------------------------------- multipart */

/*
 * A multipart/mixed body: the statements first (JSON), then each attachment
 * part {content, contentType, hash?, encoding?, headers?}. Returns {body, contentType}.
 */
export function multipart(statements, parts = [], { boundary = `b-${randomUUID()}` } = {}) {
  const chunks = [Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statements)}`)];
  for (const p of parts) {
    const content = Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content);
    const lines = [`Content-Type: ${p.contentType ?? 'text/plain'}`];
    if (p.encoding !== null) lines.push(`Content-Transfer-Encoding: ${p.encoding ?? 'binary'}`);
    if (p.hash !== null) lines.push(`X-Experience-API-Hash: ${p.hash ?? sha256(content)}`);
    for (const [k, v] of Object.entries(p.headers ?? {})) lines.push(`${k}: ${v}`);
    chunks.push(Buffer.from(`\r\n--${boundary}\r\n${lines.join('\r\n')}\r\n\r\n`), content);
  }
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/mixed; boundary=${boundary}` };
}

/* Parses a multipart/mixed response: [{headers (lower-case), body (Buffer)}]. */
export function parseMultipart(buf, contentType) {
  const m = /boundary="?([^";]+)"?/i.exec(contentType ?? '');
  assert.ok(m, `no boundary in ${contentType}`);
  const delim = Buffer.from(`--${m[1]}`);
  const parts = [];
  let at = buf.indexOf(delim);
  assert.ok(at >= 0, 'no opening delimiter');
  for (;;) {
    at += delim.length;
    if (buf.subarray(at, at + 2).toString() === '--') break;
    at = buf.indexOf('\r\n', at) + 2;
    const headEnd = buf.indexOf('\r\n\r\n', at - 2);
    const head = buf.subarray(at, headEnd).toString('latin1');
    const headers = {};
    for (const line of head.split('\r\n').filter(Boolean)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const start = headEnd + 4;
    const next = buf.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), start);
    assert.ok(next >= 0, 'unterminated part');
    parts.push({ headers, body: buf.subarray(start, next) });
    at = next + 2;
  }
  return parts;
}

/* Sorted copy, for comparing sets of ids. */
export const sorted = (a) => [...a].sort();

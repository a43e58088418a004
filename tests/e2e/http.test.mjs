// HTTP layer: health, security headers, routing errors, the web UI fallback,
// static content types, keep-alive and the request limits of docs/api.md.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, Client } from '../lib/server.mjs';
import {
  assertError, rawRequest, asFetchLike, httpRequest, loginAs, PASSWORD,
} from './lib/util.mjs';

let srv;
let admin;
const anon = () => new Client(srv.url);

before(async () => {
  srv = await startServer();
  const inst = srv.addInstitution('Test Health College', '测试健康学院', 'CN');
  srv.addUser({ institution: inst, role: 'admin', login: 'http.admin', name: 'Http Admin' });
  admin = await loginAs(srv, 'http.admin');
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

function assertSecurityHeaders(headers, what) {
  const get = (k) => (typeof headers.get === 'function' ? headers.get(k) : headers[k]);
  const csp = get('content-security-policy');
  assert.ok(csp, `${what}: Content-Security-Policy missing`);
  assert.match(csp, /frame-ancestors\s+'none'/, `${what}: CSP ${csp}`);
  assert.equal(get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(String(get('x-frame-options')).toUpperCase(), 'DENY', `${what}: X-Frame-Options`);
  const rp = get('referrer-policy');
  assert.ok(rp, `${what}: Referrer-Policy missing`);
  assert.match(rp, /^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin|no-referrer-when-downgrade|origin|origin-when-cross-origin)$/, `${what}: Referrer-Policy ${rp}`);
}

describe('health and routing', () => {
  test('GET /api/health answers 200 {"status":"ok","version":"0.1.0"} without a session', async () => {
    const r = await anon().get('/api/health');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(r.json, { status: 'ok', version: '0.1.0' });
  });

  test('security headers on API responses (200, 401 and 404)', async () => {
    assertSecurityHeaders((await anon().get('/api/health')).headers, 'GET /api/health');
    assertSecurityHeaders((await anon().get('/api/me')).headers, 'GET /api/me (401)');
    assertSecurityHeaders((await anon().get('/api/no-such-thing')).headers, 'GET /api/no-such-thing (404)');
  });

  test('security headers on HTML and static responses', async () => {
    assertSecurityHeaders((await anon().get('/')).headers, 'GET /');
    assertSecurityHeaders((await anon().get('/classes/3')).headers, 'GET /classes/3');
    assertSecurityHeaders((await anon().get('/index.html')).headers, 'GET /index.html');
  });

  test('unknown /api path is a 404 JSON not_found error', async () => {
    assertError(await anon().get('/api/no-such-thing'), 404, 'not_found');
    assertError(await anon().get('/api/users/1/nope/2'), 404, 'not_found');
    assertError(await admin.get('/api/no-such-thing'), 404, 'not_found');
    assertError(await admin.post('/api/no-such-thing', {}), 404, 'not_found');
  });

  test('unknown /api path never falls back to the HTML UI', async () => {
    const r = await anon().get('/api/classes-old');
    assert.equal(r.status, 404);
    assert.doesNotMatch(r.headers.get('content-type') ?? '', /text\/html/);
  });

  test('wrong method is 405 method_not_allowed with an Allow header', async () => {
    // HEAD goes with GET; the other methods must be exactly the documented ones.
    const allow = (r) => (r.headers.get('allow') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter((m) => m && m !== 'HEAD');
    let r = await anon().del('/api/health');
    assertError(r, 405, 'method_not_allowed');
    assert.ok(allow(r).includes('GET'), `Allow: ${r.headers.get('allow')}`);
    assert.ok(!allow(r).includes('DELETE'));

    r = await anon().get('/api/session');
    assertError(r, 405, 'method_not_allowed');
    assert.deepEqual(allow(r).sort(), ['DELETE', 'POST'], `Allow: ${r.headers.get('allow')}`);

    // Logged in with a valid CSRF token, so nothing but the method is wrong.
    r = await admin.put('/api/users', {});
    assertError(r, 405, 'method_not_allowed');
    assert.deepEqual(allow(r).sort(), ['GET', 'POST'], `Allow: ${r.headers.get('allow')}`);

    r = await admin.post('/api/institution', {});
    assertError(r, 405, 'method_not_allowed');
    assert.deepEqual(allow(r), ['GET'], `Allow: ${r.headers.get('allow')}`);

    r = await admin.get('/api/me/password');
    assertError(r, 405, 'method_not_allowed');
    assert.deepEqual(allow(r), ['PUT'], `Allow: ${r.headers.get('allow')}`);

    r = await admin.del('/api/me');
    assertError(r, 405, 'method_not_allowed');
    assert.deepEqual(allow(r).sort(), ['GET', 'PATCH'], `Allow: ${r.headers.get('allow')}`);

    r = await admin.get(`/api/classes/1/students`);
    assertError(r, 405, 'method_not_allowed');
    assert.deepEqual(allow(r), ['POST'], `Allow: ${r.headers.get('allow')}`);
  });

  test('GET /api/users/import: the import path with the wrong method (405) or a malformed id (400), never 404', async () => {
    const allow = (r) => (r.headers.get('allow') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter((m) => m && m !== 'HEAD');
    const r = await admin.get('/api/users/import');
    assert.ok([400, 405].includes(r.status), `GET /api/users/import: ${r.status} ${r.text}`);
    if (r.status === 405) assert.deepEqual(allow(r), ['POST'], `Allow: ${r.headers.get('allow')}`);
  });

  test('HTML fallback: /classes/3 serves index.html', async () => {
    const index = await anon().get('/index.html');
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /^text\/html/);
    assert.match(index.text, /<html/i);
    for (const p of ['/classes/3', '/', '/some/deep/ui/route']) {
      const r = await anon().get(p);
      assert.equal(r.status, 200, `GET ${p}`);
      assert.match(r.headers.get('content-type'), /^text\/html/, `GET ${p} content type`);
      assert.equal(r.text, index.text, `GET ${p} is index.html`);
    }
  });

  test('a missing file with an extension is 404, not index.html', async () => {
    const r = await anon().get('/no-such-file.js');
    assert.equal(r.status, 404);
    assert.doesNotMatch(r.text, /<html/i);
  });

  test('static files referenced by index.html have the right Content-Type', async () => {
    const index = (await anon().get('/index.html')).text;
    const refs = new Set();
    for (const m of index.matchAll(/(?:src|href)\s*=\s*["']([^"'#?]+)["']/gi)) {
      const p = m[1];
      if (/^(https?:|data:|mailto:|\/\/)/i.test(p)) continue;
      if (!/\.[a-z0-9]+$/i.test(p)) continue;
      refs.add(p.startsWith('/') ? p : `/${p.replace(/^\.\//, '')}`);
    }
    for (const p of ['/i18n/en.json', '/i18n/zh-CN.json']) refs.add(p);
    const types = {
      js: /^(text|application)\/javascript/, mjs: /^(text|application)\/javascript/, css: /^text\/css/,
      json: /^application\/json/, html: /^text\/html/, svg: /^image\/svg\+xml/, png: /^image\/png/,
      ico: /^image\/(x-icon|vnd\.microsoft\.icon)/, webmanifest: /^application\/manifest\+json/,
      woff2: /^font\/woff2/,
    };
    let checked = 0;
    for (const p of refs) {
      const ext = p.split('.').pop().toLowerCase();
      const r = await anon().get(p);
      if (p.startsWith('/i18n/') && r.status === 404) continue; // only if the UI ships catalogs there
      assert.equal(r.status, 200, `GET ${p} (referenced by index.html)`);
      if (types[ext]) {
        assert.match(r.headers.get('content-type') ?? '', types[ext], `GET ${p}: Content-Type ${r.headers.get('content-type')}`);
        checked++;
      }
      assertSecurityHeaders(r.headers, `GET ${p}`);
    }
    assert.ok(checked >= 1, `index.html references no static file to check (${[...refs]})`);
  });

  test('path traversal cannot read files outside the web root', async () => {
    for (const p of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/i18n/../../../etc/passwd']) {
      const r = await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.doesNotMatch(r.body.toString('latin1'), /root:.*:0:0:/, `GET ${p} leaked /etc/passwd`);
    }
  });
});

describe('keep-alive', () => {
  test('several GETs reuse one connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const seen = new Set();
      for (let i = 0; i < 4; i++) {
        const r = await httpRequest(srv.port, { path: '/api/health', agent });
        assert.equal(r.status, 200);
        assert.equal(r.reused, i > 0, `request ${i + 1} reusedSocket=${r.reused}`);
        seen.add(r.socket);
      }
      assert.equal(seen.size, 1, 'all requests on one socket');
    } finally {
      agent.destroy();
    }
  });

  test('the connection survives error responses, a POST with a body and an HTML page', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const reqs = [
        { path: '/api/health' },
        { path: '/api/no-such-thing' },
        { path: '/api/me' },
        { method: 'POST', path: '/api/session', headers: { 'content-type': 'application/json' }, body: '{"login":' },
        { path: '/classes/3' },
        { path: '/api/classes', headers: { cookie: admin.cookie } },
        { path: '/api/health' },
      ];
      let first = true;
      for (const q of reqs) {
        const r = await httpRequest(srv.port, { ...q, agent });
        assert.ok(r.status >= 200 && r.status < 500, `${q.method ?? 'GET'} ${q.path}: ${r.status}`);
        assert.equal(r.reused, !first, `${q.method ?? 'GET'} ${q.path} (${r.status}) reusedSocket=${r.reused}`);
        first = false;
      }
    } finally {
      agent.destroy();
    }
  });

  test('raw socket: a second request on the same connection after the first response', async () => {
    const net = await import('node:net');
    const sock = net.connect({ port: srv.port, host: '127.0.0.1' });
    await new Promise((ok, fail) => { sock.once('connect', ok); sock.once('error', fail); });
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => { buf = Buffer.concat([buf, d]); });
    const waitFor = async (n) => {
      const deadline = Date.now() + 5000;
      while ((buf.toString('latin1').match(/HTTP\/1\.1 \d{3}/g) ?? []).length < n || !/\}\s*$/.test(buf.toString('latin1'))) {
        if (Date.now() > deadline || sock.destroyed) break;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    sock.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(1);
    assert.match(buf.toString('latin1'), /^HTTP\/1\.1 200/);
    assert.doesNotMatch(buf.toString('latin1'), /connection:\s*close/i);
    sock.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(2);
    const statuses = buf.toString('latin1').match(/HTTP\/1\.1 \d{3}/g) ?? [];
    sock.destroy();
    assert.deepEqual(statuses, ['HTTP/1.1 200', 'HTTP/1.1 200']);
  });
});

describe('limits', () => {
  const MiB = 1024 * 1024;

  test('JSON body over 1 MiB with Content-Length is 413 payload_too_large', async () => {
    const body = Buffer.from(`{"pad":"${'a'.repeat(MiB)}"}`);
    assert.ok(body.length > MiB);
    const r = await rawRequest(srv.port, [
      `POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    ], { pauseAfterFirst: 100 });
    assertError(asFetchLike(r), 413, 'payload_too_large');
  });

  test('JSON body over 1 MiB announced with Expect: 100-continue is answered 413 before the body is sent', async () => {
    const r = await rawRequest(srv.port,
      `POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${MiB + 1}\r\n\r\n`);
    assertError(asFetchLike(r), 413, 'payload_too_large');
  });

  test('JSON body over 1 MiB with chunked transfer is 413 payload_too_large', async () => {
    const parts = [`POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`];
    const first = '{"pad":"';
    parts.push(`${Buffer.byteLength(first).toString(16)}\r\n${first}\r\n`);
    const chunk = 'b'.repeat(64 * 1024);
    for (let sent = 0; sent <= MiB; sent += chunk.length) parts.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    parts.push('2\r\n"}\r\n0\r\n\r\n');
    const r = await rawRequest(srv.port, parts);
    assertError(asFetchLike(r), 413, 'payload_too_large');
  });

  test('a JSON body just under 1 MiB is read (not 413)', async () => {
    const pad = 'c'.repeat(MiB - 100);
    const body = `{"pad":"${pad}"}`;
    assert.ok(Buffer.byteLength(body) <= MiB);
    const r = await anon().post('/api/session', body, { 'content-type': 'application/json' });
    assert.notEqual(r.status, 413, r.text.slice(0, 200));
    assert.ok([401, 422].includes(r.status), `login without login field: ${r.status} ${r.text.slice(0, 200)}`);
  });

  test('request headers over 16 KiB are answered 431', async () => {
    const r = await rawRequest(srv.port, `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(17 * 1024)}\r\n\r\n`);
    assert.equal(r.status, 431);
  });

  test('many headers adding up to over 16 KiB are answered 431', async () => {
    let h = '';
    for (let i = 0; i < 40; i++) h += `X-Many-${i}: ${'m'.repeat(500)}\r\n`;
    const r = await rawRequest(srv.port, `GET /api/health HTTP/1.1\r\nHost: x\r\n${h}\r\n`);
    assert.equal(r.status, 431);
  });

  test('request headers of 12 KiB are accepted', async () => {
    const r = await rawRequest(srv.port, `GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'h'.repeat(12 * 1024)}\r\n\r\n`);
    assert.equal(r.status, 200);
  });

  const nested = (depth) => {
    // The top-level object is level 1; each array adds one.
    return `{"pad":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
  };

  test('JSON nested 33 deep is 400 json_too_deep', async () => {
    assertError(await anon().post('/api/session', nested(33), { 'content-type': 'application/json' }), 400, 'json_too_deep');
    assertError(await anon().post('/api/session', nested(5000), { 'content-type': 'application/json' }), 400, 'json_too_deep');
    // Also in an authenticated handler.
    assertError(await admin.post('/api/users', nested(40), { 'content-type': 'application/json' }), 400, 'json_too_deep');
  });

  test('JSON nested 32 deep passes the JSON reader', async () => {
    const r = await anon().post('/api/session', nested(32), { 'content-type': 'application/json' });
    assert.ok([401, 422].includes(r.status), `32 levels: ${r.status} ${r.text}`);
    assert.notEqual(r.json?.error?.code, 'json_too_deep');
    const r2 = await admin.post('/api/users', nested(32), { 'content-type': 'application/json' });
    assertError(r2, 422, 'invalid_field');
  });

  test('invalid UTF-8 in JSON is 400 bad_json', async () => {
    const body = Buffer.concat([Buffer.from('{"login":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","password":"whatever-1"}')]);
    assertError(await anon().post('/api/session', body, { 'content-type': 'application/json' }), 400, 'bad_json');
    // An overlong encoding of "/" and a lone surrogate are not UTF-8 either.
    const overlong = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
    assertError(await admin.patch('/api/me', overlong, { 'content-type': 'application/json' }), 400, 'bad_json');
    const surrogate = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    assertError(await admin.patch('/api/me', surrogate, { 'content-type': 'application/json' }), 400, 'bad_json');
  });

  test('malformed JSON, and JSON that is not an object, is 400 bad_json', async () => {
    const h = { 'content-type': 'application/json' };
    for (const b of ['{', '{"login":"a",}', '[1,2]', '"text"', '42', 'null', '{"a":1} trailing']) {
      assertError(await anon().post('/api/session', b, h), 400, 'bad_json');
    }
    assertError(await admin.post('/api/users', '[]', h), 400, 'bad_json');
  });

  test('a body of the wrong content type is 415 unsupported_media_type', async () => {
    const body = JSON.stringify({ login: 'http.admin', password: PASSWORD });
    assertError(await anon().post('/api/session', body, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    assertError(await anon().post('/api/session', body, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    assertError(await admin.post('/api/users', 'login,name\n', { 'content-type': 'text/csv' }), 415, 'unsupported_media_type');
    assertError(await admin.post('/api/users/import', JSON.stringify({ a: 1 }), { 'content-type': 'application/json' }), 415, 'unsupported_media_type');
  });

  test('application/json with a charset parameter is accepted', async () => {
    const r = await admin.patch('/api/me', JSON.stringify({ name: 'Http Admin' }), { 'content-type': 'application/json; charset=utf-8' });
    assert.equal(r.status, 200, r.text);
  });

  test('malformed path parameter is 400 bad_request', async () => {
    assertError(await admin.get('/api/users/abc'), 400, 'bad_request');
    assertError(await admin.get('/api/classes/1x'), 400, 'bad_request');
    assertError(await admin.get('/api/users?role=superuser'), 400, 'bad_request');
  });
});

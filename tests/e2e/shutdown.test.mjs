// Graceful shutdown: SIGTERM/SIGINT stop accepting, finish in-flight requests, exit 0.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { rmSync } from 'node:fs';
import { startServer, cli } from '../lib/server.mjs';
import { loginAs, toCsv, CSV, PASSWORD, sleep, httpRequest } from './lib/util.mjs';

const cleanup = [];
after(async () => {
  for (const s of cleanup) {
    await s.stop();
    rmSync(s.dataDir, { recursive: true, force: true });
  }
});

function exitOf(proc) {
  return new Promise((ok) => {
    if (proc.exitCode !== null || proc.signalCode !== null) ok({ code: proc.exitCode, signal: proc.signalCode });
    else proc.once('exit', (code, signal) => ok({ code, signal }));
  });
}

/* Resolves 'refused' / 'closed' / 'timeout' / the status of a response to a new connection. */
function tryNewConnection(port) {
  return new Promise((ok) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    let buf = '';
    const t = setTimeout(() => { sock.destroy(); ok(buf ? buf.slice(0, 12) : 'timeout'); }, 1500);
    sock.on('connect', () => sock.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n'));
    sock.on('data', (d) => { buf += d; });
    sock.on('error', (e) => { clearTimeout(t); ok(e.code === 'ECONNREFUSED' ? 'refused' : `error ${e.code}`); });
    sock.on('close', () => { clearTimeout(t); ok(buf ? buf.slice(0, 12) : 'closed'); });
  });
}

describe('graceful shutdown', () => {
  test('SIGTERM during a slow import: the import completes with 200, new connections are refused, exit 0', async () => {
    const srv = await startServer();
    cleanup.push(srv);
    const inst = srv.addInstitution('Shutdown College', '关机学院', 'CN');
    srv.addUser({ institution: inst, role: 'admin', login: 'sd.admin', name: 'Shutdown Admin' });
    const t0 = Date.now();
    const admin = await loginAs(srv, 'sd.admin');
    const perHash = Math.max(Date.now() - t0, 5);
    // Enough rows to take about two seconds (each row hashes a password), well within the 10 s grace.
    const n = Math.min(Math.max(Math.ceil(2000 / perHash), 3), 60);
    const rows = [['login', 'name', 'role', 'password']];
    for (let i = 1; i <= n; i++) rows.push([`sd.user${i}`, `Shutdown User ${i}`, 'student', PASSWORD]);

    const exited = exitOf(srv.proc);
    const started = Date.now();
    let answeredAt = 0;
    const pending = admin.post('/api/users/import', toCsv(rows), CSV).then((x) => { answeredAt = Date.now(); return x; });
    await sleep(Math.min(300, perHash));
    const killedAt = Date.now();
    srv.proc.kill('SIGTERM');
    await sleep(200);
    const probe = await tryNewConnection(srv.port);
    const r = await pending;
    const took = Date.now() - started;
    const ex = await exited;

    assert.equal(r.status, 200, `in-flight import after SIGTERM: ${r.status} ${r.text}`);
    assert.equal(r.json.imported, n);
    assert.ok(answeredAt > killedAt, 'the import was still in flight when SIGTERM was sent');
    assert.equal(probe, 'refused', `a new connection after SIGTERM got: ${probe}`);
    assert.deepEqual(ex, { code: 0, signal: null }, `exit ${JSON.stringify(ex)}\n${srv.log()}`);
    assert.ok(took < 12000, `took ${took} ms`);

    // The imported users were committed.
    const list = cli(['user', 'list', '--institution', String(inst), '--json'], { dataDir: srv.dataDir });
    assert.equal(list.status, 0, list.stderr);
    const parsed = JSON.parse(list.stdout);
    const users = Array.isArray(parsed) ? parsed : parsed.users;
    assert.equal(users.filter((u) => /^sd\.user\d+$/.test(u.login)).length, n);
  });

  test('SIGTERM during a login: the login completes with 200 and the process exits 0', async () => {
    const srv = await startServer();
    cleanup.push(srv);
    const inst = srv.addInstitution('Shutdown College 2', '关机学院二', 'CN');
    srv.addUser({ institution: inst, role: 'student', login: 'sd.login', name: 'Login During Shutdown' });
    const exited = exitOf(srv.proc);
    const agent = new http.Agent({ keepAlive: false });
    const pending = httpRequest(srv.port, {
      method: 'POST', path: '/api/session', agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'sd.login', password: PASSWORD }),
    });
    await sleep(30);
    srv.proc.kill('SIGTERM');
    const r = await pending;
    assert.equal(r.status, 200, r.body);
    assert.match(String(r.headers['set-cookie']), /cc_session=/);
    assert.deepEqual(await exited, { code: 0, signal: null });
  });

  test('SIGTERM with an idle keep-alive connection open exits 0 within the grace period', async () => {
    const srv = await startServer();
    cleanup.push(srv);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const r = await httpRequest(srv.port, { path: '/api/health', agent });
    assert.equal(r.status, 200);
    const exited = exitOf(srv.proc);
    const t0 = Date.now();
    srv.proc.kill('SIGTERM');
    const ex = await exited;
    agent.destroy();
    assert.deepEqual(ex, { code: 0, signal: null });
    assert.ok(Date.now() - t0 < 11000, `exit took ${Date.now() - t0} ms`);
  });

  test('SIGINT exits 0 too', async () => {
    const srv = await startServer();
    cleanup.push(srv);
    const exited = exitOf(srv.proc);
    srv.proc.kill('SIGINT');
    assert.deepEqual(await exited, { code: 0, signal: null });
  });
});

// Starts the real carecampus binary on a free port with a temporary data
// directory, for the e2e and browser suites, and stops it afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/* The binary under test: $CARECAMPUS_BIN, else the sanitizer build, else the release build. */
export function binaryPath() {
  if (process.env.CARECAMPUS_BIN) return resolve(process.env.CARECAMPUS_BIN);
  for (const p of ['build/asan/carecampus', 'build/carecampus']) {
    const full = join(root, p);
    if (existsSync(full)) return full;
  }
  throw new Error('no carecampus binary: run make first');
}

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/* Runs a CLI subcommand synchronously; returns {status, stdout, stderr}. */
export function cli(args, { input, dataDir } = {}) {
  const full = dataDir ? [...args, '--data', dataDir] : args;
  const r = spawnSync(binaryPath(), full, { input: input ?? '', encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function mustCli(args, opts) {
  const r = cli(args, opts);
  if (r.status !== 0) throw new Error(`carecampus ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/*
 * Starts a server. With {demo: true} the data directory is seeded with the demo
 * college first. Returns {url, port, dataDir, stop(), addInstitution(), addUser()}.
 * To restart a stopped server on its data, pass {dataDir, port} of the first
 * (stopped with {keepData: true}): the same directory and address.
 */
export async function startServer({ demo = false, extraArgs = [], dataDir: reuse, port: fixedPort } = {}) {
  const dataDir = reuse ?? mkdtempSync(join(tmpdir(), 'carecampus-test-'));
  if (demo) mustCli(['demo'], { dataDir });
  const port = fixedPort ?? await freePort();
  const proc = spawn(binaryPath(), ['serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((ok) => proc.on('exit', (code, signal) => ok({ code, signal })));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited early:\n${log}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`server did not start:\n${log}`); }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    url, port, dataDir, proc,
    log: () => log,
    /* Adds an institution; returns its id. */
    addInstitution(nameEn, nameZh, country = 'US') {
      const out = mustCli(['init', '--name-en', nameEn, '--name-zh', nameZh, '--country', country, '--json'], { dataDir });
      return JSON.parse(out).institution_id;
    },
    /* Adds a user; returns its id. */
    addUser({ institution = 1, role, login, name, password = 'correct-horse-9', lang = 'en' }) {
      const args = ['user', 'add', '--institution', String(institution), '--role', role, '--login', login, '--lang', lang, '--password-stdin', '--json'];
      if (name) args.push('--name', name);
      const out = mustCli(args, { dataDir, input: password + '\n' });
      return JSON.parse(out).user_id;
    },
    /* SIGTERM, wait for exit; returns {code, signal}. Removes the data directory. */
    async stop({ keepData = false } = {}) {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 15000);
      const r = await exited;
      clearTimeout(t);
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      return r;
    },
  };
}

/* A tiny cookie-keeping JSON client: login(), get(), post(), patch(), put(), del(). */
export class Client {
  constructor(base, { lang } = {}) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
    this.lang = lang;
  }
  async request(method, path, body, headers = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && method !== 'HEAD') h['x-csrf-token'] = this.csrf;
    if (this.lang) h['accept-language'] = this.lang;
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const set = res.headers.get('set-cookie');
    if (set) {
      const m = /cc_session=([^;]*)/.exec(set);
      if (m) this.cookie = m[1] ? `cc_session=${m[1]}` : '';
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, json, text };
  }
  async login(login, password) {
    const r = await this.request('POST', '/api/session', { login, password });
    if (r.status === 200) this.csrf = r.json.csrf;
    return r;
  }
  get(p, h) { return this.request('GET', p, undefined, h); }
  post(p, b, h) { return this.request('POST', p, b, h); }
  put(p, b, h) { return this.request('PUT', p, b, h); }
  patch(p, b, h) { return this.request('PATCH', p, b, h); }
  del(p, h) { return this.request('DELETE', p, undefined, h); }
}

// The load client of bench/training.sh: SESSIONS students log in, each starts a practice scenario
// at SPEED and follows it over Server-Sent Events like the training page does (acting every few
// seconds, as a trainee would), for SECONDS. It measures the latency of every state update (the
// client's receive time less the server's publishing time "at", one clock: same machine), the
// updates each session got a second, and whether any session fell behind: its simulated time
// against wall time × speed, and the longest gap between two updates. Prints one JSON object.
//
//   node bench/training_load.mjs URL SESSIONS SECONDS SPEED SERVER_PID
// The students are bench.s1 … bench.sN with the password "bench-password-1", and bench.admin
// (an administrator, for the server's own stepping and publishing times).
import { readFileSync } from 'node:fs';

const [url, nArg, secArg, speedArg, pidArg] = process.argv.slice(2);
const N = Number(nArg);
const SECONDS = Number(secArg);
const SPEED = Number(speedArg);
const PASSWORD = 'bench-password-1';
const SCENARIOS = ['false-alarm-loose-wearable', 'night-fall-high-risk', 'copd-oxygen-target', 'sepsis-rising-news2'];
const ACT_EVERY_MS = 5000;

async function login(name) {
  const r = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: name, password: PASSWORD }) });
  if (r.status !== 200) throw new Error(`login ${name}: ${r.status} ${await r.text()}`);
  const cookie = /cc_session=([^;]*)/.exec(r.headers.get('set-cookie'))[1];
  return { cookie: `cc_session=${cookie}`, csrf: (await r.json()).csrf };
}

async function call(who, method, path, body) {
  const h = { cookie: who.cookie };
  if (body !== undefined) { h['content-type'] = 'application/json'; h['x-csrf-token'] = who.csrf; }
  const r = await fetch(url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, clock ticks of 1/100 s
  } catch { return null; }
}

/* Follows session UUID's stream; returns {stop(), stats}. */
function follow(who, uuid, resident) {
  const ctl = new AbortController();
  const s = { states: 0, latencies: [], first: null, last: null, maxGap: 0, prev: null, logs: 0, actions: [], error: null };
  (async () => {
    try {
      const res = await fetch(`${url}/api/training/sessions/${uuid}/events`, { headers: { cookie: who.cookie }, signal: ctl.signal });
      if (res.status !== 200) throw new Error(`events: ${res.status}`);
      const dec = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body) {
        buf += dec.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const m = /^event: (\w+)$/m.exec(block);
          const d = /^data: (.*)$/m.exec(block);
          if (!m || !d) continue;
          if (m[1] === 'log') { s.logs++; continue; }
          if (m[1] !== 'state') continue;
          const now = Date.now();
          const st = JSON.parse(d[1]);
          if (st.held || st.paused) continue; // before the page counted as the trainee's
          s.states++;
          s.latencies.push(now - st.at);
          if (!s.first) s.first = { t: st.t_ms, at: now };
          if (s.prev) s.maxGap = Math.max(s.maxGap, now - s.prev);
          s.prev = now;
          s.last = { t: st.t_ms, at: now };
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') s.error = String(e.message || e);
    }
  })();
  const timer = setInterval(async () => {
    const t0 = Date.now();
    try {
      await call(who, 'POST', `/api/training/sessions/${uuid}/actions`, { type: 'review_data', resident });
      s.actions.push(Date.now() - t0);
    } catch (e) { s.error = String(e.message || e); }
  }, ACT_EVERY_MS);
  return { s, stop: () => { clearInterval(timer); ctl.abort(); } };
}

function pct(arr, p) {
  if (!arr.length) return null;
  const a = [...arr].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.ceil((a.length * p) / 100) - 1)];
}

const admin = await login('bench.admin');
const students = [];
for (let i = 1; i <= N; i++) students.push(await login(`bench.s${i}`));
const sessions = [];
for (let i = 0; i < N; i++) {
  const id = SCENARIOS[i % SCENARIOS.length];
  const sc = (await call(students[i], 'GET', `/api/training/scenarios/${id}`)).scenario;
  const s = (await call(students[i], 'POST', '/api/training/sessions', { scenario: id, speed: SPEED })).session;
  sessions.push({ who: students[i], uuid: s.id, resident: sc.residents[0].id });
}
const cpu0 = cpuSeconds(pidArg);
const t0 = Date.now();
const followers = sessions.map((x) => follow(x.who, x.uuid, x.resident));
await new Promise((r) => setTimeout(r, SECONDS * 1000));
const wall = (Date.now() - t0) / 1000;
const cpu1 = cpuSeconds(pidArg);
for (const f of followers) f.stop();
const stats = (await call(admin, 'GET', '/api/training/stats')).training;

const all = followers.flatMap((f) => f.s.latencies);
const per = followers.map((f, i) => {
  const s = f.s;
  const span = s.first && s.last ? s.last.at - s.first.at : 0;
  const ratio = span > 0 ? (s.last.t - s.first.t) / (span * SPEED) : 0;
  return { session: i, states: s.states, rate: span > 0 ? (s.states - 1) / (span / 1000) : 0, ratio, max_gap_ms: s.maxGap, p99_ms: pct(s.latencies, 99), error: s.error, actions: s.actions };
});
const behind = per.filter((p) => p.error || p.ratio < 0.97 || p.max_gap_ms > 1000);
const actions = followers.flatMap((f) => f.s.actions);
console.log(JSON.stringify({
  sessions: N,
  seconds: wall,
  speed: SPEED,
  updates: all.length,
  latency_ms: { p50: pct(all, 50), p90: pct(all, 90), p99: pct(all, 99), max: pct(all, 100) },
  updates_per_s: { min: Math.min(...per.map((p) => p.rate)), median: pct(per.map((p) => p.rate), 50) },
  clock_ratio: { min: Math.min(...per.map((p) => p.ratio)), median: pct(per.map((p) => p.ratio), 50) },
  max_gap_ms: Math.max(...per.map((p) => p.max_gap_ms)),
  behind: behind.map((p) => ({ session: p.session, ratio: p.ratio, max_gap_ms: p.max_gap_ms, error: p.error })),
  action_ms: { count: actions.length, p50: pct(actions, 50), p99: pct(actions, 99) },
  server_cpu_s: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
  server: stats,
}));
process.exit(0);

// The HTTP side of the LRS benchmarks (bench/lrs.sh): a load generator on
// keep-alive connections. Prints one JSON object on stdout.
//
//   node bench/lrs_load.mjs ingest URL KEY:SECRET BATCHES CLIENTS SECONDS
//     CLIENTS concurrent clients POST the lines of BATCHES (bench/lrs_gen.c: a
//     JSON array of statements a line) in turn, each line once, for SECONDS or
//     until they run out. → {statements, seconds, requests, errors}
//
//   node bench/lrs_load.mjs fill URL KEY:SECRET BATCHES CLIENTS
//     The same for every line (loading a data set through the API).
//
//   node bench/lrs_load.mjs queries URL KEY:SECRET PLAN COUNT PAGES MAX_SECONDS
//     One client, one request at a time: COUNT queries of each kind of PLAN
//     (bench/lrs_gen.c plan) with limit=25, after two unmeasured ones, and
//     PAGES pages of the "pages" query following its `more` links; each kind
//     stops early after MAX_SECONDS. Latency is from sending the request to
//     the end of the response. → {kind: {n, p50, p99, max, mean, statements}}
import http from 'node:http';
import fs from 'node:fs';

const [mode, base, credentials, file, ...rest] = process.argv.slice(2);
if (!mode || !base || !credentials || !file) {
  console.error('usage: lrs_load.mjs ingest|fill|queries URL KEY:SECRET FILE ...');
  process.exit(2);
}
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const auth = 'Basic ' + Buffer.from(credentials).toString('base64');
const common = { Authorization: auth, 'X-Experience-API-Version': '2.0.0' };

function request(method, path, body) {
  return new Promise((resolve, reject) => {
    const headers = { ...common };
    if (body) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = body.length;
    }
    const req = http.request(
      { host: url.hostname, port: url.port, method, path, agent, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

function lines(path) {
  const data = fs.readFileSync(path);
  const out = [];
  for (let start = 0; start < data.length; ) {
    let end = data.indexOf(10, start);
    if (end < 0) end = data.length;
    if (end > start) out.push(data.subarray(start, end));
    start = end + 1;
  }
  return out;
}

async function post(batches, clients, seconds) {
  let next = 0;
  let statements = 0;
  let requests = 0;
  let errors = 0;
  let firstError = '';
  const start = process.hrtime.bigint();
  const deadline = seconds ? start + BigInt(Math.round(seconds * 1e9)) : null;
  async function client() {
    while (next < batches.length && (!deadline || process.hrtime.bigint() < deadline)) {
      const body = batches[next++];
      try {
        const res = await request('POST', '/xapi/statements', body);
        requests++;
        if (res.status === 200) statements += JSON.parse(res.body).length;
        else {
          errors++;
          firstError ||= `${res.status} ${res.body.toString().slice(0, 300)}`;
        }
      } catch (e) {
        errors++;
        firstError ||= String(e);
      }
    }
  }
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { statements, seconds: elapsed, requests, errors, firstError };
}

function percentile(sorted, p) {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function summary(times, statements, errors, firstError) {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] || 0,
    mean,
    statements,
    errors,
    firstError,
  };
}

function queryPath(q) {
  const p = new URLSearchParams();
  if (q.agent !== '-') p.set('agent', q.agent);
  if (q.verb !== '-') p.set('verb', q.verb);
  if (q.activity !== '-') p.set('activity', q.activity);
  if (q.registration !== '-') p.set('registration', q.registration);
  if (q.related === '1') p.set('related_activities', 'true');
  p.set('limit', '25');
  return '/xapi/statements?' + p.toString();
}

async function timed(path) {
  const t0 = process.hrtime.bigint();
  const res = await request('GET', path);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, res };
}

async function queries(planPath, count, pages, maxSeconds) {
  const plan = fs
    .readFileSync(planPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [kind, agent, , verb, activity, registration, related] = l.split('\t');
      return { kind, agent, verb, activity, registration, related };
    });
  const kinds = [...new Set(plan.map((q) => q.kind))].filter((k) => k !== 'pages');
  const out = {};
  for (const kind of kinds) {
    const list = plan.filter((q) => q.kind === kind).slice(0, count);
    // Warm-up, not measured: two requests, or one when it is slow.
    for (const q of list.slice(-2)) if ((await timed(queryPath(q))).ms > 1000) break;
    const times = [];
    let statements = 0;
    let errors = 0;
    let firstError = '';
    const deadline = Date.now() + maxSeconds * 1000;
    for (const q of list) {
      const { ms, res } = await timed(queryPath(q));
      if (res.status !== 200) {
        errors++;
        firstError ||= `${res.status} ${res.body.toString().slice(0, 200)}`;
      } else statements += JSON.parse(res.body).statements.length;
      times.push(ms);
      if (Date.now() > deadline) break;
    }
    out[kind] = summary(times, statements, errors, firstError);
  }
  const pq = plan.find((q) => q.kind === 'pages');
  if (pq && pages > 0) {
    const times = [];
    let statements = 0;
    let errors = 0;
    let firstError = '';
    let path = queryPath(pq);
    const deadline = Date.now() + maxSeconds * 1000;
    while (path && times.length < pages) {
      const { ms, res } = await timed(path);
      times.push(ms);
      if (res.status !== 200) {
        errors++;
        firstError ||= `${res.status} ${res.body.toString().slice(0, 200)}`;
        break;
      }
      const page = JSON.parse(res.body);
      statements += page.statements.length;
      path = page.more || '';
      if (Date.now() > deadline) break;
    }
    out.pages = summary(times, statements, errors, firstError);
  }
  return out;
}

let result;
if (mode === 'ingest') {
  result = await post(lines(file), Number(rest[0] || 4), Number(rest[1] || 10));
} else if (mode === 'fill') {
  result = await post(lines(file), Number(rest[0] || 4), 0);
} else if (mode === 'queries') {
  result = await queries(file, Number(rest[0] || 300), Number(rest[1] || 400), Number(rest[2] || 30));
} else {
  console.error(`lrs_load.mjs: unknown mode ${mode}`);
  process.exit(2);
}
agent.destroy();
console.log(JSON.stringify(result));

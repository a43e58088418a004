// The numbers of the literacy test against an independent computation: `carecampus literacy
// score` and tests/literacy/check.py (numpy/scipy, Debian's python3) on the same fixtures must
// agree to 1e-9 — theta, its standard error, and every item's probabilities and information,
// for EAP, MAP and MLE, 2PL and graded items, scored categories and whole answers. Then the
// other commands: simulate (a table and deterministic JSON), calibrate from a response file
// (parameters recovered; fit p-values against scipy's chi-square), bank validate, import and
// export.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '../lib/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FIX = join(here, '..', 'fixtures', 'literacy');
const CHECK = join(here, '..', 'literacy', 'check.py');
const TOL = 1e-9;

/* Debian's python3 has numpy and scipy (scripts/install-deps.sh); a pyenv python on PATH may not. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function python(args) {
  const r = spawnSync(PYTHON, [CHECK, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `check.py ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function close(a, b, what) {
  if (a === null || b === null) {
    assert.equal(a, b, what);
    return;
  }
  assert.ok(Math.abs(a - b) <= TOL, `${what}: ${a} vs ${b} (difference ${Math.abs(a - b)})`);
}

function compare(c, p, what) {
  assert.equal(c.status, p.status, `${what}: status`);
  close(c.theta, p.theta, `${what}: theta`);
  close(c.se, p.se, `${what}: se`);
  if (c.status !== 'ok') return;
  close(c.test_information, p.test_information, `${what}: test information`);
  assert.equal(c.items.length, p.items.length);
  c.items.forEach((ci, i) => {
    const pi = p.items[i];
    assert.equal(ci.id, pi.id);
    assert.equal(ci.category, pi.category, `${what}: ${ci.id} category (scoring)`);
    assert.equal(ci.max, pi.max);
    ci.probabilities.forEach((x, k) => close(x, pi.probabilities[k], `${what}: ${ci.id} P${k}`));
    close(ci.p_observed, pi.p_observed, `${what}: ${ci.id} P(observed)`);
    close(ci.expected, pi.expected, `${what}: ${ci.id} expected score`);
    close(ci.information, pi.information, `${what}: ${ci.id} information`);
  });
}

const CASES = [
  ['2PL', 'score-2pl-items.json', 'score-2pl-responses.json'],
  ['graded and 2PL', 'score-grm-items.json', 'score-grm-responses.json'],
  ['all right', 'score-grm-items.json', 'score-allright-responses.json'],
  ['all wrong', 'score-grm-items.json', 'score-allwrong-responses.json'],
  ['whole items answered (scoring rules)', 'bank.json', 'score-bank-responses.json'],
];

describe('score against numpy/scipy to 1e-9', () => {
  for (const [name, items, responses] of CASES) {
    for (const method of ['eap', 'map', 'mle']) {
      test(`${name}, ${method}`, () => {
        const r = cli(['literacy', 'score', '--items', join(FIX, items), '--responses', join(FIX, responses), '--method', method, '--json']);
        assert.equal(r.status, 0, r.stderr);
        const c = JSON.parse(r.stdout);
        const p = python(['score', join(FIX, items), join(FIX, responses), method]);
        compare(c, p, `${name} ${method}`);
        if (name === 'all right' && method === 'mle') assert.equal(c.status, 'all_right');
        if (name === 'all wrong' && method === 'mle') assert.equal(c.status, 'all_wrong');
        if (method === 'eap') assert.deepEqual(c.quadrature, { nodes: 61, from: -4, to: 4 });
      });
    }
  }

  test('another prior, EAP and MAP', () => {
    for (const method of ['eap', 'map']) {
      const args = ['--items', join(FIX, 'score-2pl-items.json'), '--responses', join(FIX, 'score-2pl-responses.json'), '--method', method];
      const r = cli(['literacy', 'score', ...args, '--prior-mean', '0.5', '--prior-sd', '1.5', '--json']);
      assert.equal(r.status, 0, r.stderr);
      const p = python(['score', join(FIX, 'score-2pl-items.json'), join(FIX, 'score-2pl-responses.json'), method, '0.5', '1.5']);
      compare(JSON.parse(r.stdout), p, `prior N(0.5, 1.5^2) ${method}`);
    }
  });

  test('the text form says why MLE has no estimate; bad input is refused with a reason', () => {
    const r = cli(['literacy', 'score', '--items', join(FIX, 'score-grm-items.json'), '--responses', join(FIX, 'score-allright-responses.json'), '--method', 'mle']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /every response is in its top category/);
    const dir = mkdtempSync(join(tmpdir(), 'lit-score-'));
    try {
      writeFileSync(join(dir, 'r.json'), JSON.stringify({ responses: [{ item: 'p00', category: 2 }] }));
      const bad = cli(['literacy', 'score', '--items', join(FIX, 'score-2pl-items.json'), '--responses', join(dir, 'r.json')]);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /category must be 0 to 1/);
      writeFileSync(join(dir, 'r.json'), JSON.stringify({ responses: [{ item: 'nope', category: 0 }] }));
      assert.match(cli(['literacy', 'score', '--items', join(FIX, 'score-2pl-items.json'), '--responses', join(dir, 'r.json')]).stderr, /no item "nope"/);
      assert.equal(cli(['literacy', 'score', '--items', 'x']).status, 2);
      assert.equal(cli(['literacy', 'score', '--items', 'a', '--responses', 'b', '--method', 'ml']).status, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('simulate', () => {
  test('a table of bias, RMSE, length and exposure; the same seed gives the same numbers', () => {
    const args = ['literacy', 'simulate', '--n', '400', '--bank', join(FIX, 'bank.json'), '--seed', '7', '--min', '5', '--max', '15'];
    const t = cli(args);
    assert.equal(t.status, 0, t.stderr);
    for (const word of ['bias', 'RMSE', 'length', 'max item exposure', 'level placement']) assert.match(t.stdout, new RegExp(word));
    const a = JSON.parse(cli([...args, '--json']).stdout);
    const b = JSON.parse(cli([...args, '--json']).stdout);
    delete a.overall.us_per_item;
    delete b.overall.us_per_item;
    assert.deepEqual(a, b);
    assert.equal(a.n, 400);
    assert.ok(Math.abs(a.overall.bias) < 0.15, `bias ${a.overall.bias}`);
    assert.ok(a.overall.rmse > 0.2 && a.overall.rmse < 0.7, `rmse ${a.overall.rmse}`);
    assert.ok(a.overall.mean_length >= 5 && a.overall.mean_length <= 15);
    assert.ok(a.overall.max_exposure > 0 && a.overall.max_exposure <= 1);
    assert.equal(a.bands.reduce((n, x) => n + x.n, 0), 400);
    const c = JSON.parse(cli([...args.slice(0, 6), '--seed', '8', '--min', '5', '--max', '15', '--json']).stdout);
    assert.notDeepEqual(c.overall.bias, a.overall.bias);
  });

  test('a made-up bank of 1000 items, and the limits of the options', () => {
    const r = cli(['literacy', 'simulate', '--n', '300', '--bank', 'synthetic:1000', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.items, 1000);
    assert.ok(j.overall.rmse < 0.45, `rmse ${j.overall.rmse}`);
    assert.ok(j.overall.max_exposure < 0.5);
    assert.equal(cli(['literacy', 'simulate', '--n', '0']).status, 2);
    assert.equal(cli(['literacy', 'simulate', '--min', '20', '--max', '10']).status, 2);
    assert.equal(cli(['literacy', 'simulate', '--bank', 'synthetic:x']).status, 1);
  });
});

/* A seeded generator (mulberry32) and the 2PL/GRM response process, for a response file. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u) {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

function respond(irt, theta, u) {
  const bs = irt.model === '2pl' ? [irt.b] : irt.b;
  const x = u();
  let k = 0;
  for (const b of bs) if (x < 1 / (1 + Math.exp(-irt.a * (theta - b)))) k++;
  return k;
}

describe('calibrate from a response file', () => {
  test('recovers the parameters that made the answers; fit p-values match scipy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lit-cal-'));
    try {
      const u = rng(42);
      const items = [];
      for (let i = 0; i < 16; i++) {
        const a = 0.8 + 1.2 * u();
        const b = -1.5 + 3 * u();
        items.push(i % 4 === 3 ? { id: `g${i}`, irt: { model: 'grm', a, b: [b - 0.7, b + 0.7] } } : { id: `p${i}`, irt: { model: '2pl', a, b } });
      }
      const responses = [];
      for (let p = 0; p < 1500; p++) {
        const theta = normal(u);
        for (const it of items) responses.push({ person: `s${p}`, item: it.id, category: respond(it.irt, theta, u) });
      }
      // The starting values are off; the calibration must find its way back.
      const start = items.map((it) => ({ id: it.id, irt: it.irt.model === '2pl' ? { model: '2pl', a: 1, b: 0 } : { model: 'grm', a: 1, b: [-0.5, 0.5] } }));
      writeFileSync(join(dir, 'items.json'), JSON.stringify({ items: start }));
      writeFileSync(join(dir, 'responses.json'), JSON.stringify({ responses }));
      const r = cli(['literacy', 'calibrate', '--responses', join(dir, 'responses.json'), '--items', join(dir, 'items.json'), '--no-link', '--no-priors', '--json']);
      assert.equal(r.status, 0, r.stderr);
      const rep = JSON.parse(r.stdout);
      assert.equal(rep.result.converged, true);
      assert.equal(rep.result.persons, 1500);
      assert.equal(rep.result.estimated, 16);
      // Each estimate within 4 of its standard errors of the truth, and small errors overall.
      let sa = 0;
      let sb = 0;
      let nb = 0;
      for (const it of rep.items) {
        const truth = items.find((x) => x.id === it.id).irt;
        assert.ok(it.se.a > 0 && it.se.a < 0.2, `${it.id} se ${it.se.a}`);
        assert.ok(Math.abs(it.new.a - truth.a) < 4 * it.se.a, `${it.id} a ${it.new.a} vs ${truth.a} (se ${it.se.a})`);
        sa += (it.new.a - truth.a) ** 2;
        const bt = truth.model === '2pl' ? [truth.b] : truth.b;
        const be = it.new.model === '2pl' ? [it.new.b] : it.new.b;
        bt.forEach((b, k) => {
          assert.ok(Math.abs(be[k] - b) < 4 * it.se.b[k], `${it.id} b${k} ${be[k]} vs ${b} (se ${it.se.b[k]})`);
          sb += (be[k] - b) ** 2;
          nb++;
        });
        assert.equal(it.fit.groups, 10);
        assert.ok(it.fit.infit > 0.9 && it.fit.infit < 1.1, `${it.id} infit ${it.fit.infit}`);
      }
      assert.ok(Math.sqrt(sa / rep.items.length) < 0.12, `RMSE of a ${Math.sqrt(sa / rep.items.length)}`);
      assert.ok(Math.sqrt(sb / nb) < 0.1, `RMSE of b ${Math.sqrt(sb / nb)}`);
      const withP = rep.items.filter((i) => i.fit.p !== null);
      const args = withP.flatMap((i) => [String(i.fit.q1), String(i.fit.df)]);
      const sp = python(['chi2', ...args]);
      withP.forEach((i, k) => close(i.fit.p, sp[k], `${i.id} fit p`));
      const misfits = rep.items.filter((i) => i.flags.includes('misfit')).length;
      assert.ok(misfits <= 2, `${misfits} items flagged as misfitting data made by the model`);
      const text = cli(['literacy', 'calibrate', '--responses', join(dir, 'responses.json'), '--items', join(dir, 'items.json')]);
      assert.equal(text.status, 0);
      assert.match(text.stdout, /linked to the bank's scale/);
      assert.match(text.stdout, /EM cycles \(converged\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('usage errors', () => {
    assert.equal(cli(['literacy', 'calibrate']).status, 2);
    assert.equal(cli(['literacy', 'calibrate', '--responses', 'x', '--apply']).status, 2);
    assert.equal(cli(['literacy', 'calibrate', '--responses', 'x', '--data', 'y']).status, 2);
  });
});

describe('bank files', () => {
  test('validate says ok with counts, or every problem with its place', () => {
    const ok = cli(['literacy', 'bank', 'validate', join(FIX, 'bank.json')]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /ok: 42 items/);
    assert.match(ok.stdout, /competences 21 of 21/);
    const dir = mkdtempSync(join(tmpdir(), 'lit-bank-'));
    try {
      const b = JSON.parse(readFileSync(join(FIX, 'bank.json'), 'utf8'));
      b.area = 'DC.1';
      b.items[2].cfitem = '00000000-0000-4000-8000-000000000000';
      writeFileSync(join(dir, 'bad.json'), JSON.stringify(b));
      const bad = cli(['literacy', 'bank', 'validate', join(dir, 'bad.json')]);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /items\[2\] \(dl-1\.3-901\)\.cfitem: must be the identifier/);
      assert.match(bad.stderr, /is not a competence of the file's area DC\.1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('import and export through the command line', () => {
    const data = mkdtempSync(join(tmpdir(), 'lit-data-'));
    try {
      assert.equal(cli(['init', '--name-en', 'C', '--name-zh', '学院', '--country', 'CN'], { dataDir: data }).status, 0);
      const chk = cli(['literacy', 'bank', 'import', '--check', '--json', join(FIX, 'bank.json')], { dataDir: data });
      assert.equal(chk.status, 0, chk.stderr);
      assert.equal(JSON.parse(chk.stdout).added, 42);
      const imp = cli(['literacy', 'bank', 'import', join(FIX, 'bank.json')], { dataDir: data });
      assert.match(imp.stdout, /42 added/);
      const out = join(data, 'export.json');
      const ex = cli(['literacy', 'bank', 'export', '--out', out], { dataDir: data });
      assert.equal(ex.status, 0, ex.stderr);
      const exported = JSON.parse(readFileSync(out, 'utf8')).items;
      assert.ok(exported.length >= 42, 'the bundled items (if any) and the 42 imported');
      assert.equal(exported.filter((it) => /-9\d\d$/.test(it.id)).length, 42);
      const calib = cli(['literacy', 'calibrate', '--min-responses', '10'], { dataDir: data });
      assert.equal(calib.status, 1);
      assert.match(calib.stderr, /Not enough answers to calibrate/);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});

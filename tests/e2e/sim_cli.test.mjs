// carecampus sim list | validate | run (docs/scenarios.md), against the real binary:
// every bundled scenario validates, its good trainee passes and its careless trainee
// fails, two runs give byte-identical results; invalid scenario and action files are
// refused with the exact FILE:LINE: JSON-PATH: message lines. Scenarios are found in
// content/scenarios/, so new ones are covered without editing this file (each needs
// tests/fixtures/sim/<id>.good.json and <id>.careless.json).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryPath } from '../lib/server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenarioDir = join(root, 'content', 'scenarios');
const fixtureDir = join(root, 'tests', 'fixtures', 'sim');
const tmp = mkdtempSync(join(tmpdir(), 'carecampus-sim-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const scenarios = readdirSync(scenarioDir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => f.slice(0, -5));

function sim(args) {
  const env = { ...process.env };
  for (const k of ['LANG', 'LC_ALL', 'LC_MESSAGES']) delete env[k];
  const r = spawnSync(binaryPath(), ['sim', ...args], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args) {
  const r = sim(args);
  assert.equal(r.status, 0, `sim ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r;
}

/* The 1-based line of the first occurrence of NEEDLE in TEXT. */
function lineOf(text, needle) {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `"${needle}" not found`);
  return text.slice(0, at).split('\n').length;
}

/* Writes TEXT to a file in the temporary directory and returns its path. */
function file(name, text) {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

function run(id, kind, seed = 1, extra = []) {
  const out = join(tmp, `${id}.${kind}.${seed}.${Math.random().toString(36).slice(2)}.json`);
  const r = ok(['run', id, '--seed', `${seed}`, '--actions', join(fixtureDir, `${id}.${kind}.json`),
    '--speed', 'max', '--out', out, ...extra]);
  return { bytes: readFileSync(out), stderr: r.stderr };
}

describe('sim: the bundled scenarios', () => {
  test('there are at least four, each with a good and a careless trainee', () => {
    assert.ok(scenarios.length >= 4, scenarios.join(', '));
    for (const id of ['night-fall-high-risk', 'sepsis-rising-news2', 'copd-oxygen-target', 'false-alarm-loose-wearable'])
      assert.ok(scenarios.includes(id), id);
    const fixtures = readdirSync(fixtureDir);
    for (const id of scenarios)
      for (const kind of ['good', 'careless']) assert.ok(fixtures.includes(`${id}.${kind}.json`), `${id}.${kind}.json`);
  });

  test('sim list shows every one, as text and as JSON with both titles', () => {
    const text = ok(['list', '--lang', 'en']).stdout;
    const zh = ok(['list', '--lang', 'zh-CN']).stdout;
    const list = JSON.parse(ok(['list', '--json']).stdout);
    assert.deepEqual(list.map((s) => s.id), scenarios);
    for (const s of list) {
      const json = JSON.parse(readFileSync(join(scenarioDir, `${s.id}.json`), 'utf8'));
      assert.match(text, new RegExp(`^${s.id}\\s+\\d+:\\d\\d\\s+${s.residents} residents?\\s+${json.title.en.replace(/[()]/g, '.')}$`, 'm'));
      assert.ok(zh.includes(json.title['zh-CN']), s.id);
      assert.deepEqual(s.title, json.title);
      assert.equal(s.version, json.version);
      assert.ok(s.duration_ms >= 60000 && s.expected >= 1);
    }
  });

  for (const id of scenarios) {
    describe(id, () => {
      test('validates', () => {
        const path = join(scenarioDir, `${id}.json`);
        const r = ok(['validate', path]);
        assert.match(r.stdout, new RegExp(`^${path.replace(/[.]/g, '\\.')}: ok: scenario ${id}, \\d+ residents?, \\d+ expected actions?, [\\d:]+\\n$`));
        assert.equal(r.stderr, '');
        for (const kind of ['good', 'careless']) {
          const a = join(fixtureDir, `${id}.${kind}.json`);
          assert.match(ok(['validate', '--actions', a, path]).stdout, new RegExp(`: ok: \\d+ actions? for scenario ${id}\\n$`));
        }
      });

      test('the good trainee passes, twice with the same bytes', () => {
        const a = run(id, 'good');
        const b = run(id, 'good');
        assert.ok(a.bytes.equals(b.bytes), 'two runs differ');
        const r = JSON.parse(a.bytes);
        assert.equal(r.format, 'carecampus-sim-result/1');
        assert.equal(r.scenario.id, id);
        assert.equal(r.seed, 1);
        assert.equal(r.ended, true);
        assert.equal(r.score.passed, true, JSON.stringify(r.score.critical_errors));
        assert.deepEqual(r.score.critical_errors, []);
        assert.ok(r.score.percent >= r.score.pass_percent);
        assert.match(a.stderr, new RegExp(`^${id} seed 1: passed, \\d+% \\(pass \\d+%\\), 0 critical errors\\n$`));
        // The record a debrief needs.
        assert.ok(r.events.length > 0 && r.alerts.length > 0 && r.actions.length > 0);
        assert.ok(r.actions.every((x) => x.outcome === 'ok'), JSON.stringify(r.actions.filter((x) => x.outcome !== 'ok')));
        assert.equal(r.vitals.every_s, 5);
        assert.deepEqual(r.vitals.columns.slice(0, 4), ['t_s', 'hr', 'rr', 'spo2']);
        for (const res of r.vitals.residents) assert.ok(res.rows.length > 10);
        for (const item of r.score.rubric) assert.ok(item.cfitems.length > 0);
        for (const c of r.score.competencies) assert.match(c.cfitem, /^[0-9a-f-]{36}$/);
      });

      test('the careless trainee fails, the same bytes again', () => {
        const a = run(id, 'careless');
        const b = run(id, 'careless');
        assert.ok(a.bytes.equals(b.bytes), 'two runs differ');
        const r = JSON.parse(a.bytes);
        assert.equal(r.score.passed, false);
        assert.ok(r.score.critical_errors.length > 0 || r.score.percent < r.score.pass_percent);
        assert.match(a.stderr, new RegExp(`^${id} seed 1: failed, `));
      });

      test('another seed gives other vital signs', () => {
        const a = JSON.parse(run(id, 'good', 1).bytes), b = JSON.parse(run(id, 'good', 2).bytes);
        assert.notDeepEqual(a.vitals, b.vitals);
        assert.equal(b.seed, 2);
      });
    });
  }
});

describe('sim validate: invalid scenarios name the line and the field', () => {
  const original = readFileSync(join(scenarioDir, 'night-fall-high-risk.json'), 'utf8');

  test('a value out of range, an unknown field, a bad reference: every error, in file order', () => {
    let text = original.replace('"age": 84', '"age": 184').replace('"sex": "female",', '"sex": "female", "ward": "B",')
      .replace('"after": "done:check-consciousness"', '"after": "done:check-conscious"');
    const path = file('bad-values.json', text);
    const r = sim(['validate', path]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, [
      `${path}:${lineOf(text, '"age": 184')}: $.residents[0].age: must be a whole number from 40 to 120`,
      `${path}:${lineOf(text, '"ward"')}: $.residents[0].ward: unknown field`,
      `${path}:${lineOf(text, '"done:check-conscious"')}: $.expected[12].window.after: no expected action has the id "check-conscious"`,
      '',
    ].join('\n'));
  });

  test('a CFItem that is not in a bundled framework', () => {
    const text = original.replace('"53db8c8d-2be3-51ca-8b54-1571d4d987cf"', '"53db8c8d-2be3-51ca-8b54-000000000000"');
    const path = file('bad-item.json', text);
    const r = sim(['validate', path]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `${path}:${lineOf(text, '000000000000')}: $.rubric[0].cfitems[0]: ` +
      '"53db8c8d-2be3-51ca-8b54-000000000000" is not an item of a bundled framework\n');
  });

  test('a missing bilingual text and a missing required field point at the object', () => {
    const text = original.replace(',\n    "zh-CN": "高风险长者夜间跌倒"', '').replace('"pass": {"percent": 70}', '"pass": {}');
    assert.ok(!text.includes('高风险长者夜间跌倒"\n'));
    const path = file('bad-missing.json', text);
    const r = sim(['validate', path]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, [
      `${path}:${lineOf(text, '"title": {')}: $.title.zh-CN: required`,
      `${path}:${lineOf(text, '"pass": {}')}: $.pass.percent: required`,
      '',
    ].join('\n'));
  });

  test('not JSON: jansson\'s line; several files: each judged', () => {
    const text = original.replace('"age": 84,', '"age": 84,,');
    const path = file('bad-syntax.json', text);
    const good = join(scenarioDir, 'copd-oxygen-target.json');
    const r = sim(['validate', path, good]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^${path.replace(/[.]/g, '\\.')}:${lineOf(text, ',,')}: \\$: not valid JSON: `));
    assert.match(r.stdout, /copd-oxygen-target\.json: ok: scenario copd-oxygen-target/);
    const missing = sim(['validate', join(tmp, 'nothing.json')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^carecampus sim: cannot open .*nothing\.json: No such file or directory\n$/);
  });
});

describe('sim run: action files and options', () => {
  test('an invalid action file is refused with every problem and nothing is written', () => {
    const text = [
      '{"format": "carecampus-actions/1", "scenario": "night-fall-high-risk", "actions": [',
      '  {"at": "6:00", "type": "go_to_room", "resident": "wang"},',
      '  {"at": "5:00", "type": "measure", "resident": "wang", "vital": "bp"},',
      '  {"at": "7:00", "type": "measure", "resident": "wang", "vital": "pulse"},',
      '  {"at": "8:00", "type": "call", "resident": "li", "to": "nurse"},',
      '  {"at": "99:00", "type": "observe", "resident": "wang"}',
      ']}',
    ].join('\n');
    const path = file('bad-actions.json', text);
    const out = join(tmp, 'never.json');
    const r = sim(['run', 'night-fall-high-risk', '--actions', path, '--out', out]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, [
      `${path}:3: $.actions[1].at: is earlier than the action before (6:00): times never go back`,
      `${path}:4: $.actions[2].vital: must be one of: hr, rr, spo2, bp, temp, glucose, acvpu, weight`,
      `${path}:5: $.actions[3].resident: no resident "li" in the scenario (residents: wang)`,
      `${path}:6: $.actions[4].at: must be a time from 0:00 to 30:00: whole seconds, or "MM:SS" or "H:MM:SS"`,
      '',
    ].join('\n'));
    assert.throws(() => readFileSync(out));
    const other = file('other.json', '{"format": "carecampus-actions/1", "scenario": "copd-oxygen-target", "actions": []}');
    const o = sim(['validate', '--actions', other, 'night-fall-high-risk']);
    assert.equal(o.status, 1);
    assert.equal(o.stderr, `${other}:1: $.scenario: is for scenario "copd-oxygen-target", not "night-fall-high-risk"\n`);
  });

  test('no actions: an idle trainee, the result on standard output', () => {
    const r = ok(['run', 'false-alarm-loose-wearable', '--seed', '9']);
    const j = JSON.parse(r.stdout);
    assert.equal(j.actions.length, 0);
    assert.equal(j.score.passed, false);
    assert.equal(j.ended_by, 'time');
    assert.ok(j.alerts.some((a) => a.kind === 'fall' && a.escalations === 2));
  });

  test('--vitals-every sets the resolution; --speed N paces a run without changing it', () => {
    const scenario = JSON.parse(readFileSync(join(scenarioDir, 'night-fall-high-risk.json'), 'utf8'));
    scenario.id = 'short';
    scenario.clock.duration = '1:00';
    scenario.timeline = [];
    for (const e of scenario.expected) e.window = { within: '0:30' };
    const path = file('short.json', JSON.stringify(scenario, null, 2));
    assert.match(ok(['validate', path]).stdout, /ok: scenario short/);
    const fast = ok(['run', path, '--vitals-every', '10']).stdout;
    const t0 = Date.now();
    const paced = ok(['run', path, '--vitals-every', '10', '--speed', '100']).stdout;
    assert.ok(Date.now() - t0 >= 500, 'a minute at 100x takes at least 0.6 s');
    assert.equal(paced, fast);
    const j = JSON.parse(fast);
    assert.deepEqual(j.vitals.residents[0].rows.map((r) => r[0]), [0, 10, 20, 30, 40, 50, 60]);
  });

  test('usage errors', () => {
    for (const [args, words] of [
      [['fly'], "'fly' is not a subcommand of sim"],
      [[], 'name a subcommand'],
      [['run'], 'run needs one SCENARIO'],
      [['run', 'night-fall-high-risk', '--seed', 'x'], '--seed is a whole number'],
      [['run', 'night-fall-high-risk', '--speed', '0'], '--speed is max or a whole number from 1 to 100'],
      [['run', 'night-fall-high-risk', '--vitals-every', '0'], '--vitals-every is a whole number'],
      [['run', 'night-fall-high-risk', '--colour'], "unknown option '--colour'"],
      [['list', 'x'], 'list takes no arguments'],
      [['validate'], 'validate needs a scenario FILE'],
    ]) {
      const r = sim(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.status}`);
      assert.ok(r.stderr.includes(words), `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /carecampus sim --help/);
    }
    const r = sim(['run', 'no-such-scenario']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'carecampus sim: no bundled scenario "no-such-scenario" (see \'carecampus sim list\'; a file name ends in .json)\n');
    assert.match(ok(['--help']).stdout, /carecampus sim run SCENARIO/);
  });
});

// carecampus care news2 | morse | fall (docs/care.md): text in both languages,
// JSON, usage errors and exit codes, against the real binary.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryPath } from '../lib/server.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'carecampus-care-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/* Runs `carecampus care ARGS` with a clean locale unless ENV says otherwise. */
function care(args, { env = {}, input = '' } = {}) {
  const base = { ...process.env };
  for (const k of ['LANG', 'LC_ALL', 'LC_MESSAGES']) delete base[k];
  const r = spawnSync(binaryPath(), ['care', ...args], { input, encoding: 'utf8', env: { ...base, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args, opts) {
  const r = care(args, opts);
  assert.equal(r.status, 0, `care ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  assert.equal(r.stderr, '', `care ${args.join(' ')} wrote to stderr`);
  return r.stdout;
}

function json(args, opts) {
  return JSON.parse(ok([...args, '--json'], opts));
}

/* A usage error: exit 2, nothing on stdout, the reason (WORDS) and the help hint on stderr. */
function usage(args, ...words) {
  const r = care(args);
  assert.equal(r.status, 2, `care ${args.join(' ')}: exit ${r.status} ${r.stdout}`);
  assert.equal(r.stdout, '', `care ${args.join(' ')} printed on stdout`);
  assert.match(r.stderr, /carecampus care --help/);
  for (const w of words) assert.ok(r.stderr.includes(w), `care ${args.join(' ')}: stderr lacks ${w}: ${r.stderr}`);
  return r;
}

// ---------------------------------------------------------------- NEWS2

const NORMAL = { rr: 16, spo2: 98, scale: 1, oxygen: 'no', sbp: 120, pulse: 70, acvpu: 'A', temp: '37.0' };

function news2Args(over = {}) {
  const o = { ...NORMAL, ...over };
  return ['news2', '--rr', `${o.rr}`, '--spo2', `${o.spo2}`, '--scale', `${o.scale}`, '--oxygen', o.oxygen,
    '--sbp', `${o.sbp}`, '--pulse', `${o.pulse}`, '--acvpu', o.acvpu, '--temp', `${o.temp}`];
}

function scores(over) {
  const j = json(news2Args(over));
  return { ...j, by: Object.fromEntries(j.parameters.map((p) => [p.id, p.score])) };
}

describe('care news2', () => {
  test('the text output: a table of values and scores, the total, the band and the response', () => {
    const out = ok(news2Args({ rr: 22, spo2: 95, oxygen: 'yes', sbp: 105, pulse: 115, temp: '38.5' }));
    for (const row of [/^respiration rate\s+22 \/min\s+2$/m, /^SpO2 \(scale 1\)\s+95 %\s+1$/m, /^air or oxygen\s+oxygen\s+2$/m,
      /^systolic blood pressure\s+105 mmHg\s+1$/m, /^pulse\s+115 \/min\s+2$/m, /^consciousness \(ACVPU\)\s+A \(alert\)\s+0$/m,
      /^temperature\s+38\.5 °C\s+1$/m, /^total\s+9$/m]) assert.match(out, row);
    assert.match(out, /clinical risk:\s+high/);
    assert.match(out, /monitoring:\s+continuous monitoring/);
    assert.match(out, /response:\s+emergency response/);
  });

  test('--json gives every parameter with its value and score, the total and the ids of risk and response', () => {
    const j = json(news2Args({ rr: 8, acvpu: 'c', temp: '35.0' }));
    assert.deepEqual(j.parameters.map((p) => p.id),
      ['respiration_rate', 'spo2', 'air_or_oxygen', 'systolic_bp', 'pulse', 'consciousness', 'temperature']);
    assert.deepEqual(j.parameters.map((p) => p.score), [3, 0, 0, 0, 0, 3, 3]);
    assert.equal(j.parameters[5].value, 'C');
    assert.equal(j.parameters[6].value, 35);
    assert.equal(j.total, 9);
    assert.equal(j.single_parameter_3, true);
    assert.equal(j.risk, 'high');
    assert.equal(j.response, 'emergency');
    assert.equal(j.spo2_scale, 1);
  });

  test('SpO2 scale 2: 88–92 scores 0; 93 and over scores on oxygen only (1, 2, 3)', () => {
    const table = [[83, 'no', 3], [84, 'no', 2], [87, 'yes', 1], [88, 'yes', 0], [92, 'yes', 0], [93, 'yes', 1], [94, 'yes', 1],
      [95, 'yes', 2], [96, 'yes', 2], [97, 'yes', 3], [100, 'yes', 3], [93, 'no', 0], [97, 'no', 0], [100, 'no', 0]];
    for (const [spo2, oxygen, want] of table) {
      const s = scores({ scale: 2, spo2, oxygen });
      assert.equal(s.by.spo2, want, `scale 2, ${spo2} %, oxygen ${oxygen}`);
      assert.equal(s.by.air_or_oxygen, oxygen === 'yes' ? 2 : 0);
      assert.equal(s.spo2_scale, 2);
    }
    // Scale 1 at the same values.
    for (const [spo2, want] of [[91, 3], [92, 2], [93, 2], [94, 1], [95, 1], [96, 0]]) assert.equal(scores({ spo2 }).by.spo2, want, `scale 1, ${spo2}`);
    assert.match(ok(news2Args({ scale: 2, spo2: 90 })), /scale 2 is only for a prescribed target/);
  });

  test('the boundaries of the other rows', () => {
    for (const [rr, w] of [[8, 3], [9, 1], [11, 1], [12, 0], [20, 0], [21, 2], [24, 2], [25, 3]]) assert.equal(scores({ rr }).by.respiration_rate, w, `rr ${rr}`);
    for (const [sbp, w] of [[90, 3], [91, 2], [100, 2], [101, 1], [110, 1], [111, 0], [219, 0], [220, 3]]) assert.equal(scores({ sbp }).by.systolic_bp, w, `sbp ${sbp}`);
    for (const [pulse, w] of [[40, 3], [41, 1], [50, 1], [51, 0], [90, 0], [91, 1], [110, 1], [111, 2], [130, 2], [131, 3]]) assert.equal(scores({ pulse }).by.pulse, w, `pulse ${pulse}`);
    for (const [temp, w] of [['35.0', 3], ['35.1', 1], ['36.0', 1], ['36.1', 0], ['38.0', 0], ['38.1', 1], ['39.0', 1], ['39.1', 2]]) assert.equal(scores({ temp }).by.temperature, w, `temp ${temp}`);
    for (const [acvpu, w] of [['A', 0], ['C', 3], ['V', 3], ['P', 3], ['U', 3]]) assert.equal(scores({ acvpu }).by.consciousness, w, `acvpu ${acvpu}`);
  });

  test('the bands: 0, 1–4, a single 3, 5–6, 7 or more', () => {
    const cases = [
      [{}, 0, 'low', 'routine'],
      [{ rr: 10 }, 1, 'low', 'ward'],
      [{ oxygen: 'yes', pulse: 115 }, 4, 'low', 'ward'],
      [{ acvpu: 'C' }, 3, 'low_medium', 'urgent_ward'],
      [{ rr: 8, pulse: 95 }, 4, 'low_medium', 'urgent_ward'],
      [{ temp: '35.0', pulse: 105, sbp: 105 }, 5, 'medium', 'urgent'],
      [{ rr: 22, spo2: 93, pulse: 115 }, 6, 'medium', 'urgent'],
      [{ rr: 22, spo2: 93, pulse: 115, sbp: 105 }, 7, 'high', 'emergency'],
    ];
    for (const [over, total, risk, response] of cases) {
      const s = scores(over);
      assert.deepEqual([s.total, s.risk, s.response], [total, risk, response], JSON.stringify(over));
    }
    assert.match(ok(news2Args({ acvpu: 'C' })), /low–medium \(3 in a single parameter\)/);
    assert.match(ok(news2Args({ rr: 10 })), /at least every 4–6 hours/);
    assert.match(ok(news2Args()), /at least every 12 hours/);
  });

  test('a temperature is read to one decimal, halves up, and the text says so', () => {
    assert.equal(scores({ temp: '38.05' }).by.temperature, 1);
    assert.equal(json(news2Args({ temp: '38.05' })).parameters[6].value, 38.1);
    assert.equal(scores({ temp: '38.04' }).by.temperature, 0);
    assert.match(ok(news2Args({ temp: '38.05' })), /38\.05 °C is scored as 38\.1 °C/);
    assert.doesNotMatch(ok(news2Args({ temp: '38.1' })), /is scored as/);
  });

  test('Chinese by --lang zh-CN, by LANG, and LC_ALL before LANG', () => {
    const zh = ok([...news2Args({ acvpu: 'C' }), '--lang', 'zh-CN']);
    for (const w of ['呼吸频率', '血氧饱和度', '收缩压', '脉搏', '体温', '总分', 'C（新发意识混乱）', '临床风险：低-中', '监测频率：至少每小时一次']) assert.ok(zh.includes(w), `no ${w} in ${zh}`);
    assert.equal(ok(news2Args({ acvpu: 'C' }), { env: { LANG: 'zh_CN.UTF-8' } }), zh);
    const en = ok(news2Args({ acvpu: 'C' }), { env: { LANG: 'zh_CN.UTF-8', LC_ALL: 'en_US.UTF-8' } });
    assert.match(en, /clinical risk/);
    assert.equal(ok([...news2Args({ acvpu: 'C' }), '--lang', 'en'], { env: { LANG: 'zh_CN.UTF-8' } }), en);
    // JSON does not change with the language.
    assert.equal(ok([...news2Args(), '--json', '--lang', 'zh-CN']), ok([...news2Args(), '--json']));
  });

  test('missing, malformed and impossible values are usage errors (exit 2) naming the flag', () => {
    usage(['news2'], '--rr', '--spo2', '--oxygen', '--sbp', '--pulse', '--acvpu', '--temp');
    const some = news2Args().slice(0, 5);
    usage(some, 'missing', '--sbp', '--temp');
    usage(news2Args({ rr: 'fast' }), '--rr', 'fast');
    usage(news2Args({ rr: '16.5' }), '--rr');
    usage(news2Args({ rr: 81 }), '--rr 81', 'not a possible reading');
    usage(news2Args({ rr: -1 }), '--rr -1');
    usage(news2Args({ spo2: 101 }), '--spo2 101');
    usage(news2Args({ spo2: 0 }), '--spo2 0');
    usage(news2Args({ sbp: 400 }), '--sbp 400');
    usage(news2Args({ pulse: 5 }), '--pulse 5');
    usage(news2Args({ temp: '98.6' }), '--temp 98.6', '°F');
    usage(news2Args({ temp: '370' }), '--temp 370');
    usage(news2Args({ temp: 'warm' }), '--temp', 'warm');
    usage(news2Args({ temp: 'nan' }), '--temp');
    usage(news2Args({ scale: 3 }), '--scale', '3');
    usage(news2Args({ oxygen: 'maybe' }), '--oxygen', 'maybe');
    usage(news2Args({ acvpu: 'X' }), '--acvpu', 'X');
    usage([...news2Args(), '--lang', 'fr'], '--lang', 'fr');
    usage([...news2Args(), '--bogus'], '--bogus');
    usage([...news2Args(), 'extra'], 'extra');
    usage(['news2', '--rr'], '--rr', 'needs a value');
    // Extreme but possible values are scored.
    const s = scores({ rr: 0, spo2: 1, sbp: 20, pulse: 300, temp: '13.0' });
    assert.equal(s.total, 3 + 3 + 3 + 3 + 3);
  });
});

// ---------------------------------------------------------------- Morse

function morseArgs(o = {}) {
  const m = { history: 'no', secondary: 'no', aid: 'none', iv: 'no', gait: 'normal', mental: 'oriented', ...o };
  return ['morse', '--history', m.history, '--secondary', m.secondary, '--aid', m.aid, '--iv', m.iv, '--gait', m.gait, '--mental', m.mental];
}

describe('care morse', () => {
  test('the text output: each item, the total and the risk with the cut-offs', () => {
    const out = ok(morseArgs({ history: 'yes', aid: 'cane', gait: 'weak', mental: 'forgets' }));
    for (const row of [/^history of falling\s+yes\s+25$/m, /^secondary diagnosis\s+no\s+0$/m, /^ambulatory aid\s+crutches, cane or walker\s+15$/m,
      /^IV or heparin lock\s+no\s+0$/m, /^gait\s+weak\s+10$/m, /^mental status\s+overestimates or forgets limitations\s+15$/m,
      /^total\s+65$/m, /^fall risk: high \(45 or more\)$/m, /^cut-offs: moderate 25, high 45$/m]) assert.match(out, row);
  });

  test('--json: the items with their answers and scores, the total, the risk and the cut-offs', () => {
    const j = json(morseArgs({ history: 'yes', secondary: 'yes', aid: 'furniture', iv: 'yes', gait: 'impaired', mental: 'forgets' }));
    assert.deepEqual(j.items.map((i) => [i.id, i.answer, i.score]), [
      ['history', 'yes', 25], ['secondary_diagnosis', 'yes', 15], ['ambulatory_aid', 'furniture', 30],
      ['iv', 'yes', 20], ['gait', 'impaired', 20], ['mental_status', 'forgets', 15]]);
    assert.equal(j.total, 125);
    assert.equal(j.risk, 'high');
    assert.deepEqual(j.cutoffs, { moderate: 25, high: 45 });
  });

  test('the default cut-offs: below 25 low, 25–44 moderate, 45 or more high', () => {
    const cases = [[{}, 0, 'low'], [{ aid: 'walker' }, 15, 'low'], [{ iv: 'yes' }, 20, 'low'], [{ history: 'yes' }, 25, 'moderate'],
      [{ history: 'yes', secondary: 'yes' }, 40, 'moderate'], [{ history: 'yes', iv: 'yes' }, 45, 'high'],
      [{ aid: 'bed-rest', gait: 'wheelchair', mental: 'forgets' }, 15, 'low'], [{ aid: 'nurse-assist', gait: 'bed-rest' }, 0, 'low']];
    for (const [o, total, risk] of cases) {
      const j = json(morseArgs(o));
      assert.deepEqual([j.total, j.risk], [total, risk], JSON.stringify(o));
    }
  });

  test('configurable cut-offs, including two bands only', () => {
    const o = { history: 'yes', secondary: 'yes', aid: 'crutches' }; // 55
    assert.equal(json([...morseArgs(o), '--moderate', '25', '--high', '51']).risk, 'high');
    assert.equal(json([...morseArgs(o), '--moderate', '30', '--high', '60']).risk, 'moderate');
    assert.equal(json([...morseArgs(o), '--moderate', '60', '--high', '60']).risk, 'low');
    const out = ok([...morseArgs(o), '--moderate', '30', '--high', '60']);
    assert.match(out, /fall risk: moderate \(30–59\)/);
    assert.match(ok([...morseArgs(o), '--moderate', '45', '--high', '45']), /cut-offs: high 45 \(no moderate band\)/);
  });

  test('Chinese', () => {
    const zh = ok([...morseArgs({ history: 'yes', aid: 'furniture', mental: 'forgets' }), '--lang', 'zh-CN']);
    for (const w of ['Morse 跌倒风险评估量表', '跌倒史', '行走辅助', '扶家具行走', '认知状态', '总分', '跌倒风险：高风险', '分界值：中风险 ≥25，高风险 ≥45']) assert.ok(zh.includes(w), `no ${w} in ${zh}`);
    assert.equal(ok(morseArgs({ history: 'yes', aid: 'furniture', mental: 'forgets' }), { env: { LC_MESSAGES: 'zh_CN.UTF-8' } }), zh);
  });

  test('usage errors', () => {
    usage(['morse'], '--history', '--secondary', '--aid', '--iv', '--gait', '--mental');
    usage(morseArgs().slice(0, 9), 'missing', '--mental');
    usage(morseArgs({ history: 'sometimes' }), '--history', 'sometimes');
    usage(morseArgs({ aid: 'wheelchair' }), '--aid', 'wheelchair');
    usage(morseArgs({ gait: 'slow' }), '--gait', 'slow');
    usage(morseArgs({ mental: 'confused' }), '--mental', 'confused');
    usage(morseArgs({ iv: 'Y' }), '--iv');
    usage([...morseArgs(), '--high', '40', '--moderate', '45'], 'cut-offs', '45', '40');
    usage([...morseArgs(), '--high', '126'], 'cut-offs');
    usage([...morseArgs(), '--moderate', '0'], 'cut-offs');
    usage([...morseArgs(), '--high', 'lots'], '--high', 'lots');
  });
});

// ---------------------------------------------------------------- fall detector

/* Synthetic accelerometer recordings (t ms, g), deterministic. */
function recording(build, hz = 50) {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const rows = [];
  let t = 0;
  const dt = 1000 / hz;
  const r = {
    hold(ms, g, noise = 0.02) {
      for (const end = t + ms; t < end; t += dt) rows.push([t, g[0] + noise * gauss(), g[1] + noise * gauss(), g[2] + noise * gauss()]);
    },
    raw(a) { rows.push([t, ...a]); t += dt; },
    gap(ms) { t += ms; },
  };
  build(r);
  return rows.map(([tt, ...a]) => [Math.round(tt * 1000) / 1000, ...a.map((v) => v.toFixed(4))].join(',')).join('\n') + '\n';
}

const UP = [0, 1, 0];
const SIDE = [1, 0, 0];
const SITTING = [0, 0.94, 0.34];

const FALL = recording((r) => {
  r.hold(5000, UP);
  for (let i = 0; i < 20; i++) r.raw([0, 0.3, 0]); // free fall
  for (const m of [2.0, 3.2, 4.1, 3.0, 1.8]) r.raw([0.6 * m, 0.64 * m, 0.48 * m]); // impact
  r.hold(400, SIDE, 0.3);
  r.hold(20000, SIDE);
});
const SIT = recording((r) => {
  r.hold(5000, UP);
  for (const m of [2.0, 3.5, 2.0]) r.raw([0, m, 0]);
  r.hold(15000, SITTING);
});
const SLOW = recording((r) => {
  r.hold(5000, UP);
  for (let i = 0; i < 200; i++) {
    const f = i / 200, n = Math.hypot(f, 1 - f);
    r.raw([f / n, (1 - f) / n, 0]);
  }
  r.hold(20000, SIDE);
});

function file(name, text) {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe('care fall', () => {
  const fall = file('fall.csv', `t,ax,ay,az\n${FALL}`);
  const sit = file('sit.csv', `t,ax,ay,az\n${SIT}`);
  const slow = file('slow.csv', SLOW); // no header

  test('a fall is reported with the impact, the peak and the posture', () => {
    const out = ok(['fall', '--csv', fall]);
    assert.match(out, /^fall at \d+\.\d{3} s: impact at 5\.4\d0 s, peak 4\.10 g, after a free-fall dip, lying (8\d|90)° from upright/m);
    assert.match(out, /1 impact, 1 fall$/m);
    assert.equal(out.trim().split('\n').length, 2);
  });

  test('--json lists every event with language-free fields and the parameters used', () => {
    const j = json(['fall', '--csv', fall]);
    assert.deepEqual(j.events.map((e) => e.kind), ['impact', 'fall']);
    const f = j.events[1];
    assert.ok(f.t_ms >= f.impact_ms + 3000 && f.t_ms <= f.impact_ms + 4000, JSON.stringify(f));
    assert.ok(Math.abs(f.peak_g - 4.1) < 1e-9, `${f.peak_g}`);
    assert.equal(f.freefall, true);
    assert.ok(f.angle_deg > 80 && f.angle_deg <= 90);
    assert.ok(f.sd_g >= 0 && f.sd_g < 0.1);
    assert.equal(j.falls, 1);
    assert.equal(j.impacts, 1);
    assert.equal(j.samples, FALL.trim().split('\n').length);
    assert.equal(j.params.impact_g, 3);
    assert.deepEqual(j.params.up, [0, 1, 0]);
  });

  test('sitting down hard has the peak but no fall; --all shows the candidate dismissed as upright', () => {
    assert.match(ok(['fall', '--csv', sit]), /^\d+ samples \(20\.0 s\), 1 impact, 0 falls$/m);
    const all = ok(['fall', '--csv', sit, '--all']);
    assert.match(all, /^impact at 5\.020 s: SVM 3\.50 g; watching$/m);
    assert.match(all, /^dismissed at 15\.\d+ s \(impact at 5\.020 s, peak 3\.50 g\): still but upright \(20° from upright/m);
    const j = json(['fall', '--csv', sit]);
    assert.deepEqual(j.events.map((e) => [e.kind, e.reason]), [['impact', undefined], ['dismissed', 'upright']]);
  });

  test('lying down slowly, without a header row: nothing', () => {
    const j = json(['fall', '--csv', slow]);
    assert.deepEqual(j.events, []);
    assert.equal(j.falls, 0);
  });

  test('the parameters are options: a higher impact threshold misses this fall; another upright axis', () => {
    assert.equal(json(['fall', '--csv', fall, '--impact', '4.5']).falls, 0);
    assert.equal(json(['fall', '--csv', fall, '--impact=2.5']).falls, 1);
    // With x as the upright axis the person lying on the side is upright: dismissed.
    const j = json(['fall', '--csv', fall, '--up', 'x']);
    assert.equal(j.falls, 0);
    assert.deepEqual(j.params.up, [1, 0, 0]);
    assert.equal(json(['fall', '--csv', fall, '--up', '0,-2,0']).falls, 1);
    assert.equal(json(['fall', '--csv', fall, '--require-freefall']).falls, 1);
    const strict = json(['fall', '--csv', fall, '--still', '5000', '--window', '9000']);
    assert.equal(strict.falls, 1);
    assert.ok(strict.events[1].t_ms - strict.events[1].impact_ms >= 6000);
  });

  test('standard input, Chinese, columns in any order with CRLF, comments and extra columns', () => {
    const viaStdin = ok(['fall', '--csv', '-'], { input: `t,ax,ay,az\n${FALL}` });
    assert.equal(viaStdin, ok(['fall', '--csv', fall]));
    const zh = ok(['fall', '--csv', fall, '--all', '--lang', 'zh-CN']);
    assert.match(zh, /冲击：SVM 3\.20 g，冲击前有失重，开始观察/);
    assert.match(zh, /检测到跌倒：冲击于 5\.4\d0 s，峰值 4\.10 g/);
    assert.match(zh, /冲击 1 次，跌倒 1 次/);
    const rows = FALL.trim().split('\n').map((l) => { const [t, ax, ay, az] = l.split(','); return `${az},${ay},x9,${ax},${t}`; });
    const reordered = file('reordered.csv', `\uFEFF# a comment\n\naz,ay,extra,ax,t_ms\r\n${rows.join('\r\n')}\r\n`);
    assert.equal(json(['fall', '--csv', reordered]).falls, 1);
  });

  test('a malformed CSV fails (exit 1) naming the file and line', () => {
    const cases = [
      ['badnum.csv', 't,ax,ay,az\n0,0,1,0\n20,0,x,0\n', /badnum\.csv:3: 'x' is not a number/],
      ['short.csv', 't,ax,ay,az\n0,0,1,0\n20,0,1\n', /short\.csv:3: 3 fields/],
      ['back.csv', 't,ax,ay,az\n100,0,1,0\n20,0,1,0\n', /back\.csv:3: the time 20 is earlier/],
      ['header.csv', 'time,ax,ay,az\n0,0,1,0\n', /header\.csv:1: the header has no column t/],
      ['huge.csv', 't,ax,ay,az\n0,0,1,2000\n', /huge\.csv:2: an acceleration is beyond ±1000 g/],
      ['long.csv', `t,ax,ay,az\n0,${'1'.repeat(5000)},1,0\n`, /long\.csv:2: the line is longer than 4096 bytes/],
    ];
    for (const [name, text, re] of cases) {
      const r = care(['fall', '--csv', file(name, text)]);
      assert.equal(r.status, 1, `${name}: exit ${r.status}`);
      assert.match(r.stderr, re);
    }
    const r = care(['fall', '--csv', join(tmp, 'absent.csv')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot open .*absent\.csv/);
  });

  test('usage errors: no --csv, bad or out-of-range parameters', () => {
    usage(['fall'], '--csv');
    usage(['fall', '--csv', fall, '--impact', '0.9'], '--impact');
    usage(['fall', '--csv', fall, '--impact', 'high'], '--impact', 'high');
    usage(['fall', '--csv', fall, '--still', '100'], '--still');
    usage(['fall', '--csv', fall, '--window', '1000'], '--window');
    usage(['fall', '--csv', fall, '--lying', '95'], '--lying');
    usage(['fall', '--csv', fall, '--up', '0,0,0'], '--up');
    usage(['fall', '--csv', fall, '--up', 'sideways'], '--up', 'sideways');
    usage(['fall', '--csv', fall, '--max-gap', '0'], '--max-gap');
    usage(['fall', '--csv', fall, '--what'], '--what');
    usage(['fall', '--csv'], '--csv', 'needs a value');
  });
});

describe('care and help', () => {
  test('--help explains every subcommand; help lists care; errors for no or unknown subcommand', () => {
    for (const args of [['--help'], ['news2', '--help'], ['morse', '--help'], ['fall', '--help']]) {
      const out = ok(args);
      for (const w of ['news2', '--rr', '--acvpu', 'morse', '--mental', 'fall', '--csv', '--impact']) assert.ok(out.includes(w), `care ${args.join(' ')} --help lacks ${w}`);
    }
    const r = spawnSync(binaryPath(), ['help'], { encoding: 'utf8' });
    assert.match(r.stdout, /^\s+care\s+score NEWS2/m);
    usage([], 'news2, morse or fall');
    usage(['braden'], 'braden');
  });
});

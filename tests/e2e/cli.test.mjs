// The carecampus command line (docs/cli.md): help, version, usage errors,
// user add/list/import, backup while serving, demo.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, cli, binaryPath } from '../lib/server.mjs';
import { toCsv, PASSWORD, loginAs } from './lib/util.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'carecampus-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const SUBCOMMANDS = ['serve', 'init', 'demo', 'user', 'backup', 'version', 'help'];

function dataDir(name) {
  return join(tmp, name);
}

function usersOf(dir, extra = []) {
  const r = cli(['user', 'list', '--json', ...extra], { dataDir: dir });
  assert.equal(r.status, 0, `user list: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout);
  const users = Array.isArray(parsed) ? parsed : parsed.users;
  assert.ok(Array.isArray(users), `user list --json: ${r.stdout}`);
  return users;
}

function init(dir, en = 'CLI College', zh = '命令行学院', cc = 'CN') {
  const r = cli(['init', '--name-en', en, '--name-zh', zh, '--country', cc, '--json'], { dataDir: dir });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).institution_id;
}

describe('help and version', () => {
  test('carecampus help lists every subcommand and exits 0', () => {
    const r = cli(['help']);
    assert.equal(r.status, 0, r.stderr);
    for (const c of SUBCOMMANDS) assert.match(r.stdout, new RegExp(`\\b${c}\\b`), `help does not list ${c}`);
  });

  test('carecampus version prints the version and exits 0', () => {
    const r = cli(['version']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /\b0\.1\.0\b/);
  });

  test('--help on every subcommand exits 0 and explains it', () => {
    for (const args of [['serve'], ['init'], ['demo'], ['user'], ['user', 'add'], ['user', 'list'], ['user', 'import'], ['backup'], ['version'], ['help']]) {
      const r = cli([...args, '--help']);
      assert.equal(r.status, 0, `${args.join(' ')} --help: ${r.status} ${r.stderr}`);
      assert.ok((r.stdout + r.stderr).trim().length > 20, `${args.join(' ')} --help printed nothing useful`);
    }
    const add = cli(['user', 'add', '--help']);
    assert.match(add.stdout + add.stderr, /--password-stdin/);
    const serve = cli(['serve', '--help']);
    assert.match(serve.stdout + serve.stderr, /--listen/);
  });

  test('help CMD explains one subcommand', () => {
    for (const c of ['serve', 'init', 'user', 'backup']) {
      const r = cli(['help', c]);
      assert.equal(r.status, 0, `help ${c}: ${r.stderr}`);
      assert.ok(r.stdout.includes(c), `help ${c}`);
    }
  });

  test('running --help touches no data', () => {
    const dir = dataDir('help-only');
    const r = cli(['init', '--help'], { dataDir: dir });
    assert.equal(r.status, 0);
    assert.ok(!existsSync(join(dir, 'carecampus.db')), 'init --help created a database');
  });
});

// A usage message: the usage itself, or what was wrong and where to read the usage.
function assertUsage(r, what, word) {
  assert.equal(r.status, 2, `${what}: exit ${r.status} ${r.stderr}`);
  assert.match(r.stderr, /usage|--help|carecampus help/i, `${what}: no usage message on stderr: ${JSON.stringify(r.stderr)}`);
  if (word) assert.ok(r.stderr.includes(word), `${what}: stderr does not name ${word}: ${r.stderr}`);
}

describe('usage errors exit 2 with a usage message on stderr', () => {
  test('unknown subcommand', () => {
    const r = cli(['frobnicate']);
    assertUsage(r, 'frobnicate', 'frobnicate');
    assert.equal(r.stdout, '');
  });

  test('no subcommand at all: exit 2 with the usage', () => {
    const r = cli([]);
    assert.equal(r.status, 2, `${r.status} ${r.stderr}`);
    assert.match(r.stdout + r.stderr, /usage/i);
  });

  test('unknown option', () => {
    for (const args of [['serve', '--bogus'], ['version', '--bogus'], ['user', 'list', '--frobnicate'], ['backup', '--nope', 'x.db'], ['demo', '--what']]) {
      const r = cli(args, { dataDir: dataDir('usage') });
      assertUsage(r, args.join(' '), args.find((a) => a.startsWith('--')));
    }
  });

  test('unknown user subcommand and missing required options', () => {
    const dir = dataDir('usage2');
    for (const args of [['user', 'delete'], ['init', '--name-en', 'X'], ['user', 'add', '--login', 'no.role', '--password-stdin'], ['backup']]) {
      assertUsage(cli(args, { dataDir: dir, input: `${PASSWORD}\n` }), args.join(' '));
    }
  });
});

describe('user add / list / import', () => {
  const dir = dataDir('users');
  let inst;
  before(() => { inst = init(dir); });

  test('user add prints the id; --json prints {"user_id":N}', () => {
    const r = cli(['user', 'add', '--role', 'teacher', '--login', 'cli.teacher', '--name', '陈静 Chen Jing', '--lang', 'zh-CN', '--password-stdin', '--json'],
      { dataDir: dir, input: `${PASSWORD}\n` });
    assert.equal(r.status, 0, r.stderr);
    const id = JSON.parse(r.stdout).user_id;
    assert.ok(Number.isInteger(id) && id > 0);
    const plain = cli(['user', 'add', '--role', 'student', '--login', 'cli.student', '--name', 'Cli Student', '--password-stdin'],
      { dataDir: dir, input: `${PASSWORD}\n` });
    assert.equal(plain.status, 0, plain.stderr);
    const users = usersOf(dir);
    const sid = users.find((u) => u.login === 'cli.student')?.id;
    assert.ok(new RegExp(`\\b${sid}\\b`).test(plain.stdout), `user add does not print the id ${sid}: ${plain.stdout}`);
    const t = users.find((u) => u.login === 'cli.teacher');
    assert.ok(t, 'cli.teacher listed');
    assert.equal(t.id, id);
    assert.equal(t.role, 'teacher');
    assert.equal(t.name, '陈静 Chen Jing');
  });

  test('user add with a bad role fails with a clear message and adds nobody', () => {
    const before = usersOf(dir).length;
    const r = cli(['user', 'add', '--role', 'overlord', '--login', 'cli.bad', '--password-stdin'], { dataDir: dir, input: `${PASSWORD}\n` });
    assert.ok(r.status === 1 || r.status === 2, `exit ${r.status}`);
    assert.match(r.stderr, /role/i);
    assert.match(r.stderr, /admin|teacher|student|verifier/);
    assert.equal(usersOf(dir).length, before);
  });

  test('user add with a short password or a bad login fails (exit 1 or 2), a taken login exits 1; nobody is added', () => {
    const before = usersOf(dir).length;
    // An invalid value may count as a usage error (2); a taken login is a failed operation (1).
    const cases = [
      [['--login', 'cli.short'], 'short\n', /password/i, [1, 2]],
      [['--login', 'Bad Login!'], `${PASSWORD}\n`, /login/i, [1, 2]],
      [['--login', 'cli.teacher'], `${PASSWORD}\n`, /login|taken|exists/i, [1]],
    ];
    for (const [args, input, msg, codes] of cases) {
      const r = cli(['user', 'add', '--role', 'student', ...args, '--password-stdin'], { dataDir: dir, input });
      assert.ok(codes.includes(r.status), `${args.join(' ')}: exit ${r.status} ${r.stderr}`);
      assert.match(r.stderr, msg, `${args.join(' ')}: ${r.stderr}`);
    }
    const none = cli(['user', 'add', '--role', 'student', '--login', 'cli.nopw', '--password-stdin'], { dataDir: dir, input: '' });
    assert.ok(none.status === 1 || none.status === 2, `empty stdin: ${none.status}`);
    assert.equal(usersOf(dir).length, before);
  });

  test('user add into an institution that does not exist exits 1', () => {
    const r = cli(['user', 'add', '--institution', '999', '--role', 'student', '--login', 'cli.noinst', '--password-stdin'], { dataDir: dir, input: `${PASSWORD}\n` });
    assert.equal(r.status, 1, `${r.status} ${r.stderr}`);
    assert.ok(!usersOf(dir).some((u) => u.login === 'cli.noinst'));
  });

  test('user list --json is JSON with the users; --role filters', () => {
    const users = usersOf(dir);
    assert.ok(users.length >= 2);
    for (const u of users) {
      assert.equal(typeof u.id, 'number');
      assert.equal(typeof u.login, 'string');
      assert.ok(['admin', 'teacher', 'student', 'verifier'].includes(u.role));
      for (const k of Object.keys(u)) assert.doesNotMatch(k, /pass|hash|salt/i);
    }
    const students = usersOf(dir, ['--role', 'student']);
    assert.ok(students.length >= 1 && students.every((u) => u.role === 'student'));
    const plain = cli(['user', 'list'], { dataDir: dir });
    assert.equal(plain.status, 0);
    assert.match(plain.stdout, /cli\.teacher/);
  });

  test('user list --institution shows only that institution', () => {
    const other = init(dir, 'Other CLI College', '其他学院', 'US');
    assert.equal(other, inst + 1);
    const r = cli(['user', 'add', '--institution', String(other), '--role', 'admin', '--login', 'cli.other', '--password-stdin', '--json'],
      { dataDir: dir, input: `${PASSWORD}\n` });
    assert.equal(r.status, 0, r.stderr);
    const one = usersOf(dir, ['--institution', String(inst)]);
    assert.ok(!one.some((u) => u.login === 'cli.other'));
    const two = usersOf(dir, ['--institution', String(other)]);
    assert.deepEqual(two.map((u) => u.login), ['cli.other']);
  });

  test('user import with per-row errors exits 1, names the lines on stderr, imports nothing', () => {
    const before = usersOf(dir).length;
    const file = join(tmp, 'bad.csv');
    writeFileSync(file, toCsv([
      ['login', 'name', 'role', 'password'],
      ['imp.fine', 'Fine', 'student', PASSWORD],
      ['imp.badrole', 'Bad', 'janitor', PASSWORD],
      ['cli.teacher', 'Taken', 'student', PASSWORD],
    ], { bom: true }));
    const r = cli(['user', 'import', '--data', dir, file]);
    assert.equal(r.status, 1, `${r.status} ${r.stderr}`);
    assert.match(r.stderr, /\b3\b/, `line 3 not named: ${r.stderr}`);
    assert.match(r.stderr, /\b4\b/, `line 4 not named: ${r.stderr}`);
    assert.match(r.stderr, /role/i);
    assert.equal(usersOf(dir).length, before);
  });

  test('user import of a good file imports every row', () => {
    const file = join(tmp, 'good.csv');
    writeFileSync(file, toCsv([
      ['login', 'name', 'role', 'password', 'lang'],
      ['imp.one', 'Import, One', 'student', PASSWORD, 'zh-CN'],
      ['imp.two', 'Import "Two"', 'teacher', PASSWORD, 'en'],
    ], { bom: true }));
    const r = cli(['user', 'import', '--data', dir, file]);
    assert.equal(r.status, 0, r.stderr);
    const users = usersOf(dir);
    assert.equal(users.find((u) => u.login === 'imp.one')?.name, 'Import, One');
    assert.equal(users.find((u) => u.login === 'imp.two')?.name, 'Import "Two"');
  });

  test('user import of a missing file exits 1', () => {
    const r = cli(['user', 'import', '--data', dir, join(tmp, 'no-such-file.csv')]);
    assert.equal(r.status, 1, `${r.status} ${r.stderr}`);
    assert.ok(r.stderr.length > 0);
  });
});

describe('init', () => {
  test('init prints the new institution id; the next init adds the next one', () => {
    const dir = dataDir('init');
    const plain = cli(['init', '--name-en', 'First', '--name-zh', '第一', '--country', 'CN'], { dataDir: dir });
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stdout.trim(), /^\d+$|\b1\b/);
    assert.ok(existsSync(join(dir, 'carecampus.db')), 'database created under --data');
    const second = init(dir, 'Second', '第二', 'US');
    assert.equal(second, 2);
  });

  test('--db sqlite:PATH puts the database there', () => {
    const dir = dataDir('dbopt');
    const db = join(tmp, 'elsewhere.db');
    const r = cli(['init', '--name-en', 'Elsewhere', '--name-zh', '别处', '--country', 'CN', '--json', '--db', `sqlite:${db}`], { dataDir: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(db), 'database at --db path');
    assert.equal(readFileSync(db).subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
    assert.ok(!existsSync(join(dir, 'carecampus.db')), 'no database under --data when --db is given');
    const add = cli(['user', 'add', '--role', 'admin', '--login', 'db.admin', '--password-stdin', '--json', '--db', `sqlite:${db}`], { dataDir: dir, input: `${PASSWORD}\n` });
    assert.equal(add.status, 0, add.stderr);
    const q = spawnSync('sqlite3', [db, "select login from users"], { encoding: 'utf8' });
    assert.match(q.stdout, /db\.admin/, q.stderr);
  });
});

describe('demo and backup', () => {
  let srv;
  before(async () => { srv = await startServer({ demo: true }); });
  after(async () => { await srv?.stop(); });

  test('demo prints the demo logins and the teacher login works', async () => {
    const dir = dataDir('demo');
    const r = cli(['demo'], { dataDir: dir });
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /chen\.jing/);
    assert.match(out, /carecampus/);
    // The server started with the demo seed accepts the printed teacher login.
    const t = await loginAs(srv, 'chen.jing', 'carecampus');
    assert.equal(t.me.role, 'teacher');
  });

  test('demo is idempotent', () => {
    const dir = dataDir('demo');
    const before = usersOf(dir);
    const r = cli(['demo'], { dataDir: dir });
    assert.equal(r.status, 0, r.stderr);
    const after = usersOf(dir);
    assert.deepEqual(after.map((u) => u.id).sort(), before.map((u) => u.id).sort());
    // A data directory that already has an institution is left alone too.
    const other = dataDir('demo-other');
    init(other, 'Existing College', '已有学院', 'US');
    const r2 = cli(['demo'], { dataDir: other });
    assert.equal(r2.status, 0, r2.stderr);
    assert.deepEqual(usersOf(other), [], 'demo seeded a directory that already had an institution');
  });

  test('backup FILE while the server runs produces a valid SQLite database', async () => {
    const t = await loginAs(srv, 'chen.jing', 'carecampus');
    assert.equal((await t.get('/api/classes')).status, 200);
    const file = join(tmp, 'backup.db');
    const r = cli(['backup', '--data', srv.dataDir, file]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(file));
    assert.equal(readFileSync(file).subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
    const ok = spawnSync('sqlite3', [file, 'pragma integrity_check'], { encoding: 'utf8' });
    assert.equal(ok.stdout.trim(), 'ok', ok.stderr);
    const count = spawnSync('sqlite3', [file, 'select count(*) from users'], { encoding: 'utf8' });
    assert.equal(count.status, 0, count.stderr);
    const n = Number(count.stdout.trim());
    const live = spawnSync('sqlite3', ['-readonly', join(srv.dataDir, 'carecampus.db'), 'select count(*) from users'], { encoding: 'utf8' });
    assert.ok(n > 0);
    assert.equal(n, Number(live.stdout.trim()), 'the backup holds every user');
    // The server still serves after the backup.
    assert.equal((await t.get('/api/me')).status, 200);
  });

  test('backup to an unwritable place exits 1', () => {
    const r = cli(['backup', '--data', srv.dataDir, join(tmp, 'no', 'such', 'dir', 'x.db')]);
    assert.equal(r.status, 1, `${r.status} ${r.stderr}`);
  });
});

test('the binary under test exists', () => {
  assert.ok(existsSync(binaryPath()));
});

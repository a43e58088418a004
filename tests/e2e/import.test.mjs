// CSV import of users: all rows or none, per-row errors, RFC 4180, limits.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import {
  assertError, assertUser, loginAs, listUsers, toCsv, CSV, rawRequest, asFetchLike, PASSWORD,
} from './lib/util.mjs';

let srv;
let inst;
let admin;
let teacher;
let classId;
const CLASS = 'Elderly Care 2026-1';

before(async () => {
  srv = await startServer();
  inst = srv.addInstitution('Import Test College', '导入测试学院', 'CN');
  srv.addUser({ institution: inst, role: 'admin', login: 'imp.admin', name: 'Import Admin' });
  const t = srv.addUser({ institution: inst, role: 'teacher', login: 'imp.teacher', name: 'Import Teacher' });
  srv.addUser({ institution: inst, role: 'student', login: 'imp.existing', name: 'Existing Student' });
  admin = await loginAs(srv, 'imp.admin');
  teacher = await loginAs(srv, 'imp.teacher');
  const r = await admin.post('/api/classes', { name: CLASS, teacher_id: t });
  assert.equal(r.status, 201, r.text);
  classId = r.json.class.id;
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

const importCsv = (client, text) => client.post('/api/users/import', text, CSV);

/* Snapshot of everything an import could change. */
async function snapshot() {
  const users = (await listUsers(admin)).map((u) => u.id).sort((a, b) => a - b);
  const cls = await admin.get(`/api/classes/${classId}`);
  assert.equal(cls.status, 200);
  return { users, students: cls.json.students.map((u) => u.id).sort((a, b) => a - b) };
}

function pairs(r) {
  assert.ok(Array.isArray(r.json.error.rows), `rows missing: ${r.text}`);
  for (const row of r.json.error.rows) {
    assert.equal(typeof row.line, 'number', `row without line: ${JSON.stringify(row)}`);
    assert.equal(typeof row.field, 'string', `row without field: ${JSON.stringify(row)}`);
    assert.equal(typeof row.message, 'string', `row without message: ${JSON.stringify(row)}`);
    assert.ok(row.message.length > 0);
  }
  return r.json.error.rows.map((row) => `${row.line}:${row.field}`).sort();
}

describe('good imports', () => {
  test('BOM, CRLF, RFC 4180 quoting, optional lang and class: all imported and enrolled', async () => {
    const before = await snapshot();
    const text = '\ufeff'
      + 'login,name,role,password,lang,class\r\n'
      + `good.one,"Li, ""Lily"" Na",student,${PASSWORD},zh-CN,${CLASS}\r\n`
      + `good.two,张伟 Zhang Wei,student,${PASSWORD},,"${CLASS}"\r\n`
      + `good.three,Plain Teacher,teacher,${PASSWORD},en,\r\n`
      + `"good.four","Quoted, Plain",student,"pass,with""quote",en,\r\n`;
    const r = await importCsv(admin, text);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 4);
    assert.equal(r.json.users.length, 4);
    const byLogin = Object.fromEntries(r.json.users.map((u) => [u.login, assertUser(u, { institution_id: inst })]));
    assert.equal(byLogin['good.one'].name, 'Li, "Lily" Na');
    assert.equal(byLogin['good.one'].lang, 'zh-CN');
    assert.equal(byLogin['good.one'].role, 'student');
    assert.equal(byLogin['good.two'].name, '张伟 Zhang Wei');
    assert.equal(byLogin['good.three'].role, 'teacher');
    assert.equal(byLogin['good.three'].lang, 'en');
    assert.equal(byLogin['good.four'].name, 'Quoted, Plain');

    const after = await snapshot();
    assert.equal(after.users.length, before.users.length + 4);
    assert.deepEqual(after.students, [...before.students, byLogin['good.one'].id, byLogin['good.two'].id].sort((a, b) => a - b),
      'the class column enrols the students');
    const detail = await admin.get(`/api/classes/${classId}`);
    assert.equal(detail.json.class.student_count, after.students.length);

    // The passwords were stored as given (including the quoted one).
    const one = await new Client(srv.url).login('good.one', PASSWORD);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.json.user.lang, 'zh-CN');
    const four = await new Client(srv.url).login('good.four', 'pass,with"quote');
    assert.equal(four.status, 200, four.text);
    // An imported student sees the class.
    const cls = await new Client(srv.url);
    cls.cookie = one.headers.get('set-cookie').match(/cc_session=[^;]+/)[0];
    const mine = await cls.get('/api/classes');
    assert.deepEqual(mine.json.classes.map((c) => c.id), [classId]);
  });

  test('columns in another order, LF line ends, no final newline', async () => {
    const r = await importCsv(admin, `password,role,name,login\n${PASSWORD},student,Order Test,order.one\n${PASSWORD},verifier,Order Verifier,order.two`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 2);
    const u = (await listUsers(admin, '?q=order.')).sort((a, b) => a.login.localeCompare(b.login));
    assert.deepEqual(u.map((x) => [x.login, x.name, x.role]), [['order.one', 'Order Test', 'student'], ['order.two', 'Order Verifier', 'verifier']]);
  });
});

describe('bad imports: nothing is imported', () => {
  test('per-row errors: 422 import_failed with line, field and message for each bad row', async () => {
    const before = await snapshot();
    const rows = [
      ['login', 'name', 'role', 'password', 'lang', 'class'],
      ['bad.ok1', 'Okay One', 'student', PASSWORD, 'en', CLASS], // 2 ok
      ['bad.role', 'Bad Role', 'superuser', PASSWORD, 'en', ''], // 3 role
      ['bad.ok2', 'Okay Two', 'student', PASSWORD, '', ''], // 4 ok
      ['imp.existing', 'Taken Login', 'student', PASSWORD, 'en', ''], // 5 login taken
      ['bad.pw', 'Short Password', 'student', 'short', 'en', ''], // 6 password
      ['x', 'Short Login', 'student', PASSWORD, 'en', ''], // 7 login
      ['bad.lang', 'Bad Lang', 'student', PASSWORD, 'fr', ''], // 8 lang
      ['bad.class', 'Bad Class', 'student', PASSWORD, 'en', 'No Such Class'], // 9 class
      ['bad.name', '', 'student', PASSWORD, 'en', ''], // 10 name
      ['bad.ok3', 'Okay Three', 'teacher', PASSWORD, 'zh-CN', ''], // 11 ok
    ];
    const r = await importCsv(admin, toCsv(rows));
    assertError(r, 422, 'import_failed');
    assert.deepEqual(pairs(r), ['10:name', '3:role', '5:login', '6:password', '7:login', '8:lang', '9:class']);
    assert.deepEqual(await snapshot(), before, 'nothing imported, nobody enrolled');
    assert.deepEqual(await listUsers(admin, '?q=bad.'), []);
  });

  test('a duplicate login inside the file is reported', async () => {
    const before = await snapshot();
    const r = await importCsv(admin, toCsv([
      ['login', 'name', 'role', 'password'],
      ['dup.in.file', 'First', 'student', PASSWORD],
      ['other.fine', 'Fine', 'student', PASSWORD],
      ['dup.in.file', 'Second', 'student', PASSWORD],
    ]));
    assertError(r, 422, 'import_failed');
    const p = pairs(r);
    assert.ok(p.includes('4:login'), `line 4 login not reported: ${p}`);
    assert.ok(p.every((x) => x === '2:login' || x === '4:login'), `unexpected rows: ${p}`);
    assert.deepEqual(await snapshot(), before);
  });

  test('line numbers count lines of the file when a quoted field spans lines', async () => {
    const before = await snapshot();
    const text = 'login,name,role,password\r\n'
      + `span.one,"Two\r\nLines",student,${PASSWORD}\r\n`
      + `span.bad,Bad Role,janitor,${PASSWORD}\r\n`;
    const r = await importCsv(admin, text);
    assertError(r, 422, 'import_failed');
    const p = pairs(r);
    assert.ok(p.includes('4:role'), `the bad role is on line 4: ${p}`);
    assert.ok(!p.includes('3:role'), `line 3 is inside a quoted field: ${p}`);
    assert.deepEqual(await snapshot(), before);
  });

  test('a missing required column is 422 and nothing is imported', async () => {
    const before = await snapshot();
    for (const header of ['login,name,role', 'login,name,password', 'name,role,password', 'login,role,password,lang']) {
      const cols = header.split(',');
      const vals = { login: 'col.missing', name: 'Col Missing', role: 'student', password: PASSWORD, lang: 'en' };
      const r = await importCsv(admin, `${header}\r\n${cols.map((c) => vals[c]).join(',')}\r\n`);
      assert.equal(r.status, 422, `${header}: ${r.text}`);
      assert.ok(['import_failed', 'invalid_field'].includes(r.json?.error?.code), `${header}: ${r.text}`);
      assert.ok(r.json.error.message.length > 0);
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('a malformed CSV (unterminated quote) is rejected and nothing is imported', async () => {
    const before = await snapshot();
    const r = await importCsv(admin, `login,name,role,password\r\nbroken.q,"Unterminated,student,${PASSWORD}\r\nbroken.r,Fine,student,${PASSWORD}\r\n`);
    assert.ok([400, 422].includes(r.status), `${r.status} ${r.text}`);
    assert.ok(r.json?.error?.code, r.text);
    assert.deepEqual(await snapshot(), before);
  });

  test('more than 1,000 users is refused, with the line of the first one too many, and nothing is imported', async () => {
    const before = await snapshot();
    const rows = [['login', 'name', 'role', 'password']];
    for (let i = 1; i <= 1001; i++) rows.push([`bulk.${i}`, `Bulk ${i}`, 'student', PASSWORD]);
    const r = await importCsv(admin, toCsv(rows));
    assertError(r, 422, 'import_failed');
    assert.ok(r.json.error.rows.some((row) => row.line === 1002 && /1000/.test(row.message)), r.text.slice(0, 300));
    assert.deepEqual(await snapshot(), before);
  });

  test('a CSV body over 2 MiB is 413 payload_too_large', async () => {
    const before = await snapshot();
    const body = Buffer.from(`login,name,role,password\r\nbig.one,${'n'.repeat(2 * 1024 * 1024)},student,${PASSWORD}\r\n`);
    const r = await rawRequest(srv.port, [
      `POST /api/users/import HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\n`
        + `Content-Type: text/csv\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    ], { pauseAfterFirst: 100 });
    assertError(asFetchLike(r), 413, 'payload_too_large');
    assert.deepEqual(await snapshot(), before);
  });

  test('a CSV body of 1.5 MiB is read (the JSON limit does not apply): per-row error, not 413', async () => {
    const before = await snapshot();
    const r = await importCsv(admin, `login,name,role,password\r\nbig.two,${'n'.repeat(1536 * 1024)},student,${PASSWORD}\r\n`);
    assertError(r, 422, 'import_failed');
    assert.deepEqual(r.json.error.rows.map((x) => x.line), [2]);
    assert.deepEqual(await snapshot(), before);
  });

  test('an over-long field is reported with its line and field name', async () => {
    const before = await snapshot();
    for (const n of [101, 5000]) {
      const r = await importCsv(admin, `login,name,role,password\r\nlong.name,${'n'.repeat(n)},student,${PASSWORD}\r\n`);
      assertError(r, 422, 'import_failed');
      assert.deepEqual(pairs(r), ['2:name'], `name of ${n} characters: ${JSON.stringify(r.json.error.rows)}`);
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('wrong content type is 415; non-admins 403; no session 401', async () => {
    const text = `login,name,role,password\r\nnope.one,Nope,student,${PASSWORD}\r\n`;
    assertError(await admin.post('/api/users/import', text, { 'content-type': 'application/json' }), 415, 'unsupported_media_type');
    assertError(await admin.post('/api/users/import', text, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    assertError(await importCsv(teacher, text), 403, 'forbidden');
    assertError(await importCsv(new Client(srv.url), text), 401, 'unauthenticated');
    assert.deepEqual(await listUsers(admin, '?q=nope.'), []);
  });

  test('invalid UTF-8 in a CSV is rejected and nothing is imported', async () => {
    const before = await snapshot();
    const body = Buffer.concat([Buffer.from('login,name,role,password\r\nutf.bad,'), Buffer.from([0xff, 0xfe]), Buffer.from(`,student,${PASSWORD}\r\n`)]);
    const r = await admin.post('/api/users/import', body, CSV);
    assert.ok([400, 422].includes(r.status), `${r.status} ${r.text}`);
    assert.deepEqual(await snapshot(), before);
  });
});

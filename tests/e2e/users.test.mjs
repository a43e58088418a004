// The admin users API: create, validate, list, filter, read one; roles.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { assertError, assertUser, loginAs, listUsers, PASSWORD } from './lib/util.mjs';

let srv;
let inst;
let admin;
let teacher;
let student;
const ids = {};

before(async () => {
  srv = await startServer();
  inst = srv.addInstitution('Users Test College', '用户测试学院', 'US');
  ids.admin = srv.addUser({ institution: inst, role: 'admin', login: 'u.admin', name: 'Alice Admin' });
  ids.teacher = srv.addUser({ institution: inst, role: 'teacher', login: 'u.teacher', name: 'Tom Teacher' });
  ids.student = srv.addUser({ institution: inst, role: 'student', login: 'u.student', name: 'Sam Student', lang: 'zh-CN' });
  admin = await loginAs(srv, 'u.admin');
  teacher = await loginAs(srv, 'u.teacher');
  student = await loginAs(srv, 'u.student');
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

const valid = (over = {}) => ({ login: 'new.user', name: 'New User', role: 'student', password: PASSWORD, ...over });

describe('POST /api/users', () => {
  test('creates a user: 201 {"user": user} and the user can log in', async () => {
    const r = await admin.post('/api/users', valid({ login: 'created.one', name: '李娜 Li Na', role: 'teacher', lang: 'zh-CN' }));
    assert.equal(r.status, 201, r.text);
    const u = assertUser(r.json.user, { login: 'created.one', name: '李娜 Li Na', role: 'teacher', lang: 'zh-CN', institution_id: inst });
    const c = new Client(srv.url);
    const l = await c.login('created.one', PASSWORD);
    assert.equal(l.status, 200, l.text);
    assert.equal(l.json.user.id, u.id);
    const got = await admin.get(`/api/users/${u.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json.user, u);
  });

  test('lang is optional', async () => {
    const r = await admin.post('/api/users', valid({ login: 'no.lang' }));
    assert.equal(r.status, 201, r.text);
    assertUser(r.json.user, { login: 'no.lang' });
  });

  test('every role can be created', async () => {
    for (const role of ['admin', 'teacher', 'student', 'verifier']) {
      const r = await admin.post('/api/users', valid({ login: `role.${role}`, name: `Role ${role}`, role }));
      assert.equal(r.status, 201, `${role}: ${r.text}`);
      assert.equal(r.json.user.role, role);
    }
  });

  test('the login is stored lower-cased', async () => {
    const r = await admin.post('/api/users', valid({ login: 'Mixed.Case_User-1', name: 'Mixed Case' }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.user.login, 'mixed.case_user-1');
  });

  test('login validation: 422 field login', async () => {
    const before = await listUsers(admin);
    for (const login of [undefined, '', 'ab', 'x'.repeat(65), 'has space', 'wang@fang', '王芳', 'semi;colon', 'slash/x', 42, null, ['a.b.c']]) {
      const body = valid({ login });
      if (login === undefined) delete body.login;
      assertError(await admin.post('/api/users', body), 422, 'invalid_field', 'login');
    }
    assert.equal((await listUsers(admin)).length, before.length, 'nothing created');
  });

  test('login boundaries: 3 and 64 characters are accepted', async () => {
    assert.equal((await admin.post('/api/users', valid({ login: 'abc' }))).status, 201);
    const long = `${'a'.repeat(30)}.${'b'.repeat(30)}_-9`;
    assert.equal(long.length, 64);
    const r = await admin.post('/api/users', valid({ login: long }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.user.login, long);
  });

  test('name validation: 422 field name; 100 characters (not bytes) accepted', async () => {
    for (const name of [undefined, '', 'x'.repeat(101), '张'.repeat(101), 7, null]) {
      const body = valid({ login: 'name.test', name });
      if (name === undefined) delete body.name;
      assertError(await admin.post('/api/users', body), 422, 'invalid_field', 'name');
    }
    const r = await admin.post('/api/users', valid({ login: 'name.hundred', name: '张'.repeat(100) }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.user.name, '张'.repeat(100));
    const r2 = await admin.post('/api/users', valid({ login: 'name.one', name: 'Q' }));
    assert.equal(r2.status, 201, r2.text);
  });

  test('role validation: 422 field role', async () => {
    for (const role of [undefined, '', 'superuser', 'Admin', 'root', 1]) {
      const body = valid({ login: 'role.test', role });
      if (role === undefined) delete body.role;
      assertError(await admin.post('/api/users', body), 422, 'invalid_field', 'role');
    }
  });

  test('password validation: 8..256 characters, 422 field password', async () => {
    for (const password of [undefined, '', 'seven77', 'x'.repeat(257), 12345678]) {
      const body = valid({ login: 'pw.test', password });
      if (password === undefined) delete body.password;
      assertError(await admin.post('/api/users', body), 422, 'invalid_field', 'password');
    }
    assert.equal((await admin.post('/api/users', valid({ login: 'pw.eight', password: '12345678' }))).status, 201);
    assert.equal((await admin.post('/api/users', valid({ login: 'pw.max', password: 'p'.repeat(256) }))).status, 201);
  });

  test('lang validation: 422 field lang', async () => {
    for (const lang of ['fr', 'zh', 'EN', '', 5]) {
      assertError(await admin.post('/api/users', valid({ login: 'lang.test', lang })), 422, 'invalid_field', 'lang');
    }
  });

  test('a duplicate login is 409 conflict, field login, whatever the case', async () => {
    assert.equal((await admin.post('/api/users', valid({ login: 'dup.user' }))).status, 201);
    assertError(await admin.post('/api/users', valid({ login: 'dup.user', name: 'Other' })), 409, 'conflict', 'login');
    assertError(await admin.post('/api/users', valid({ login: 'DUP.User', name: 'Other' })), 409, 'conflict', 'login');
    assertError(await admin.post('/api/users', valid({ login: 'u.teacher', name: 'Other' })), 409, 'conflict', 'login');
    assert.equal((await listUsers(admin, '?q=dup.user')).length, 1);
  });

  test('non-admins get 403 forbidden; no session 401', async () => {
    assertError(await teacher.post('/api/users', valid({ login: 'by.teacher' })), 403, 'forbidden');
    assertError(await student.post('/api/users', valid({ login: 'by.student' })), 403, 'forbidden');
    assertError(await new Client(srv.url).post('/api/users', valid({ login: 'by.anon' })), 401, 'unauthenticated');
    assert.deepEqual(await listUsers(admin, '?q=by.'), []);
  });
});

describe('GET /api/users', () => {
  before(async () => {
    for (const [login, name, role] of [
      ['list.s.zed', 'Zed Student', 'student'], ['list.s.amy', 'Amy Student', 'student'],
      ['list.t.bob', 'Bob Teacher', 'teacher'], ['list.v.val', 'Val Verifier', 'verifier'],
    ]) {
      const r = await admin.post('/api/users', valid({ login, name, role }));
      assert.equal(r.status, 201, r.text);
    }
  });

  test('lists users sorted by role, then name', async () => {
    const users = await listUsers(admin);
    users.forEach((u) => assertUser(u, { institution_id: inst }));
    // Each role forms one block.
    const blocks = users.map((u) => u.role).filter((r, i, a) => i === 0 || a[i - 1] !== r);
    assert.equal(new Set(blocks).size, blocks.length, `roles not grouped: ${blocks}`);
    const alphabetical = [...blocks].sort();
    const documented = ['admin', 'teacher', 'student', 'verifier'].filter((r) => blocks.includes(r));
    assert.ok(JSON.stringify(blocks) === JSON.stringify(alphabetical) || JSON.stringify(blocks) === JSON.stringify(documented),
      `role order ${blocks}`);
    for (const role of blocks) {
      const names = users.filter((u) => u.role === role).map((u) => u.name);
      const ascii = names.filter((n) => /^[\x20-\x7e]+$/.test(n));
      assert.deepEqual(ascii, [...ascii].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), `${role} names not sorted: ${ascii}`);
    }
  });

  test('role filter', async () => {
    for (const role of ['admin', 'teacher', 'student', 'verifier']) {
      const all = await listUsers(admin);
      const some = await listUsers(admin, `?role=${role}`);
      assert.ok(some.length > 0);
      assert.ok(some.every((u) => u.role === role), `role=${role}`);
      assert.deepEqual(some.map((u) => u.id), all.filter((u) => u.role === role).map((u) => u.id));
    }
    assertError(await admin.get('/api/users?role=overlord'), 400, 'bad_request');
  });

  test('q matches a substring of the login or the name', async () => {
    assert.deepEqual((await listUsers(admin, '?q=s.zed')).map((u) => u.login), ['list.s.zed']);
    assert.deepEqual((await listUsers(admin, '?q=Amy%20Stud')).map((u) => u.login), ['list.s.amy']);
    assert.deepEqual((await listUsers(admin, `?q=${encodeURIComponent('李娜')}`)).map((u) => u.login), ['created.one']);
    const both = await listUsers(admin, '?q=list.');
    assert.equal(both.length, 4);
    assert.deepEqual((await listUsers(admin, '?q=list.&role=student')).map((u) => u.login).sort(), ['list.s.amy', 'list.s.zed']);
    assert.deepEqual(await listUsers(admin, '?q=zzzz-no-match'), []);
    // LIKE wildcards are literal characters, not patterns.
    assert.deepEqual(await listUsers(admin, '?q=%25'), []);
    assert.deepEqual(await listUsers(admin, '?q=_'), (await listUsers(admin)).filter((u) => u.login.includes('_') || u.name.includes('_')));
  });

  test('non-admins get 403; no session 401', async () => {
    assertError(await teacher.get('/api/users'), 403, 'forbidden');
    assertError(await student.get('/api/users?role=student'), 403, 'forbidden');
    assertError(await new Client(srv.url).get('/api/users'), 401, 'unauthenticated');
  });
});

describe('GET /api/users/{id}', () => {
  test('admin reads any user of the institution: {"user", "classes"}', async () => {
    const r = await admin.get(`/api/users/${ids.student}`);
    assert.equal(r.status, 200);
    assertUser(r.json.user, { id: ids.student, login: 'u.student', name: 'Sam Student', role: 'student', lang: 'zh-CN', institution_id: inst });
    assert.deepEqual(r.json.classes, []);
  });

  test('a user reads themself', async () => {
    const r = await student.get(`/api/users/${ids.student}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.user.id, ids.student);
    assert.ok(Array.isArray(r.json.classes));
    const t = await teacher.get(`/api/users/${ids.teacher}`);
    assert.equal(t.status, 200);
  });

  test('a non-admin cannot read another user: 403', async () => {
    assertError(await student.get(`/api/users/${ids.teacher}`), 403, 'forbidden');
    assertError(await teacher.get(`/api/users/${ids.student}`), 403, 'forbidden');
    assertError(await new Client(srv.url).get(`/api/users/${ids.student}`), 401, 'unauthenticated');
  });

  test('unknown id is 404; a malformed id is 400', async () => {
    assertError(await admin.get('/api/users/999999'), 404, 'not_found');
    assertError(await admin.get('/api/users/abc'), 400, 'bad_request');
    assertError(await admin.get('/api/users/1.5'), 400, 'bad_request');
    // Zero, negative and overflowing ids: no such user or a malformed id, never another user or a 500.
    for (const id of ['0', '-1', '99999999999999999999999', `${2 ** 64 + ids.student}`]) {
      const r = await admin.get(`/api/users/${id}`);
      assert.ok([400, 404].includes(r.status), `GET /api/users/${id}: ${r.status} ${r.text}`);
      assertError(r, r.status, r.status === 400 ? 'bad_request' : 'not_found');
    }
  });
});

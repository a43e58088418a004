// Tenancy: two colleges on one server. For every endpoint of docs/api.md, a user
// of college A can never read or change college B's data, nor learn that it exists.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import {
  assertError, assertSameAnswer, loginAs, listUsers, toCsv, CSV, PASSWORD,
} from './lib/util.mjs';

let srv;
const A = { key: 'A' };
const B = { key: 'B' };
const MISSING = 999999;

async function setupCollege(c, nameEn, nameZh, country) {
  c.inst = srv.addInstitution(nameEn, nameZh, country);
  const k = c.key.toLowerCase();
  c.ids = {
    admin: srv.addUser({ institution: c.inst, role: 'admin', login: `ten.${k}.admin`, name: `Admin ${c.key}` }),
    teacher: srv.addUser({ institution: c.inst, role: 'teacher', login: `ten.${k}.teacher`, name: `Teacher ${c.key}` }),
    teacher2: srv.addUser({ institution: c.inst, role: 'teacher', login: `ten.${k}.teacher2`, name: `Teacher2 ${c.key}` }),
    student: srv.addUser({ institution: c.inst, role: 'student', login: `ten.${k}.student`, name: `Student ${c.key}` }),
    student2: srv.addUser({ institution: c.inst, role: 'student', login: `ten.${k}.student2`, name: `Student2 ${c.key}` }),
  };
  c.admin = await loginAs(srv, `ten.${k}.admin`);
  c.teacher = await loginAs(srv, `ten.${k}.teacher`);
  c.student = await loginAs(srv, `ten.${k}.student`);
  const r = await c.admin.post('/api/classes', { name: `Shared Name Class`, teacher_id: c.ids.teacher });
  assert.equal(r.status, 201, r.text);
  c.classId = r.json.class.id;
  const only = await c.admin.post('/api/classes', { name: `Only In ${c.key}`, teacher_id: c.ids.teacher });
  assert.equal(only.status, 201, only.text);
  c.onlyClassId = only.json.class.id;
  const e = await c.admin.post(`/api/classes/${c.classId}/students`, { user_ids: [c.ids.student] });
  assert.equal(e.status, 200, e.text);
}

/* Everything of college c that A's requests could change, read by c's own admin. */
async function state(c) {
  const users = await listUsers(c.admin);
  const classes = (await c.admin.get('/api/classes')).json.classes;
  const details = [];
  for (const k of classes) details.push((await c.admin.get(`/api/classes/${k.id}`)).json);
  return { users, classes, details };
}

before(async () => {
  srv = await startServer();
  await setupCollege(A, 'Alpha Care College', '阿尔法护理学院', 'CN');
  await setupCollege(B, 'Beta Health Institute', '贝塔健康学院', 'US');
  B.state = await state(B);
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

const bIds = () => Object.values(B.ids);
const bClassIds = () => [B.classId, B.onlyClassId];

describe('tenancy: college A never reaches college B', () => {
  test('GET /api/institution and GET /api/me show the caller\'s own college only', async () => {
    for (const [c, other] of [[A, B], [B, A]]) {
      for (const who of ['admin', 'teacher', 'student']) {
        const i = await c[who].get('/api/institution');
        assert.equal(i.json.institution.id, c.inst);
        const me = await c[who].get('/api/me');
        assert.equal(me.json.user.institution_id, c.inst);
        assert.equal(me.json.institution.id, c.inst);
        assert.notEqual(me.json.institution.id, other.inst);
      }
    }
  });

  test('GET /api/users lists only A\'s users, whatever the filter', async () => {
    const bSet = new Set(bIds());
    for (const q of ['', '?role=student', '?role=teacher', '?role=admin', '?q=ten.', '?q=ten.b', '?q=Student%20B', '?q=B']) {
      const users = await listUsers(A.admin, q);
      for (const u of users) {
        assert.ok(!bSet.has(u.id), `GET /api/users${q} leaked B's user ${u.login}`);
        assert.equal(u.institution_id, A.inst);
      }
    }
    assert.deepEqual(await listUsers(A.admin, '?q=ten.b.'), []);
    assert.equal((await listUsers(A.admin, '?q=ten.')).length, Object.keys(A.ids).length);
  });

  test('GET /api/users/{B id} is the same 404 as a missing id, for every role of A', async () => {
    for (const who of ['admin', 'teacher', 'student']) {
      const missing = await A[who].get(`/api/users/${MISSING}`);
      if (who === 'admin') assertError(missing, 404, 'not_found');
      for (const id of bIds()) {
        const r = await A[who].get(`/api/users/${id}`);
        assertSameAnswer(r, missing, `A ${who}: GET /api/users/${id}`);
      }
    }
  });

  test('GET /api/classes lists only A\'s classes, for every role', async () => {
    for (const who of ['admin', 'teacher', 'student']) {
      const r = await A[who].get('/api/classes');
      assert.equal(r.status, 200);
      for (const k of r.json.classes) assert.ok(!bClassIds().includes(k.id), `A ${who} sees B's class ${k.id}`);
      assert.ok(!r.json.classes.some((k) => k.name === 'Only In B'));
    }
    assert.deepEqual((await A.admin.get('/api/classes')).json.classes.map((k) => k.id).sort(), [A.classId, A.onlyClassId].sort());
  });

  test('GET /api/classes/{B id} is the same answer as a missing class, for every role of A', async () => {
    for (const who of ['admin', 'teacher', 'student']) {
      const missing = await A[who].get(`/api/classes/${MISSING}`);
      if (who === 'admin') assertError(missing, 404, 'not_found');
      for (const id of bClassIds()) {
        assertSameAnswer(await A[who].get(`/api/classes/${id}`), missing, `A ${who}: GET /api/classes/${id}`);
      }
    }
  });

  test('POST /api/classes cannot make B\'s teacher teach a class', async () => {
    for (const tid of [B.ids.teacher, B.ids.teacher2]) {
      assertError(await A.admin.post('/api/classes', { name: 'Hijack Class', teacher_id: tid }), 422, 'invalid_field', 'teacher_id');
    }
    assert.ok(!(await A.admin.get('/api/classes')).json.classes.some((k) => k.name === 'Hijack Class'));
    const bTeacher = await B.teacher.get('/api/classes');
    assert.ok(!bTeacher.json.classes.some((k) => k.name === 'Hijack Class'));
  });

  test('POST /api/classes ignores an institution in the body', async () => {
    const r = await A.admin.post('/api/classes', { name: 'Sneaky Class', teacher_id: A.ids.teacher, institution_id: B.inst });
    if (r.status === 201) {
      assert.ok((await A.admin.get('/api/classes')).json.classes.some((k) => k.id === r.json.class.id), 'created in A');
    } else {
      assertError(r, 422, 'invalid_field');
    }
  });

  test('POST /api/classes/{A}/students cannot enrol B\'s students (nobody enrolled)', async () => {
    for (const ids of [[B.ids.student], [A.ids.student2, B.ids.student2], [B.ids.teacher]]) {
      assertError(await A.admin.post(`/api/classes/${A.classId}/students`, { user_ids: ids }), 422, 'invalid_field', 'user_ids');
    }
    const d = await A.admin.get(`/api/classes/${A.classId}`);
    assert.deepEqual(d.json.students.map((u) => u.id), [A.ids.student]);
  });

  test('POST /api/classes/{B}/students is the same 404 as a missing class', async () => {
    const missing = await A.admin.post(`/api/classes/${MISSING}/students`, { user_ids: [A.ids.student2] });
    assertError(missing, 404, 'not_found');
    for (const id of bClassIds()) {
      for (const ids of [[A.ids.student2], [B.ids.student2]]) {
        assertSameAnswer(await A.admin.post(`/api/classes/${id}/students`, { user_ids: ids }),
          await A.admin.post(`/api/classes/${MISSING}/students`, { user_ids: ids }), `enrol into B class ${id}`);
      }
    }
  });

  test('DELETE /api/classes/{B}/students/{B student} is 404 and removes nobody', async () => {
    const missing = await A.admin.del(`/api/classes/${MISSING}/students/${B.ids.student}`);
    assertError(missing, 404, 'not_found');
    assertSameAnswer(await A.admin.del(`/api/classes/${B.classId}/students/${B.ids.student}`), missing, 'remove from B class');
    assertError(await A.admin.del(`/api/classes/${A.classId}/students/${B.ids.student}`), 404, 'not_found');
  });

  test('POST /api/users creates users in A only, whatever the body says', async () => {
    const r = await A.admin.post('/api/users', {
      login: 'ten.sneaky', name: 'Sneaky', role: 'student', password: PASSWORD, institution_id: B.inst,
    });
    if (r.status === 201) {
      assert.equal(r.json.user.institution_id, A.inst);
    } else {
      assertError(r, 422, 'invalid_field');
    }
    assert.deepEqual(await listUsers(B.admin, '?q=sneaky'), []);
  });

  test('logins are global: B\'s login is taken for A (409), and B\'s user is untouched', async () => {
    assertError(await A.admin.post('/api/users', { login: 'ten.b.student', name: 'Impostor', role: 'student', password: PASSWORD }),
      409, 'conflict', 'login');
    const r = await new Client(srv.url).login('ten.b.student', PASSWORD);
    assert.equal(r.status, 200);
    assert.equal(r.json.user.name, 'Student B');
    assert.equal(r.json.user.institution_id, B.inst);
  });

  test('POST /api/users/import cannot enrol into B\'s class or import into B', async () => {
    const bad = await A.admin.post('/api/users/import', toCsv([
      ['login', 'name', 'role', 'password', 'class'],
      ['ten.imp.one', 'Imp One', 'student', PASSWORD, 'Only In B'],
    ]), CSV);
    assertError(bad, 422, 'import_failed');
    assert.deepEqual(bad.json.error.rows.map((x) => `${x.line}:${x.field}`), ['2:class']);

    // A class name both colleges use enrols in A's class only.
    const ok = await A.admin.post('/api/users/import', toCsv([
      ['login', 'name', 'role', 'password', 'class', 'institution_id', 'institution'],
      ['ten.imp.two', 'Imp Two', 'student', PASSWORD, 'Shared Name Class', String(B.inst), String(B.inst)],
    ]), CSV);
    if (ok.status === 200) {
      assert.equal(ok.json.users[0].institution_id, A.inst);
      const d = await A.admin.get(`/api/classes/${A.classId}`);
      assert.ok(d.json.students.some((u) => u.login === 'ten.imp.two'), 'enrolled in A\'s class');
    } else {
      assert.equal(ok.status, 422, ok.text);
    }
    assert.deepEqual(await listUsers(B.admin, '?q=ten.imp'), []);
  });

  test('PATCH /api/me cannot move a user to another college', async () => {
    const r = await A.student.patch('/api/me', { institution_id: B.inst, role: 'admin', name: 'Student A' });
    assert.ok([200, 422].includes(r.status), r.text);
    const me = await A.student.get('/api/me');
    assert.equal(me.json.user.institution_id, A.inst);
    assert.equal(me.json.user.role, 'student');
  });

  test('PUT /api/me/password and DELETE /api/session touch only the caller', async () => {
    const a2 = await loginAs(srv, 'ten.a.teacher2');
    assert.equal((await a2.put('/api/me/password', { current: PASSWORD, new: 'a-new-password-2' })).status, 204);
    assert.equal((await a2.del('/api/session')).status, 204);
    assert.equal((await B.teacher.get('/api/me')).status, 200, 'B\'s sessions survive');
    const b2 = await new Client(srv.url).login('ten.b.teacher2', PASSWORD);
    assert.equal(b2.status, 200, 'B\'s password unchanged');
  });

  test('after all of the above, college B is exactly as it was', async () => {
    assert.deepEqual(await state(B), B.state);
  });

  test('and the other way round: B\'s admin cannot read A\'s users or classes', async () => {
    const missingU = await B.admin.get(`/api/users/${MISSING}`);
    const missingC = await B.admin.get(`/api/classes/${MISSING}`);
    for (const id of Object.values(A.ids)) assertSameAnswer(await B.admin.get(`/api/users/${id}`), missingU, `B reads A user ${id}`);
    for (const id of [A.classId, A.onlyClassId]) assertSameAnswer(await B.admin.get(`/api/classes/${id}`), missingC, `B reads A class ${id}`);
    const aSet = new Set(Object.values(A.ids));
    assert.ok((await listUsers(B.admin)).every((u) => !aSet.has(u.id)));
  });
});

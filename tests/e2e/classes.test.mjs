// Classes: create, list by role, detail, enrol (all or nothing), remove.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { assertError, assertClass, assertUser, loginAs } from './lib/util.mjs';

let srv;
let inst;
let admin;
let t1;
let t2;
let s1;
const ids = {};

before(async () => {
  srv = await startServer();
  inst = srv.addInstitution('Classes Test College', '班级测试学院', 'CN');
  ids.admin = srv.addUser({ institution: inst, role: 'admin', login: 'c.admin', name: 'Class Admin' });
  ids.t1 = srv.addUser({ institution: inst, role: 'teacher', login: 'c.t1', name: 'Teacher One' });
  ids.t2 = srv.addUser({ institution: inst, role: 'teacher', login: 'c.t2', name: 'Teacher Two' });
  ids.s1 = srv.addUser({ institution: inst, role: 'student', login: 'c.s1', name: 'Carol Student' });
  ids.s2 = srv.addUser({ institution: inst, role: 'student', login: 'c.s2', name: 'Alan Student' });
  ids.s3 = srv.addUser({ institution: inst, role: 'student', login: 'c.s3', name: 'Bea Student' });
  ids.v = srv.addUser({ institution: inst, role: 'verifier', login: 'c.v', name: 'Vera Verifier' });
  admin = await loginAs(srv, 'c.admin');
  t1 = await loginAs(srv, 'c.t1');
  t2 = await loginAs(srv, 'c.t2');
  s1 = await loginAs(srv, 'c.s1');
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

const cls = {};

describe('POST /api/classes', () => {
  test('admin creates classes: 201 {"class": class}', async () => {
    for (const [key, name, teacher] of [['b', 'Bravo Care 2026', 't1'], ['a', 'Alpha Care 2026', 't1'], ['c', 'Charlie Care 2026', 't2']]) {
      const r = await admin.post('/api/classes', { name, teacher_id: ids[teacher] });
      assert.equal(r.status, 201, r.text);
      cls[key] = assertClass(r.json.class, {
        name, teacher: { id: ids[teacher], name: teacher === 't1' ? 'Teacher One' : 'Teacher Two' }, student_count: 0,
      });
    }
    assert.equal(new Set(Object.values(cls).map((c) => c.id)).size, 3);
  });

  test('the teacher must be a teacher: 422 field teacher_id', async () => {
    for (const teacher_id of [ids.s1, ids.admin, ids.v, 999999, 0, null, undefined]) {
      const body = { name: 'Bad Teacher Class', teacher_id };
      if (teacher_id === undefined) delete body.teacher_id;
      assertError(await admin.post('/api/classes', body), 422, 'invalid_field', 'teacher_id');
    }
    const list = await admin.get('/api/classes');
    assert.ok(!list.json.classes.some((c) => c.name === 'Bad Teacher Class'));
  });

  test('class name validation: 1..100 characters, 422 field name', async () => {
    for (const name of ['', 'x'.repeat(101), undefined, 12]) {
      const body = { name, teacher_id: ids.t1 };
      if (name === undefined) delete body.name;
      assertError(await admin.post('/api/classes', body), 422, 'invalid_field', 'name');
    }
    const r = await admin.post('/api/classes', { name: '养'.repeat(100), teacher_id: ids.t2 });
    assert.equal(r.status, 201, r.text);
    cls.long = r.json.class;
  });

  test('teachers and students may not create classes: 403', async () => {
    assertError(await t1.post('/api/classes', { name: 'Teacher Made', teacher_id: ids.t1 }), 403, 'forbidden');
    assertError(await s1.post('/api/classes', { name: 'Student Made', teacher_id: ids.t1 }), 403, 'forbidden');
    assertError(await new Client(srv.url).post('/api/classes', { name: 'Anon Made', teacher_id: ids.t1 }), 401, 'unauthenticated');
    const list = await admin.get('/api/classes');
    assert.ok(!list.json.classes.some((c) => /Made$/.test(c.name)));
  });
});

describe('enrol and remove', () => {
  test('admin enrols students: 200 {"class", "students"} sorted by name', async () => {
    const r = await admin.post(`/api/classes/${cls.a.id}/students`, { user_ids: [ids.s1, ids.s2] });
    assert.equal(r.status, 200, r.text);
    assertClass(r.json.class, { id: cls.a.id, student_count: 2 });
    r.json.students.forEach((u) => assertUser(u, { role: 'student', institution_id: inst }));
    assert.deepEqual(r.json.students.map((u) => u.name), ['Alan Student', 'Carol Student']);
  });

  test('already enrolled students are left as they are', async () => {
    const r = await admin.post(`/api/classes/${cls.a.id}/students`, { user_ids: [ids.s1, ids.s3, ids.s3] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.class.student_count, 3);
    assert.deepEqual(r.json.students.map((u) => u.name), ['Alan Student', 'Bea Student', 'Carol Student']);
  });

  test('all or nothing: a non-student in user_ids is 422 field user_ids and nobody is enrolled', async () => {
    for (const bad of [ids.t1, ids.admin, ids.v, 999999]) {
      const r = await admin.post(`/api/classes/${cls.b.id}/students`, { user_ids: [ids.s1, bad, ids.s2] });
      assertError(r, 422, 'invalid_field', 'user_ids');
    }
    for (const body of [{}, { user_ids: 'x' }, { user_ids: ids.s1 }, { user_ids: [null] }]) {
      assertError(await admin.post(`/api/classes/${cls.b.id}/students`, body), 422, 'invalid_field', 'user_ids');
    }
    const d = await admin.get(`/api/classes/${cls.b.id}`);
    assert.equal(d.status, 200);
    assert.deepEqual(d.json.students, []);
    assert.equal(d.json.class.student_count, 0);
  });

  test('enrolling into a class that does not exist is 404', async () => {
    assertError(await admin.post('/api/classes/999999/students', { user_ids: [ids.s1] }), 404, 'not_found');
  });

  test('only admins enrol and remove: 403 for teachers (even their own class) and students', async () => {
    assertError(await t1.post(`/api/classes/${cls.b.id}/students`, { user_ids: [ids.s1] }), 403, 'forbidden');
    assertError(await s1.post(`/api/classes/${cls.b.id}/students`, { user_ids: [ids.s1] }), 403, 'forbidden');
    assertError(await t1.del(`/api/classes/${cls.a.id}/students/${ids.s1}`), 403, 'forbidden');
    assertError(await s1.del(`/api/classes/${cls.a.id}/students/${ids.s1}`), 403, 'forbidden');
    assert.equal((await admin.get(`/api/classes/${cls.b.id}`)).json.class.student_count, 0);
    assert.equal((await admin.get(`/api/classes/${cls.a.id}`)).json.class.student_count, 3);
  });

  test('remove: 204, then 404 when the student is no longer in the class', async () => {
    const r = await admin.del(`/api/classes/${cls.a.id}/students/${ids.s3}`);
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    const d = await admin.get(`/api/classes/${cls.a.id}`);
    assert.deepEqual(d.json.students.map((u) => u.id).sort(), [ids.s1, ids.s2].sort());
    assert.equal(d.json.class.student_count, 2);
    assertError(await admin.del(`/api/classes/${cls.a.id}/students/${ids.s3}`), 404, 'not_found');
    assertError(await admin.del(`/api/classes/${cls.b.id}/students/${ids.s1}`), 404, 'not_found');
    assertError(await admin.del(`/api/classes/999999/students/${ids.s1}`), 404, 'not_found');
    assertError(await admin.del(`/api/classes/${cls.a.id}/students/999999`), 404, 'not_found');
  });
});

describe('reading classes', () => {
  before(async () => {
    const r = await admin.post(`/api/classes/${cls.c.id}/students`, { user_ids: [ids.s1] });
    assert.equal(r.status, 200, r.text);
  });

  test('admin lists every class of the institution, sorted by name', async () => {
    const r = await admin.get('/api/classes');
    assert.equal(r.status, 200);
    r.json.classes.forEach((c) => assertClass(c));
    assert.deepEqual(r.json.classes.map((c) => c.name), ['Alpha Care 2026', 'Bravo Care 2026', 'Charlie Care 2026', '养'.repeat(100)]);
    const a = r.json.classes.find((c) => c.id === cls.a.id);
    assert.equal(a.student_count, 2);
    assert.deepEqual(a.teacher, { id: ids.t1, name: 'Teacher One' });
  });

  test('a teacher lists the classes they teach', async () => {
    const r = await t1.get('/api/classes');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.classes.map((c) => c.id), [cls.a.id, cls.b.id]);
    const r2 = await t2.get('/api/classes');
    assert.deepEqual(r2.json.classes.map((c) => c.id), [cls.c.id, cls.long.id]);
  });

  test('a student lists the classes they are in', async () => {
    const r = await s1.get('/api/classes');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.classes.map((c) => c.id), [cls.a.id, cls.c.id]);
    const s3 = await loginAs(srv, 'c.s3');
    assert.deepEqual((await s3.get('/api/classes')).json.classes, []);
  });

  test('a verifier sees no classes of the college', async () => {
    const v = await loginAs(srv, 'c.v');
    const r = await v.get('/api/classes');
    assert.ok(r.status === 403 || (r.status === 200 && r.json.classes.length === 0), `${r.status} ${r.text}`);
  });

  test('detail: admin and the class\'s teacher read it, students sorted by name', async () => {
    for (const c of [admin, t1]) {
      const r = await c.get(`/api/classes/${cls.a.id}`);
      assert.equal(r.status, 200, r.text);
      assertClass(r.json.class, { id: cls.a.id, name: 'Alpha Care 2026', student_count: 2 });
      assert.deepEqual(r.json.students.map((u) => u.name), ['Alan Student', 'Carol Student']);
      r.json.students.forEach((u) => assertUser(u));
    }
  });

  test('detail: another teacher and students get 403', async () => {
    assertError(await t2.get(`/api/classes/${cls.a.id}`), 403, 'forbidden');
    assertError(await s1.get(`/api/classes/${cls.a.id}`), 403, 'forbidden');
    assertError(await new Client(srv.url).get(`/api/classes/${cls.a.id}`), 401, 'unauthenticated');
  });

  test('detail: unknown class 404, malformed id 400', async () => {
    assertError(await admin.get('/api/classes/999999'), 404, 'not_found');
    assertError(await admin.get('/api/classes/abc'), 400, 'bad_request');
  });

  test('GET /api/users/{id} lists a student\'s classes', async () => {
    const r = await admin.get(`/api/users/${ids.s1}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.classes.map((c) => c.id).sort(), [cls.a.id, cls.c.id].sort());
    r.json.classes.forEach((c) => assertClass(c));
    const self = await s1.get(`/api/users/${ids.s1}`);
    assert.deepEqual(self.json.classes.map((c) => c.id).sort(), [cls.a.id, cls.c.id].sort());
  });
});

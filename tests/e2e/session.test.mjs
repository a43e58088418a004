// Sessions, CSRF, the current user, password change and the language of errors.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { assertError, assertUser, loginAs, hasCJK, PASSWORD } from './lib/util.mjs';

let srv;
let inst;
const ids = {};
const anon = (opts) => new Client(srv.url, opts);

before(async () => {
  srv = await startServer();
  inst = srv.addInstitution('Session Vocational College', '会话职业学院', 'CN');
  ids.admin = srv.addUser({ institution: inst, role: 'admin', login: 'sess.admin', name: 'Sess Admin' });
  ids.en = srv.addUser({ institution: inst, role: 'teacher', login: 'sess.en', name: 'English Teacher', lang: 'en' });
  ids.zh = srv.addUser({ institution: inst, role: 'student', login: 'sess.zh', name: '王芳 Wang Fang', lang: 'zh-CN' });
  ids.pw = srv.addUser({ institution: inst, role: 'student', login: 'sess.pw', name: 'Password Changer' });
  ids.lang = srv.addUser({ institution: inst, role: 'student', login: 'sess.lang', name: 'Lang Switcher', lang: 'en' });
});
after(async () => {
  const r = await srv?.stop();
  if (r) assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
});

describe('login', () => {
  test('login sets an HttpOnly, SameSite=Strict, Path=/ cc_session cookie and returns user, institution, csrf', async () => {
    const c = anon();
    const r = await c.login('sess.admin', PASSWORD);
    assert.equal(r.status, 200, r.text);
    const set = r.headers.get('set-cookie');
    assert.match(set, /(^|,\s*)cc_session=[^;,\s]{16,}/, `Set-Cookie: ${set}`);
    const attrs = set.split(';').map((s) => s.trim().toLowerCase());
    assert.ok(attrs.includes('httponly'), `HttpOnly missing: ${set}`);
    assert.ok(attrs.includes('samesite=strict'), `SameSite=Strict missing: ${set}`);
    assert.ok(attrs.includes('path=/'), `Path=/ missing: ${set}`);
    assertUser(r.json.user, { id: ids.admin, login: 'sess.admin', name: 'Sess Admin', role: 'admin', institution_id: inst });
    assert.deepEqual(r.json.institution, {
      id: inst, name: { en: 'Session Vocational College', 'zh-CN': '会话职业学院' }, country: 'CN',
    });
    assert.equal(typeof r.json.csrf, 'string');
    assert.ok(r.json.csrf.length >= 16, 'csrf token too short');
    assert.ok(!set.includes(r.json.csrf), 'the CSRF token must not be the cookie');
  });

  test('each login gets a different session and CSRF token', async () => {
    const a = await loginAs(srv, 'sess.admin');
    const b = await loginAs(srv, 'sess.admin');
    assert.notEqual(a.cookie, b.cookie);
    assert.notEqual(a.csrf, b.csrf);
  });

  test('wrong password and unknown login give the same 401 invalid_credentials', async () => {
    const wrong = await anon().login('sess.en', 'not-the-password');
    assertError(wrong, 401, 'invalid_credentials');
    assert.doesNotMatch(wrong.headers.get('set-cookie') ?? '', /cc_session=[^;\s]+/, 'no session on a failed login');
    const unknown = await anon().login('no.such.user', 'not-the-password');
    assertError(unknown, 401, 'invalid_credentials');
    assert.deepEqual(unknown.json, wrong.json);
  });

  test('a missing password or login is not a server error', async () => {
    const r = await anon().post('/api/session', { login: 'sess.en' });
    assert.ok([401, 422].includes(r.status), `${r.status} ${r.text}`);
    const r2 = await anon().post('/api/session', { login: 5, password: ['x'] });
    assert.ok([401, 422].includes(r2.status), `${r2.status} ${r2.text}`);
  });

  test('a forged or unknown session cookie is 401 unauthenticated', async () => {
    const r = await anon().get('/api/me', { cookie: 'cc_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    assertError(r, 401, 'unauthenticated');
    const r2 = await anon().get('/api/me', { cookie: 'cc_session=' });
    assertError(r2, 401, 'unauthenticated');
  });
});

describe('current user', () => {
  test('GET /api/me returns user, institution and a CSRF token that works', async () => {
    const c = await loginAs(srv, 'sess.en');
    const r = await c.get('/api/me');
    assert.equal(r.status, 200);
    assertUser(r.json.user, { id: ids.en, login: 'sess.en', role: 'teacher', lang: 'en', institution_id: inst });
    assert.equal(r.json.institution.id, inst);
    assert.equal(typeof r.json.csrf, 'string');
    // A page reload learns the token from /api/me: use it.
    const c2 = new Client(srv.url);
    c2.cookie = c.cookie;
    c2.csrf = r.json.csrf;
    const p = await c2.patch('/api/me', { name: 'English Teacher' });
    assert.equal(p.status, 200, p.text);
  });

  test('GET /api/me without a session is 401 unauthenticated', async () => {
    assertError(await anon().get('/api/me'), 401, 'unauthenticated');
  });

  test('GET /api/institution returns the caller\'s college', async () => {
    const c = await loginAs(srv, 'sess.zh');
    const r = await c.get('/api/institution');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { institution: { id: inst, name: { en: 'Session Vocational College', 'zh-CN': '会话职业学院' }, country: 'CN' } });
    assertError(await anon().get('/api/institution'), 401, 'unauthenticated');
  });

  test('logout: 204, cookie cleared, the old cookie no longer works', async () => {
    const c = await loginAs(srv, 'sess.en');
    const cookie = c.cookie;
    const csrf = c.csrf;
    const r = await c.del('/api/session');
    assert.equal(r.status, 204, r.text);
    const set = r.headers.get('set-cookie') ?? '';
    assert.match(set, /cc_session=/, 'logout clears the cookie');
    assert.ok(/cc_session=;|cc_session=""|max-age=0|expires=thu, 01 jan 1970/i.test(set), `cookie not cleared: ${set}`);
    const after = new Client(srv.url);
    after.cookie = cookie;
    after.csrf = csrf;
    assertError(await after.get('/api/me'), 401, 'unauthenticated');
    assertError(await after.patch('/api/me', { name: 'Ghost' }), 401, 'unauthenticated');
  });

  test('logout ends only that session', async () => {
    const one = await loginAs(srv, 'sess.admin');
    const two = await loginAs(srv, 'sess.admin');
    assert.equal((await one.del('/api/session')).status, 204);
    assert.equal((await two.get('/api/me')).status, 200, 'the other session of the same user stays');
    assertError(await new Client(srv.url).del('/api/session'), 401, 'unauthenticated');
  });

  test('PATCH /api/me validates name and lang', async () => {
    const c = await loginAs(srv, 'sess.en');
    assertError(await c.patch('/api/me', { lang: 'fr' }), 422, 'invalid_field', 'lang');
    assertError(await c.patch('/api/me', { lang: 'zh' }), 422, 'invalid_field', 'lang');
    assertError(await c.patch('/api/me', { name: '' }), 422, 'invalid_field', 'name');
    assertError(await c.patch('/api/me', { name: 'x'.repeat(101) }), 422, 'invalid_field', 'name');
    assertError(await c.patch('/api/me', { name: 42 }), 422, 'invalid_field', 'name');
    const me = await c.get('/api/me');
    assert.equal(me.json.user.name, 'English Teacher');
    assert.equal(me.json.user.lang, 'en');
    // 100 characters are allowed, counted as characters, not bytes.
    const long = '张'.repeat(100);
    const ok = await c.patch('/api/me', { name: long });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.user.name, long);
    assert.equal((await c.patch('/api/me', { name: 'English Teacher' })).status, 200);
  });

  test('PATCH /api/me lang persists across logins', async () => {
    const c = await loginAs(srv, 'sess.lang');
    const r = await c.patch('/api/me', { lang: 'zh-CN' });
    assert.equal(r.status, 200, r.text);
    assertUser(r.json.user, { id: ids.lang, lang: 'zh-CN' });
    assert.equal(r.json.institution.id, inst);
    assert.equal(typeof r.json.csrf, 'string');
    const again = await new Client(srv.url).login('sess.lang', PASSWORD);
    assert.equal(again.status, 200);
    assert.equal(again.json.user.lang, 'zh-CN');
    // The new language is used for errors at once.
    const e = await c.get('/api/users');
    assertError(e, 403, 'forbidden');
    assert.ok(hasCJK(e.json.error.message), `expected Chinese: ${e.json.error.message}`);
    // Name change persists too.
    const n = await c.patch('/api/me', { name: 'Lang Switcher 2' });
    assert.equal(n.status, 200);
    assert.equal(n.json.user.name, 'Lang Switcher 2');
    assert.equal(n.json.user.lang, 'zh-CN', 'changing the name keeps the language');
    assert.equal((await c.get('/api/me')).json.user.name, 'Lang Switcher 2');
  });
});

describe('CSRF', () => {
  let c;
  let classId;
  before(async () => {
    c = await loginAs(srv, 'sess.admin');
    const k = await c.post('/api/classes', { name: 'CSRF Target Class', teacher_id: ids.en });
    assert.equal(k.status, 201, k.text);
    classId = k.json.class.id;
  });

  test('PATCH /api/me without X-CSRF-Token is 403 csrf_failed and changes nothing', async () => {
    const bare = new Client(srv.url);
    bare.cookie = c.cookie;
    assertError(await bare.patch('/api/me', { name: 'Hacked' }), 403, 'csrf_failed');
    assert.equal((await c.get('/api/me')).json.user.name, 'Sess Admin');
  });

  test('a wrong X-CSRF-Token is 403 csrf_failed', async () => {
    const forged = new Client(srv.url);
    forged.cookie = c.cookie;
    forged.csrf = 'x'.repeat(c.csrf.length);
    assertError(await forged.patch('/api/me', { name: 'Hacked' }), 403, 'csrf_failed');
    forged.csrf = c.csrf.slice(0, -1);
    assertError(await forged.patch('/api/me', { name: 'Hacked' }), 403, 'csrf_failed');
    assert.equal((await c.get('/api/me')).json.user.name, 'Sess Admin');
  });

  test('the CSRF token of another session is refused', async () => {
    const other = await loginAs(srv, 'sess.admin');
    const mixed = new Client(srv.url);
    mixed.cookie = c.cookie;
    mixed.csrf = other.csrf;
    assertError(await mixed.post('/api/users', { login: 'csrf.victim', name: 'V', role: 'student', password: PASSWORD }), 403, 'csrf_failed');
    const list = await c.get('/api/users?q=csrf.victim');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.users, []);
  });

  test('every state-changing endpoint checks the token (POST, PUT, PATCH, DELETE)', async () => {
    const bare = new Client(srv.url);
    bare.cookie = c.cookie;
    assertError(await bare.post('/api/users', { login: 'csrf.nobody', name: 'N', role: 'student', password: PASSWORD }), 403, 'csrf_failed');
    assertError(await bare.post('/api/users/import', 'login,name,role,password\r\ncsrf.imp,I,student,correct-horse-9\r\n', { 'content-type': 'text/csv' }), 403, 'csrf_failed');
    assertError(await bare.post('/api/classes', { name: 'CSRF class', teacher_id: ids.en }), 403, 'csrf_failed');
    assertError(await bare.post(`/api/classes/${classId}/students`, { user_ids: [ids.zh] }), 403, 'csrf_failed');
    assert.equal((await c.post(`/api/classes/${classId}/students`, { user_ids: [ids.pw] })).status, 200);
    assertError(await bare.del(`/api/classes/${classId}/students/${ids.pw}`), 403, 'csrf_failed');
    assertError(await bare.put('/api/me/password', { current: PASSWORD, new: 'another-pass-1' }), 403, 'csrf_failed');
    assertError(await bare.del('/api/session'), 403, 'csrf_failed');
    // The session survived the logout attempt, nothing was created.
    assert.equal((await c.get('/api/me')).status, 200);
    assert.deepEqual((await c.get('/api/users?q=csrf.')).json.users, []);
    assert.deepEqual((await c.get('/api/classes')).json.classes.filter((k) => k.name === 'CSRF class'), []);
    const detail = await c.get(`/api/classes/${classId}`);
    assert.deepEqual(detail.json.students.map((u) => u.id), [ids.pw], 'enrolment unchanged by refused requests');
  });

  test('POST /api/session needs no token', async () => {
    const r = await new Client(srv.url).post('/api/session', { login: 'sess.admin', password: PASSWORD });
    assert.equal(r.status, 200);
  });
});

describe('password change', () => {
  test('wrong current password is 422 field current; too short a new one is 422 field new', async () => {
    const c = await loginAs(srv, 'sess.pw');
    assertError(await c.put('/api/me/password', { current: 'not-the-password', new: 'brand-new-pass-1' }), 422, 'invalid_field', 'current');
    assertError(await c.put('/api/me/password', { current: PASSWORD, new: 'short7!' }), 422, 'invalid_field', 'new');
    assertError(await c.put('/api/me/password', { current: PASSWORD, new: 'x'.repeat(257) }), 422, 'invalid_field', 'new');
    assertError(await c.put('/api/me/password', { current: PASSWORD }), 422, 'invalid_field', 'new');
  });

  test('success: 204, old password fails, new works, other sessions end, this one stays', async () => {
    const c = await loginAs(srv, 'sess.pw');
    const other = await loginAs(srv, 'sess.pw');
    const r = await c.put('/api/me/password', { current: PASSWORD, new: 'brand-new-pass-1' });
    assert.equal(r.status, 204, r.text);
    assertError(await other.get('/api/me'), 401, 'unauthenticated');
    assert.equal((await c.get('/api/me')).status, 200, 'the session that changed the password stays');
    assertError(await new Client(srv.url).login('sess.pw', PASSWORD), 401, 'invalid_credentials');
    const fresh = await new Client(srv.url).login('sess.pw', 'brand-new-pass-1');
    assert.equal(fresh.status, 200);
  });
});

describe('language of errors', () => {
  test('Accept-Language zh-CN gives a Chinese message, en an English one, same code', async () => {
    const zh = await anon({ lang: 'zh-CN' }).get('/api/me');
    const en = await anon({ lang: 'en' }).get('/api/me');
    assertError(zh, 401, 'unauthenticated');
    assertError(en, 401, 'unauthenticated');
    assert.ok(hasCJK(zh.json.error.message), `zh-CN: ${zh.json.error.message}`);
    assert.ok(!hasCJK(en.json.error.message) && /[a-z]/i.test(en.json.error.message), `en: ${en.json.error.message}`);
  });

  test('no Accept-Language, or only unsupported languages, gives English', async () => {
    for (const lang of [undefined, 'fr-FR, de;q=0.8', '*']) {
      const r = await anon({ lang }).get('/api/no-such-thing');
      assertError(r, 404, 'not_found');
      assert.ok(!hasCJK(r.json.error.message), `${lang}: ${r.json.error.message}`);
    }
  });

  test('any zh* means zh-CN; the first supported language wins', async () => {
    for (const lang of ['zh', 'zh-TW', 'zh-Hans-CN', 'fr-FR, zh;q=0.8', 'ZH-cn']) {
      const r = await anon({ lang }).get('/api/no-such-thing');
      assert.ok(hasCJK(r.json.error.message), `${lang}: ${r.json.error.message}`);
    }
    for (const lang of ['en-US, zh-CN;q=0.5', 'de, en;q=0.9, zh;q=0.8', 'en-GB']) {
      const r = await anon({ lang }).get('/api/no-such-thing');
      assert.ok(!hasCJK(r.json.error.message), `${lang}: ${r.json.error.message}`);
    }
  });

  test('invalid_credentials and validation errors are translated', async () => {
    const zh = await anon({ lang: 'zh-CN' }).login('no.such.user', 'wrong-password');
    assertError(zh, 401, 'invalid_credentials');
    assert.ok(hasCJK(zh.json.error.message), zh.json.error.message);
    const h = { 'content-type': 'application/json' };
    const bad = await anon({ lang: 'zh-CN' }).post('/api/session', '{', h);
    assertError(bad, 400, 'bad_json');
    assert.ok(hasCJK(bad.json.error.message), bad.json.error.message);
  });

  test('a logged-in user\'s lang wins over Accept-Language', async () => {
    const zhUser = await loginAs(srv, 'sess.zh', PASSWORD, { lang: 'en' });
    const r = await zhUser.get('/api/users');
    assertError(r, 403, 'forbidden');
    assert.ok(hasCJK(r.json.error.message), `zh-CN user with Accept-Language en: ${r.json.error.message}`);
    const v = await zhUser.patch('/api/me', { lang: 'xx' });
    assertError(v, 422, 'invalid_field', 'lang');
    assert.ok(hasCJK(v.json.error.message), v.json.error.message);

    const enUser = await loginAs(srv, 'sess.en', PASSWORD, { lang: 'zh-CN' });
    const r2 = await enUser.get('/api/users');
    assertError(r2, 403, 'forbidden');
    assert.ok(!hasCJK(r2.json.error.message), `en user with Accept-Language zh-CN: ${r2.json.error.message}`);
  });
});

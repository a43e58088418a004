// Login rate limiting: 5 failed attempts per account, 20 per address, within 15 minutes.
// Each limit gets its own server so the counters of one test cannot leak into the other.
import { test, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { assertError, PASSWORD } from './lib/util.mjs';

const servers = [];
after(async () => {
  for (const s of servers) {
    const r = await s.stop();
    assert.equal(r.code, 0, `server exit ${JSON.stringify(r)}`);
  }
});

async function fresh(users) {
  const srv = await startServer();
  servers.push(srv);
  const inst = srv.addInstitution('Rate Limit College', '限流学院', 'CN');
  for (const login of users) srv.addUser({ institution: inst, role: 'student', login, name: login });
  return srv;
}

function assertRetryAfter(r) {
  const ra = r.headers.get('retry-after');
  assert.ok(ra !== null, 'Retry-After header missing');
  assert.match(ra, /^\d+$/, `Retry-After must be seconds: ${ra}`);
  const n = Number(ra);
  assert.ok(n >= 1 && n <= 15 * 60, `Retry-After ${n} outside 1..900`);
}

describe('rate limiting', () => {
  test('after 5 failed logins on one account: 429 with Retry-After, even with the right password', async () => {
    const srv = await fresh(['victim.one', 'bystander']);
    for (let i = 1; i <= 5; i++) {
      const r = await new Client(srv.url).login('victim.one', `wrong-password-${i}`);
      assertError(r, 401, 'invalid_credentials');
    }
    const r = await new Client(srv.url).login('victim.one', PASSWORD);
    assertError(r, 429, 'rate_limited');
    assertRetryAfter(r);
    assert.doesNotMatch(r.headers.get('set-cookie') ?? '', /cc_session=[^;\s]+/, 'no session while rate limited');
    // Another account from the same address is not locked by that.
    const other = await new Client(srv.url).login('bystander', PASSWORD);
    assert.equal(other.status, 200, other.text);
  });

  test('the account limit also applies when the login is written in capitals', async () => {
    const srv = await fresh(['victim.two']);
    for (let i = 1; i <= 5; i++) {
      const r = await new Client(srv.url).login(i % 2 ? 'victim.two' : 'VICTIM.TWO', `wrong-password-${i}`);
      assert.ok([401, 422].includes(r.status), `${r.status} ${r.text}`);
    }
    const r = await new Client(srv.url).login('victim.two', PASSWORD);
    assertError(r, 429, 'rate_limited');
    assertRetryAfter(r);
  });

  test('after 20 failed logins from one address: 429 for any account, and X-Forwarded-For does not help', async () => {
    const srv = await fresh(['good.user']);
    for (let i = 1; i <= 20; i++) {
      const r = await new Client(srv.url).login(`nobody.${i}`, 'wrong-password');
      assertError(r, 401, 'invalid_credentials');
    }
    const r = await new Client(srv.url).login('good.user', PASSWORD);
    assertError(r, 429, 'rate_limited');
    assertRetryAfter(r);
    const spoofed = await new Client(srv.url).post('/api/session', { login: 'good.user', password: PASSWORD },
      { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.7', forwarded: 'for=203.0.113.7' });
    assertError(spoofed, 429, 'rate_limited');
  });
});

// carecampus credential canon|sign and carecampus verify (docs/credentials.md)
// against independent software, fully offline: credentials the CLI signs are
// verified by @digitalcredentials/vc with the eddsa-rdfc-2022 cryptosuite and
// the security document loader; credentials that library signs are verified
// by the CLI; VC-JWTs made with jose (RS256, ES256, EdDSA) are verified by
// the CLI with a pinned did:web document. Plus the 1EdTech vectors through the
// CLI, tampering, usage errors and bad input.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vc from '@digitalcredentials/vc';
import { DataIntegrityProof } from '@digitalcredentials/data-integrity';
import { cryptosuite } from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import { securityLoader } from '@digitalcredentials/security-document-loader';
import * as Ed25519Multikey from '@digitalcredentials/ed25519-multikey';
import * as jose from 'jose';
import { binaryPath } from '../lib/server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(root, 'tests', 'fixtures', 'ob3');
const tmp = mkdtempSync(join(tmpdir(), 'carecampus-credential-'));
const data = join(tmp, 'data');
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(args, { input } = {}) {
  const r = spawnSync(binaryPath(), args, { input: input ?? '', encoding: 'utf8' });
  // The sanitizer build exits 1 on a memory error too: never let that pass for a refusal.
  assert.doesNotMatch(r.stderr, /Sanitizer/, `carecampus ${args.join(' ')}: ${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name, content) {
  const p = join(tmp, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return p;
}

/* `carecampus verify --json FILE [ARGS]`: the exit status and the report. */
function verify(path, ...args) {
  const r = run(['verify', '--json', ...args, path]);
  assert.ok(r.status === 0 || r.status === 1, `verify: exit ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  assert.equal(report.verified, r.status === 0);
  return { status: r.status, report };
}

/* The document loader of the independent verifier: its bundled contexts and did:key, plus the
 * CLR 2.0 context (which no npm package ships; CareCampus vendors it). No network. */
function documentLoader() {
  const loader = securityLoader({ fetchRemoteContexts: false });
  const clr = JSON.parse(readFileSync(join(root, 'src/credential/contexts/clr-v2p0-context-2.0.1.json'), 'utf8'));
  loader.addStatic('https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json', clr);
  return loader.build();
}

async function jsVerify(credential) {
  const suite = new DataIntegrityProof({ cryptosuite });
  return vc.verifyCredential({ credential, suite, documentLoader: documentLoader() });
}

const ob3 = {
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: 'urn:uuid:3f6d2c1e-8a4b-4c7d-9e21-5b0a7f3c2d11',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: { type: ['Profile'], name: 'Changsha Vocational College of Care', url: 'https://care.example.edu' },
  validFrom: '2026-03-01T00:00:00Z',
  name: 'Safe transfer from bed to wheelchair',
  credentialSubject: {
    id: 'did:example:student-0042',
    type: ['AchievementSubject'],
    achievement: {
      id: 'urn:uuid:0e3d8b7a-2c41-4f9e-8a6d-1b2c3d4e5f60',
      type: ['Achievement'],
      name: 'Safe transfer',
      description: 'Transfers a resident from bed to wheelchair safely, with a gait belt.',
      criteria: { narrative: 'Observed three times by a teacher with the skills checklist.' },
      inLanguage: 'en',
      alignment: [{
        type: ['Alignment'], targetName: 'Transfers', targetUrl: 'https://example.org/case/items/transfer',
        targetCode: 'NA-12', targetType: 'CFItem', targetFramework: 'Nurse aide skills',
      }],
    },
  },
};

describe('carecampus credential and verify', () => {
  let signed;

  before(() => {
    const r = run(['init', '--data', data, '--name-en', 'Test College', '--name-zh', '测试学院', '--country', 'CN']);
    assert.equal(r.status, 0, r.stderr);
  });

  test('canon reproduces the 1EdTech vectors byte for byte', () => {
    for (const dir of ['obv3p0', 'clrv2p0']) {
      const text = readFileSync(join(fixtures, dir, 'vector.txt'), 'utf8');
      const at = text.indexOf('{', text.indexOf('Signed credential'));
      // The signed credential is the last JSON object of the vector.
      const signedVector = JSON.parse(text.slice(at, text.lastIndexOf('}') + 1));
      const p = file(`${dir}.json`, signedVector);
      const doc = run(['credential', 'canon', p]);
      assert.equal(doc.status, 0, doc.stderr);
      assert.equal(doc.stdout, readFileSync(join(fixtures, dir, 'document-canon.txt'), 'utf8'));
      const proof = run(['credential', 'canon', '--proof', p]);
      assert.equal(proof.status, 0, proof.stderr);
      assert.equal(proof.stdout, readFileSync(join(fixtures, dir, 'proof-canon.txt'), 'utf8'));
    }
  });

  test('sign: an OB 3.0 credential signed by the CLI verifies with @digitalcredentials/vc', async () => {
    const r = run(['credential', 'sign', '--data', data, file('unsigned.json', ob3)]);
    assert.equal(r.status, 0, r.stderr);
    signed = JSON.parse(r.stdout);
    assert.match(signed.issuer.id, /^did:key:z6Mk/);
    assert.equal(signed.issuer.name, ob3.issuer.name);
    assert.equal(signed.proof.type, 'DataIntegrityProof');
    assert.equal(signed.proof.cryptosuite, 'eddsa-rdfc-2022');
    assert.equal(signed.proof.verificationMethod, `${signed.issuer.id}#${signed.issuer.id.slice(8)}`);
    const result = await jsVerify(signed);
    assert.equal(result.verified, true, JSON.stringify(result.error || result.results));
    // The same key signs again (one key per institution, kept in the data directory).
    const again = JSON.parse(run(['credential', 'sign', '--data', data, file('unsigned.json', ob3)]).stdout);
    assert.equal(again.issuer.id, signed.issuer.id);
    // ...and verifies with the CLI.
    const v = verify(file('signed.json', signed));
    assert.equal(v.status, 0, JSON.stringify(v.report));
    assert.deepEqual(v.report.checks.map((c) => c.result), Array(8).fill('passed'));
  });

  test('the independent verifier also refuses what the CLI refuses', async () => {
    const changed = structuredClone(signed);
    changed.credentialSubject.achievement.name = 'Something else';
    assert.equal((await jsVerify(changed)).verified, false);
    const v = verify(file('changed.json', changed));
    assert.equal(v.status, 1);
    assert.equal(v.report.error, 'signature_invalid');
  });

  test('a CLR 2.0 record signed by the CLI verifies with @digitalcredentials/vc', async () => {
    const clr = {
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
      id: 'urn:uuid:9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      type: ['VerifiableCredential', 'ClrCredential'],
      issuer: { type: ['Profile'], name: 'Test College' },
      name: 'Learner record',
      credentialSubject: {
        id: 'did:example:student-0042', type: 'ClrSubject',
        verifiableCredential: [signed],
        achievement: [signed.credentialSubject.achievement],
        association: [{ type: 'Association', associationType: 'isParentOf',
          sourceId: 'urn:uuid:0e3d8b7a-2c41-4f9e-8a6d-1b2c3d4e5f60', targetId: 'urn:uuid:0e3d8b7a-2c41-4f9e-8a6d-1b2c3d4e5f61' }],
      },
    };
    const r = run(['credential', 'sign', '--data', data, file('clr.json', clr)]);
    assert.equal(r.status, 0, r.stderr);
    const record = JSON.parse(r.stdout);
    const result = await jsVerify(record);
    assert.equal(result.verified, true, JSON.stringify(result.error || result.results));
    assert.equal(verify(file('clr-signed.json', record)).status, 0);
  });

  test('verify: a credential signed by @digitalcredentials/vc verifies with the CLI', async () => {
    const seed = new Uint8Array(32).fill(42);
    const first = await Ed25519Multikey.generate({ seed });
    const controller = `did:key:${first.publicKeyMultibase}`;
    const keyPair = await Ed25519Multikey.generate({ seed, controller });
    const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite });
    const credential = structuredClone(ob3);
    credential.issuer = { id: controller, type: ['Profile'], name: 'Partner Community College' };
    const issued = await vc.issue({ credential, suite, documentLoader: documentLoader() });
    const v = verify(file('js-signed.json', issued));
    assert.equal(v.status, 0, JSON.stringify(v.report));
    assert.equal(v.report.issuer, controller);
    assert.equal(v.report.algorithm, 'eddsa-rdfc-2022');
    // Its canonical form is the same in both implementations: the signature proves it.
    issued.name = 'changed';
    assert.equal(verify(file('js-signed-changed.json', issued)).report.error, 'signature_invalid');
  });

  describe('VC-JWT from other issuers (jose)', () => {
    const did = 'did:web:partner.example.edu';
    for (const alg of ['RS256', 'ES256', 'EdDSA']) {
      test(`${alg}`, async () => {
        const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true });
        const jwk = await jose.exportJWK(publicKey);
        const didDoc = file(`did-${alg}.json`, {
          '@context': ['https://www.w3.org/ns/did/v1'], id: did,
          verificationMethod: [{ id: `${did}#key-1`, type: 'JsonWebKey', controller: did, publicKeyJwk: jwk }],
          assertionMethod: [`${did}#key-1`],
        });
        const credential = structuredClone(ob3);
        credential.issuer = { id: did, type: ['Profile'], name: 'Partner Community College' };
        const jwt = await new jose.SignJWT({ vc: credential })
          .setProtectedHeader({ alg, kid: `${did}#key-1`, typ: 'JWT' })
          .setIssuer(did).setJti(credential.id).setSubject(credential.credentialSubject.id)
          .setNotBefore(Math.floor(Date.parse(credential.validFrom) / 1000))
          .sign(privateKey);
        const ok = verify(file(`${alg}.jwt`, jwt), '--did-document', didDoc);
        assert.equal(ok.status, 0, JSON.stringify(ok.report));
        assert.equal(ok.report.format, 'jwt');
        assert.equal(ok.report.algorithm, alg);
        // Without the pinned document nothing can be fetched: the key is unresolved.
        assert.equal(verify(file(`${alg}.jwt`, jwt)).report.error, 'method_unresolved');
        // Signed by another key under the same kid.
        const other = await jose.generateKeyPair(alg);
        const forged = await new jose.SignJWT({ vc: credential })
          .setProtectedHeader({ alg, kid: `${did}#key-1` }).setIssuer(did).sign(other.privateKey);
        assert.equal(verify(file(`${alg}-forged.jwt`, forged), '--did-document', didDoc).report.error, 'signature_invalid');
        // Expired.
        const old = await new jose.SignJWT({ vc: credential })
          .setProtectedHeader({ alg, kid: `${did}#key-1` }).setIssuer(did).setExpirationTime(1767225600)
          .sign(privateKey);
        assert.equal(verify(file(`${alg}-old.jwt`, old), '--did-document', didDoc).report.error, 'expired');
      });
    }
  });

  test('tampered credentials fail for the right reason', () => {
    const cases = [
      ['changed field', (c) => { c.name = 'Gold'; }, 'signature_invalid'],
      ['changed proof', (c) => { c.proof.created = '2030-01-01T00:00:00Z'; }, 'signature_invalid'],
      ['wrong key', (c) => { c.proof.verificationMethod = 'did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi'; }, 'method_not_authorized'],
      ['wrong context', (c) => { c['@context'][1] = 'https://example.org/contexts/evil.json'; }, 'context_not_bundled'],
      ['missing proof field', (c) => { delete c.proof.proofPurpose; }, 'proof_field'],
      ['wrong cryptosuite', (c) => { c.proof.cryptosuite = 'eddsa-jcs-2022'; }, 'unsupported_cryptosuite'],
      ['no proof', (c) => { delete c.proof; }, 'no_proof'],
      ['expired', (c) => { c.validUntil = '2020-01-01T00:00:00Z'; }, 'expired'],
    ];
    for (const [name, change, error] of cases) {
      const c = structuredClone(signed);
      change(c);
      const v = verify(file('tampered.json', c));
      assert.equal(v.status, 1, name);
      assert.ok(v.report.checks.some((k) => k.result === 'failed' && k.error === error),
        `${name}: want ${error}, got ${JSON.stringify(v.report.checks)}`);
    }
    // Not yet valid: checked at an earlier --now.
    const early = verify(file('signed.json', signed), '--now', '2025-01-01T00:00:00Z');
    assert.equal(early.report.error, 'not_yet_valid');
  });

  test('the text report names every check; exit 0 only when all pass', () => {
    const good = run(['verify', file('signed.json', signed)]);
    assert.equal(good.status, 0);
    assert.match(good.stdout, /^verified\n/);
    for (const c of ['format', 'contexts', 'proof', 'cryptosuite', 'method', 'signature', 'dates'])
      assert.match(good.stdout, new RegExp(`  ${c} +passed`));
    const c = structuredClone(signed);
    c.name = 'x';
    const bad = run(['verify', file('bad.json', c)]);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /^NOT VERIFIED/);
    assert.match(bad.stdout, /signature +FAILED +signature_invalid/);
  });

  test('bad input is refused without crashing', () => {
    assert.equal(run(['verify', file('garbage.txt', 'hello')]).status, 1);
    assert.equal(verify(file('array.json', '[1,2,3]')).report.error, 'not_json');
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    assert.equal(verify(file('deep.json', deep)).report.error, 'too_large');
    const huge = run(['verify', file('huge.json', `{"x":"${'a'.repeat(1100000)}"}`)]);
    assert.equal(huge.status, 1);
    assert.match(huge.stderr, /larger than/);
    const undefinedTerm = run(['credential', 'canon', file('undef.json', { ...ob3, nickname: 'x' })]);
    assert.equal(undefinedTerm.status, 1);
    assert.match(undefinedTerm.stderr, /nickname.*undefined_term/);
    const notBundled = run(['credential', 'canon', file('nb.json', { ...ob3, '@context': ['https://www.w3.org/ns/credentials/v2', 'https://example.org/x.json'] })]);
    assert.equal(notBundled.status, 1);
    assert.match(notBundled.stderr, /context not bundled: https:\/\/example.org\/x.json/);
    // A credential for another issuer is not signed.
    const foreign = run(['credential', 'sign', '--data', data, file('foreign.json', { ...ob3, issuer: 'did:web:elsewhere.example' })]);
    assert.equal(foreign.status, 1);
    assert.match(foreign.stderr, /issuer_mismatch/);
    const twice = run(['credential', 'sign', '--data', data, file('twice.json', signed)]);
    assert.equal(twice.status, 1);
    assert.match(twice.stderr, /already_signed/);
  });

  test('usage errors exit 2', () => {
    for (const args of [['credential'], ['credential', 'frob'], ['credential', 'canon'], ['verify'],
      ['verify', '--now', 'soon', 'x.json'], ['credential', 'sign', '--institution', 'zero', 'x.json'],
      ['credential', 'sign', '--created', 'today', 'x.json']]) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.status} ${r.stderr}`);
      assert.match(r.stderr, /--help/);
    }
    const noInst = run(['credential', 'sign', '--data', data, '--institution', '99', file('u.json', ob3)]);
    assert.equal(noInst.status, 1);
    assert.match(noInst.stderr, /no such institution/);
  });
});

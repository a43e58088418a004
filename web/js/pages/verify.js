// /verify and /verify/{id} — public (no login): anyone pastes or uploads a credential, or arrives
// from a QR code or share link, and sees who issued it to whom for what, each check with its
// result in plain words, and the competencies it is aligned to in both frameworks (crosswalk).
import { L, Lpick, Ldate } from '../i18n.js';
import { api } from '../api.js';
import { h, card, button, busy, pageHeader, field, errorState, loading, dl } from '../ui.js';

const MAX = 1024 * 1024;
const CHECKS = ['format', 'contexts', 'proof', 'cryptosuite', 'method', 'signature', 'dates', 'status'];
/* Error names of the verifier that have a plain-words explanation in the catalogs. */
const EXPLAINED = new Set(['too_large', 'not_json', 'not_a_credential', 'context_not_bundled', 'invalid_jsonld',
  'undefined_term', 'protected_term_redefinition', 'too_complex', 'no_proof', 'proof_type', 'unsupported_cryptosuite',
  'proof_field', 'proof_purpose', 'proof_value', 'method_unresolved', 'method_not_authorized', 'signature_invalid',
  'not_yet_valid', 'expired', 'invalid_date', 'invalid_jwt', 'unsupported_algorithm', 'key_type', 'context_mismatch',
  'revoked', 'suspended', 'status_unavailable', 'status_invalid', 'issuer_mismatch']);

const explain = (code) => (EXPLAINED.has(code) ? L(`verify.error.${code}`) : L('verify.error.other'));

/* Text of {en, zh-CN} in the page's language, or a plain string. */
const pick = (v) => (v && typeof v === 'object' ? Lpick(v) : v || '');

/* Only images that are data: URIs of pictures are shown: nothing is fetched from elsewhere. */
const safeImage = (src) => (typeof src === 'string' && /^data:image\/(svg\+xml|png|jpeg|gif|webp);base64,/.test(src) ? src : null);

function checkRow(c) {
  const ok = c.result === 'passed';
  const tag = h('span', { class: `tag ${ok ? 'tag-success' : c.result === 'failed' ? 'tag-danger' : 'tag-muted'}` },
    L(`verify.result.${c.result}`));
  return h('li', { class: `check-row check-${c.result}`, dataset: { check: c.check, result: c.result } },
    h('div', { class: 'check-head' }, h('span', { class: 'check-name' }, L(`verify.check.${c.check}`)), tag),
    h('p', { class: 'check-why' }, c.result === 'failed' ? explain(c.error) : L(`verify.ok.${c.check}`)),
    c.detail ? h('p', { class: 'check-detail mono' }, c.detail) : null);
}

function alignmentItem(a) {
  const stored = a.stored;
  const name = stored ? [stored.human_coding, pick(stored.statement)].filter(Boolean).join(' ') : a.targetName;
  const fw = stored ? pick(stored.framework.title) : a.targetFramework;
  const cross = (a.crosswalk || []).map((x) => h('li', { class: 'crosswalk-item' },
    h('span', { class: `tag ${x.type === 'exactMatchOf' ? 'tag-exact' : 'tag-related'}` }, L(x.type === 'exactMatchOf' ? 'verify.exact' : 'verify.related')), ' ',
    h('span', { class: 'mono' }, x.item.human_coding || ''), ' ', pick(x.item.statement),
    h('span', { class: 'muted' }, ' — ', pick(x.item.framework.title))));
  return h('li', { class: 'alignment' },
    h('p', h('strong', name), fw ? h('span', { class: 'muted' }, ' — ', fw) : null),
    cross.length ? h('div', { class: 'crosswalk' }, h('p', { class: 'hint' }, L('verify.crosswalk')), h('ul', cross)) : null);
}

/* Both editions of our own achievements, only for a credential that verified: else what it says. */
function achievementCard(a, ok) {
  const ed = ok ? a.editions : null;
  const text = (k) => (ed ? Lpick({ en: ed.en[k], 'zh-CN': ed['zh-CN'][k] }) : a[k] || '');
  const img = safeImage(a.image);
  return h('section', { class: 'card achievement-view' },
    h('div', { class: 'achievement-head' },
      img ? h('img', { class: 'badge-image', src: img, alt: '', width: 96, height: 96 }) : null,
      h('div', h('h2', { class: 'card-title' }, text('name')), h('p', text('description')))),
    dl([[L('verify.criteria'), text('criteria')]]),
    a.alignments && a.alignments.length
      ? h('div', h('h3', { class: 'subhead' }, L('verify.competencies')), h('ul', { class: 'alignment-list' }, a.alignments.map(alignmentItem)))
      : null);
}

function renderResult(box, data, uuid) {
  const r = data.report;
  const c = data.credential;
  const ok = r.verified;
  const first = r.checks.find((x) => x.result === 'failed');
  const banner = h('div', { class: `verify-banner ${ok ? 'is-ok' : 'is-bad'}`, role: 'status', dataset: { verified: String(ok) } },
    h('span', { class: 'verify-icon', 'aria-hidden': 'true' }, ok ? '✓' : '✕'),
    h('div', h('p', { class: 'verify-verdict' }, L(ok ? 'verify.verified' : 'verify.not_verified')),
      h('p', ok ? L('verify.verified_body') : first ? explain(first.error) : L('verify.error.other'))));
  const parts = [banner];
  if (c) {
    const issuer = ok && c.issuer.names ? Lpick(c.issuer.names) : c.issuer.name || c.issuer.id;
    parts.push(card(L('verify.summary'), dl([
      [L('verify.what'), ok && c.kind === 'badge' && c.achievements[0] && c.achievements[0].editions
        ? Lpick({ en: c.achievements[0].editions.en.name, 'zh-CN': c.achievements[0].editions['zh-CN'].name })
        : c.name || (c.achievements[0] && c.achievements[0].name) || ''],
      [L('verify.issued_to'), c.subject.name || c.subject.id || L('verify.unknown')],
      [L('verify.issued_by'), issuer],
      r.validFrom ? [L('verify.valid_from'), Ldate(r.validFrom, { dateStyle: 'long' })] : null,
      [L('verify.valid_until'), r.validUntil ? Ldate(r.validUntil, { dateStyle: 'long' }) : L('verify.no_expiry')],
      c.kind === 'clr' ? [L('verify.badges_inside'), String(c.credentials)] : null,
      [L('verify.issuer_id'), h('span', { class: 'mono break' }, c.issuer.id || '')],
      r.method ? [L('verify.key'), h('span', { class: 'mono break' }, r.method)] : null,
      r.statusFetched ? [L('verify.status_copy'), Ldate(r.statusFetched, { dateStyle: 'medium', timeStyle: 'short' })] : null,
    ])));
    for (const a of c.achievements || []) parts.push(achievementCard(a, ok));
  }
  parts.push(card(L('verify.checks'), h('ul', { class: 'check-list' }, r.checks.filter((x) => CHECKS.includes(x.check)).map(checkRow))));
  if (uuid) {
    parts.push(h('p', h('a', { href: `/api/public/credentials/${uuid}`, download: `credential-${uuid}.json` }, L('verify.download'))));
  }
  box.replaceChildren(...parts);
}

export async function mount(root, ctx) {
  ctx.setTitle(L('verify.title'));
  const result = h('div', { class: 'verify-result', 'aria-live': 'polite' });
  const text = field({
    name: 'credential', label: L('verify.paste_label'), hint: L('verify.paste_hint'), kind: 'textarea',
    attrs: { rows: 7, spellcheck: 'false', autocomplete: 'off', class: 'input mono', dataset: { field: 'credential' } },
  });
  const upload = field({ name: 'file', label: L('verify.file_label'), type: 'file', attrs: { accept: '.json,.jwt,.txt,application/json,text/plain' } });
  upload.control.addEventListener('change', async () => {
    const f = upload.control.files && upload.control.files[0];
    if (!f) return;
    if (f.size > MAX) { upload.setError(L('verify.too_large')); return; }
    upload.setError(null);
    text.control.value = await f.text();
    run();
  });
  const check = button(L('verify.check_button'), { variant: 'primary', onClick: () => run(), dataset: { action: 'verify' } });
  root.append(pageHeader(L('verify.title'), { lead: L('verify.lead') }),
    card(null, text.el, upload.el, h('div', { class: 'form-actions' }, check)),
    result);

  async function show(promise, uuid) {
    result.replaceChildren(loading(L('verify.checking')));
    try {
      const data = await promise;
      if (ctx.isCurrent()) renderResult(result, data, uuid);
    } catch (e) {
      if (ctx.isCurrent()) result.replaceChildren(errorState(e));
    }
  }

  async function run() {
    const body = text.control.value.trim();
    if (!body) { text.setError(L('verify.empty')); text.control.focus(); return; }
    if (body.length > MAX) { text.setError(L('verify.too_large')); return; }
    text.setError(null);
    const done = busy(check);
    await show(api('POST', '/api/verify', body, { contentType: 'application/json', allowAnonymous: true }));
    done();
  }

  if (ctx.params.uuid) {
    await show(api('GET', `/api/verify/${ctx.params.uuid}`, undefined, { allowAnonymous: true }), ctx.params.uuid);
  }
}

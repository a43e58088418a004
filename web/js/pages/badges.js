// /badges — a student's badges: each with its status, a download of the signed credential (JSON),
// a share link (the public verification page), an "add to LinkedIn" link, and the learner record
// (CLR 2.0) and printable transcript of all of them.
import { L, Lpick, Ldate } from '../i18n.js';
import { get } from '../api.js';
import { h, card, pageHeader, loading, emptyState, errorState, button, busy, toast } from '../ui.js';
import { copyButton } from './lrs-clients.js';

/* A link that downloads V as a JSON file NAME. */
export function jsonDownload(label, name, v, attrs = {}) {
  const a = h('a', { class: 'btn btn-secondary btn-sm', download: name, href: '#', ...attrs }, label);
  a.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(v, null, 2)], { type: 'application/json' }));
    a.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  });
  return a;
}

/* LinkedIn's add-to-profile address for a certification. */
export function linkedInUrl(b, issuerName) {
  const d = new Date(b.issued_at);
  const q = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: Lpick(b.achievement.name).text(),
    organizationName: issuerName,
    issueYear: String(d.getUTCFullYear()),
    issueMonth: String(d.getUTCMonth() + 1),
    certUrl: b.verify_url,
    certId: b.uuid,
  });
  if (b.valid_until) {
    const e = new Date(b.valid_until);
    q.set('expirationYear', String(e.getUTCFullYear()));
    q.set('expirationMonth', String(e.getUTCMonth() + 1));
  }
  return `https://www.linkedin.com/profile/add?${q}`;
}

export const statusTag = (status) => h('span', {
  class: `tag ${status === 'valid' ? 'tag-success' : status === 'revoked' ? 'tag-danger' : 'tag-muted'}`,
  dataset: { status },
}, L(`badges.status.${status}`));

function badgeCard(b) {
  const issuer = b.credential && b.credential.issuer ? b.credential.issuer.name : '';
  const img = typeof b.image === 'string' && b.image.startsWith('data:image/svg+xml;base64,') ? b.image : null;
  const actions = [
    jsonDownload(L('badges.download'), `badge-${b.uuid}.json`, b.credential, { dataset: { action: 'download' } }),
    copyButton(L('badges.share'), L('badges.share_label', { name: Lpick(b.achievement.name).text() }), () => b.verify_url, { dataset: { copy: 'share' } }),
    h('a', { class: 'btn btn-secondary btn-sm', href: `/verify/${b.uuid}`, dataset: { link: 'verify' } }, L('badges.verify')),
  ];
  if (b.status === 'valid') {
    actions.push(h('a', {
      class: 'btn btn-secondary btn-sm', href: linkedInUrl(b, issuer), target: '_blank', rel: 'noopener noreferrer',
      dataset: { link: 'linkedin' },
    }, L('badges.linkedin')));
  }
  return h('li', { class: 'card badge-card', dataset: { badge: b.uuid } },
    img ? h('img', { class: 'badge-image', src: img, alt: '', width: 88, height: 88 }) : null,
    h('div', { class: 'badge-body' },
      h('h2', { class: 'badge-name' }, Lpick(b.achievement.name)),
      h('p', { class: 'badge-meta' }, statusTag(b.status), ' ',
        L('badges.issued_on'), ' ', Ldate(b.issued_at, { dateStyle: 'medium' }),
        b.valid_until ? [' · ', L('badges.valid_until'), ' ', Ldate(b.valid_until, { dateStyle: 'medium' })] : null),
      b.status === 'revoked' && b.revoke_reason ? h('p', { class: 'hint' }, L('badges.revoked_because', { reason: b.revoke_reason })) : null,
      h('div', { class: 'badge-actions' }, actions)));
}

export async function mount(root, ctx) {
  ctx.setTitle(L('badges.title'));
  const clrBtn = button(L('badges.clr'), { onClick: downloadClr, dataset: { action: 'clr' } });
  const transcript = h('a', { class: 'btn btn-secondary', href: '/badges/transcript', dataset: { link: 'transcript' } }, L('badges.transcript'));
  const list = h('div', { class: 'list-area' }, loading(L('common.loading')));
  root.append(pageHeader(L('badges.title'), { lead: L('badges.lead'), actions: [clrBtn, transcript] }), list);

  async function downloadClr() {
    const done = busy(clrBtn);
    try {
      const clr = await get('/api/me/clr');
      const url = URL.createObjectURL(new Blob([JSON.stringify(clr, null, 2)], { type: 'application/json' }));
      const a = h('a', { href: url, download: 'learner-record.json', hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (e) {
      toast(e.message, { kind: 'error' });
    } finally {
      done();
    }
  }

  try {
    const data = await get('/api/me/badges');
    if (!ctx.isCurrent()) return;
    if (!data.badges.length) {
      list.replaceChildren(card(null, emptyState({ title: L('badges.empty_title'), body: L('badges.empty_body') })));
      return;
    }
    list.replaceChildren(h('ul', { class: 'badge-grid' }, data.badges.map(badgeCard)));
  } catch (e) {
    list.replaceChildren(errorState(e, { retry: () => ctx.navigate('/badges', { replace: true }) }));
  }
}

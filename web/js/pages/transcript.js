// /badges/transcript — a printable bilingual transcript of a student's badges, with a QR code
// (drawn by the server) that opens the public verification of the signed learner record.
import { L, Lpick } from '../i18n.js';
import { get } from '../api.js';
import { h, loading, errorState, button, pageHeader } from '../ui.js';

/* Both languages at once (a transcript is read by people of either): dates as YYYY-MM-DD. */
const day = (iso) => (iso ? iso.slice(0, 10) : '—');

export async function mount(root, ctx) {
  ctx.setTitle(L('transcript.title'));
  const body = h('div', loading(L('common.loading')));
  root.append(pageHeader(L('transcript.title'), {
    lead: L('transcript.lead'),
    actions: button(L('transcript.print'), { variant: 'primary', onClick: () => window.print(), dataset: { action: 'print' } }),
  }), body);
  try {
    const d = await get('/api/me/transcript');
    if (!ctx.isCurrent()) return;
    const qr = d.qr_svg ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(d.qr_svg)}` : null;
    const rows = d.badges.filter((b) => b.status !== 'revoked').map((b) => h('tr', { dataset: { badge: b.uuid } },
      h('td', h('span', { lang: 'en' }, b.achievement.name.en), h('br'), h('span', { lang: 'zh-CN' }, b.achievement.name['zh-CN'])),
      h('td', day(b.issued_at)),
      h('td', b.valid_until ? day(b.valid_until) : '—'),
      h('td', h('span', { lang: 'en' }, b.status === 'valid' ? 'Valid' : 'Expired'), ' / ', h('span', { lang: 'zh-CN' }, b.status === 'valid' ? '有效' : '已过期'))));
    body.replaceChildren(h('article', { class: 'transcript card', dataset: { record: d.record } },
      h('header', { class: 'transcript-head' },
        h('div',
          h('p', { class: 'transcript-issuer', lang: 'en' }, d.issuer.en),
          h('p', { class: 'transcript-issuer', lang: 'zh-CN' }, d.issuer['zh-CN']),
          h('h2', { class: 'transcript-title' }, h('span', { lang: 'en' }, 'Transcript of badges'), ' · ', h('span', { lang: 'zh-CN' }, '徽章成绩单')),
          h('p', h('span', { lang: 'en' }, 'Learner'), ' / ', h('span', { lang: 'zh-CN' }, '学习者'), ': ', h('strong', d.student.name)),
          h('p', { class: 'hint' }, h('span', { lang: 'en' }, 'Printed'), ' / ', h('span', { lang: 'zh-CN' }, '打印日期'), ': ', day(d.printed_at))),
        qr ? h('figure', { class: 'transcript-qr' },
          h('img', { src: qr, alt: Lpick({ en: 'QR code: verify this record online', 'zh-CN': '二维码：在线验证此记录' }), width: 132, height: 132 }),
          h('figcaption', h('span', { lang: 'en' }, 'Scan to verify'), h('br'), h('span', { lang: 'zh-CN' }, '扫码验证'))) : null),
      rows.length
        ? h('table', { class: 'table transcript-table' },
          h('thead', h('tr', ...[['Badge', '徽章'], ['Issued', '颁发日期'], ['Valid until', '有效期至'], ['Status', '状态']].map(([en, zh]) =>
            h('th', { scope: 'col' }, h('span', { lang: 'en' }, en), h('br'), h('span', { lang: 'zh-CN' }, zh))))),
          h('tbody', rows))
        : h('p', h('span', { lang: 'en' }, 'No badges yet.'), ' ', h('span', { lang: 'zh-CN' }, '暂无徽章。')),
      h('p', { class: 'transcript-foot hint' },
        h('span', { lang: 'en' }, 'Each badge is a signed Open Badges 3.0 credential; the whole record is a signed CLR 2.0 learner record: '),
        h('span', { lang: 'zh-CN' }, '每枚徽章均为经签名的 Open Badges 3.0 凭证，整份记录为经签名的 CLR 2.0 学习者记录：'),
        h('span', { class: 'mono break' }, d.verify_url))));
  } catch (e) {
    body.replaceChildren(errorState(e));
  }
}

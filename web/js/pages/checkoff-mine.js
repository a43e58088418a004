// /checkoffs/mine — students: the skill check-offs their teachers recorded in the training lab,
// latest first, with what was missed and the teacher's comment.
import { L } from '../i18n.js';
import { get } from '../api.js';
import { h, button, pageHeader, emptyState, loading, errorState } from '../ui.js';
import { resultItem, checklistDetail } from './checkoff.js';

export async function mount(root, ctx) {
  const me = ctx.session.user;
  ctx.setTitle(L('checkoff.mine_title'));
  const count = h('p', { class: 'result-count', 'aria-live': 'polite' });
  const list = h('div', loading(L('checkoff.history_loading')));
  const more = h('div', { class: 'load-more', hidden: true });
  root.append(h('div', { class: 'checkoff-page' },
    pageHeader(L('checkoff.mine_title'), { lead: L('checkoff.mine_lead') }),
    h('section', { class: 'card', 'aria-label': L('checkoff.mine_title') }, count, list, more)));
  const results = [];
  const lists = new Map();
  await page();

  async function page(before) {
    try {
      const data = await get('/api/checkoff-results', { query: { student: 'me', limit: 50, before } });
      results.push(...(data.results || []));
      const ids = [...new Set(results.map((r) => r.checklist.id))].filter((id) => !lists.has(id));
      await Promise.all(ids.map(async (id) => { try { lists.set(id, await checklistDetail(me.id, id)); } catch { /* steps by id */ } }));
      render(data.more ? data.before : null);
    } catch (err) {
      list.replaceChildren(errorState(err, { retry: () => page(before) }));
    }
  }

  function render(next) {
    const passed = results.filter((r) => r.passed).length;
    count.replaceChildren(results.length ? h('span', L('checkoff.mine_count', { count: results.length, passed })) : '');
    list.replaceChildren(results.length
      ? h('ul', { class: 'result-list' }, results.map((r) => resultItem(r, lists.get(r.checklist.id))))
      : emptyState({ title: L('checkoff.mine_empty_title'), body: L('checkoff.mine_empty_body') }));
    more.hidden = !next;
    more.replaceChildren(next ? button(L('checkoff.load_more'), { onClick: () => page(next) }) : '');
  }
}

// /progress — a student's own mastery; /students/{id}/progress — a teacher's or admin's view of one
// student. A framework picker; the framework as a tree with a level on every competency; the
// evidence that led to the level of the one chosen; and what to practise next.
import { L, loc, onLangChange } from '../i18n.js';
import { get } from '../api.js';
import { h, emptyState, loading, errorState, field, pageHeader, card, setText } from '../ui.js';
import { levelTag, levelLegend, loadItem, statusNotice, learnerPath, LEVELS } from './mastery-ui.js';

const POLL_MS = 2000;

export async function mount(root, ctx) {
  const studentId = ctx.params.id || null;
  const self = !studentId;
  let framework = ctx.query.get('framework') || '';
  let selected = ctx.query.get('item') || '';
  let summary = null;
  let view = null;
  let poll = null;
  let alive = true;

  const title = self ? L('mastery.progress_title') : L('mastery.progress_title_loading');
  ctx.setTitle(title);
  const breadcrumb = self ? null : h('nav', { class: 'breadcrumb', 'aria-label': L('mastery.breadcrumb_label') },
    h('ol', h('li', h('a', { href: '/heatmap' }, L('nav.class_progress'))), h('li', { 'aria-current': 'page' }, h('span', { class: 'crumb-current' }))));
  const header = h('div', pageHeader(title, { breadcrumb, lead: self ? L('mastery.progress_lead') : null }));
  const notice = h('div');
  const body = h('div', loading(L('mastery.loading')));
  root.append(header, notice, body);

  const fFramework = field({ name: 'framework', kind: 'select', label: L('mastery.framework'), idPrefix: 'mp', options: [] });
  fFramework.control.addEventListener('change', () => {
    framework = fFramework.control.value;
    selected = '';
    remember();
    loadFramework();
  });

  const treeArea = h('div', { class: 'tree-area' });
  const detailArea = h('div', { class: 'detail-area', tabindex: '-1' });
  const nextArea = h('div');
  const counts = h('p', { class: 'result-count', 'aria-live': 'polite' });

  const offLang = onLangChange(() => { if (alive) reload(); });
  await reload();
  return () => { alive = false; offLang(); clearTimeout(poll); };

  function remember() {
    const qs = new URLSearchParams();
    if (framework) qs.set('framework', framework);
    if (selected) qs.set('item', selected);
    const want = location.pathname + (qs.toString() ? `?${qs}` : '');
    if (ctx.isCurrent() && want !== location.pathname + location.search) history.replaceState(null, '', want);
  }

  /* Everything again (after a language switch, or the first time): texts come from the server. */
  async function reload() {
    try {
      summary = await get(learnerPath(studentId));
    } catch (err) {
      if (!alive) return;
      if (err.status === 404 || err.status === 403) {
        header.replaceChildren(pageHeader(L('mastery.student_not_found'), { breadcrumb }));
        body.replaceChildren(emptyState({ body: L('mastery.student_not_found_body'), action: h('a', { href: '/heatmap', class: 'btn btn-secondary' }, L('nav.class_progress')) }));
      } else {
        body.replaceChildren(errorState(err, { retry: reload }));
      }
      return;
    }
    if (!alive) return;
    if (!self) {
      const name = summary.learner.name;
      ctx.setTitle(L('mastery.progress_title_of', { name }));
      header.replaceChildren(pageHeader(L('mastery.progress_title_of', { name }), { breadcrumb }));
      setText(breadcrumb.querySelector('.crumb-current'), name);
    }
    const fws = summary.frameworks || [];
    if (!fws.length) {
      body.replaceChildren(emptyState({ title: L('mastery.no_frameworks_title'), body: L('mastery.no_frameworks_body') }));
      return;
    }
    if (!fws.some((f) => f.identifier === framework)) {
      const begun = fws.find((f) => f.started > 0);
      framework = (begun || fws[0]).identifier;
    }
    fFramework.control.replaceChildren(...fws.map((f) => h('option', { value: f.identifier, selected: f.identifier === framework },
      loc(() => `${f.title} (${L('mastery.framework_counts', { started: f.started, count: f.items }).text()})`))));
    fFramework.control.value = framework;
    const layout = h('div', { class: 'mastery-layout' },
      h('section', { class: 'card card-flush tree-card', 'aria-labelledby': 'tree-heading' },
        h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'tree-heading' }, L('mastery.tree_title')), counts),
        h('div', { class: 'tree-tools' }, fFramework.el, levelLegend()),
        treeArea),
      h('div', { class: 'stack' },
        h('section', { class: 'card detail-card', 'aria-labelledby': 'detail-heading' },
          h('h2', { class: 'visually-hidden', id: 'detail-heading' }, L('mastery.detail_title')), detailArea),
        h('div', { class: 'next-card' }, card(L(self ? 'mastery.next_title' : 'mastery.next_title_of'), nextArea))));
    body.replaceChildren(layout);
    await loadFramework();
  }

  async function loadFramework() {
    remember();
    treeArea.replaceChildren(loading(L('mastery.loading')));
    try {
      view = await get(learnerPath(studentId), { query: { framework } });
    } catch (err) {
      if (alive) treeArea.replaceChildren(errorState(err, { retry: loadFramework }));
      return;
    }
    if (!alive) return;
    showStatus(view.status);
    renderTree();
    renderNext(view.practise_next || []);
    const items = view.framework.items;
    if (!items.some((i) => i.identifier === selected)) {
      const first = items.find((i) => i.level > 0 && !i.children) || items.find((i) => !i.children) || items[0];
      selected = first ? first.identifier : '';
    }
    markSelected();
    if (selected) showItem(selected, { focus: false });
  }

  /* While mastery is catching up, say so, and look again shortly. */
  function showStatus(status) {
    notice.replaceChildren(statusNotice(status) || '');
    clearTimeout(poll);
    if (status && status.state !== 'current') {
      poll = setTimeout(async () => {
        if (!alive) return;
        try {
          const fresh = await get(learnerPath(studentId), { query: { framework } });
          if (!alive) return;
          view = fresh;
          showStatus(view.status);
          renderTree();
          renderNext(view.practise_next || []);
          markSelected();
        } catch { /* the next look will tell */ }
      }, POLL_MS);
    }
  }

  function renderTree() {
    const items = view.framework.items;
    const byLevel = LEVELS.map((n) => items.filter((i) => i.level === n).length);
    setText(counts, L('mastery.tree_counts', { count: items.length, started: items.length - byLevel[0], proficient: byLevel[3] + byLevel[4] }));
    // Items come in pre-order with their depth: nest them as lists.
    const rootList = h('ul', { class: 'mastery-tree', role: 'list' });
    const stack = [{ depth: 0, list: rootList }];
    for (const it of items) {
      while (stack.length > 1 && stack[stack.length - 1].depth >= it.depth) stack.pop();
      const li = h('li', { class: 'tree-node', dataset: { id: it.identifier, depth: String(it.depth) } },
        h('button', {
          type: 'button', class: 'tree-row', dataset: { item: it.identifier, coding: it.coding },
          'aria-pressed': 'false', on: { click: () => { selected = it.identifier; markSelected(); remember(); showItem(it.identifier, { focus: true }); } },
        },
        h('span', { class: 'tree-label' },
          h('span', { class: 'item-coding' }, it.coding), ' ',
          h('span', { class: it.children ? 'tree-name tree-parent' : 'tree-name' }, it.name),
          it.critical ? h('span', { class: 'tag tag-critical' }, L('mastery.critical')) : null),
        levelTag(it.level)));
      stack[stack.length - 1].list.append(li);
      if (it.children) {
        const sub = h('ul', { class: 'mastery-tree', role: 'list' });
        li.append(sub);
        stack.push({ depth: it.depth, list: sub });
      }
    }
    treeArea.replaceChildren(rootList);
  }

  function markSelected() {
    for (const b of treeArea.querySelectorAll('.tree-row')) b.setAttribute('aria-pressed', String(b.dataset.item === selected));
  }

  async function showItem(id, { focus }) {
    const shown = await loadItem(detailArea, studentId, id, {
      onPick: (it) => {
        const inTree = view.framework.items.some((x) => x.identifier === it.identifier);
        selected = it.identifier;
        if (inTree) { markSelected(); remember(); }
        showItem(it.identifier, { focus: true });
      },
    });
    if (shown && focus) detailArea.focus({ preventScroll: false });
  }

  function renderNext(next) {
    if (!next.length) {
      nextArea.replaceChildren(emptyState({
        title: L('mastery.next_empty_title'),
        body: L(view.framework.items.some((i) => i.level > 0) ? 'mastery.next_empty_done' : (self ? 'mastery.next_empty_body' : 'mastery.next_empty_body_of')),
      }));
      return;
    }
    nextArea.replaceChildren(h('ol', { class: 'next-list' }, next.map((n) => h('li', { class: 'next-item' },
      h('div', { class: 'next-head' },
        h('button', {
          type: 'button', class: 'item-link', dataset: { next: n.identifier },
          on: { click: () => { selected = n.identifier; markSelected(); remember(); showItem(n.identifier, { focus: true }); } },
        }, h('span', { class: 'item-coding' }, n.coding), ' ', n.name),
        levelTag(n.level)),
      h('p', { class: 'next-reason' }, L(`mastery.reason.${n.reason}`, {
        after: (n.blocked_by || []).map((b) => b.coding).join(', '),
      })),
      n.framework.identifier !== framework ? h('p', { class: 'cell-secondary' }, n.framework.title) : null,
      n.activities.length ? h('p', { class: 'next-activities' }, L('mastery.practise_with', {
        activities: n.activities.map((a) => a.name || a.id).join(' · '),
      })) : null))));
  }
}


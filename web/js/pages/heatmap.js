// /heatmap — teachers (their classes) and admins (every class): a class's students × the
// competencies of a framework at a chosen depth, each cell a level (number and colour). A cell
// opens that student's evidence for that competency.
import { L, Lnum, onLangChange } from '../i18n.js';
import { get } from '../api.js';
import { h, emptyState, loading, errorState, field, pageHeader, openDialog, button, setText } from '../ui.js';
import { levelName, levelLegend, loadItem, statusNotice } from './mastery-ui.js';

const byName = new Intl.Collator('zh-CN');

export async function mount(root, ctx) {
  const isAdmin = ctx.session.user.role === 'admin';
  ctx.setTitle(L('mastery.heatmap_title'));
  let classId = ctx.query.get('class') || '';
  let framework = ctx.query.get('framework') || '';
  let depth = Number(ctx.query.get('depth')) || 1;
  let alive = true;
  let reqSeq = 0;

  const fClass = field({ name: 'class', kind: 'select', label: L('mastery.class'), idPrefix: 'hm', options: [] });
  const fFramework = field({ name: 'framework', kind: 'select', label: L('mastery.framework'), idPrefix: 'hm', options: [] });
  const fDepth = field({ name: 'depth', kind: 'select', label: L('mastery.depth'), idPrefix: 'hm', options: [] });
  const pickers = h('form', { class: 'filters filters-grid heatmap-pickers', role: 'search', 'aria-label': L('mastery.pickers_label'), on: { submit: (e) => e.preventDefault() } },
    fClass.el, fFramework.el, fDepth.el);
  const notice = h('div');
  const area = h('div', { class: 'heatmap-area' }, loading(L('mastery.loading')));
  const count = h('p', { class: 'result-count', 'aria-live': 'polite' });
  root.append(pageHeader(L('mastery.heatmap_title'), { lead: L(isAdmin ? 'mastery.heatmap_lead_admin' : 'mastery.heatmap_lead') }),
    h('section', { class: 'card card-flush', 'aria-labelledby': 'heatmap-heading' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'heatmap-heading' }, L('mastery.heatmap_card')), count),
      pickers, h('div', { class: 'heatmap-legend' }, levelLegend()), notice, area));

  fClass.control.addEventListener('change', () => { classId = fClass.control.value; load(); });
  fFramework.control.addEventListener('change', () => { framework = fFramework.control.value; depth = 1; load(); });
  fDepth.control.addEventListener('change', () => { depth = Number(fDepth.control.value) || 1; load(); });
  const offLang = onLangChange(() => { if (alive) start(); });
  await start();
  return () => { alive = false; offLang(); };

  async function start() {
    let classes, frameworks;
    try {
      [classes, frameworks] = await Promise.all([get('/api/classes'), get('/api/mastery/frameworks')]);
    } catch (err) {
      if (alive) area.replaceChildren(errorState(err, { retry: start }));
      return;
    }
    if (!alive) return;
    classes = classes.classes || [];
    frameworks = frameworks.frameworks || [];
    if (!classes.length) {
      area.replaceChildren(emptyState({
        title: L('mastery.no_classes_title'), body: L(isAdmin ? 'mastery.no_classes_admin' : 'mastery.no_classes_teacher'),
        action: isAdmin ? h('a', { href: '/classes', class: 'btn btn-secondary' }, L('nav.classes')) : null,
      }));
      pickers.hidden = true;
      return;
    }
    if (!frameworks.length) {
      area.replaceChildren(emptyState({ title: L('mastery.no_frameworks_title'), body: L('mastery.no_frameworks_body') }));
      pickers.hidden = true;
      return;
    }
    if (!classes.some((c) => String(c.id) === String(classId))) classId = String(classes[0].id);
    if (!frameworks.some((f) => f.identifier === framework)) framework = frameworks[0].identifier;
    fClass.control.replaceChildren(...classes.map((c) => h('option', { value: String(c.id) }, `${c.name} (${c.student_count})`)));
    fClass.control.value = classId;
    fFramework.control.replaceChildren(...frameworks.map((f) => h('option', { value: f.identifier }, f.title)));
    fFramework.control.value = framework;
    await load();
  }

  function remember() {
    const qs = new URLSearchParams({ class: classId, framework, depth: String(depth) });
    const want = `${location.pathname}?${qs}`;
    if (ctx.isCurrent() && want !== location.pathname + location.search) history.replaceState(null, '', want);
  }

  async function load() {
    const seq = ++reqSeq;
    remember();
    area.setAttribute('aria-busy', 'true');
    if (!area.querySelector('table')) area.replaceChildren(loading(L('mastery.loading')));
    let data;
    try {
      data = await get(`/api/classes/${encodeURIComponent(classId)}/mastery`, { query: { framework, depth } });
    } catch (err) {
      if (seq === reqSeq && alive) area.replaceChildren(errorState(err, { retry: load }));
      return;
    } finally {
      if (seq === reqSeq) area.setAttribute('aria-busy', 'false');
    }
    if (seq !== reqSeq || !alive) return;
    depth = data.depth;
    const deepest = data.framework.depth;
    fDepth.control.replaceChildren(...Array.from({ length: deepest }, (_, i) => h('option', { value: String(i + 1) },
      L(i === 0 ? 'mastery.depth_top' : 'mastery.depth_n', { n: i + 1 }))));
    fDepth.control.value = String(depth);
    remember();
    notice.replaceChildren(statusNotice(data.status) || '');
    render(data);
  }

  function render(data) {
    const { columns } = data;
    // Chinese collation puts Chinese names in pinyin order and Latin names alphabetically.
    const rows = [...data.rows].sort((a, b) => byName.compare(a.student.name, b.student.name));
    setText(count, L('mastery.heatmap_count', { students: rows.length, items: columns.length }));
    if (!rows.length) {
      area.replaceChildren(emptyState({ title: L('mastery.heatmap_empty_title'), body: L('mastery.heatmap_empty_body') }));
      return;
    }
    const proficient = columns.map((_, c) => rows.filter((r) => r.levels[c] >= 3).length);
    const tbl = h('table', { class: 'table heatmap' },
      h('caption', { class: 'visually-hidden' }, L('mastery.heatmap_caption', { class: data.class.name, framework: data.framework.title })),
      h('thead', h('tr',
        h('th', { scope: 'col', class: 'hm-student' }, L('mastery.col_student')),
        columns.map((c) => h('th', { scope: 'col', class: 'hm-col', title: c.statement || c.name },
          h('span', { class: 'hm-coding' }, c.coding), h('span', { class: 'hm-name' }, c.name))))),
      h('tbody', rows.map((r) => h('tr',
        h('th', { scope: 'row', class: 'hm-student' },
          h('a', { href: `/students/${encodeURIComponent(r.student.id)}/progress?framework=${encodeURIComponent(framework)}` }, r.student.name)),
        r.levels.map((level, c) => h('td', { class: 'hm-cell-wrap' },
          h('button', {
            type: 'button', class: `hm-cell level-${level}`, dataset: { level: String(level), student: r.student.login, item: columns[c].identifier },
            'aria-haspopup': 'dialog',
            'aria-label': L('mastery.cell_label', { name: r.student.name, coding: columns[c].coding, item: columns[c].name, n: level, level: levelName(level) }),
            on: { click: () => openCell(r.student, columns[c]) },
          }, String(level))))))),
      h('tfoot', h('tr',
        h('th', { scope: 'row', class: 'hm-student' }, L('mastery.col_proficient')),
        proficient.map((n) => h('td', { class: 'hm-total' }, L('mastery.proficient_of', { n: Lnum(n), count: rows.length }))))));
    area.replaceChildren(h('div', { class: 'table-wrap heatmap-wrap' }, tbl));
  }

  function openCell(student, column) {
    const content = h('div', { class: 'cell-detail' });
    const d = openDialog({
      title: L('mastery.cell_title', { name: student.name, coding: column.coding }), wide: true, content,
      actions: [
        h('a', { class: 'btn btn-secondary', href: `/students/${encodeURIComponent(student.id)}/progress?framework=${encodeURIComponent(framework)}&item=${encodeURIComponent(column.identifier)}`, on: { click: () => d.close() } }, L('mastery.open_progress')),
        button(L('common.close'), { onClick: () => d.close() }),
      ],
    });
    loadItem(content, student.id, column.identifier, { headingLevel: 'h3' });
  }
}

// /literacy/classes — teachers (and administrators): choose a class.
// /literacy/classes/{id} — a class's digital literacy: the profile (every student's latest
//   result, certified first, with the level per area; the class's distribution per area) and the
//   item statistics (which competences and questions the class finds hardest).
import { L, Lpick, Ldate, Lnum, loc } from '../i18n.js';
import { get } from '../api.js';
import { h, table, emptyState, loading, errorState, pageHeader, card } from '../ui.js';
import { levelTag, levelBar, modeName, largeTextToggle, BANDS } from './literacy.js';

export async function mount(root, ctx) {
  if (ctx.params.id) return classView(root, ctx, ctx.params.id);
  return classList(root, ctx);
}

async function classList(root, ctx) {
  ctx.setTitle(L('literacy.class.title'));
  const body = h('div', loading(L('common.loading')));
  root.append(h('div', { class: 'lit-page' }, pageHeader(L('literacy.class.title'), { lead: L('literacy.class.lead') }), body));
  try {
    const data = await get('/api/classes');
    const classes = data.classes || [];
    body.replaceChildren(classes.length
      ? h('section', { class: 'card card-flush', 'aria-label': L('literacy.class.title') },
        h('ul', { class: 'choice-list' }, classes.map((c) => h('li',
          h('a', { class: 'choice', href: `/literacy/classes/${c.id}`, dataset: { classId: String(c.id) } },
            h('span', { class: 'choice-text' },
              h('span', { class: 'choice-primary' }, c.name),
              h('span', { class: 'choice-secondary' }, L('literacy.class.teacher_students', { name: c.teacher.name, count: c.student_count }))),
            h('span', { class: 'choice-chevron', 'aria-hidden': 'true' }))))))
      : emptyState({ title: L('literacy.class.no_classes_title'), body: L('literacy.class.no_classes_body') }));
  } catch (err) {
    body.replaceChildren(errorState(err));
  }
}

async function classView(root, ctx, id) {
  const tab = ctx.query.get('tab') === 'items' ? 'items' : 'profile';
  ctx.setTitle(L('literacy.class.title'));
  const page = h('div', { class: 'lit-page' });
  const breadcrumb = h('nav', { class: 'breadcrumb', 'aria-label': L('literacy.class.breadcrumb') },
    h('ol', h('li', h('a', { href: '/literacy/classes' }, L('literacy.class.title'))), h('li', { 'aria-current': 'page' }, h('span', { class: 'crumb-current' }))));
  const headerSlot = h('div', pageHeader(L('literacy.class.title'), { breadcrumb }));
  const body = h('div', { class: 'lit-body' }, loading(L('common.loading')));
  page.append(headerSlot, body);
  root.append(page);
  try {
    const [cls, data] = await Promise.all([
      get(`/api/classes/${encodeURIComponent(id)}`),
      get(`/api/literacy/classes/${encodeURIComponent(id)}/${tab === 'items' ? 'items' : 'profile'}`),
    ]);
    const name = cls.class.name;
    ctx.setTitle(loc(() => `${name} · ${L('literacy.class.title').text()}`));
    breadcrumb.querySelector('.crumb-current').textContent = name;
    const tabs = h('nav', { class: 'lit-tabs', 'aria-label': L('literacy.class.views') },
      h('a', { href: `/literacy/classes/${id}`, 'aria-current': tab === 'profile' ? 'page' : null }, L('literacy.class.tab_profile')),
      h('a', { href: `/literacy/classes/${id}?tab=items`, 'aria-current': tab === 'items' ? 'page' : null }, L('literacy.class.tab_items')));
    headerSlot.replaceChildren(pageHeader(name, { breadcrumb, lead: L(tab === 'items' ? 'literacy.class.items_lead' : 'literacy.class.profile_lead'), actions: largeTextToggle(page) }), tabs);
    body.replaceChildren(...(tab === 'items' ? itemsView(data) : profileView(data)));
  } catch (err) {
    body.replaceChildren(errorState(err));
  }
}

function profileView(data) {
  const students = data.students || [];
  const tested = students.filter((s) => s.test);
  const sum = data.summary;
  if (!students.length) return [emptyState({ title: L('literacy.class.empty_title'), body: L('literacy.class.empty_body') })];
  const overview = card(L('literacy.class.summary_title'),
    h('p', { class: 'lit-summary-line' }, L('literacy.class.tested', { tested: tested.length, count: students.length })),
    tested.length ? table({
      caption: L('literacy.class.summary_title'),
      columns: [
        { label: L('literacy.col_area'), cell: (a) => h('span', h('span', { class: 'lit-code' }, a.code || ''), ' ', a.name ? Lpick(a.name) : L('literacy.class.overall')), rowHeader: true },
        { label: L('literacy.class.col_mean_level'), cell: (a) => levelTag(a.mean_level) },
        { label: h('span', { class: 'visually-hidden' }, L('literacy.col_bar')), cell: (a) => (a.mean_level ? levelBar(a.mean_level) : ''), class: 'lit-col-bar' },
        { label: L('literacy.class.col_distribution'), cell: (a) => distribution(a.levels), class: 'lit-col-dist' },
      ],
      rows: [{ ...sum.overall, code: '', name: null }, ...sum.areas],
    }) : emptyState({ title: L('literacy.class.none_tested_title'), body: L('literacy.class.none_tested_body') }));
  overview.classList.add('lit-class-summary');
  const areaCodes = ['DC.1', 'DC.2', 'DC.3', 'DC.4', 'DC.5'];
  const roster = card(L('literacy.class.students_title'), table({
    caption: L('literacy.class.students_title'),
    columns: [
      { label: L('literacy.class.col_student'), cell: (s) => h('span', h('span', { class: 'cell-primary' }, s.name), h('span', { class: 'cell-secondary mono' }, s.login)), rowHeader: true },
      { label: L('literacy.class.col_test'), cell: (s) => (s.test ? h('span', h('span', { class: 'cell-primary' }, modeName(s.test.mode)), h('span', { class: 'cell-secondary' }, Ldate(s.test.finished_at))) : h('span', { class: 'muted' }, L('literacy.class.no_test'))) },
      { label: L('literacy.class.col_overall'), cell: (s) => (s.test ? levelTag(s.test.profile.overall.level) : '—') },
      ...areaCodes.map((code, i) => ({
        label: h('abbr', { title: Lpick(sum.areas[i].name) }, code),
        cell: (s) => (s.test ? h('span', { class: 'lit-area-level', dataset: { level: String(s.test.profile.areas[i].level) } }, s.test.profile.areas[i].level ? Lnum(s.test.profile.areas[i].level) : '—') : '—'),
        numeric: true,
      })),
      { label: h('span', { class: 'visually-hidden' }, L('literacy.class.col_open')), cell: (s) => (s.test ? h('a', { href: `/literacy/results/${s.test.id}`, 'aria-label': L('literacy.class.open_result_of', { name: s.name }) }, L('literacy.class.open_result')) : '') },
    ],
    rows: students,
  }));
  roster.classList.add('lit-roster');
  const comps = card(L('literacy.class.competences_title'), table({
    caption: L('literacy.class.competences_title'),
    columns: [
      { label: L('literacy.col_competence'), cell: (c) => h('span', h('span', { class: 'lit-code' }, c.code), ' ', Lpick(c.name)), rowHeader: true },
      { label: L('literacy.class.col_mean_level'), cell: (c) => levelTag(c.mean_level) },
      { label: L('literacy.class.col_assessed'), cell: (c) => Lnum(c.assessed), numeric: true },
    ],
    rows: sum.competences,
  }));
  comps.classList.add('lit-class-comps');
  return [overview, roster, comps];
}

/* How many students are at each level, as text ("L3: 2, L4: 5") with small bars beside. */
function distribution(levels) {
  const parts = [];
  levels.forEach((n, i) => { if (n) parts.push([i + 1, n]); });
  if (!parts.length) return '—';
  const max = Math.max(...levels);
  return h('span', { class: 'lit-dist' },
    h('span', { class: 'lit-dist-bars', 'aria-hidden': 'true' }, levels.map((n, i) => h('span', { class: `lit-dist-bar lit-band-${BANDS[i + 1]} lit-h-${Math.round((6 * n) / max)}` }))),
    h('span', { class: 'lit-dist-text' }, loc(() => parts.map(([l, n]) => L('literacy.class.dist_item', { level: l, count: n }).text()).join(L('literacy.class.dist_sep').text()))));
}

function pct(v) {
  return v === null || v === undefined ? '—' : Lnum(v, { style: 'percent', maximumFractionDigits: 0 });
}

function itemsView(data) {
  const comps = (data.competences || []).filter((c) => c.administered > 0).sort((a, b) => a.mean - b.mean);
  const items = (data.items || []).sort((a, b) => a.usage.mean - b.usage.mean);
  if (!items.length) return [emptyState({ title: L('literacy.class.no_answers_title'), body: L('literacy.class.no_answers_body') })];
  const c = card(L('literacy.class.comp_stats_title'),
    h('p', { class: 'hint' }, L('literacy.class.comp_stats_hint')),
    table({
      caption: L('literacy.class.comp_stats_title'),
      columns: [
        { label: L('literacy.col_competence'), cell: (x) => h('span', h('span', { class: 'lit-code' }, x.code), ' ', Lpick(x.name)), rowHeader: true },
        { label: L('literacy.class.col_answers'), cell: (x) => Lnum(x.administered), numeric: true },
        { label: L('literacy.class.col_mean_score'), cell: (x) => h('span', { class: 'lit-pct' }, h('progress', { class: 'lit-pct-meter', max: '100', value: String(Math.round(100 * (x.mean || 0))), 'aria-hidden': 'true' }), pct(x.mean)), numeric: true },
      ],
      rows: comps,
    }));
  const i = card(L('literacy.class.item_stats_title'),
    h('p', { class: 'hint' }, L('literacy.class.item_stats_hint')),
    table({
      caption: L('literacy.class.item_stats_title'),
      columns: [
        { label: L('literacy.bank.col_item'), cell: (x) => h('span', h('span', { class: 'cell-primary mono' }, x.id), h('span', { class: 'cell-secondary lit-stem-short' }, Lpick(x.stem))), rowHeader: true, class: 'lit-col-stem' },
        { label: L('literacy.col_competence'), cell: (x) => x.competence },
        { label: L('literacy.bank.col_level'), cell: (x) => Lnum(x.level), numeric: true },
        { label: L('literacy.bank.col_type'), cell: (x) => L(`literacy.bank.type.${x.type}`) },
        { label: L('literacy.class.col_answers'), cell: (x) => Lnum(x.usage.administered), numeric: true },
        { label: L('literacy.class.col_mean_score'), cell: (x) => pct(x.usage.mean), numeric: true },
      ],
      rows: items,
    }));
  return [c, i];
}


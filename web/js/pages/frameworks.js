// /frameworks — the competency frameworks (CASE 1.1) of the server: everyone browses them;
// administrators upload packages (with the import report), export and remove their college's.
// /frameworks/{id} — one framework: its tree (collapsible, keyboard operable), search, and the
// panel of the chosen item with its parent path, children, matches in other frameworks side by
// side and the activities aligned to it. /frameworks/items/{id} finds an item's framework.
import { L, Ldate, loc, bind, formatNumber } from '../i18n.js';
import { get, del, upload } from '../api.js';
import {
  h, table, emptyState, loading, errorState, field, errorSummary, formErrors, button, busy, toast,
  pageHeader, openDialog, confirmDialog, card, dl, uid, setText, debounce,
} from '../ui.js';
import { pickLang } from './statements.js';

const MAX_PACKAGE = 32 * 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/* ---- Bilingual CASE text: the translation in the UI language, else the main field ---- */

export function caseText(obj, key, main) {
  return loc((l) => (obj && obj.translations && obj.translations[l] && obj.translations[l][key]) || main || '');
}
export const docTitle = (d) => caseText(d, 'title', d && d.title);
export const itemStatement = (it) => caseText(it, 'fullStatement', it && it.full_statement);
/* The short name of an item: its abbreviated statement, else its statement. */
export const itemName = (it) => loc((l) => {
  const tr = (it && it.translations && it.translations[l]) || {};
  return tr.abbreviatedStatement || tr.fullStatement || it.abbreviated_statement || it.full_statement || '';
});

const LEVEL_WORDS = ['', 'one', 'two', 'three', 'four', 'five'];

/* "Levels 5–3" / "五级至三级" from the 养老护理员 levels an item is required at. */
function levelsText(levels) {
  const sorted = [...levels].sort((a, b) => b - a);
  const name = (n) => L(`frameworks.level_${LEVEL_WORDS[n]}`).text();
  const contiguous = sorted.every((n, i) => i === 0 || sorted[i - 1] - n === 1);
  if (sorted.length === 1) return L('frameworks.levels_one', { a: name(sorted[0]) }).text();
  if (contiguous) return L('frameworks.levels_range', { a: name(sorted[0]), b: name(sorted[sorted.length - 1]) }).text();
  return L('frameworks.levels_list', { list: sorted.map(name).join(', ') }).text();
}

export function levelsTag(levels) {
  if (!Array.isArray(levels) || !levels.length) return null;
  return h('span', { class: 'tag tag-level', dataset: { levels: levels.join(',') } }, loc(() => levelsText(levels)));
}

export function criticalTag() {
  return h('span', { class: 'tag tag-critical', dataset: { critical: 'true' } },
    h('span', { 'aria-hidden': 'true' }, '!'), L('frameworks.critical'));
}

function kindTag(d) {
  return h('span', { class: `tag ${d.kind === 'framework' ? 'tag-active' : 'tag-neutral'}`, dataset: { kind: d.kind } },
    L(d.kind === 'framework' ? 'frameworks.kind_framework' : 'frameworks.kind_crosswalk'));
}

function sourceTag(d) {
  let key = 'frameworks.source_other';
  if (d.bundled) key = 'frameworks.source_bundled';
  else if (d.mine) key = 'frameworks.source_mine';
  else if (d.owner_institution_id === null) key = 'frameworks.source_server';
  return h('span', { class: 'tag tag-neutral', dataset: { source: key.split('_').pop() } }, L(key));
}

const frameworkHref = (docId, itemId) => `/frameworks/${docId}${itemId ? `?item=${itemId}` : ''}`;

function exportLink(d, { label = L('frameworks.export') } = {}) {
  return h('a', {
    class: 'btn btn-secondary btn-sm', href: `/api/frameworks/${d.identifier}/package`,
    download: `case-${d.identifier}.json`, dataset: { action: 'export' },
    'aria-label': L('frameworks.export_label', { title: docTitle(d) }),
  }, label);
}

export async function mount(root, ctx) {
  if (ctx.params.item) return resolveItem(root, ctx);
  if (ctx.params.id) return browse(root, ctx);
  return list(root, ctx);
}

/* ---- /frameworks/items/{id}: to the item in its framework ---- */

async function resolveItem(root, ctx) {
  ctx.setTitle(L('frameworks.title'));
  root.append(pageHeader(L('frameworks.title')), loading(L('frameworks.item_loading')));
  try {
    const d = await get(`/api/frameworks/items/${encodeURIComponent(ctx.params.item)}`);
    if (ctx.isCurrent()) ctx.navigate(frameworkHref(d.document.identifier, d.item.identifier), { replace: true });
  } catch (err) {
    root.replaceChildren(pageHeader(L('frameworks.item_missing_title')),
      err.status === 404
        ? emptyState({ body: L('frameworks.item_missing_body'), action: h('a', { href: '/frameworks', class: 'btn btn-secondary' }, L('frameworks.back')) })
        : errorState(err, { retry: () => ctx.navigate(location.pathname, { replace: true }) }));
  }
}

/* ---- /frameworks: the list ---- */

async function list(root, ctx) {
  const isAdmin = ctx.session.user.role === 'admin';
  ctx.setTitle(L('frameworks.title'));
  const actions = isAdmin ? [
    button(L('frameworks.upload'), { variant: 'primary', onClick: () => openUpload(reload), dataset: { action: 'upload' } }),
    h('a', { href: '/alignments', class: 'btn btn-secondary', dataset: { action: 'alignments' } }, L('frameworks.align_activities')),
  ] : null;
  const listArea = h('div', { class: 'list-area' }, loading(L('frameworks.loading')));
  const count = h('p', { class: 'result-count', 'aria-live': 'polite' });
  const search = searchBox({ label: L('frameworks.search_all'), hint: L('frameworks.search_hint') });
  root.append(
    pageHeader(L('frameworks.title'), { actions, lead: L('frameworks.lead') }),
    card(null, search.el),
    h('section', { class: 'card card-flush', 'aria-labelledby': 'fw-list-title' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'fw-list-title' }, L('frameworks.list_title')), count),
      listArea));
  await reload();

  async function reload() {
    try {
      const data = await get('/api/frameworks');
      if (!ctx.isCurrent()) return;
      render(data.frameworks || []);
    } catch (err) {
      count.replaceChildren();
      listArea.replaceChildren(errorState(err, { retry: reload }));
    }
  }

  function render(docs) {
    setText(count, L('frameworks.count', { count: docs.length }));
    if (!docs.length) {
      listArea.replaceChildren(emptyState({
        title: L('frameworks.empty_title'),
        body: L(isAdmin ? 'frameworks.empty_admin' : 'frameworks.empty_body'),
        action: isAdmin ? button(L('frameworks.upload'), { variant: 'primary', onClick: () => openUpload(reload) }) : null,
      }));
      return;
    }
    listArea.replaceChildren(table({
      caption: L('frameworks.table_caption'),
      columns: [
        {
          label: L('frameworks.col_title'), rowHeader: true, class: 'col-title',
          cell: (d) => [
            h('a', { href: frameworkHref(d.identifier), class: 'cell-primary', dataset: { doc: d.identifier } }, docTitle(d)),
            h('span', { class: 'cell-secondary' }, [d.publisher || d.creator, d.version ? L('frameworks.version', { version: d.version }) : null]
              .filter(Boolean).flatMap((x, i) => (i ? [' · ', x] : [x]))),
          ],
        },
        { label: L('frameworks.col_kind'), cell: kindTag },
        {
          label: L('frameworks.col_items'), numeric: true, class: 'col-count',
          cell: (d) => (d.kind === 'framework' ? L('frameworks.items_count', { count: d.item_count }) : L('frameworks.links_count', { count: d.association_count })),
        },
        { label: L('frameworks.col_source'), cell: sourceTag, class: 'hide-medium' },
        { label: L('frameworks.col_changed'), cell: (d) => h('time', { datetime: d.last_change }, Ldate(d.last_change)), class: 'hide-medium col-date' },
        {
          label: h('span', { class: 'visually-hidden' }, L('frameworks.col_actions')), class: 'actions',
          cell: (d) => h('span', { class: 'row-actions' }, exportLink(d),
            d.can_delete ? button(L('frameworks.delete'), {
              variant: 'danger-link', size: 'sm', dataset: { action: 'delete', doc: d.identifier },
              'aria-label': L('frameworks.delete_label', { title: docTitle(d) }),
              onClick: (e) => removeFramework(d, e.currentTarget, reload),
            }) : null),
        },
      ],
      rows: docs,
    }));
  }
}

async function removeFramework(d, btn, after) {
  const ok = await confirmDialog({
    title: L('frameworks.delete_title'),
    body: L('frameworks.delete_body', { title: docTitle(d) }),
    confirmLabel: L('frameworks.delete_confirm'),
    danger: true,
  });
  if (!ok) return false;
  const done = busy(btn);
  try {
    await del(`/api/frameworks/${d.identifier}`);
    toast(L('frameworks.deleted', { title: docTitle(d) }));
    await after();
    return true;
  } catch (err) {
    done();
    toast(err.message, { kind: 'error' });
    return false;
  }
}

/* ---- Upload: a CASE package file, then its report ---- */

function problemList(problems, { kind }) {
  return h('ul', { class: `report-list report-${kind}` }, problems.map((p) => h('li', { dataset: { code: p.code } },
    p.path ? h('code', { class: 'report-path' }, p.path) : null, p.path ? ' ' : null,
    h('span', p.message))));
}

export function reportView(report, { failed }) {
  const parts = [];
  const more = (n, shown) => (n > shown ? h('p', { class: 'hint' }, L('frameworks.report_more', { count: n - shown })) : null);
  if (failed) {
    const titleId = uid('report');
    parts.push(h('div', { class: 'error-summary report-errors', role: 'alert', tabindex: '-1', 'aria-labelledby': titleId },
      h('h2', { class: 'error-summary-title', id: titleId }, L('frameworks.report_failed', { count: report.error_count })),
      h('p', L('frameworks.report_failed_body')),
      problemList(report.errors || [], { kind: 'error' }),
      more(report.error_count, (report.errors || []).length)));
  } else {
    const c = report.changes || {};
    const s = report.stats || {};
    parts.push(h('div', { class: 'notice report-done', role: 'status' },
      h('p', { class: 'notice-title' }, report.imported
        ? L(c.document === 'created' ? 'frameworks.report_created' : 'frameworks.report_replaced', { title: report.document ? report.document.title : '' })
        : L('frameworks.report_valid')),
      h('p', L('frameworks.report_stats', { items: s.items, associations: s.associations, definitions: s.definitions })),
      c.items ? h('p', L('frameworks.report_changes', { created: c.items.created, updated: c.items.updated, removed: c.items.removed })) : null));
  }
  if (report.warning_count) {
    parts.push(h('details', { class: 'report-warnings', open: failed ? null : true },
      h('summary', L('frameworks.report_warnings', { count: report.warning_count })),
      problemList(report.warnings || [], { kind: 'warning' }),
      more(report.warning_count, (report.warnings || []).length)));
  }
  return parts;
}

function openUpload(after) {
  const summary = errorSummary();
  const fFile = field({
    name: 'file', type: 'file', label: L('frameworks.upload_file'), hint: L('frameworks.upload_hint'),
    attrs: { accept: '.json,application/json' }, idPrefix: 'fwu',
  });
  const errors = formErrors(summary, { file: fFile });
  const progress = h('div', { class: 'progress-area', hidden: true, role: 'status' });
  const result = h('div', { class: 'import-result', tabindex: '-1' });
  const formId = uid('upload');
  const submit = button(L('frameworks.upload_submit'), { variant: 'primary', type: 'submit', form: formId });
  const form = h('form', { id: formId, class: 'form', novalidate: true, on: { submit: onSubmit } }, summary.el, fFile.el);
  const d = openDialog({
    title: L('frameworks.upload_title'), wide: true,
    content: [h('p', { class: 'hint' }, L('frameworks.upload_lead')), form, progress, result],
    actions: [submit, button(L('common.close'), { onClick: () => d.close() })],
  });
  fFile.control.focus();

  async function onSubmit(e) {
    e.preventDefault();
    errors.clear();
    result.replaceChildren();
    const file = fFile.control.files && fFile.control.files[0];
    if (!file) { errors.show([{ field: 'file', message: L('frameworks.error_no_file') }]); return; }
    if (file.size > MAX_PACKAGE) {
      errors.show([{ field: 'file', message: L('frameworks.error_too_big', { size: formatNumber(file.size / 1048576, { maximumFractionDigits: 1 }) }) }]);
      return;
    }
    const done = busy(submit);
    const bar = h('progress', { class: 'progress', max: '100', value: '0' });
    const label = h('p', { class: 'progress-label' }, L('frameworks.uploading', { file: file.name }));
    progress.replaceChildren(label, bar);
    progress.hidden = false;
    try {
      const bytes = await file.arrayBuffer();
      const data = await upload('/api/frameworks', bytes, 'application/json', (frac) => {
        if (frac === null) bar.removeAttribute('value');
        else bar.value = Math.round(frac * 100);
        if (frac >= 1) { bar.removeAttribute('value'); setText(label, L('frameworks.checking')); }
      });
      progress.hidden = true;
      result.replaceChildren(...reportView(data.report, { failed: false }));
      toast(L(data.report.changes.document === 'created' ? 'frameworks.report_created' : 'frameworks.report_replaced', { title: data.report.document.title }));
      result.focus();
      await after();
    } catch (err) {
      progress.hidden = true;
      if (err.body && err.body.report) {
        result.replaceChildren(...reportView(err.body.report, { failed: true }));
        const box = result.querySelector('.error-summary');
        if (box) box.focus();
      } else {
        errors.showApiError(err);
      }
    } finally {
      done();
    }
  }
}

/* ---- A search box with its results (items of one framework, or of all) ---- */

function searchBox({ label, hint, document, onPick }) {
  const id = uid('fw-search');
  const hintId = `${id}-hint`;
  const input = h('input', {
    id, type: 'search', class: 'input', autocomplete: 'off', spellcheck: 'false', maxlength: '200',
    'aria-describedby': hintId, dataset: { search: document ? 'framework' : 'all' },
  });
  const status = h('p', { class: 'result-count search-count', 'aria-live': 'polite' });
  const results = h('ul', { class: 'search-results', hidden: true });
  const box = {
    el: h('div', { class: 'fw-search', role: 'search' },
      h('label', { class: 'label', for: id }, label),
      h('p', { class: 'hint', id: hintId }, hint),
      input, status, results),
    input,
  };
  let seq = 0;
  const run = debounce(async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) { results.hidden = true; results.replaceChildren(); status.replaceChildren(); return; }
    try {
      const data = await get('/api/frameworks/search', { query: { q, document } });
      if (mine !== seq) return;
      const items = data.items || [];
      setText(status, items.length ? L('frameworks.search_count', { count: items.length }) : L('frameworks.search_none', { q }));
      results.replaceChildren(...items.map((it) => h('li', { class: 'search-result' },
        h('a', {
          href: frameworkHref(it.document.identifier, it.identifier), dataset: { item: it.identifier },
          on: onPick ? { click: (e) => { e.preventDefault(); onPick(it.identifier); } } : {},
        },
        it.human_coding ? h('code', { class: 'tree-code' }, it.human_coding) : null, ' ',
        h('span', { class: 'search-name' }, itemName(it))),
        h('span', { class: 'cell-secondary' }, document ? itemStatement(it) : docTitle(it.document)))));
      results.hidden = !items.length;
    } catch (err) {
      if (mine === seq) setText(status, err.message);
    }
  }, 250);
  input.addEventListener('input', run);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && input.value) { input.value = ''; run(); }
  });
  return box;
}

/* ---- /frameworks/{id}: the browser ---- */

async function browse(root, ctx) {
  const id = ctx.params.id;
  const isAdmin = ctx.session.user.role === 'admin';
  ctx.setTitle(L('frameworks.title'));
  const breadcrumb = h('nav', { class: 'breadcrumb', 'aria-label': L('frameworks.breadcrumb_label') },
    h('ol', h('li', h('a', { href: '/frameworks' }, L('frameworks.title'))), h('li', { 'aria-current': 'page' }, h('span', { class: 'crumb-current' }))));
  const headerSlot = h('div', pageHeader(L('frameworks.loading_one'), { breadcrumb }));
  const body = h('div', loading(L('frameworks.loading_one')));
  root.append(headerSlot, body);

  let data;
  try {
    data = await get(`/api/frameworks/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err.status === 404) {
      ctx.setTitle(L('frameworks.not_found_title'));
      headerSlot.replaceChildren(pageHeader(L('frameworks.not_found_title'), { breadcrumb }));
      breadcrumb.querySelector('li[aria-current]').remove();
      body.replaceChildren(emptyState({ body: L('frameworks.not_found_body'), action: h('a', { href: '/frameworks', class: 'btn btn-secondary' }, L('frameworks.back')) }));
    } else {
      body.replaceChildren(errorState(err, { retry: () => ctx.navigate(location.pathname + location.search, { replace: true }) }));
    }
    return;
  }
  if (!ctx.isCurrent()) return;
  const doc = data.document;
  const title = docTitle(doc);
  ctx.setTitle(title);
  setText(breadcrumb.querySelector('.crumb-current'), title);
  const actions = [exportLink(doc)];
  if (doc.can_delete) {
    actions.push(button(L('frameworks.delete'), {
      variant: 'danger', dataset: { action: 'delete', doc: doc.identifier },
      onClick: async (e) => { if (await removeFramework(doc, e.currentTarget, async () => {})) ctx.navigate('/frameworks'); },
    }));
  }
  headerSlot.replaceChildren(pageHeader(title, { breadcrumb, actions, lead: doc.description ? caseText(doc, 'description', doc.description) : null }));

  const info = card(null, dl([
    [L('frameworks.publisher'), doc.publisher || doc.creator || '—'],
    doc.version ? [L('frameworks.col_version'), doc.version] : null,
    [L('frameworks.col_kind'), kindTag(doc)],
    [L('frameworks.col_source'), sourceTag(doc)],
    [L('frameworks.col_changed'), h('time', { datetime: doc.last_change }, Ldate(doc.last_change))],
    doc.official_source_url ? [L('frameworks.official_source'), h('a', { href: doc.official_source_url, rel: 'noopener noreferrer', target: '_blank', class: 'cell-iri-link' }, L('frameworks.official_source_link'))] : null,
    [L('frameworks.case_link'), h('a', { href: `/ims/case/v1p1/CFPackages/${doc.identifier}`, class: 'mono' }, `/ims/case/v1p1/CFPackages/${doc.identifier}`)],
  ]));
  info.classList.add('card-info', 'fw-info');

  if (doc.kind !== 'framework') {
    body.replaceChildren(info, crosswalkView(data.associations || []));
    return;
  }
  body.replaceChildren(info, frameworkView(ctx, doc, data.items || [], data.item_types || {}, isAdmin));
}

/* A crosswalk: its associations, each end linked to its item, with the notes on what differs. */
function crosswalkView(assoc) {
  const end = (n) => (n.item
    ? [h('a', { href: frameworkHref(n.document.identifier, n.item.identifier), class: 'cell-primary', dataset: { item: n.item.identifier } },
      n.item.human_coding ? [h('span', { class: 'mono' }, n.item.human_coding), ' '] : null, itemName(n.item)),
    h('span', { class: 'cell-secondary' }, docTitle(n.document))]
    : [h('span', { class: 'cell-primary' }, n.title || n.identifier),
      h('span', { class: 'cell-secondary' }, L('frameworks.match_not_imported'))]);
  return h('section', { class: 'card card-flush', 'aria-labelledby': 'cw-title' },
    h('div', { class: 'card-head' },
      h('h2', { class: 'card-title', id: 'cw-title' }, L('frameworks.crosswalk_title')),
      h('p', { class: 'result-count' }, L('frameworks.crosswalk_count', { count: assoc.length }))),
    assoc.length ? table({
      caption: L('frameworks.crosswalk_caption'),
      columns: [
        { label: L('frameworks.col_from'), cell: (a) => end(a.origin), rowHeader: true, class: 'col-end' },
        { label: L('frameworks.col_relation'), cell: (a) => relationTag(a.type) },
        { label: L('frameworks.col_to'), cell: (a) => end(a.destination), class: 'col-end' },
        { label: L('frameworks.col_notes'), cell: (a) => h('span', { class: 'cw-notes' }, caseText(a, 'notes', a.notes)), class: 'col-notes' },
      ],
      rows: assoc,
    }) : emptyState({ body: L('frameworks.crosswalk_empty') }));
}

function relationTag(type) {
  const known = ['exactMatchOf', 'isRelatedTo', 'isPeerOf', 'isPartOf', 'precedes', 'replacedBy', 'exemplar', 'hasSkillLevel', 'isTranslationOf', 'isChildOf'];
  // Catalog keys are snake case: exactMatchOf → rel_exact_match_of.
  const label = known.includes(type) ? L(`frameworks.rel_${type.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`) : type;
  return h('span', { class: `tag tag-relation tag-${type === 'exactMatchOf' ? 'exact' : 'related'}`, dataset: { relation: type } }, label);
}

/* The tree, the search within the framework and the item panel. */
function frameworkView(ctx, doc, items, types, isAdmin) {
  const treeId = uid('tree');
  const tree = h('ul', { class: 'tree', role: 'tree', id: treeId, 'aria-label': L('frameworks.tree_label', { title: docTitle(doc) }) });
  const nodes = new Map(); // identifier → treeitem elements (an item may sit under two parents)
  buildTree(tree, items, nodes);
  const search = searchBox({ label: L('frameworks.search_one'), hint: L('frameworks.search_one_hint'), document: doc.identifier, onPick: (itemId) => select(itemId, { focusTree: true }) });
  const expandAll = button(L('frameworks.expand_all'), { size: 'sm', onClick: () => setAll(true), dataset: { action: 'expand-all' } });
  const collapseAll = button(L('frameworks.collapse_all'), { size: 'sm', onClick: () => setAll(false), dataset: { action: 'collapse-all' } });
  const treeCard = h('section', { class: 'card fw-tree-card', 'aria-labelledby': `${treeId}-title` },
    h('div', { class: 'fw-tree-head' },
      h('h2', { class: 'card-title', id: `${treeId}-title` }, L('frameworks.tree_title', { count: items.filter((i) => !i.repeat).length })),
      h('div', { class: 'fw-tree-tools' }, expandAll, collapseAll)),
    search.el,
    items.length ? tree : emptyState({ body: L('frameworks.tree_empty') }));
  const detail = h('section', { class: 'card fw-detail', 'aria-labelledby': 'fw-detail-title', tabindex: '-1' },
    h('h2', { class: 'card-title', id: 'fw-detail-title' }, L('frameworks.detail_title')),
    h('p', { class: 'hint' }, L('frameworks.detail_empty')));
  let selected = null;
  let detailSeq = 0;

  tree.addEventListener('click', (e) => {
    const li = e.target.closest('[role="treeitem"]');
    if (!li) return;
    e.preventDefault();
    if (e.target.closest('.tree-toggle')) { toggle(li); li.focus(); return; }
    select(li.dataset.id, { li });
  });
  tree.addEventListener('keydown', onKey);

  const first = ctx.query.get('item');
  if (first && UUID.test(first)) select(first, { scroll: true });
  else {
    const top = tree.querySelector('[role="treeitem"]');
    if (top) top.tabIndex = 0;
  }
  return h('div', { class: 'fw-layout' }, treeCard, detail);

  function visible() {
    return [...tree.querySelectorAll('[role="treeitem"]')].filter((li) => !li.parentElement.closest('[role="group"][hidden]'));
  }
  function setExpanded(li, open) {
    const group = li.querySelector(':scope > [role="group"]');
    if (!group) return;
    group.hidden = !open;
    li.setAttribute('aria-expanded', String(open));
  }
  function toggle(li) { setExpanded(li, li.getAttribute('aria-expanded') !== 'true'); }
  function setAll(open) {
    for (const li of tree.querySelectorAll('[role="treeitem"][aria-expanded]')) setExpanded(li, open);
    const cur = tree.querySelector('[role="treeitem"][tabindex="0"]');
    if (cur && !visible().includes(cur)) focusItem(visible()[0], false);
  }
  function focusItem(li, focus = true) {
    if (!li) return;
    for (const x of tree.querySelectorAll('[role="treeitem"][tabindex="0"]')) x.tabIndex = -1;
    li.tabIndex = 0;
    if (focus) li.focus();
  }
  function onKey(e) {
    const li = e.target.closest('[role="treeitem"]');
    if (!li || e.altKey || e.ctrlKey || e.metaKey) return;
    const vis = visible();
    const i = vis.indexOf(li);
    const expandable = li.hasAttribute('aria-expanded');
    const open = li.getAttribute('aria-expanded') === 'true';
    let handled = true;
    switch (e.key) {
      case 'ArrowDown': focusItem(vis[i + 1]); break;
      case 'ArrowUp': focusItem(vis[i - 1]); break;
      case 'Home': focusItem(vis[0]); break;
      case 'End': focusItem(vis[vis.length - 1]); break;
      case 'ArrowRight':
        if (expandable && !open) setExpanded(li, true);
        else if (expandable) focusItem(li.querySelector(':scope > [role="group"] > [role="treeitem"]'));
        break;
      case 'ArrowLeft':
        if (expandable && open) setExpanded(li, false);
        else focusItem(li.parentElement.closest('[role="treeitem"]'));
        break;
      case 'Enter': case ' ': select(li.dataset.id, { li }); break;
      case '*': for (const sib of li.parentElement.querySelectorAll(':scope > [role="treeitem"][aria-expanded]')) setExpanded(sib, true); break;
      default: handled = false;
    }
    if (handled) e.preventDefault();
  }

  /* Chooses item ID: marks it in the tree (opening its ancestors) and shows its panel. */
  async function select(itemId, { li, focusTree = false, scroll = false } = {}) {
    const target = li || (nodes.get(itemId) || [])[0];
    for (const x of tree.querySelectorAll('[aria-selected="true"]')) x.setAttribute('aria-selected', 'false');
    if (target) {
      for (let p = target.parentElement.closest('[role="treeitem"]'); p; p = p.parentElement.closest('[role="treeitem"]')) setExpanded(p, true);
      for (const x of nodes.get(itemId) || []) x.setAttribute('aria-selected', 'true');
      focusItem(target, focusTree || !!li);
      if (scroll) target.scrollIntoView({ block: 'center' });
    }
    selected = itemId;
    const url = new URL(location.href);
    url.searchParams.set('item', itemId);
    history.replaceState(null, '', url.pathname + url.search);
    await showDetail(itemId);
  }

  async function showDetail(itemId) {
    const mine = ++detailSeq;
    detail.replaceChildren(loading(L('frameworks.item_loading')));
    try {
      const d = await get(`/api/frameworks/items/${encodeURIComponent(itemId)}`);
      if (mine !== detailSeq || selected !== itemId) return;
      detail.replaceChildren(...detailView(d, doc, types, isAdmin, (other) => select(other, { focusTree: false })));
      // On a tablet the panel is below the tree: bring it into view.
      if (window.matchMedia('(max-width: 1024px)').matches) detail.scrollIntoView({ block: 'start' });
    } catch (err) {
      if (mine !== detailSeq) return;
      detail.replaceChildren(err.status === 404
        ? emptyState({ title: L('frameworks.item_missing_title'), body: L('frameworks.item_missing_body') })
        : errorState(err, { retry: () => showDetail(itemId) }));
    }
  }
}

/* Builds the ARIA tree from the items in tree order (depth, parent). */
function buildTree(tree, items, nodes) {
  const stack = [{ group: tree, depth: -1, li: null }];
  const counts = new Map();
  for (const it of items) {
    while (stack.length > 1 && stack[stack.length - 1].depth >= it.depth) stack.pop();
    const parent = stack[stack.length - 1];
    const kids = it.has_children && !it.repeat;
    const li = h('li', {
      role: 'treeitem', tabindex: '-1', 'aria-level': String(it.depth + 1), 'aria-selected': 'false',
      dataset: { id: it.identifier, code: it.human_coding || '' },
    },
    h('div', { class: 'tree-row' },
      h('span', { class: `tree-toggle${kids ? '' : ' is-leaf'}`, 'aria-hidden': 'true' }),
      it.human_coding ? h('span', { class: 'tree-code mono' }, it.human_coding) : null,
      h('span', { class: 'tree-label' }, itemName(it)),
      h('span', { class: 'tree-tags' },
        it.critical ? criticalTag() : null,
        levelsTag(it.levels),
        it.repeat ? h('span', { class: 'tag tag-neutral' }, L('frameworks.also_here')) : null)));
    if (kids) {
      li.setAttribute('aria-expanded', String(it.depth === 0));
      li.append(h('ul', { role: 'group', hidden: it.depth !== 0 }));
    }
    parent.group.append(li);
    counts.set(parent.group, (counts.get(parent.group) || 0) + 1);
    li.setAttribute('aria-posinset', String(counts.get(parent.group)));
    if (!nodes.has(it.identifier)) nodes.set(it.identifier, []);
    nodes.get(it.identifier).push(li);
    if (kids) stack.push({ group: li.querySelector(':scope > [role="group"]'), depth: it.depth, li });
  }
  for (const [group, n] of counts) for (const li of group.querySelectorAll(':scope > [role="treeitem"]')) li.setAttribute('aria-setsize', String(n));
}

/* The panel of one item. */
function detailView(d, doc, types, isAdmin, pick) {
  const it = d.item;
  const itemLink = (x, docId) => h('a', {
    href: frameworkHref(docId, x.identifier), dataset: { item: x.identifier },
    on: docId === doc.identifier ? { click: (e) => { e.preventDefault(); pick(x.identifier); } } : {},
  }, x.human_coding ? [h('span', { class: 'mono' }, x.human_coding), ' '] : null, itemName(x));

  const parts = [];
  if (d.path && d.path.length) {
    parts.push(h('nav', { class: 'fw-path', 'aria-label': L('frameworks.path_label') },
      h('ol', d.path.map((p) => h('li', itemLink(p, doc.identifier))))));
  }
  const mainLang = (it.language || '').toLowerCase();
  const original = loc((l) => {
    const ui = l.startsWith('zh') ? 'zh' : 'en';
    const own = mainLang.startsWith('zh') ? 'zh' : mainLang.startsWith('en') ? 'en' : mainLang;
    const shown = (it.translations && it.translations[l] && it.translations[l].fullStatement) || it.full_statement;
    return own && own !== ui && shown !== it.full_statement ? it.full_statement : '';
  });
  const originalP = h('p', { class: 'fw-original', lang: it.language || null });
  bind(originalP, () => {
    const text = original.text();
    originalP.hidden = !text;
    originalP.replaceChildren(...(text ? [h('span', { class: 'muted' }, L('frameworks.original')), ' ', text] : []));
  });
  parts.push(
    h('h2', { class: 'fw-item-title', id: 'fw-detail-title' },
      it.human_coding ? h('span', { class: 'mono fw-item-code' }, it.human_coding) : null,
      h('span', itemName(it))),
    h('p', { class: 'tag-list fw-item-tags' },
      it.type ? h('span', { class: 'tag tag-neutral', dataset: { type: it.type } }, loc((l) => (types[it.type] && types[it.type][l] && types[it.type][l].title) || it.type)) : null,
      it.critical ? criticalTag() : null,
      levelsTag(it.levels)),
    h('p', { class: 'fw-statement' }, itemStatement(it)),
    originalP);
  if (it.notes || (it.translations && (it.translations.en || {}).notes)) {
    parts.push(h('p', { class: 'fw-notes' }, h('span', { class: 'muted' }, L('frameworks.notes')), ' ', caseText(it, 'notes', it.notes)));
  }
  if (d.children && d.children.length) {
    parts.push(h('h3', { class: 'fw-sub' }, L('frameworks.children', { count: d.children.length })),
      h('ul', { class: 'fw-children' }, d.children.map((c) => h('li', itemLink(c, doc.identifier)))));
  }

  // Matches in other frameworks, side by side: this item | relation | the other one.
  const matches = (d.associations || []).filter((a) => a.type === 'exactMatchOf' || a.type === 'isRelatedTo');
  const others = (d.associations || []).filter((a) => !matches.includes(a));
  parts.push(h('h3', { class: 'fw-sub' }, L('frameworks.matches', { count: matches.length })));
  if (!matches.length) parts.push(h('p', { class: 'hint' }, L('frameworks.matches_none')));
  for (const a of matches) {
    const o = a.other;
    const otherSide = o.item
      ? [h('p', { class: 'match-doc' }, o.document ? docTitle(o.document) : ''),
        h('p', { class: 'match-name' }, itemLink(o.item, o.document ? o.document.identifier : '')),
        h('p', { class: 'match-statement' }, itemStatement(o.item))]
      : [h('p', { class: 'match-doc' }, L('frameworks.match_not_imported')), h('p', { class: 'match-name' }, o.title || o.identifier)];
    parts.push(h('div', { class: `match match-${a.type === 'exactMatchOf' ? 'exact' : 'related'}`, dataset: { relation: a.type } },
      h('div', { class: 'match-side match-this' },
        h('p', { class: 'match-doc' }, docTitle(doc)),
        h('p', { class: 'match-name' }, it.human_coding ? [h('span', { class: 'mono' }, it.human_coding), ' '] : null, itemName(it)),
        h('p', { class: 'match-statement' }, itemStatement(it))),
      h('div', { class: 'match-relation' }, relationTag(a.type),
        h('span', { class: 'match-explain' }, L(a.type === 'exactMatchOf' ? 'frameworks.rel_exact_explain' : 'frameworks.rel_related_explain'))),
      h('div', { class: 'match-side match-other' }, otherSide),
      a.notes || (a.translations && a.translations.en) ? h('p', { class: 'match-note' }, h('span', { class: 'muted' }, L('frameworks.match_note')), ' ', caseText(a, 'notes', a.notes)) : null,
      a.source ? h('p', { class: 'match-source hint' }, L('frameworks.match_source', { title: docTitle(a.source) })) : null));
  }
  if (others.length) {
    parts.push(h('h3', { class: 'fw-sub' }, L('frameworks.other_links', { count: others.length })),
      h('ul', { class: 'fw-children' }, others.map((a) => h('li', relationTag(a.type), ' ',
        L(a.direction === 'out' ? 'frameworks.direction_out' : 'frameworks.direction_in'), ' ',
        a.other.item ? itemLink(a.other.item, a.other.document ? a.other.document.identifier : doc.identifier) : (a.other.title || a.other.identifier)))));
  }

  // The activities of this college aligned to the item.
  parts.push(h('h3', { class: 'fw-sub' }, L('frameworks.aligned', { count: (d.alignments || []).length })));
  if (!(d.alignments || []).length) {
    parts.push(h('p', { class: 'hint' }, L(isAdmin ? 'frameworks.aligned_none_admin' : 'frameworks.aligned_none')));
  } else {
    parts.push(h('ul', { class: 'fw-aligned' }, d.alignments.map((a) => h('li',
      h('span', { class: 'cell-primary' }, loc((l) => pickLang(a.name, l) || a.activity)),
      h('span', { class: 'cell-secondary mono' }, a.activity),
      h('span', { class: 'tag tag-neutral' }, L(a.source === 'admin' ? 'frameworks.aligned_admin' : 'frameworks.aligned_content'))))));
  }
  if (isAdmin) parts.push(h('p', h('a', { href: '/alignments', dataset: { action: 'align' } }, L('frameworks.align_activities'))));
  parts.push(h('p', { class: 'fw-id hint' }, L('frameworks.identifier'), ' ',
    h('a', { href: `/ims/case/v1p1/CFItems/${it.identifier}`, class: 'mono' }, it.identifier)));
  return parts;
}


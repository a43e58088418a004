// /literacy/bank — administrators: the college's digital-literacy item bank and test settings.
// Items: a filtered list with usage (answers, exposure, mean score), a preview as students see
// the question (with the key and the explanation), retire and restore; import from a JSON file
// (checked first, all or nothing, with a report) and export. Calibration: re-estimate the
// parameters from the college's answers, read the report (old and new parameters, standard
// errors, fit), apply it once. Settings: the stopping rule, exposure control, area shares and
// the cut scores of the levels.
import { L, Lpick, Ldate, Lnum, loc, formatNumber } from '../i18n.js';
import { get, post, put, upload } from '../api.js';
import {
  h, table, emptyState, loading, errorState, field, errorSummary, formErrors, button, busy, toast,
  pageHeader, openDialog, card, uid, setText, debounce, dl,
} from '../ui.js';
import { itemView, choiceLabel, AREA_KEYS } from './literacy.js';

const MAX_FILE = 16 * 1024 * 1024;
const AREAS = ['DC.1', 'DC.2', 'DC.3', 'DC.4', 'DC.5'];
const TYPES = ['single', 'multiple', 'ordering', 'screen'];
const TABS = ['items', 'calibration', 'settings'];
const PAGE = 50;

export async function mount(root, ctx) {
  const tab = TABS.includes(ctx.query.get('tab')) ? ctx.query.get('tab') : 'items';
  ctx.setTitle(L('literacy.bank.title'));
  const page = h('div', { class: 'lit-page lit-bank' });
  const tabs = h('nav', { class: 'lit-tabs', 'aria-label': L('literacy.bank.views') },
    TABS.map((t) => h('a', { href: t === 'items' ? '/literacy/bank' : `/literacy/bank?tab=${t}`, 'aria-current': t === tab ? 'page' : null, dataset: { tab: t } }, L(`literacy.bank.tab_${t}`))));
  const body = h('div', { class: 'lit-body' });
  // After an import the list is read again in place (a navigation would close the report).
  const importBtn = button(L('literacy.bank.import'), { onClick: () => openImport(() => (tab === 'items' ? items(body, ctx) : null)), dataset: { action: 'import' } });
  const exportLink = h('a', { class: 'btn btn-secondary', href: '/api/literacy/items/export', download: 'carecampus-literacy-bank.json', dataset: { action: 'export' } }, L('literacy.bank.export'));
  const classes = h('a', { class: 'btn btn-link', href: '/literacy/classes' }, L('literacy.bank.class_profiles'));
  page.append(pageHeader(L('literacy.bank.title'), { lead: L('literacy.bank.lead'), actions: [importBtn, exportLink, classes] }), tabs, body);
  root.append(page);
  if (tab === 'calibration') await calibration(body);
  else if (tab === 'settings') await settings(body);
  else await items(body, ctx);
}

/* ---- Items ---- */

function paramsText(irt) {
  const b = Array.isArray(irt.b) ? irt.b.map((x) => formatNumber(x, { maximumFractionDigits: 2 })).join(' / ') : formatNumber(irt.b, { maximumFractionDigits: 2 });
  return `a ${formatNumber(irt.a, { maximumFractionDigits: 2 })} · b ${b}`;
}

function statusTags(it) {
  return h('span', { class: 'tag-list lit-status' },
    it.retired ? h('span', { class: 'tag tag-failed', dataset: { status: 'retired' } }, L('literacy.bank.retired')) : h('span', { class: 'tag tag-active', dataset: { status: 'active' } }, L('literacy.bank.active')),
    it.calibrated ? h('span', { class: 'tag tag-level' }, L('literacy.bank.calibrated')) : null,
    it.imported ? h('span', { class: 'tag tag-neutral' }, L('literacy.bank.imported')) : null);
}

async function items(body, ctx) {
  const q = ctx.query;
  let seq = 0;
  let shown = [];
  let pageNo = 0;
  const fArea = field({ name: 'area', kind: 'select', label: L('literacy.bank.f_area'), value: q.get('area') || '', idPrefix: 'lb', options: [{ value: '', label: L('literacy.bank.all') }, ...AREAS.map((a) => ({ value: a, label: L(`literacy.bank.area.${AREA_KEYS[a]}`) }))] });
  const fType = field({ name: 'type', kind: 'select', label: L('literacy.bank.f_type'), value: q.get('type') || '', idPrefix: 'lb', options: [{ value: '', label: L('literacy.bank.all') }, ...TYPES.map((t) => ({ value: t, label: L(`literacy.bank.type.${t}`) }))] });
  const fLevel = field({ name: 'level', kind: 'select', label: L('literacy.bank.f_level'), value: q.get('level') || '', idPrefix: 'lb', options: [{ value: '', label: L('literacy.bank.all') }, ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ value: String(n), label: L('literacy.level_n', { n }) }))] });
  const fStatus = field({ name: 'status', kind: 'select', label: L('literacy.bank.f_status'), value: q.get('status') || '', idPrefix: 'lb', options: [{ value: '', label: L('literacy.bank.all') }, { value: 'active', label: L('literacy.bank.active') }, { value: 'retired', label: L('literacy.bank.retired') }] });
  const fSearch = field({ name: 'q', type: 'search', label: L('literacy.bank.f_search'), value: q.get('q') || '', idPrefix: 'lb', attrs: { placeholder: L('literacy.bank.f_search_placeholder'), autocomplete: 'off', maxlength: '200' } });
  const fields = [fArea, fType, fLevel, fStatus, fSearch];
  for (const f of fields.slice(0, 4)) f.control.addEventListener('change', () => reload());
  fSearch.control.addEventListener('input', debounce(() => reload(), 250));
  const filters = h('form', { class: 'filters lit-filters', role: 'search', 'aria-label': L('literacy.bank.filters'), on: { submit: (e) => { e.preventDefault(); reload(); } } }, fields.map((f) => f.el));
  const count = h('p', { class: 'result-count', 'aria-live': 'polite' });
  const list = h('div', loading(L('common.loading')));
  body.replaceChildren(h('div', { class: 'card card-flush' }, filters, count, list));
  await reload();

  /* One page of the list, with the pager under it when there is more than one. */
  function renderPage(focusPager) {
    const pages = Math.ceil(shown.length / PAGE);
    const rows = shown.slice(pageNo * PAGE, (pageNo + 1) * PAGE);
    const pager = pages > 1 ? h('nav', { class: 'lit-pager', 'aria-label': L('literacy.bank.pages') },
      button(L('literacy.bank.previous'), { size: 'sm', disabled: pageNo === 0, dataset: { action: 'previous' }, onClick: () => { pageNo--; renderPage(true); } }),
      h('span', { class: 'lit-pager-text', 'aria-live': 'polite' }, L('literacy.bank.page_of', { from: pageNo * PAGE + 1, to: pageNo * PAGE + rows.length, count: shown.length })),
      button(L('literacy.bank.next'), { size: 'sm', disabled: pageNo >= pages - 1, dataset: { action: 'next-page' }, onClick: () => { pageNo++; renderPage(true); } })) : null;
    list.replaceChildren(table({
      caption: L('literacy.bank.table_caption'),
      columns: [
        { label: L('literacy.bank.col_item'), cell: (it) => h('span', h('span', { class: 'cell-primary lit-item-head' }, h('span', { class: 'mono' }, it.id), statusTags(it)), h('span', { class: 'cell-secondary lit-stem-short' }, Lpick(it.stem))), rowHeader: true, class: 'lit-col-stem' },
        { label: L('literacy.col_competence'), cell: (it) => h('span', h('span', { class: 'cell-primary' }, it.competence), h('span', { class: 'cell-secondary' }, L('literacy.level_n', { n: it.level }))), class: 'lit-nowrap' },
        { label: L('literacy.bank.col_type'), cell: (it) => L(`literacy.bank.type.${it.type}`) },
        { label: L('literacy.bank.col_params'), cell: (it) => h('span', { class: 'mono lit-params' }, paramsText(it.irt)), class: 'hide-medium' },
        { label: L('literacy.bank.col_usage'), cell: (it) => usageText(it.usage) },
        { label: h('span', { class: 'visually-hidden' }, L('literacy.bank.col_actions')), cell: (it) => rowActions(it), class: 'actions' },
      ],
      rows,
    }), pager);
    if (focusPager && pager) pager.querySelector('.lit-pager-text').scrollIntoView({ block: 'nearest' });
  }

  async function reload() {
    const mine = ++seq;
    const query = Object.fromEntries(fields.map((f) => [f.control.name, f.control.value.trim()]).filter(([, v]) => v));
    const qs = new URLSearchParams(query).toString();
    const want = `/literacy/bank${qs ? `?${qs}` : ''}`;
    if (ctx.isCurrent() && want !== location.pathname + location.search) history.replaceState(null, '', want);
    try {
      const data = await get('/api/literacy/items', { query });
      if (mine !== seq) return;
      setText(count, L('literacy.bank.count', { count: data.items.length, total: data.total, retired: data.retired, tests: data.tests }));
      shown = data.items;
      pageNo = 0;
      if (!shown.length) {
        list.replaceChildren(emptyState(data.total
          ? { title: L('literacy.bank.empty_filtered_title'), body: L('literacy.bank.empty_filtered_body') }
          : { title: L('literacy.bank.empty_title'), body: L('literacy.bank.empty_body') }));
        return;
      }
      renderPage();
    } catch (err) {
      if (mine === seq) list.replaceChildren(errorState(err, { retry: reload }));
    }
  }

  function usageText(u) {
    if (!u || !u.administered) return h('span', { class: 'muted' }, L('literacy.bank.unused'));
    return h('span', h('span', { class: 'cell-primary' }, L('literacy.bank.answers', { count: u.administered })),
      h('span', { class: 'cell-secondary' }, L('literacy.bank.exposure_mean', {
        exposure: u.exposure === null ? '—' : formatNumber(u.exposure, { style: 'percent', maximumFractionDigits: 0 }),
        mean: u.mean === null ? '—' : formatNumber(u.mean, { style: 'percent', maximumFractionDigits: 0 }),
      })));
  }

  function rowActions(it) {
    return h('span', { class: 'row-actions' },
      button(L('literacy.bank.preview'), { variant: 'link', size: 'sm', 'aria-label': L('literacy.bank.preview_label', { id: it.id }), dataset: { action: 'preview', item: it.id }, onClick: () => preview(it.id) }),
      button(L(it.retired ? 'literacy.bank.restore' : 'literacy.bank.retire'), {
        variant: it.retired ? 'link' : 'danger-link', size: 'sm',
        'aria-label': L(it.retired ? 'literacy.bank.restore_label' : 'literacy.bank.retire_label', { id: it.id }),
        dataset: { action: it.retired ? 'restore' : 'retire', item: it.id },
        onClick: (e) => setRetired(it, !it.retired, e.currentTarget),
      }));
  }

  async function setRetired(it, retired, btn) {
    const done = busy(btn);
    try {
      await post(`/api/literacy/items/${encodeURIComponent(it.id)}/${retired ? 'retire' : 'restore'}`);
      toast(L(retired ? 'literacy.bank.retired_toast' : 'literacy.bank.restored_toast', { id: it.id }));
      await reload();
    } catch (err) {
      done();
      toast(err.message, { kind: 'error' });
    }
  }
}

/* The item as a student sees it, then (administrators) the key and the explanation. */
async function preview(id) {
  const content = h('div', loading(L('common.loading')));
  const d = openDialog({ title: L('literacy.bank.preview_title', { id }), content, wide: true, actions: button(L('common.close'), { onClick: () => d.close() }) });
  try {
    const data = await get(`/api/literacy/items/${encodeURIComponent(id)}`);
    const s = data.summary;
    const view = itemView(data.presented, { readOnly: false });
    const parts = [
      dl([
        [L('literacy.col_competence'), `${s.competence} · ${s.area}`],
        [L('literacy.bank.col_level'), Lnum(s.level)],
        [L('literacy.bank.col_type'), loc(() => `${L(`literacy.bank.type.${s.type}`).text()} · ${L(`literacy.bank.scoring.${s.scoring}`).text()}`)],
        [L('literacy.bank.col_params'), paramsText(s.irt)],
        [L('literacy.bank.context'), s.context],
        [L('literacy.bank.cn_literacy'), s.cn_literacy],
      ]),
      h('div', { class: 'lit-preview' }, view.el),
    ];
    if (data.item) {
      parts.push(h('div', { class: 'lit-preview-key' },
        h('h3', L(data.item.type === 'ordering' ? 'literacy.fb_key_order' : 'literacy.fb_key')),
        h(data.item.type === 'ordering' ? 'ol' : 'ul', data.item.key.map((k) => h('li', choiceLabel(data.presented, k)))),
        h('h3', L('literacy.bank.explanation')),
        h('p', Lpick(data.item.feedback))));
    }
    content.replaceChildren(...parts);
  } catch (err) {
    content.replaceChildren(errorState(err));
  }
}

/* Import: a JSON file, checked first (optionally only checked), with the report. */
function openImport(after) {
  const summary = errorSummary();
  const fFile = field({ name: 'file', type: 'file', label: L('literacy.bank.import_file'), hint: L('literacy.bank.import_hint'), attrs: { accept: '.json,application/json' }, idPrefix: 'lbi' });
  const check = h('input', { type: 'checkbox', id: uid('lbi-check'), name: 'check' });
  const errors = formErrors(summary, { file: fFile });
  const progress = h('div', { class: 'progress-area', hidden: true, role: 'status' });
  const result = h('div', { class: 'import-result', tabindex: '-1' });
  const formId = uid('lbi');
  const submit = button(L('literacy.bank.import_submit'), { variant: 'primary', type: 'submit', form: formId });
  const form = h('form', { id: formId, class: 'form', novalidate: true, on: { submit: onSubmit } }, summary.el, fFile.el,
    h('div', { class: 'radio' }, check, h('label', { class: 'radio-label', for: check.id }, L('literacy.bank.import_check'))));
  const d = openDialog({ title: L('literacy.bank.import_title'), wide: true, content: [h('p', { class: 'hint' }, L('literacy.bank.import_lead')), form, progress, result], actions: [submit, button(L('common.close'), { onClick: () => d.close() })] });
  fFile.control.focus();

  async function onSubmit(e) {
    e.preventDefault();
    errors.clear();
    result.replaceChildren();
    const file = fFile.control.files && fFile.control.files[0];
    if (!file) { errors.show([{ field: 'file', message: L('literacy.bank.error_no_file') }]); return; }
    if (file.size > MAX_FILE) { errors.show([{ field: 'file', message: L('literacy.bank.error_too_big') }]); return; }
    const done = busy(submit);
    const bar = h('progress', { class: 'progress', max: '100', value: '0' });
    progress.replaceChildren(h('p', { class: 'progress-label' }, L('literacy.bank.uploading', { file: file.name })), bar);
    progress.hidden = false;
    try {
      const bytes = await file.arrayBuffer();
      const data = await upload(`/api/literacy/items/import${check.checked ? '?check=1' : ''}`, bytes, 'application/json', (frac) => { if (frac === null || frac >= 1) bar.removeAttribute('value'); else bar.value = Math.round(frac * 100); });
      progress.hidden = true;
      const r = data.report;
      result.replaceChildren(h('div', { class: 'notice', dataset: { role: 'import-done' } },
        h('p', { class: 'notice-title' }, L(r.checked ? 'literacy.bank.import_checked' : 'literacy.bank.import_done')),
        h('p', L('literacy.bank.import_counts', { added: r.added, updated: r.updated, unchanged: r.unchanged, state: r.state }))));
      result.focus();
      if (!r.checked) { toast(L('literacy.bank.import_done')); await after(); }
    } catch (err) {
      progress.hidden = true;
      if (err.body && err.body.report) {
        const rep = err.body.report;
        result.replaceChildren(h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', dataset: { role: 'import-problems' } },
          h('h2', { class: 'error-summary-title' }, err.message),
          h('ul', { class: 'report-list' }, rep.problems.map((p) => h('li', p.where ? [h('span', { class: 'report-path mono' }, p.where), ': '] : null, h('span', p.message)))),
          rep.total > rep.problems.length ? h('p', L('literacy.bank.import_more', { count: rep.total - rep.problems.length })) : null));
        result.querySelector('.error-summary').focus();
      } else {
        errors.showApiError(err);
      }
    } finally {
      done();
    }
  }
}

/* ---- Calibration ---- */

async function calibration(body) {
  const list = h('div', loading(L('common.loading')));
  const minResp = field({ name: 'min_responses', type: 'number', label: L('literacy.bank.cal_min'), hint: L('literacy.bank.cal_min_hint'), value: '50', idPrefix: 'lbc', attrs: { min: '10', max: '100000', inputmode: 'numeric' } });
  const priors = h('input', { type: 'checkbox', id: uid('lbc-priors'), checked: true });
  const link = h('input', { type: 'checkbox', id: uid('lbc-link'), checked: true });
  const summary = errorSummary();
  const errors = formErrors(summary, { min_responses: minResp });
  const run = button(L('literacy.bank.cal_run'), { variant: 'primary', type: 'submit', dataset: { action: 'calibrate' } });
  const form = h('form', { class: 'form', novalidate: true, on: { submit: onRun } }, summary.el, minResp.el,
    h('div', { class: 'radio' }, priors, h('label', { class: 'radio-label', for: priors.id }, L('literacy.bank.cal_priors'))),
    h('div', { class: 'radio' }, link, h('label', { class: 'radio-label', for: link.id }, L('literacy.bank.cal_link'))),
    h('div', { class: 'form-actions' }, run));
  body.replaceChildren(
    card(L('literacy.bank.cal_title'), h('p', { class: 'hint' }, L('literacy.bank.cal_lead')), form),
    card(L('literacy.bank.cal_runs'), list));
  await reload();

  async function reload() {
    try {
      const data = await get('/api/literacy/calibrations');
      const runs = data.calibrations || [];
      list.replaceChildren(runs.length ? table({
        caption: L('literacy.bank.cal_runs'),
        columns: [
          { label: L('literacy.bank.cal_when'), cell: (c) => Ldate(c.created_at, { dateStyle: 'medium', timeStyle: 'short' }), rowHeader: true },
          { label: L('literacy.bank.cal_persons'), cell: (c) => Lnum(c.persons), numeric: true },
          { label: L('literacy.bank.cal_responses'), cell: (c) => Lnum(c.responses), numeric: true },
          { label: L('literacy.bank.cal_estimated'), cell: (c) => Lnum(c.estimated), numeric: true },
          { label: L('literacy.bank.col_status'), cell: (c) => (c.applied_at ? h('span', { class: 'tag tag-level' }, L('literacy.bank.cal_applied_on', { date: Ldate(c.applied_at) })) : h('span', { class: 'tag tag-neutral' }, L('literacy.bank.cal_not_applied'))) },
          { label: h('span', { class: 'visually-hidden' }, L('literacy.bank.col_actions')), cell: (c) => button(L('literacy.bank.cal_open'), { variant: 'link', size: 'sm', dataset: { action: 'open-calibration', id: String(c.id) }, onClick: () => openReport(c.id, reload) }), class: 'actions' },
        ],
        rows: runs,
      }) : emptyState({ title: L('literacy.bank.cal_none_title'), body: L('literacy.bank.cal_none_body') }));
    } catch (err) {
      list.replaceChildren(errorState(err, { retry: reload }));
    }
  }

  async function onRun(e) {
    e.preventDefault();
    errors.clear();
    const n = Number(minResp.control.value);
    if (!Number.isInteger(n) || n < 10 || n > 100000) { errors.show([{ field: 'min_responses', message: L('literacy.bank.cal_min_error') }]); return; }
    const done = busy(run);
    try {
      const data = await post('/api/literacy/calibrations', { min_responses: n, priors: priors.checked, link: link.checked });
      toast(L('literacy.bank.cal_done', { count: data.calibration.estimated }));
      await reload();
      openReport(data.calibration.id, reload);
    } catch (err) {
      errors.show([{ message: err.message }]);
    } finally {
      done();
    }
  }
}

function fmt(v, digits = 2) {
  return v === null || v === undefined ? '—' : formatNumber(v, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function paramCell(o) {
  if (!o) return '—';
  const b = Array.isArray(o.b) ? o.b.map((x) => fmt(x)).join(' / ') : fmt(o.b);
  return h('span', { class: 'mono lit-params' }, `${fmt(o.a)} | ${b}`);
}

async function openReport(id, after) {
  const content = h('div', loading(L('common.loading')));
  const apply = button(L('literacy.bank.cal_apply'), { variant: 'primary', dataset: { action: 'apply' }, hidden: true });
  const d = openDialog({ title: L('literacy.bank.cal_report_title', { id }), content, wide: true, actions: [apply, button(L('common.close'), { onClick: () => d.close() })] });
  try {
    const data = await get(`/api/literacy/calibrations/${id}`);
    const c = data.calibration;
    const res = c.report.result;
    apply.hidden = Boolean(c.applied_at);
    apply.addEventListener('click', async () => {
      const done = busy(apply);
      try {
        const r = await post(`/api/literacy/calibrations/${id}/apply`);
        toast(L('literacy.bank.cal_applied', { count: r.updated }));
        d.close();
        await after();
      } catch (err) {
        done();
        toast(err.message, { kind: 'error' });
      }
    });
    const items = c.report.items || [];
    content.replaceChildren(
      dl([
        [L('literacy.bank.cal_persons'), Lnum(res.persons)],
        [L('literacy.bank.cal_responses'), Lnum(res.responses)],
        [L('literacy.bank.cal_estimated'), Lnum(res.estimated)],
        [L('literacy.bank.cal_cycles'), L(res.converged ? 'literacy.bank.cal_converged' : 'literacy.bank.cal_not_converged', { count: res.cycles })],
        [L('literacy.bank.cal_link_title'), res.link ? L('literacy.bank.cal_link_value', { mean: fmt(res.link.b), sd: fmt(res.link.a) }) : L('literacy.bank.cal_no_link')],
      ]),
      h('p', { class: 'hint' }, L('literacy.bank.cal_report_hint')),
      table({
        caption: L('literacy.bank.cal_items'),
        columns: [
          { label: L('literacy.bank.col_item'), cell: (it) => h('span', { class: 'mono' }, it.id), rowHeader: true },
          { label: L('literacy.bank.cal_n'), cell: (it) => Lnum(it.n), numeric: true },
          { label: L('literacy.bank.cal_old'), cell: (it) => paramCell(it.old) },
          { label: L('literacy.bank.cal_new'), cell: (it) => (it.estimated ? paramCell(it.new) : h('span', { class: 'muted' }, L('literacy.bank.cal_kept'))) },
          { label: L('literacy.bank.cal_se'), cell: (it) => (it.se ? h('span', { class: 'mono' }, `${fmt(it.se.a)} | ${it.se.b.map((x) => fmt(x)).join(' / ')}`) : '—') },
          { label: L('literacy.bank.cal_fit'), cell: (it) => (it.fit.p === null ? '—' : fmt(it.fit.p, 3)), numeric: true },
          { label: L('literacy.bank.cal_infit'), cell: (it) => fmt(it.fit.infit), numeric: true },
          { label: L('literacy.bank.cal_flags'), cell: (it) => h('span', { class: 'tag-list' }, it.flags.map((f) => h('span', { class: `tag ${f === 'misfit' ? 'tag-failed' : 'tag-neutral'}` }, L(`literacy.bank.flag.${f}`)))) },
        ],
        rows: items,
      }));
  } catch (err) {
    content.replaceChildren(errorState(err));
  }
}

/* ---- Exposure control (Sympson-Hetter) ---- */

function exposureCard(s) {
  const fTarget = field({
    name: 'max_exposure', type: 'number', label: L('literacy.bank.x_target'), hint: L('literacy.bank.x_target_hint'),
    value: String(s.max_exposure || 0), idPrefix: 'lx', attrs: { step: '0.05', min: '0', max: '1', inputmode: 'decimal' },
  });
  const summary = errorSummary();
  const errs = formErrors(summary, { max_exposure: fTarget });
  const state = h('p', { class: 'lit-exposure-state', dataset: { role: 'exposure-state' } });
  const result = h('div', { class: 'import-result', tabindex: '-1', 'aria-live': 'polite' });
  const tune = button(L('literacy.bank.x_tune'), { variant: 'primary', type: 'submit', dataset: { action: 'tune-exposure' } });
  const showState = (target) => setText(state, target > 0
    ? L('literacy.bank.x_on', { pct: formatNumber(target, { style: 'percent', maximumFractionDigits: 0 }) })
    : L('literacy.bank.x_off'));
  showState(s.max_exposure);
  const form = h('form', { class: 'form', novalidate: true, on: { submit: onTune } }, summary.el, fTarget.el, h('div', { class: 'form-actions' }, tune));
  const c = card(L('literacy.bank.x_title'), h('p', { class: 'hint' }, L('literacy.bank.x_lead')), state, form, result);
  c.classList.add('lit-exposure');
  return c;

  async function onTune(e) {
    e.preventDefault();
    errs.clear();
    result.replaceChildren();
    const target = Number(fTarget.control.value);
    if (!(target === 0 || (target >= 0.05 && target <= 1))) {
      errs.show([{ field: 'max_exposure', message: L('literacy.bank.x_error') }]);
      return;
    }
    const done = busy(tune);
    result.replaceChildren(h('p', { class: 'progress-label', role: 'status' }, L(target > 0 ? 'literacy.bank.x_running' : 'literacy.bank.x_turning_off')));
    try {
      const data = await post('/api/literacy/exposure', { max_exposure: target });
      const r = data.report;
      const pct = (v) => formatNumber(v, { style: 'percent', maximumFractionDigits: 0 });
      showState(data.settings.max_exposure);
      result.replaceChildren(target > 0
        ? h('div', { class: 'notice', dataset: { role: 'exposure-done' } },
          h('p', { class: 'notice-title' }, L('literacy.bank.x_done')),
          h('p', L('literacy.bank.x_report', { before: pct(r.before), after: pct(r.after), count: r.limited, tests: r.tests, rounds: r.rounds })))
        : h('div', { class: 'notice', dataset: { role: 'exposure-done' } }, h('p', L('literacy.bank.x_off'))));
      result.focus();
    } catch (err) {
      result.replaceChildren();
      errs.showApiError(err);
    } finally {
      done();
    }
  }
}

/* ---- Settings ---- */

async function settings(body) {
  body.replaceChildren(loading(L('common.loading')));
  let data;
  try {
    data = await get('/api/literacy/settings');
  } catch (err) {
    body.replaceChildren(errorState(err));
    return;
  }
  const s = data.settings;
  const d = data.defaults;
  const num = (name, value, def, attrs = {}) => field({ name, type: 'number', label: L(`literacy.bank.s_${name}`), hint: L('literacy.bank.s_hint', { text: L(`literacy.bank.s_${name}_hint`), value: def }), value: String(value), idPrefix: 'ls', attrs: { inputmode: 'decimal', ...attrs } });
  const fSe = num('se_target', s.se_target, d.se_target, { step: '0.01', min: '0.1', max: '1' });
  const fMin = num('min_items', s.min_items, d.min_items, { step: '1', min: '1', max: '100' });
  const fMax = num('max_items', s.max_items, d.max_items, { step: '1', min: '1', max: '100' });
  const fK = num('randomesque', s.randomesque, d.randomesque, { step: '1', min: '1', max: '20' });
  const fTau = num('competence_sd', s.competence_sd, d.competence_sd, { step: '0.05', min: '0.25', max: '3' });
  const spread = h('input', { type: 'checkbox', id: uid('ls-spread'), checked: s.spread });
  const cuts = s.cuts.map((c, i) => field({ name: `cut${i}`, type: 'number', label: L('literacy.bank.s_cut', { n: i + 2 }), value: String(c), idPrefix: 'ls', attrs: { step: '0.05', min: '-6', max: '6', inputmode: 'decimal' } }));
  const shares = AREAS.map((a) => field({ name: `share_${a}`, type: 'number', label: L(`literacy.bank.area.${AREA_KEYS[a]}`), value: String(Math.round(s.area_shares[a] * 1000) / 1000), idPrefix: 'ls', attrs: { step: '0.05', min: '0', max: '1', inputmode: 'decimal' } }));
  const summary = errorSummary();
  const errs = formErrors(summary, { se_target: fSe, min_items: fMin, max_items: fMax, randomesque: fK, competence_sd: fTau, cuts: cuts[0], area_shares: shares[0] });
  const save = button(L('literacy.bank.s_save'), { variant: 'primary', type: 'submit', dataset: { action: 'save-settings' } });
  const form = h('form', { class: 'form lit-settings', novalidate: true, on: { submit: onSave } },
    summary.el,
    h('h3', L('literacy.bank.s_stop')), h('div', { class: 'form-row' }, fMin.el, fMax.el), fSe.el,
    h('h3', L('literacy.bank.s_selection')), fK.el,
    h('div', { class: 'radio' }, spread, h('label', { class: 'radio-label', for: spread.id }, L('literacy.bank.s_spread'))),
    h('fieldset', { class: 'fieldset' }, h('legend', { class: 'label' }, L('literacy.bank.s_shares')), h('p', { class: 'hint' }, L('literacy.bank.s_shares_hint')), h('div', { class: 'lit-grid-5' }, shares.map((f) => f.el))),
    h('fieldset', { class: 'fieldset' }, h('legend', { class: 'label' }, L('literacy.bank.s_cuts')), h('p', { class: 'hint' }, L('literacy.bank.s_cuts_hint', { defaults: d.cuts.map((x) => formatNumber(x)).join(', ') })), h('div', { class: 'lit-grid-4' }, cuts.map((f) => f.el))),
    fTau.el,
    h('div', { class: 'form-actions' }, save));
  body.replaceChildren(card(L('literacy.bank.s_title'), h('p', { class: 'hint' }, L('literacy.bank.s_lead')), form), exposureCard(s));

  async function onSave(e) {
    e.preventDefault();
    errs.clear();
    const value = (f) => Number(f.control.value);
    const payload = {
      se_target: value(fSe), min_items: value(fMin), max_items: value(fMax), randomesque: value(fK),
      competence_sd: value(fTau), spread: spread.checked,
      cuts: cuts.map(value),
      area_shares: Object.fromEntries(AREAS.map((a, i) => [a, value(shares[i])])),
    };
    const done = busy(save);
    try {
      await put('/api/literacy/settings', payload);
      toast(L('literacy.bank.s_saved'));
    } catch (err) {
      errs.showApiError(err);
    } finally {
      done();
    }
  }
}


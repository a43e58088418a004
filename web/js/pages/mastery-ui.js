// What the progress and heatmap pages share: level tags (text and colour, never
// colour alone), the explanation of a level, the evidence of one item, and the
// statement behind a piece of evidence.
import { L, Ldate, Lnum } from '../i18n.js';
import { get } from '../api.js';
import { h, table, emptyState, loading, errorState, button, openDialog, dl, uid, toast } from '../ui.js';
import { copyButton } from './lrs-clients.js';

export const LEVELS = [0, 1, 2, 3, 4];
const LEVEL_KEYS = ['not_started', 'beginning', 'developing', 'proficient', 'mastered'];

/* The name of LEVEL ("Proficient"). */
export const levelName = (level) => L(`mastery.level.${LEVEL_KEYS[level] || 'not_started'}`);

/* A tag with the level's number and name, coloured by level. */
export function levelTag(level, { short = false } = {}) {
  const n = Number(level) || 0;
  return h('span', { class: `tag tag-level tag-level-${n}`, dataset: { level: String(n) } },
    h('span', { class: 'level-num', 'aria-hidden': short ? null : 'true' }, String(n)),
    short ? h('span', { class: 'visually-hidden' }, ' ', levelName(n)) : h('span', { class: 'level-name' }, levelName(n)));
}

/* The legend of the level colours. */
export function levelLegend() {
  return h('ul', { class: 'level-legend', 'aria-label': L('mastery.legend') },
    LEVELS.map((n) => h('li', levelTag(n))));
}

/* The JSON's API path for a learner: the caller's own, or a student's. */
export const learnerPath = (studentId) => (studentId ? `/api/mastery/students/${encodeURIComponent(studentId)}` : '/api/mastery/me');

const pct = (x) => Lnum(x, { style: 'percent', maximumFractionDigits: 0 });

/* Sentences saying why the item has its level (the rule of docs/mastery.md in words). */
export function explanation(item, ex) {
  const parts = [];
  if (ex.evidence === 0 && ex.children_started === 0) {
    parts.push(h('p', L(ex.children ? 'mastery.explain.none_parent' : 'mastery.explain.none')));
    return parts;
  }
  if (ex.evidence > 0) {
    const recent = ex.recent || [];
    const mean = recent.length ? recent.reduce((a, r) => a + r.score, 0) / recent.length : null;
    parts.push(h('p', L('mastery.explain.own', { count: ex.evidence, passed: ex.passed, scored: ex.scored })));
    if (mean !== null) {
      parts.push(h('p', L('mastery.explain.recent', { count: recent.length, mean: pct(mean) })));
    } else {
      parts.push(h('p', L('mastery.explain.unscored')));
    }
    parts.push(h('p', { class: 'muted' }, L(`mastery.explain.rule_${LEVEL_KEYS[ex.own_level]}`)));
  }
  if (ex.children > 0) {
    parts.push(h('p', L('mastery.explain.children', {
      started: ex.children_started, count: ex.children,
      mean: Lnum(ex.children_sum / ex.children, { maximumFractionDigits: 1 }),
      level: levelName(ex.rollup_level),
    })));
    if (ex.evidence > 0) parts.push(h('p', { class: 'muted' }, L('mastery.explain.better_of')));
  }
  return parts;
}

/* Opens the statement behind a piece of evidence (as stored by the LRS). */
export async function openStatement(studentId, statementId) {
  let data;
  try {
    data = await get(`${learnerPath(studentId)}/statements/${encodeURIComponent(statementId)}`);
  } catch (err) {
    toast(err.message, { kind: 'error' });
    return;
  }
  const json = JSON.stringify(data.statement, null, 2);
  const labelId = uid('json-label');
  const pre = h('pre', { class: 'code-block json-block', tabindex: '0', 'aria-labelledby': labelId }, json);
  const opts = { source: pre, dataset: { copy: 'json' } };
  const copy = copyButton(L('mastery.copy_json'), null, () => json, opts);
  const d = openDialog({
    title: L('mastery.statement_title'), wide: true,
    content: [h('p', { class: 'example-label', id: labelId }, L('mastery.statement_json')), pre],
    actions: [copy, button(L('common.close'), { onClick: () => d.close() })],
  });
  opts.within = d.el;
}

const KNOWN_VERBS = new Set(['passed', 'failed', 'mastered', 'completed', 'attempted', 'answered', 'experienced', 'progressed', 'scored', 'satisfied']);

/* The verb in the reader's language: ours for the ADL verbs the scoring table knows, else its display. */
function verbName(v) {
  const m = /^(?:http:\/\/adlnet\.gov\/expapi\/verbs\/|https:\/\/w3id\.org\/xapi\/adl\/verbs\/)([a-z]+)$/.exec(v.id || '');
  if (m && KNOWN_VERBS.has(m[1])) return L(`mastery.verb.${m[1]}`);
  return v.display || v.id;
}

function viaCell(e) {
  if (e.via === 'crosswalk' && e.via_item) {
    return h('span', L('mastery.via.crosswalk_from', { coding: e.via_item.coding || '', name: e.via_item.name || e.via_item.identifier }));
  }
  return L(`mastery.via.${e.via}`);
}

function resultCell(e) {
  if (e.score === null || e.score === undefined) return h('span', { class: 'tag tag-neutral' }, L('mastery.result.done'));
  return h('span', { class: 'result-cell' },
    h('span', { class: 'score' }, pct(e.score)),
    h('span', { class: `tag ${e.passed ? 'tag-pass' : 'tag-not-passed'}` }, L(e.passed ? 'mastery.result.passed' : 'mastery.result.not_passed')));
}

/* The evidence table of an item's view; STUDENT_ID null for the caller's own. */
export function evidenceTable(view, studentId) {
  if (!view.evidence.length) {
    const body = view.children.length ? 'mastery.evidence_empty_parent'
      : view.activities.length ? 'mastery.evidence_empty_body' : 'mastery.evidence_empty_none';
    return emptyState({ title: L('mastery.evidence_empty_title'), body: L(body) });
  }
  const wrap = table({
    caption: L('mastery.evidence_caption', { coding: view.item.coding, name: view.item.name }),
    columns: [
      {
        label: L('mastery.col_when'), class: 'col-time',
        cell: (e) => h('time', { datetime: e.at },
          h('span', { class: 't-date' }, Ldate(e.at, { dateStyle: 'medium' })), ' ',
          h('span', { class: 't-time cell-secondary' }, Ldate(e.at, { timeStyle: 'short' }))),
      },
      {
        label: L('mastery.col_activity'), cell: (e) => [
          h('span', { class: 'cell-primary' }, e.activity.name || e.activity.id),
          h('span', { class: 'cell-secondary' }, verbName(e.verb)),
        ],
      },
      { label: L('mastery.col_result'), cell: resultCell },
      { label: L('mastery.col_via'), class: 'hide-narrow', cell: viaCell },
      {
        label: h('span', { class: 'visually-hidden' }, L('mastery.col_statement')), class: 'actions',
        cell: (e) => button(L('mastery.view_statement'), {
          variant: 'link', size: 'sm', 'aria-haspopup': 'dialog', dataset: { action: 'statement', id: e.statement_id },
          'aria-label': L('mastery.view_statement_label', { activity: e.activity.name || e.activity.id }),
          onClick: () => openStatement(studentId, e.statement_id),
        }),
      },
    ],
    rows: view.evidence,
  });
  const parts = [wrap];
  if (view.evidence_total > view.evidence.length) {
    parts.push(h('p', { class: 'hint' }, L('mastery.evidence_more', { shown: view.evidence.length, count: view.evidence_total })));
  }
  return h('div', parts);
}

/* A list of items ({coding, name, level}) with their level tags; ON_PICK(item) makes them links. */
export function itemList(items, onPick) {
  return h('ul', { class: 'item-list' }, items.map((it) => h('li', { class: 'item-row' },
    onPick
      ? h('button', { type: 'button', class: 'item-link', on: { click: () => onPick(it) } },
        h('span', { class: 'item-coding' }, it.coding), ' ', h('span', it.name))
      : h('span', h('span', { class: 'item-coding' }, it.coding), ' ', h('span', it.name)),
    it.framework && it.framework.title ? h('span', { class: 'cell-secondary' }, it.framework.title) : null,
    levelTag(it.level))));
}

/* The whole explanation of one item: statement, level, why, evidence, parts, crosswalks, practice. */
export function itemDetail(view, studentId, { onPick, headingLevel = 'h2' } = {}) {
  const it = view.item;
  const head = h('div', { class: 'item-head' },
    h(headingLevel, { class: 'item-title' }, h('span', { class: 'item-coding' }, it.coding), ' ', it.name),
    levelTag(it.level));
  const parts = [head];
  if (it.statement && it.statement !== it.name) parts.push(h('p', { class: 'item-statement' }, it.statement));
  parts.push(h('p', { class: 'muted item-framework' }, it.framework.title, it.critical ? [' · ', h('span', { class: 'tag tag-critical' }, L('mastery.critical'))] : null));
  parts.push(h('div', { class: 'explanation' }, explanation(it, view.explanation)));
  parts.push(h('h3', { class: 'sub-title' }, L('mastery.evidence_title')), evidenceTable(view, studentId));
  if (view.children.length) parts.push(h('h3', { class: 'sub-title' }, L('mastery.children_title')), itemList(view.children, onPick));
  const exact = view.related.filter((r) => r.relation === 'exactMatchOf');
  const near = view.related.filter((r) => r.relation !== 'exactMatchOf');
  if (exact.length) parts.push(h('h3', { class: 'sub-title' }, L('mastery.exact_title')), h('p', { class: 'hint' }, L('mastery.exact_hint')), itemList(exact, onPick));
  if (near.length) parts.push(h('h3', { class: 'sub-title' }, L('mastery.related_title')), h('p', { class: 'hint' }, L('mastery.related_hint')), itemList(near, onPick));
  if (view.activities.length) {
    parts.push(h('h3', { class: 'sub-title' }, L('mastery.activities_title')),
      h('ul', { class: 'activity-list' }, view.activities.map((a) => h('li', a.name || h('span', { class: 'mono' }, a.id)))));
  }
  return h('div', { class: 'item-detail' }, parts);
}

/* Loads the item view and shows it in ROOT (a loading state, then the detail or the error). */
export async function loadItem(rootEl, studentId, itemId, opts) {
  rootEl.replaceChildren(loading(L('mastery.item_loading')));
  try {
    const view = await get(`${learnerPath(studentId)}/items/${encodeURIComponent(itemId)}`);
    rootEl.replaceChildren(itemDetail(view, studentId, opts));
    return view;
  } catch (err) {
    rootEl.replaceChildren(errorState(err, { retry: () => loadItem(rootEl, studentId, itemId, opts) }));
    return null;
  }
}

/* A notice while mastery is being brought up to date; null when it is current. */
export function statusNotice(status) {
  if (!status || status.state === 'current') return null;
  const recomputing = status.state === 'recomputing';
  return h('div', { class: 'notice notice-info', role: 'status' },
    h('p', { class: 'notice-title' }, L(recomputing ? 'mastery.recomputing_title' : 'mastery.updating_title')),
    h('p', L(recomputing ? 'mastery.recomputing_body' : 'mastery.updating_body')),
    h('progress', { class: 'progress', max: '100', value: String(Math.round((status.progress || 0) * 100)), 'aria-label': L('mastery.progress_label') }));
}

export { dl };

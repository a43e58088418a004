// /lrs/statements — admin and teacher: the xAPI statements the LRS has received, newest first,
// filtered by learner, verb, activity and time; a row opens the whole statement as JSON.
import { L, Lnum, Ldate, loc, lang } from '../i18n.js';
import { get } from '../api.js';
import {
  h, table, emptyState, loading, errorState, field, errorSummary, formErrors, button, busy, toast,
  pageHeader, openDialog, dl, uid, setText,
} from '../ui.js';
import { copyButton } from './lrs-clients.js';

const TIME = { dateStyle: 'medium', timeStyle: 'medium' };
const byName = new Intl.Collator('zh-CN');
const LATE_MS = 5 * 60 * 1000;
const VERB_EXAMPLE = 'http://adlnet.gov/expapi/verbs/completed';

/*
 * A language map ({"en-US": "completed", "zh-CN": "完成"}) in language l: the exact tag, then the same
 * language in another region or script, then en-US, en, any. '' when the map has no text.
 */
export function pickLang(map, l = lang()) {
  if (!map || typeof map !== 'object') return '';
  const keys = Object.keys(map).filter((k) => typeof map[k] === 'string' && map[k].trim());
  if (!keys.length) return '';
  const low = (k) => k.toLowerCase();
  const want = low(l);
  const base = want.split('-')[0];
  const k = keys.find((x) => low(x) === want)
    || keys.find((x) => low(x).split('-')[0] === base)
    || keys.find((x) => low(x) === 'en-us')
    || keys.find((x) => low(x) === 'en')
    || keys[0];
  return map[k];
}

/* 'http://adlnet.gov/expapi/verbs/completed' → 'completed'. */
export function lastSegment(iri) {
  const parts = String(iri || '').split(/[/#?:]/).filter(Boolean);
  return parts.length ? parts[parts.length - 1] : String(iri || '');
}

function hostOf(url) {
  try { return new URL(url).host || url; } catch { return url; }
}

/* The agent JSON by which the platform names its own users in xAPI. */
/* How the platform names its own users in xAPI (XAPI_PLATFORM_HOMEPAGE in src/xapi/record.h). */
export const PLATFORM_HOMEPAGE = 'https://lrs.carecampus.invalid/users';

export function platformAgent(login) {
  return JSON.stringify({ account: { homePage: PLATFORM_HOMEPAGE, name: login } });
}

/* Who an agent or group is: {primary (name), secondary (identifier, when it differs)}. */
function agentParts(a, names) {
  if (!a || typeof a !== 'object') return { primary: '—', secondary: null };
  let ident = '';
  let known = null;
  if (a.account && typeof a.account === 'object') {
    const home = String(a.account.homePage || '').replace(/\/+$/, '');
    const name = String(a.account.name || '');
    if (home === PLATFORM_HOMEPAGE) { ident = name; known = names.get(name) || null; } else ident = `${name} · ${hostOf(home)}`;
  } else if (typeof a.mbox === 'string') ident = a.mbox.replace(/^mailto:/i, '');
  else if (typeof a.openid === 'string') ident = a.openid;
  else if (typeof a.mbox_sha1sum === 'string') ident = `sha1:${a.mbox_sha1sum.slice(0, 12)}…`;
  const isGroup = a.objectType === 'Group';
  const named = (typeof a.name === 'string' && a.name.trim()) ? a.name : known;
  if (named) return { primary: named, secondary: ident && ident !== named ? ident : null };
  if (ident) return { primary: ident, secondary: null };
  if (isGroup) return { primary: L('lrs.statements.group', { count: Array.isArray(a.member) ? a.member.length : 0 }), secondary: null };
  return { primary: '—', secondary: null };
}

/* What a statement is about: an activity (its name, else its IRI), an agent, or another statement. */
function objectParts(o, names) {
  if (!o || typeof o !== 'object') return { primary: '—', secondary: null };
  const type = o.objectType || 'Activity';
  if (type === 'Agent' || type === 'Group') return agentParts(o, names);
  if (type === 'SubStatement') return { primary: L('lrs.statements.substatement'), secondary: null };
  if (type === 'StatementRef') return { primary: L('lrs.statements.statement_ref'), secondary: o.id || null };
  const nameMap = o.definition && o.definition.name;
  if (pickLang(nameMap)) return { primary: loc((l) => pickLang(nameMap, l)), secondary: o.id || null };
  return { primary: o.id || '—', secondary: null };
}

const verbText = (v) => loc((l) => (v && (pickLang(v.display, l) || lastSegment(v.id))) || '—');

function twoLines({ primary, secondary }, extraClass = '') {
  return [
    h('span', { class: 'cell-primary' }, primary),
    secondary ? h('span', { class: `cell-secondary mono ${extraClass}`.trim() }, secondary) : null,
  ];
}

function resultCell(r) {
  if (!r || typeof r !== 'object') return '—';
  const parts = [];
  const s = r.score && typeof r.score === 'object' ? r.score : null;
  if (s) {
    if (typeof s.raw === 'number' && typeof s.max === 'number') parts.push(h('span', { class: 'score' }, L('lrs.statements.score_of', { raw: s.raw, max: s.max })));
    else if (typeof s.scaled === 'number') parts.push(h('span', { class: 'score' }, Lnum(s.scaled, { style: 'percent', maximumFractionDigits: 1 })));
    else if (typeof s.raw === 'number') parts.push(h('span', { class: 'score' }, Lnum(s.raw)));
  }
  if (r.success === true) parts.push(h('span', { class: 'tag tag-neutral', dataset: { success: 'true' } }, h('span', { 'aria-hidden': 'true' }, '✓'), L('lrs.statements.passed')));
  if (r.success === false) parts.push(h('span', { class: 'tag tag-neutral', dataset: { success: 'false' } }, h('span', { 'aria-hidden': 'true' }, '✗'), L('lrs.statements.not_passed')));
  if (r.completion === true && r.success === undefined) parts.push(h('span', { class: 'tag tag-neutral' }, L('lrs.statements.completed')));
  return parts.length ? h('span', { class: 'result-cell' }, parts) : '—';
}

export async function mount(root, ctx) {
  const isAdmin = ctx.session.user.role === 'admin';
  ctx.setTitle(L('lrs.statements.title'));
  let reqSeq = 0;
  let items = [];
  let after = null;
  let shown = null; // the filters the list was loaded with (for "Load more")
  const names = new Map(); // login → name of the learners we know

  // --- Filters (kept in the URL so reload and back keep them)
  const q = ctx.query;
  const fLearner = field({
    name: 'learner', kind: 'select', label: L('lrs.statements.f_learner'), idPrefix: 'sf', value: '',
    // Teachers see their own students' records only, one learner at a time (the server enforces it).
    options: [{ value: '', label: L(isAdmin ? 'lrs.statements.f_learner_all' : 'lrs.statements.f_learner_choose') }],
  });
  const wantLearner = q.get('learner') || '';
  if (wantLearner) {
    // Until the list arrives, keep the learner from the address selected.
    fLearner.control.append(h('option', { value: wantLearner, selected: true }, wantLearner));
    fLearner.control.value = wantLearner;
  }
  const verbList = h('datalist', { id: uid('verbs') });
  const activityList = h('datalist', { id: uid('activities') });
  const iriAttrs = { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none', inputmode: 'url' };
  const fVerb = field({
    name: 'verb', label: L('lrs.statements.f_verb'), value: q.get('verb') || '', idPrefix: 'sf',
    attrs: { ...iriAttrs, list: verbList.id, placeholder: VERB_EXAMPLE },
  });
  const fActivity = field({
    name: 'activity', label: L('lrs.statements.f_activity'), value: q.get('activity') || '', idPrefix: 'sf',
    attrs: { ...iriAttrs, list: activityList.id },
  });
  const fSince = field({ name: 'since', type: 'datetime-local', label: L('lrs.statements.f_since'), value: q.get('since') || '', idPrefix: 'sf' });
  const fUntil = field({ name: 'until', type: 'datetime-local', label: L('lrs.statements.f_until'), value: q.get('until') || '', idPrefix: 'sf' });
  // since/until select by when the LRS stored a statement (as in xAPI), not by its timestamp: say so.
  const timeNote = h('p', { class: 'hint filters-note', id: uid('time-note') }, L('lrs.statements.time_hint'));
  const describeTimes = () => {
    for (const f of [fSince, fUntil]) {
      const ids = (f.control.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== timeNote.id);
      f.control.setAttribute('aria-describedby', [...ids, timeNote.id].join(' '));
    }
  };
  describeTimes();
  const summary = errorSummary();
  const errors = formErrors(summary, { agent: fLearner, verb: fVerb, activity: fActivity, since: fSince, until: fUntil });
  const apply = button(L('lrs.statements.apply'), { variant: 'primary', type: 'submit', dataset: { action: 'apply-filters' } });
  const clearBtn = button(L('lrs.statements.clear'), { variant: 'link', onClick: clearFilters, dataset: { action: 'clear-filters' } });
  const filters = h('form', {
    class: 'filters filters-grid', role: 'search', novalidate: true, 'aria-label': L('lrs.statements.filter_label'),
    on: { submit: (e) => { e.preventDefault(); reload(); } },
  },
  summary.el, fLearner.el, fVerb.el, fActivity.el, fSince.el, fUntil.el,
  h('div', { class: 'filters-actions' }, apply, clearBtn), timeNote, verbList, activityList);
  for (const f of [fLearner, fSince, fUntil]) f.control.addEventListener('change', () => reload({ keepFocus: true }));

  const count = h('p', { class: 'result-count', 'aria-live': 'polite' });
  const listArea = h('div', { class: 'list-area' }, loading(L('lrs.statements.loading')));
  const more = h('div', { class: 'load-more', hidden: true });

  root.append(
    pageHeader(L('lrs.statements.title'), { lead: L(isAdmin ? 'lrs.statements.lead_admin' : 'lrs.statements.lead_teacher') }),
    h('div', { class: 'card card-flush' }, filters, count, listArea, more));

  const learnersReady = loadLearners();
  await reload();

  /* ---- Learners for the filter: the institution's students (admin) or the teacher's classes. */
  async function loadLearners() {
    const sel = fLearner.control;
    try {
      const groups = [];
      if (isAdmin) {
        const data = await get('/api/users', { query: { role: 'student' } });
        groups.push({ label: null, students: data.users || [] });
      } else {
        const data = await get('/api/classes');
        const details = await Promise.all((data.classes || []).map((c) => get(`/api/classes/${encodeURIComponent(c.id)}`)));
        for (const d of details) groups.push({ label: d.class.name, students: d.students || [] });
      }
      for (const g of groups) {
        // Chinese collation puts Chinese names in pinyin order and Latin names alphabetically.
        g.students.sort((a, b) => byName.compare(a.name, b.name));
        for (const u of g.students) names.set(u.login, u.name);
      }
      const keep = sel.value;
      const opts = [h('option', { value: '' }, L(isAdmin ? 'lrs.statements.f_learner_all' : 'lrs.statements.f_learner_choose'))];
      for (const g of groups) {
        if (!g.students.length) continue;
        const os = g.students.map((u) => h('option', { value: u.login }, `${u.name} (${u.login})`));
        opts.push(g.label ? h('optgroup', { label: g.label }, os) : os);
      }
      // A learner from the address who is not in the list (e.g. no longer in a class) stays choosable.
      if (keep && !names.has(keep)) opts.push(h('option', { value: keep }, keep));
      sel.replaceChildren(...opts.flat());
      sel.value = keep;
    } catch (err) {
      fLearner.el.append(h('p', { class: 'hint', role: 'status' }, L('lrs.statements.learners_failed')));
    }
  }

  function filterValues() {
    return {
      learner: fLearner.control.value,
      verb: fVerb.control.value.trim(),
      activity: fActivity.control.value.trim(),
      since: fSince.control.value,
      until: fUntil.control.value,
    };
  }

  function isFiltered(f) { return Object.values(f).some(Boolean); }

  /* datetime-local ("2026-03-01T08:30", local time) → ISO 8601 in UTC; null when not a date. */
  function toIso(v) {
    if (!v) return null;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }

  function apiQuery(f) {
    return {
      agent: f.learner ? platformAgent(f.learner) : undefined,
      verb: f.verb || undefined,
      activity: f.activity || undefined,
      since: toIso(f.since) || undefined,
      until: toIso(f.until) || undefined,
    };
  }

  function validate(f) {
    const problems = [];
    if (f.since && !toIso(f.since)) problems.push({ field: 'since', message: L('lrs.statements.error_since') });
    if (f.until && !toIso(f.until)) problems.push({ field: 'until', message: L('lrs.statements.error_until') });
    if (!problems.length && f.since && f.until && new Date(f.since) >= new Date(f.until)) {
      problems.push({ field: 'until', message: L('lrs.statements.error_range') });
    }
    return problems;
  }

  function clearFilters() {
    for (const f of [fLearner, fVerb, fActivity, fSince, fUntil]) f.control.value = '';
    reload();
    fLearner.control.focus();
  }

  /* keepFocus: the user changed a control; a problem is shown without moving focus away from it. */
  async function reload({ keepFocus = false } = {}) {
    const seq = ++reqSeq;
    const active = document.activeElement;
    const f = filterValues();
    clearBtn.hidden = !isFiltered(f);
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) qs.set(k, v);
    const want = location.pathname + (qs.toString() ? `?${qs}` : '');
    if (ctx.isCurrent() && want !== location.pathname + location.search) history.replaceState(null, '', want);
    const problems = validate(f);
    if (problems.length) {
      errors.show(problems);
      describeTimes();
      if (keepFocus && active && active.isConnected) active.focus();
      return;
    }
    errors.clear();
    describeTimes();
    if (!isAdmin && !f.learner) {
      items = [];
      after = null;
      listArea.removeAttribute('aria-busy');
      listArea.replaceChildren(emptyState({ title: L('lrs.statements.f_learner_choose'), body: L('lrs.statements.choose_learner') }));
      return;
    }
    if (!listArea.firstChild || listArea.querySelector('.state-error')) listArea.replaceChildren(loading(L('lrs.statements.loading')));
    listArea.setAttribute('aria-busy', 'true');
    try {
      const data = await get('/api/lrs/statements', { query: apiQuery(f) });
      await learnersReady;
      if (seq !== reqSeq) return;
      items = data.statements || [];
      after = data.after ?? null;
      shown = f;
      render();
    } catch (err) {
      if (seq !== reqSeq) return;
      const where = { agent: 'agent', since: 'since', until: 'until' }[err.field];
      if (err.status === 400 && where) {
        const msg = { agent: 'lrs.statements.error_learner', since: 'lrs.statements.error_since', until: 'lrs.statements.error_until' }[where];
        errors.show([{ field: where, message: L(msg) }]);
        describeTimes();
        listArea.replaceChildren();
        count.replaceChildren();
        more.hidden = true;
      } else {
        count.replaceChildren();
        more.hidden = true;
        listArea.replaceChildren(errorState(err, { retry: reload }));
      }
    } finally {
      if (seq === reqSeq) listArea.setAttribute('aria-busy', 'false');
    }
  }

  async function loadMore(btn) {
    const seq = reqSeq;
    const done = busy(btn);
    try {
      const data = await get('/api/lrs/statements', { query: { ...apiQuery(shown), after } });
      if (seq !== reqSeq) return;
      const first = items.length;
      items = items.concat(data.statements || []);
      after = data.after ?? null;
      render();
      const target = listArea.querySelectorAll('tbody .statement-open')[first];
      if (target) target.focus(); else root.querySelector('h1')?.focus();
    } catch (err) {
      done();
      toast(err.message, { kind: 'error' });
    }
  }

  function remember(list, values) {
    const have = new Set([...list.children].map((o) => o.value));
    for (const v of values) if (v && !have.has(v)) { list.append(h('option', { value: v })); have.add(v); }
  }

  function render() {
    const n = items.length;
    setText(count, after != null ? L('lrs.statements.count_more', { count: n }) : L('lrs.statements.count', { count: n }));
    more.hidden = after == null;
    more.replaceChildren(after == null ? null : button(L('lrs.statements.load_more'), { onClick: (e) => loadMore(e.currentTarget), dataset: { action: 'load-more' } }));
    if (!n) {
      count.replaceChildren();
      const filtered = isFiltered(shown);
      listArea.replaceChildren(filtered
        ? emptyState({ title: L('lrs.statements.empty_filtered_title'), body: L('lrs.statements.empty_filtered_body'), action: button(L('lrs.statements.clear'), { onClick: clearFilters }) })
        : emptyState({
          title: L('lrs.statements.empty_title'),
          body: L(isAdmin ? 'lrs.statements.empty_body_admin' : 'lrs.statements.empty_body_teacher'),
          action: isAdmin ? h('a', { href: '/lrs/clients', class: 'btn btn-secondary' }, L('lrs.statements.go_clients')) : null,
        }));
      return;
    }
    remember(verbList, items.map((s) => s.verb && s.verb.id));
    remember(activityList, items.map((s) => s.object && (s.object.objectType || 'Activity') === 'Activity' && s.object.id));
    const wrap = table({
      caption: L('lrs.statements.table_caption'),
      columns: [
        {
          label: L('lrs.statements.col_time'),
          class: 'col-time',
          cell: (s) => {
            const ts = s.timestamp || s.stored;
            const open = h('button', { type: 'button', class: 'statement-open', 'aria-haspopup': 'dialog', on: { click: () => openDetail(s) } },
              ts ? h('time', { datetime: ts },
                h('span', { class: 't-date' }, Ldate(ts, { dateStyle: 'medium' })), ' ',
                h('span', { class: 't-time' }, Ldate(ts, { timeStyle: 'medium' }))) : '—',
              h('span', { class: 'visually-hidden' }, ' ', L('lrs.statements.open_hint')));
            // The list is in the order the LRS received statements; when that differs from when the
            // learner acted (a simulation that synchronises later), say so.
            const late = s.timestamp && s.stored && Math.abs(Date.parse(s.stored) - Date.parse(s.timestamp)) > LATE_MS;
            return late
              ? [open, h('span', { class: 'cell-secondary received' }, L('lrs.statements.received_at', { time: Ldate(s.stored, TIME) }))]
              : open;
          },
        },
        { label: L('lrs.statements.col_learner'), cell: (s) => twoLines(agentParts(s.actor, names)) },
        { label: L('lrs.statements.col_verb'), cell: (s) => h('span', { class: 'verb', title: (s.verb && s.verb.id) || null }, verbText(s.verb)) },
        { label: L('lrs.statements.col_activity'), class: 'col-activity', cell: (s) => twoLines(objectParts(s.object, names), 'cell-iri') },
        { label: L('lrs.statements.col_result'), cell: (s) => resultCell(s.result) },
      ],
      rows: items,
    });
    // The whole row opens the statement for a pointer; keyboard users have the button in its first cell.
    wrap.querySelectorAll('tbody tr').forEach((tr, i) => {
      tr.classList.add('row-clickable');
      tr.addEventListener('click', (e) => {
        if (e.target.closest('button, a') || String(window.getSelection() || '')) return;
        tr.querySelector('.statement-open').focus(); // so that closing the dialog comes back here
        openDetail(items[i]);
      });
    });
    listArea.replaceChildren(wrap);
  }

  function openDetail(s) {
    const json = JSON.stringify(s, null, 2);
    const labelId = uid('json-label');
    const ts = s.timestamp || s.stored;
    const actor = agentParts(s.actor, names);
    const obj = objectParts(s.object, names);
    const info = dl([
      ts ? [L('lrs.statements.col_time'), h('time', { datetime: ts }, Ldate(ts, TIME))] : null,
      s.stored ? [L('lrs.statements.detail_stored'), h('time', { datetime: s.stored }, Ldate(s.stored, TIME))] : null,
      [L('lrs.statements.col_learner'), twoLines(actor)],
      [L('lrs.statements.col_verb'), [h('span', { class: 'cell-primary' }, verbText(s.verb)), s.verb && s.verb.id ? h('span', { class: 'cell-secondary mono' }, s.verb.id) : null]],
      [L('lrs.statements.col_activity'), twoLines(obj)],
      s.result ? [L('lrs.statements.col_result'), resultCell(s.result)] : null,
      s.id ? [L('lrs.statements.detail_id'), h('span', { class: 'mono' }, s.id)] : null,
    ]);
    info.classList.add('statement-summary');
    const pre = h('pre', { class: 'code-block json-block', tabindex: '0', 'aria-labelledby': labelId }, json);
    const copyOpts = { source: pre, dataset: { copy: 'json' } };
    const copy = copyButton(L('lrs.statements.copy_json'), null, () => json, copyOpts);
    const d = openDialog({
      title: L('lrs.statements.detail_title'), wide: true,
      content: [info, h('p', { class: 'example-label', id: labelId }, L('lrs.statements.detail_json')), pre],
      actions: [copy, button(L('common.close'), { onClick: () => d.close() })],
    });
    copyOpts.within = d.el;
  }
}

// /checkoffs — teachers (and administrators) in the training lab: choose a class, a student and a
// checklist; tick the steps while watching; comment; submit. One page in four steps, each with
// its own address (?class=&student=&checklist=) so that Back goes back a step. Made for a tablet
// held in one hand: big rows, the counter and the submit button in a bar at the bottom.
//
// Offline: rosters and checklists are kept from the last time they loaded, ticks are saved as a
// draft on every change, and a submitted check-off goes to the outbox (checkoff-outbox.js) before
// anything is sent, to be sent again until the server acknowledges it.
import { L, Lpick, Ldate, loc, t, lang } from '../i18n.js';
import { get } from '../api.js';
import {
  h, button, busy, toast, pageHeader, emptyState, loading, errorState, openDialog, confirmDialog,
  debounce, uid, setText,
} from '../ui.js';
import * as outbox from './checkoff-outbox.js';

const byName = new Intl.Collator('zh-CN');
const COMMENT_MAX = 2000;
const PREFETCH_CLASSES = 20;
const HISTORY_SHOWN = 3;
const TIME = { dateStyle: 'medium', timeStyle: 'short' };

/* The step number a person sees: its position in the checklist. */
const stepNumber = (cl, id) => cl.steps.findIndex((s) => s.id === id) + 1;

/* The outcome rule of src/checkoff/checkoff.h, for the summary before submitting. */
export function outcomeOf(cl, tickedIds) {
  const ticked = new Set(tickedIds);
  const missed = cl.steps.filter((s) => !ticked.has(s.id));
  const criticalMissed = missed.filter((s) => s.critical);
  const n = cl.steps.length - missed.length;
  const pct = cl.pass_percent ?? 80;
  return {
    ticked: n,
    total: cl.steps.length,
    missed,
    criticalMissed,
    passed: criticalMissed.length === 0 && n * 100 >= cl.steps.length * pct,
    pct,
  };
}

/* "✓ Passed" / "✗ Not passed": icon and words, not colour alone. */
export function outcomeTag(passed) {
  return h('span', { class: `tag outcome-tag ${passed ? 'is-passed' : 'is-failed'}`, dataset: { passed: String(passed) } },
    h('span', { class: 'outcome-icon', 'aria-hidden': 'true' }, passed ? '✓' : '✗'),
    L(passed ? 'checkoff.passed' : 'checkoff.failed'));
}

export function criticalTag() {
  return h('span', { class: 'tag critical-tag' },
    h('span', { class: 'critical-icon', 'aria-hidden': 'true' }, '!'), L('checkoff.critical'));
}

/* Checklists by id, fetched once per page load (the service worker and the cache keep copies). */
const details = new Map();

/* The checklist ID with its steps: from the server, else the copy kept on this device. */
export async function checklistDetail(userId, id) {
  if (details.has(id)) return details.get(id);
  const key = `checklist:${id}`;
  try {
    const data = await get(`/api/checkoffs/${encodeURIComponent(id)}`);
    outbox.cachePut(userId, key, data.checklist);
    details.set(id, data.checklist);
    return data.checklist;
  } catch (err) {
    const kept = err.status === 0 ? outbox.cacheGet(userId, key) : null;
    if (kept) return kept;
    throw err;
  }
}

/*
 * One result of the history: outcome, checklist, when, how many steps, which critical steps were
 * missed (with their text when the checklist is at hand) and the teacher's comment.
 */
export function resultItem(r, cl, { showStudent = false, pending = null } = {}) {
  const step = (id) => {
    const s = cl && cl.steps.find((x) => x.id === id);
    return s ? L('checkoff.step_ref', { n: stepNumber(cl, id), text: Lpick(s.text) }) : id;
  };
  const crit = r.steps.critical_missed;
  return h('li', { class: 'result-item', dataset: pending ? { id: r.id, pending: 'true' } : { id: r.id } },
    h('div', { class: 'result-head' },
      outcomeTag(r.passed),
      h('span', { class: 'result-title' }, r.checklist.title ? Lpick(r.checklist.title) : r.checklist.id),
      pending ? h('span', { class: `tag ${pending === 'failed' ? 'tag-failed' : 'tag-waiting'}` },
        L(pending === 'failed' ? 'checkoff.refused' : 'checkoff.waiting_tag')) : null),
    h('p', { class: 'result-meta' },
      showStudent ? [h('span', r.student.name), ' · '] : null,
      h('time', { datetime: r.ended_at }, Ldate(r.ended_at, TIME)), ' · ',
      L('checkoff.steps_done', { done: r.score.raw, total: r.score.max }),
      r.teacher && r.teacher.name ? [' · ', L('checkoff.by', { name: r.teacher.name })] : null),
    crit.length
      ? h('div', { class: 'result-missed' }, h('p', { class: 'result-missed-title' }, L('checkoff.critical_missed', { count: crit.length })),
        h('ul', crit.map((id) => h('li', step(id)))))
      : null,
    r.comment ? h('blockquote', { class: 'result-comment' }, r.comment) : null);
}

/* A pending outbox item shaped like a result, for the history. */
function pendingResult(item) {
  return {
    id: item.uuid,
    checklist: { id: item.checklist, title: item.title },
    student: item.student,
    teacher: null,
    passed: item.outcome.passed,
    score: { raw: item.outcome.ticked, max: item.outcome.total },
    steps: { critical_missed: item.outcome.critical_missed },
    comment: item.body.comment || '',
    ended_at: item.body.ended_at,
  };
}

export async function mount(root, ctx) {
  const me = ctx.session.user;
  const q = ctx.query;
  const classId = q.get('class');
  const studentId = q.get('student');
  const checklistId = q.get('checklist');
  const cleanups = [];
  outbox.rememberSession(ctx.session);
  outbox.startOutbox(me.id);
  ctx.setTitle(L('checkoff.title'));

  const banner = syncBanner(me.id);
  cleanups.push(banner.cleanup);
  const crumbs = h('ol');
  const breadcrumb = h('nav', { class: 'breadcrumb', 'aria-label': L('checkoff.breadcrumb_label') }, crumbs);
  const headerSlot = h('div', pageHeader(L('checkoff.title'), { lead: L('checkoff.lead') }));
  const body = h('div', { class: 'checkoff-body' }, loading(L('common.loading')));
  root.append(h('div', { class: 'checkoff-page' }, breadcrumb, headerSlot, banner.el, body));
  breadcrumb.hidden = true;

  try {
    if (!classId) await showClasses();
    else if (!studentId) await showStudents();
    else if (!checklistId) await showStudent();
    else await showRunner();
  } catch (err) {
    body.replaceChildren(offlineAware(err, () => ctx.navigate(location.pathname + location.search, { replace: true })));
  }
  return () => { for (const fn of cleanups) fn(); };

  /* ---- Loading, with the copy kept on this device when the network is gone ---- */

  async function load(key, path) {
    try {
      const data = await get(path);
      outbox.cachePut(me.id, key, data);
      outbox.noteOffline(false);
      return data;
    } catch (err) {
      if (err.status === 0) {
        outbox.noteOffline(true);
        const kept = outbox.cacheGet(me.id, key);
        if (kept) return kept;
      }
      throw err;
    }
  }

  function loadClasses() { return load('classes', '/api/classes'); }
  function loadClass(id) { return load(`class:${id}`, `/api/classes/${encodeURIComponent(id)}`); }
  function loadChecklists() { return load('checklists', '/api/checkoffs'); }

  function offlineAware(err, retry) {
    if (err.status === 0) {
      return h('div', { class: 'state state-error', role: 'alert' },
        h('p', { class: 'state-title' }, L('checkoff.offline_missing_title')),
        h('p', { class: 'state-body' }, L('checkoff.offline_missing_body')),
        h('div', { class: 'state-action' }, button(L('common.try_again'), { onClick: retry })));
    }
    return errorState(err, { retry });
  }

  /* While online, keep copies of every roster and checklist, so the whole lab session works offline. */
  async function prefetch(classes) {
    try {
      for (const c of classes.slice(0, PREFETCH_CLASSES)) await loadClass(c.id);
      const lists = await loadChecklists();
      for (const l of lists.checklists || []) await checklistDetail(me.id, l.id);
    } catch { /* offline or refused: what was kept stays */ }
  }

  function setCrumbs(items) {
    crumbs.replaceChildren(...items.map(([label, href], i) => (i === items.length - 1
      ? h('li', { 'aria-current': 'page' }, h('span', { class: 'crumb-current' }, label))
      : h('li', h('a', { href }, label)))));
    breadcrumb.hidden = items.length < 2;
  }

  function header(title, opts) {
    headerSlot.replaceChildren(pageHeader(title, opts));
  }

  /* A list of big rows, each a link: {href, primary, secondary, meta, data}. */
  function choiceList(rows, label) {
    return h('ul', { class: 'choice-list', 'aria-label': label },
      rows.map((r) => h('li', h('a', { class: 'choice', href: r.href, dataset: r.data || {} },
        h('span', { class: 'choice-text' },
          h('span', { class: 'choice-primary' }, r.primary),
          r.secondary ? h('span', { class: 'choice-secondary' }, r.secondary) : null),
        r.meta ? h('span', { class: 'choice-meta' }, r.meta) : null,
        h('span', { class: 'choice-chevron', 'aria-hidden': 'true' })))));
  }

  /* A search box that filters the rows of a list as one types. */
  function searchBox(label, placeholder, onInput) {
    const id = uid('co-search');
    const input = h('input', { id, type: 'search', class: 'input', autocomplete: 'off', spellcheck: 'false', placeholder, dataset: { role: 'search' } });
    input.addEventListener('input', debounce(() => onInput(input.value.trim().toLowerCase()), 100));
    return { el: h('div', { class: 'field choice-search' }, h('label', { class: 'label', for: id }, label), input), input };
  }

  /* ---- Step 1: the class ---- */

  async function showClasses() {
    setCrumbs([]);
    const data = await loadClasses();
    const classes = (data.classes || []).slice().sort((a, b) => byName.compare(a.name, b.name));
    if (!classes.length) {
      body.replaceChildren(emptyState({
        title: L('checkoff.no_classes_title'),
        body: L(me.role === 'admin' ? 'checkoff.no_classes_admin' : 'checkoff.no_classes_teacher'),
        action: me.role === 'admin' ? h('a', { href: '/classes', class: 'btn btn-secondary' }, L('nav.classes')) : null,
      }));
      return;
    }
    body.replaceChildren(h('section', { class: 'card card-flush', 'aria-labelledby': 'co-classes' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'co-classes' }, L('checkoff.choose_class'))),
      choiceList(classes.map((c) => ({
        href: `/checkoffs?class=${c.id}`,
        primary: c.name,
        meta: L('class.students_count', { count: c.student_count ?? 0 }),
        data: { classId: String(c.id) },
      })), L('checkoff.choose_class'))));
    if (navigator.onLine !== false) prefetch(classes);
  }

  /* ---- Step 2: the student ---- */

  async function showStudents() {
    const data = await loadClass(classId);
    const cls = data.class;
    setCrumbs([[L('checkoff.title'), '/checkoffs'], [cls.name, null]]);
    header(cls.name, { lead: L('checkoff.choose_student_lead') });
    ctx.setTitle(loc(() => `${cls.name} · ${t('checkoff.title')}`));
    const students = (data.students || []).slice().sort((a, b) => byName.compare(a.name, b.name));
    if (!students.length) {
      body.replaceChildren(emptyState({ title: L('class.empty_title'), body: L('class.empty_teacher') }));
      return;
    }
    const waiting = new Map();
    for (const i of outbox.items(me.id)) waiting.set(i.student.id, (waiting.get(i.student.id) || 0) + 1);
    const rows = students.map((s) => ({
      href: `/checkoffs?class=${encodeURIComponent(classId)}&student=${s.id}`,
      primary: s.name,
      secondary: s.login,
      meta: waiting.get(s.id) ? h('span', { class: 'tag tag-waiting' }, L('checkoff.waiting_count', { count: waiting.get(s.id) })) : null,
      data: { studentId: String(s.id), login: s.login },
      key: `${s.name} ${s.login}`.toLowerCase(),
    }));
    const listSlot = h('div');
    const count = h('p', { class: 'result-count', 'aria-live': 'polite' });
    const search = searchBox(L('checkoff.find_student'), L('checkoff.find_student_placeholder'), filter);
    body.replaceChildren(h('section', { class: 'card card-flush', 'aria-labelledby': 'co-students' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'co-students' }, L('checkoff.choose_student'))),
      h('div', { class: 'choice-tools' }, search.el), count, listSlot));
    filter('');
    if (navigator.onLine !== false) loadClasses().then((c) => prefetch(c.classes || [])).catch(() => {});

    function filter(needle) {
      const shown = rows.filter((r) => !needle || r.key.includes(needle));
      setText(count, L('checkoff.shown', { count: shown.length, total: rows.length }));
      listSlot.replaceChildren(shown.length
        ? choiceList(shown, L('checkoff.choose_student'))
        : emptyState({ title: L('checkoff.no_match'), body: L('checkoff.no_match_body') }));
    }
  }

  /* ---- Step 3: the checklist, and the student's history ---- */

  async function findStudent() {
    const data = await loadClass(classId);
    const student = (data.students || []).find((s) => String(s.id) === String(studentId));
    return { cls: data.class, student };
  }

  async function showStudent() {
    const { cls, student } = await findStudent();
    if (!student) { notInClass(cls); return; }
    setCrumbs([[L('checkoff.title'), '/checkoffs'], [cls.name, `/checkoffs?class=${cls.id}`], [student.name, null]]);
    header(student.name, { lead: L('checkoff.choose_checklist_lead', { name: student.name }) });
    ctx.setTitle(loc(() => `${student.name} · ${t('checkoff.title')}`));
    const lists = (await loadChecklists()).checklists || [];
    const base = `/checkoffs?class=${encodeURIComponent(classId)}&student=${student.id}`;
    const rows = lists.map((l) => {
      const draft = outbox.draftGet(me.id, `${student.id}:${l.id}`);
      return {
        href: `${base}&checklist=${encodeURIComponent(l.id)}`,
        primary: Lpick(l.title),
        secondary: loc((lg) => (lg === 'zh-CN' ? l.title.en : l.title['zh-CN'])),
        meta: h('span', { class: 'choice-tags' },
          draft ? h('span', { class: 'tag tag-waiting' }, L('checkoff.in_progress')) : null,
          h('span', { class: 'tag tag-neutral' }, l.source),
          h('span', { class: 'choice-count' }, L('checkoff.steps_summary', { count: l.steps_count, critical: l.critical_count }))),
        data: { checklist: l.id },
        key: `${l.id} ${l.title.en} ${l.title['zh-CN']} ${l.source}`.toLowerCase(),
        source: l.source,
      };
    });
    // The tradition of the page's language first (养老护理员 in Chinese, NNAAP in English), then by title.
    const first = lang() === 'zh-CN' ? '养老护理员' : 'NNAAP';
    const title = (r) => r.primary.text();
    rows.sort((a, b) => (b.source === first) - (a.source === first) || byName.compare(a.source, b.source) || byName.compare(title(a), title(b)));
    const listSlot = h('div');
    const count = h('p', { class: 'result-count', 'aria-live': 'polite' });
    const search = searchBox(L('checkoff.find_checklist'), L('checkoff.find_checklist_placeholder'), filter);
    const history = h('div', { class: 'history-slot' }, loading(L('checkoff.history_loading')));
    // The latest results first: what the student already passed is what decides the next skill.
    body.replaceChildren(
      h('section', { class: 'card', 'aria-labelledby': 'co-history' },
        h('h2', { class: 'card-title', id: 'co-history' }, L('checkoff.history_title', { name: student.name })),
        history),
      h('section', { class: 'card card-flush', 'aria-labelledby': 'co-lists' },
        h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'co-lists' }, L('checkoff.choose_checklist'))),
        h('div', { class: 'choice-tools' }, search.el), count, listSlot));
    filter('');
    await renderHistory(history, student);
    cleanups.push(outbox.onSent((item) => { if (item.student.id === student.id) renderHistory(history, student); }));
    cleanups.push(outbox.subscribe(debounce(() => { if (history.isConnected) renderPending(history, student); }, 50)));

    function filter(needle) {
      const shown = rows.filter((r) => !needle || r.key.includes(needle));
      setText(count, L('checkoff.shown', { count: shown.length, total: rows.length }));
      listSlot.replaceChildren(shown.length
        ? choiceList(shown, L('checkoff.choose_checklist'))
        : emptyState({ title: L('checkoff.no_match'), body: L('checkoff.no_match_checklist') }));
    }
  }

  function notInClass(cls) {
    setCrumbs([[L('checkoff.title'), '/checkoffs'], [cls.name, `/checkoffs?class=${cls.id}`]]);
    body.replaceChildren(emptyState({
      title: L('checkoff.student_not_found_title'),
      body: L('checkoff.student_not_found_body'),
      action: h('a', { href: `/checkoffs?class=${cls.id}`, class: 'btn btn-secondary' }, L('checkoff.back_to_class')),
    }));
  }

  /* The waiting and refused check-offs of STUDENT at the top of the history. */
  function renderPending(slot, student) {
    const pending = outbox.items(me.id).filter((i) => i.student.id === student.id);
    let box = slot.querySelector('.pending-list');
    if (!pending.length) { if (box) box.remove(); return; }
    const list = h('ul', { class: 'result-list pending-list', 'aria-label': L('checkoff.pending_label') },
      pending.map((i) => resultItem(pendingResult(i), details.get(i.checklist) || null, { pending: i.error ? 'failed' : 'waiting' })));
    if (box) box.replaceWith(list); else slot.prepend(list);
  }

  async function renderHistory(slot, student) {
    let results;
    try {
      const data = await get('/api/checkoff-results', { query: { student: student.id, limit: 50 } });
      results = data.results || [];
      outbox.noteOffline(false);
    } catch (err) {
      slot.replaceChildren(err.status === 0
        ? h('p', { class: 'hint', role: 'status' }, L('checkoff.history_offline'))
        : errorState(err, { retry: () => renderHistory(slot, student) }));
      if (err.status === 0) outbox.noteOffline(true);
      renderPending(slot, student);
      return;
    }
    const ids = [...new Set(results.map((r) => r.checklist.id))];
    const lists = new Map();
    await Promise.all(ids.map(async (id) => { try { lists.set(id, await checklistDetail(me.id, id)); } catch { /* steps shown by id */ } }));
    const done = results.filter((r) => !outbox.items(me.id).some((i) => i.uuid === r.id));
    const list = (all) => h('ul', { class: 'result-list', 'aria-label': L('checkoff.history_title', { name: student.name }) },
      (all ? done : done.slice(0, HISTORY_SHOWN)).map((r) => resultItem(r, lists.get(r.checklist.id))));
    if (!done.length) {
      slot.replaceChildren(h('p', { class: 'hint history-empty' }, L('checkoff.history_empty_body')));
    } else if (done.length <= HISTORY_SHOWN) {
      slot.replaceChildren(list(true));
    } else {
      const more = button(L('checkoff.show_all', { count: done.length }), { variant: 'link', dataset: { action: 'show-all' }, onClick: () => { slot.querySelector('.result-list:not(.pending-list)').replaceWith(list(true)); more.remove(); } });
      slot.replaceChildren(list(false), more);
    }
    renderPending(slot, student);
  }

  /* ---- Step 4: the check-off itself ---- */

  async function showRunner() {
    const { cls, student } = await findStudent();
    if (!student) { notInClass(cls); return; }
    const cl = await checklistDetail(me.id, checklistId).catch((err) => {
      if (err.status === 404) return null;
      throw err;
    });
    const back = `/checkoffs?class=${encodeURIComponent(classId)}&student=${student.id}`;
    setCrumbs([[L('checkoff.title'), '/checkoffs'], [cls.name, `/checkoffs?class=${cls.id}`], [student.name, back], [cl ? Lpick(cl.title) : checklistId, null]]);
    if (!cl) {
      body.replaceChildren(emptyState({ title: L('checkoff.checklist_not_found'), body: L('checkoff.checklist_not_found_body'), action: h('a', { href: back, class: 'btn btn-secondary' }, L('checkoff.back_to_student')) }));
      return;
    }
    ctx.setTitle(loc(() => `${Lpick(cl.title).text()} · ${student.name}`));
    const draftKey = `${student.id}:${cl.id}`;
    let draft = outbox.draftGet(me.id, draftKey);
    let resumed = false;
    if (draft && draft.version !== cl.version) draft = null; // the checklist changed: its steps may differ
    if (draft) resumed = draft.ticked.length > 0 || !!draft.comment;
    else draft = { version: cl.version, started_at: new Date().toISOString(), ticked: [], comment: '' };
    const known = new Set(cl.steps.map((s) => s.id));
    const ticked = new Set(draft.ticked.filter((id) => known.has(id)));
    let finished = false; // submitted: a late save (the comment's, after a pause) must not bring the draft back
    const save = () => {
      if (finished) return;
      draft.ticked = cl.steps.filter((s) => ticked.has(s.id)).map((s) => s.id);
      if (!outbox.draftPut(me.id, draftKey, draft)) storageWarning.hidden = false;
    };
    save();

    headerSlot.replaceChildren(h('div', { class: 'page-header runner-header' },
      h('p', { class: 'runner-student' }, h('span', { class: 'visually-hidden' }, L('checkoff.student_label'), ' '), student.name,
        h('span', { class: 'runner-login' }, student.login)),
      h('div', { class: 'page-header-row' }, h('h1', { class: 'page-title', tabindex: '-1' }, Lpick(cl.title))),
      h('p', { class: 'page-lead' }, Lpick(cl.description))));

    const storageWarning = h('div', { class: 'notice notice-error', role: 'alert', hidden: true },
      h('p', { class: 'notice-title' }, L('checkoff.storage_title')), h('p', L('checkoff.storage_body')));
    const resumeNote = resumed
      ? h('div', { class: 'notice notice-info', role: 'status' },
        h('p', L('checkoff.resumed', { time: Ldate(draft.started_at, TIME) }), ' ',
          button(L('checkoff.start_over'), { variant: 'link', dataset: { action: 'start-over' }, onClick: startOver })))
      : null;

    const counter = h('p', { class: 'runner-counter', 'aria-live': 'polite', dataset: { role: 'counter' } });
    const stepsList = h('ol', { class: 'steps', 'aria-label': L('checkoff.steps_label') },
      cl.steps.map((s, i) => {
        const id = uid('step');
        const cb = h('input', { type: 'checkbox', id, class: 'step-check', checked: ticked.has(s.id), dataset: { step: s.id } });
        cb.addEventListener('change', () => {
          if (cb.checked) ticked.add(s.id); else ticked.delete(s.id);
          li.classList.toggle('is-done', cb.checked);
          save();
          updateCounter();
        });
        // The whole row is the label: a tap anywhere on it ticks the step.
        const li = h('li', { class: `step${s.critical ? ' is-critical' : ''}${ticked.has(s.id) ? ' is-done' : ''}` },
          h('label', { for: id, class: 'step-label' },
            cb,
            h('span', { class: 'step-num', 'aria-hidden': 'true' }, String(i + 1)),
            h('span', { class: 'step-body' },
              s.critical ? criticalTag() : null,
              h('span', { class: 'step-text' }, h('span', { class: 'visually-hidden' }, L('checkoff.step_n', { n: i + 1 }), ' '), Lpick(s.text)))));
        return li;
      }));

    const commentId = uid('co-comment');
    const comment = h('textarea', { id: commentId, class: 'input comment-input', rows: 3, maxlength: String(COMMENT_MAX), dataset: { role: 'comment' } });
    comment.value = draft.comment || '';
    const commentCount = h('p', { class: 'hint char-count', id: `${commentId}-count` });
    comment.setAttribute('aria-describedby', commentCount.id);
    const updateCommentCount = () => setText(commentCount, L('checkoff.comment_count', { count: [...comment.value].length, max: COMMENT_MAX }));
    comment.addEventListener('input', () => { updateCommentCount(); saveComment(); });
    const saveComment = debounce(() => { draft.comment = comment.value; save(); }, 300);
    updateCommentCount();

    const submit = button(L('checkoff.review'), { variant: 'primary', class: 'btn-lg', dataset: { action: 'review' }, onClick: review });
    const bar = h('div', { class: 'runner-bar' }, counter, submit);

    body.replaceChildren(storageWarning, resumeNote || '',
      h('section', { class: 'card runner-card', 'aria-label': L('checkoff.steps_label') },
        h('p', { class: 'hint runner-rule' }, L('checkoff.rule', { pct: cl.pass_percent ?? 80 })),
        stepsList,
        h('div', { class: 'field comment-field' },
          h('label', { class: 'label', for: commentId }, L('checkoff.comment_label')),
          h('p', { class: 'hint' }, L('checkoff.comment_hint')),
          comment, commentCount)),
      bar);
    updateCounter();

    function updateCounter() {
      const o = outcomeOf(cl, [...ticked]);
      const critDone = cl.steps.filter((s) => s.critical && ticked.has(s.id)).length;
      const critTotal = cl.steps.filter((s) => s.critical).length;
      setText(counter, L('checkoff.counter', { done: o.ticked, total: o.total, critical: critDone, critical_total: critTotal }));
    }

    async function startOver() {
      const ok = await confirmDialog({ title: L('checkoff.start_over_title'), body: L('checkoff.start_over_body'), confirmLabel: L('checkoff.start_over'), danger: true });
      if (!ok) return;
      outbox.draftDelete(me.id, draftKey);
      ctx.navigate(location.pathname + location.search, { replace: true });
    }

    function review() {
      draft.comment = comment.value;
      save();
      const o = outcomeOf(cl, [...ticked]);
      const stepLine = (s) => h('li', L('checkoff.step_ref', { n: stepNumber(cl, s.id), text: Lpick(s.text) }));
      const otherMissed = o.missed.filter((s) => !s.critical);
      const content = [
        h('div', { class: `review-outcome ${o.passed ? 'is-passed' : 'is-failed'}`, dataset: { passed: String(o.passed) } },
          outcomeTag(o.passed),
          h('p', { class: 'review-score' }, L('checkoff.steps_done_pct', { done: o.ticked, total: o.total, pct: Math.round((o.ticked * 100) / o.total) }))),
        h('p', { class: 'hint' }, L('checkoff.rule', { pct: o.pct })),
        o.criticalMissed.length
          ? h('div', { class: 'review-block review-critical' },
            h('h3', { class: 'review-title' }, criticalTag(), ' ', L('checkoff.critical_missed', { count: o.criticalMissed.length })),
            h('ul', o.criticalMissed.map(stepLine)))
          : h('p', { class: 'review-ok' }, L('checkoff.all_critical_done')),
        otherMissed.length
          ? h('div', { class: 'review-block' },
            h('h3', { class: 'review-title' }, L('checkoff.other_missed', { count: otherMissed.length })),
            h('ul', otherMissed.map(stepLine)))
          : null,
        draft.comment ? h('div', { class: 'review-block' }, h('h3', { class: 'review-title' }, L('checkoff.comment_label')), h('blockquote', { class: 'result-comment' }, draft.comment)) : null,
        h('p', { class: 'review-who' }, L('checkoff.review_who', { student: student.name })),
      ];
      const ok = button(L('checkoff.submit'), { variant: 'primary', class: 'btn-lg', dataset: { action: 'submit' }, onClick: () => doSubmit(o, d, ok) });
      const d = openDialog({
        title: L('checkoff.review_title'),
        content,
        actions: [ok, button(L('checkoff.back_to_list'), { class: 'btn-lg', onClick: () => d.close() })],
      });
      ok.focus();
    }

    async function doSubmit(o, dialog, btn) {
      const done = busy(btn);
      const uuid = draft.uuid || outbox.makeUuid();
      draft.uuid = uuid; // a second tap, or a reload now, sends the same check-off: never two
      save();
      const item = {
        uuid,
        checklist: cl.id,
        title: cl.title,
        student: { id: student.id, name: student.name, login: student.login },
        outcome: { passed: o.passed, ticked: o.ticked, total: o.total, critical_missed: o.criticalMissed.map((s) => s.id) },
        body: {
          id: uuid,
          student_id: student.id,
          version: cl.version,
          ticked: cl.steps.filter((s) => ticked.has(s.id)).map((s) => s.id),
          comment: draft.comment || null,
          started_at: draft.started_at,
          ended_at: new Date().toISOString(),
        },
      };
      if (!outbox.enqueue(me.id, item)) {
        done();
        storageWarning.hidden = false;
        toast(L('checkoff.storage_body'), { kind: 'error' });
        return;
      }
      finished = true;
      outbox.draftDelete(me.id, draftKey);
      // Wait a little for the answer; the outbox keeps trying after that on its own.
      await Promise.race([outbox.flush(), new Promise((r) => setTimeout(r, 8000))]);
      dialog.close();
      const name = student.name;
      if (outbox.wasSent(uuid)) {
        toast(L(o.passed ? 'checkoff.sent_passed' : 'checkoff.sent_failed', { name }));
      } else {
        const refused = outbox.items(me.id).find((i) => i.uuid === uuid && i.error);
        if (refused) toast(L('checkoff.sent_refused', { message: refused.error.message }), { kind: 'error' });
        else toast(L('checkoff.queued', { name }), { kind: 'info' });
      }
      ctx.navigate(back);
    }
  }
}

/*
 * The banner under the page title: offline or not, how many check-offs wait, which ones the
 * server refused (with why, to send again or remove), and whether a login is needed.
 */
function syncBanner(userId) {
  const el = h('div', { class: 'sync-banner', role: 'status', 'aria-live': 'polite', dataset: { role: 'sync' } });
  const problems = h('div', { class: 'sync-problems' });
  const wrap = h('div', el, problems);
  const stop = outbox.subscribe(render);
  return { el: wrap, cleanup: stop };

  function render(s) {
    let kind;
    let text;
    let action = null;
    if (s.needsLogin) {
      kind = 'login';
      text = L('checkoff.sync_login', { count: s.waiting });
      action = button(L('checkoff.sync_login_action'), { variant: 'primary', onClick: () => get('/api/me').catch(() => {}) });
    } else if (s.offline) {
      kind = 'offline';
      text = s.waiting ? L('checkoff.sync_offline_waiting', { count: s.waiting }) : L('checkoff.sync_offline');
    } else if (s.waiting) {
      kind = 'waiting';
      text = L(s.sending ? 'checkoff.sync_sending' : 'checkoff.sync_waiting', { count: s.waiting });
      if (!s.sending) action = button(L('checkoff.sync_now'), { size: 'sm', dataset: { action: 'sync-now' }, onClick: () => outbox.flush() });
    } else {
      kind = 'synced';
      text = L('checkoff.sync_done');
    }
    el.dataset.state = kind;
    el.dataset.waiting = String(s.waiting);
    el.className = `sync-banner sync-${kind}`;
    el.replaceChildren(...[
      h('span', { class: 'sync-icon', 'aria-hidden': 'true' }, { offline: '!', waiting: '↻', synced: '✓', login: '!' }[kind]),
      h('span', { class: 'sync-text' }, text),
      action].filter(Boolean));
    problems.replaceChildren(...(s.failed.length ? [h('div', { class: 'notice notice-error', role: 'alert' },
      h('p', { class: 'notice-title' }, L('checkoff.refused_title', { count: s.failed.length })),
      h('ul', { class: 'refused-list' }, s.failed.map((i) => h('li', { dataset: { id: i.uuid } },
        h('p', h('strong', i.student.name), ' · ', Lpick(i.title), ' · ', h('time', { datetime: i.body.ended_at }, Ldate(i.body.ended_at, TIME))),
        h('p', { class: 'refused-why' }, i.error.message || L('errors.unexpected')),
        h('div', { class: 'refused-actions' },
          button(L('checkoff.retry'), { size: 'sm', onClick: () => outbox.retry(userId, i.uuid) }),
          button(L('checkoff.discard'), {
            size: 'sm', variant: 'danger-link',
            onClick: async () => {
              const ok = await confirmDialog({ title: L('checkoff.discard_title'), body: L('checkoff.discard_body', { name: i.student.name }), confirmLabel: L('checkoff.discard'), danger: true });
              if (ok) outbox.discard(userId, i.uuid);
            },
          }))))))] : []));
  }
}

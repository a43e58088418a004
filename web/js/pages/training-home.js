// /training — students: the scenario in progress, what their teachers assigned (with attempts,
// best score, passed), every scenario to practise, and their past sessions with their debriefs.
// Teachers and administrators: the assignments of their classes with who has done what, assigning
// a scenario (practice or assessment, opening and due dates, attempts), the live view, and the
// scenarios to try themselves. Starting shows the scenario's briefing (the handover) first.
import { L, t, Ldate, formatDate } from '../i18n.js';
import { get, post } from '../api.js';
import {
  h, button, busy, toast, pageHeader, loading, errorState, emptyState, openDialog, field,
  errorSummary, formErrors, uid, table, card,
} from '../ui.js';
import { pick, simTime } from './training-common.js';

export async function mount(root, ctx) {
  const me = ctx.session.user;
  const teacher = me.role === 'teacher' || me.role === 'admin';
  ctx.setTitle(L('training.title'));
  const actions = teacher ? [
    button(L('training.assign'), { variant: 'primary', dataset: { action: 'assign' }, onClick: () => assignDialog() }),
    h('a', { class: 'btn btn-secondary', href: '/training/live', dataset: { action: 'live' } }, L('training.live_view')),
  ] : null;
  const body = h('div', { class: 'stack' }, loading(L('training.loading')));
  root.append(h('div', { class: 'training-home' },
    pageHeader(L('training.title'), { lead: L(teacher ? 'training.lead_teacher' : 'training.lead_student'), actions }), body));

  let scenarios = [];
  let assignments = [];
  let sessions = [];
  let classes = [];
  await load();

  async function load() {
    try {
      const [s, a, ss, cl] = await Promise.all([
        get('/api/training/scenarios'),
        get('/api/training/assignments'),
        get('/api/training/sessions'),
        teacher ? get('/api/classes') : Promise.resolve({ classes: [] }),
      ]);
      scenarios = s.scenarios;
      assignments = a.assignments;
      sessions = ss.sessions;
      classes = cl.classes;
      if (ctx.isCurrent()) render();
    } catch (err) {
      body.replaceChildren(errorState(err, { retry: load }));
    }
  }

  function render() {
    const parts = [];
    const running = sessions.find((s) => s.student.id === me.id && s.status !== 'ended');
    if (running) {
      parts.push(h('div', { class: 'notice resume-notice', dataset: { role: 'running' } },
        h('p', { class: 'notice-title' }, L('training.in_progress_title')),
        h('p', L('training.in_progress_body', { title: pick(running.scenario.title), time: simTime(running.sim_ms) })),
        h('a', { class: 'btn btn-primary', href: `/training/sessions/${running.id}`, dataset: { action: 'resume' } }, L('training.continue'))));
    }
    parts.push(teacher ? assignmentsTable() : myAssignments(running));
    parts.push(catalogue(running));
    const mine = sessions.filter((s) => s.student.id === me.id);
    if (mine.length || !teacher) parts.push(history(mine));
    body.replaceChildren(...parts);
  }

  function stateTag(a) {
    return h('span', { class: `tag state-tag state-${a.state}` }, L(`training.state.${a.state}`));
  }

  function modeTag(mode) {
    return h('span', { class: `tag mode-tag mode-${mode}` }, L(`training.mode.${mode}`));
  }

  function due(a) {
    return a.due_at ? Ldate(a.due_at, { dateStyle: 'medium', timeStyle: 'short' }) : L('training.no_due');
  }

  /* A student's assignments. */
  function myAssignments(running) {
    if (!assignments.length) {
      return card(L('training.assigned'), emptyState({ title: L('training.assigned_empty_title'), body: L('training.assigned_empty_body') }));
    }
    const list = h('ul', { class: 'assign-list' }, assignments.map((a) => {
      const m = a.mine;
      let reason = null;
      if (a.state === 'upcoming') reason = L('training.opens', { date: formatDate(a.opens_at, { dateStyle: 'medium', timeStyle: 'short' }) });
      else if (a.state === 'closed') reason = L('training.closed');
      else if (m.left === 0) reason = L('training.no_attempts');
      else if (running && m.running !== running.id) reason = L('training.finish_first');
      const action = m.running
        ? h('a', { class: 'btn btn-primary', href: `/training/sessions/${m.running}`, dataset: { action: 'resume' } }, L('training.continue'))
        : button(L('training.start'), { variant: 'primary', disabled: !!reason, dataset: { action: 'start', assignment: String(a.id) }, onClick: () => startDialog(a.scenario.id, a) });
      return h('li', { class: 'assign-item', dataset: { assignment: String(a.id), scenario: a.scenario.id } },
        h('div', { class: 'assign-main' },
          h('p', { class: 'assign-title' }, pick(a.scenario.title)),
          h('p', { class: 'assign-tags' }, modeTag(a.mode), ' ', stateTag(a), ' ',
            m.passed ? h('span', { class: 'tag outcome-tag is-passed' }, h('span', { class: 'outcome-icon', 'aria-hidden': 'true' }, '✓'), L('training.passed')) : null),
          h('p', { class: 'assign-meta muted' },
            L('training.due', { date: due(a) }), ' · ',
            a.attempts ? L('training.attempts_used', { used: m.attempts, allowed: a.attempts }) : L('training.attempts_any', { used: m.attempts }),
            m.best !== null ? [' · ', L('training.best', { percent: m.best })] : null),
          reason ? h('p', { class: 'hint' }, reason) : null),
        h('div', { class: 'assign-action' }, action));
    }));
    return h('section', { class: 'card', 'aria-labelledby': 'assigned-h' }, h('h2', { class: 'card-title', id: 'assigned-h' }, L('training.assigned')), list);
  }

  /* A teacher's (or administrator's) assignments with who has done what. */
  function assignmentsTable() {
    const head = h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'assignments-h' }, L('training.assignments')));
    if (!assignments.length) {
      return h('section', { class: 'card card-flush', 'aria-labelledby': 'assignments-h' }, head,
        emptyState({ title: L('training.assignments_empty_title'), body: L('training.assignments_empty_body'), action: button(L('training.assign'), { variant: 'primary', onClick: () => assignDialog() }) }));
    }
    const columns = [
      { label: L('training.col_scenario'), rowHeader: true, cell: (a) => h('a', { href: `/training/assignments/${a.id}`, dataset: { assignment: String(a.id) } }, pick(a.scenario.title)) },
      { label: L('training.col_class'), cell: (a) => a.class.name },
      { label: L('training.col_mode'), cell: (a) => modeTag(a.mode) },
      { label: L('training.col_due'), cell: (a) => [stateTag(a), ' ', due(a)] },
      { label: L('training.col_attempts'), cell: (a) => (a.attempts ? String(a.attempts) : L('training.any')) },
      { label: L('training.col_done'), cell: (a) => L('training.done_counts', { completed: a.counts.completed, passed: a.counts.passed, students: a.counts.students }) },
      { label: L('training.col_running'), numeric: true, cell: (a) => String(a.counts.running) },
    ];
    return h('section', { class: 'card card-flush', 'aria-labelledby': 'assignments-h' }, head,
      table({ caption: L('training.assignments'), columns, rows: assignments }));
  }

  function catalogue(running) {
    const list = h('ul', { class: 'scenario-grid' }, scenarios.map((s) => h('li', { class: 'scenario-card', dataset: { scenario: s.id } },
      h('h3', { class: 'scenario-title' }, pick(s.title)),
      h('p', { class: 'scenario-summary' }, pick(s.summary)),
      h('p', { class: 'scenario-meta muted' }, L('training.scenario_meta', { minutes: Math.round(s.duration_ms / 60000), count: s.residents })),
      button(L('training.practise'), { disabled: !!running, dataset: { action: 'practise', scenario: s.id }, onClick: () => startDialog(s.id, null) }))));
    return h('section', { class: 'card', 'aria-labelledby': 'practice-h' },
      h('h2', { class: 'card-title', id: 'practice-h' }, L(teacher ? 'training.try' : 'training.practice')),
      h('p', { class: 'muted' }, L(teacher ? 'training.try_lead' : 'training.practice_lead')),
      running ? h('p', { class: 'hint' }, L('training.finish_first')) : null,
      list);
  }

  function history(mine) {
    const head = h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'history-h' }, L('training.history')));
    if (!mine.length) {
      return h('section', { class: 'card card-flush', 'aria-labelledby': 'history-h' }, head,
        emptyState({ body: L('training.history_empty') }));
    }
    const columns = [
      { label: L('training.col_scenario'), rowHeader: true, cell: (s) => pick(s.scenario.title) },
      { label: L('training.col_mode'), cell: (s) => modeTag(s.mode) },
      { label: L('training.col_started'), cell: (s) => Ldate(s.started_at, { dateStyle: 'medium', timeStyle: 'short' }) },
      { label: L('training.col_result'), cell: (s) => resultCell(s) },
      { label: h('span', { class: 'visually-hidden' }, L('training.col_open')), cell: (s) => (s.status === 'ended'
        ? h('a', { href: `/training/sessions/${s.id}/debrief`, dataset: { action: 'debrief', session: s.id } }, L('training.debrief'))
        : h('a', { href: `/training/sessions/${s.id}` }, L('training.continue'))) },
    ];
    return h('section', { class: 'card card-flush', 'aria-labelledby': 'history-h' }, head,
      table({ caption: L('training.history'), columns, rows: mine }));
  }

  /* The briefing, the speed, and start. */
  async function startDialog(scenarioId, assignment) {
    let sc;
    try { sc = (await get(`/api/training/scenarios/${encodeURIComponent(scenarioId)}`)).scenario; } catch (err) { toast(err.message, { kind: 'error' }); return; }
    const summary = errorSummary();
    const speed = field({ name: 'speed', label: L('training.speed'), hint: L('training.speed_hint'), kind: 'select', value: '1',
      options: Array.from({ length: 10 }, (_, i) => ({ value: String(i + 1), label: t('training.speed_option', { n: i + 1 }) })) });
    const errors = formErrors(summary, { speed });
    const form = h('form', { class: 'form', id: uid('start-form') }, summary.el,
      assignment ? h('p', modeTag(assignment.mode), ' ', assignment.mode === 'assessment' ? L('training.assessment_rules') : L('training.practice_rules')) : h('p', L('training.practice_rules')),
      h('h3', { class: 'sub-title' }, L('training.briefing')),
      h('div', { class: 'briefing' }, pick(sc.briefing).split('\n').map((p) => h('p', p))),
      h('p', { class: 'muted' }, L('training.scenario_meta', { minutes: Math.round(sc.duration_ms / 60000), count: sc.residents.length })),
      speed.el);
    const submit = button(L('training.start_now'), { variant: 'primary', type: 'submit', dataset: { action: 'start-now' } });
    submit.setAttribute('form', form.id);
    const d = openDialog({ title: pick(sc.title), content: form, wide: true, actions: [submit, button(L('common.cancel'), { onClick: () => d.close() })] });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const undo = busy(submit);
      try {
        const body = assignment ? { assignment_id: assignment.id } : { scenario: scenarioId };
        body.speed = Number(speed.control.value);
        const s = (await post('/api/training/sessions', body)).session;
        d.close();
        ctx.navigate(`/training/sessions/${s.id}`);
      } catch (err) {
        undo();
        if (err.code === 'conflict' && err.body && err.body.error && err.body.error.session) {
          d.close();
          toast(err.message, { kind: 'info' });
          ctx.navigate(`/training/sessions/${err.body.error.session}`);
          return;
        }
        errors.showApiError(err);
      }
    });
    submit.focus();
  }

  async function assignDialog() {
    const summary = errorSummary();
    const usable = me.role === 'admin' ? classes : classes.filter((c) => c.teacher && c.teacher.id === me.id);
    if (!usable.length) { toast(t('training.no_classes'), { kind: 'info' }); return; }
    const cls = field({ name: 'class_id', label: L('training.col_class'), kind: 'select', options: usable.map((c) => ({ value: String(c.id), label: c.name })) });
    const sc = field({ name: 'scenario', label: L('training.col_scenario'), kind: 'select', options: scenarios.map((s) => ({ value: s.id, label: pick(s.title) })) });
    const mode = field({ name: 'mode', label: L('training.col_mode'), hint: L('training.mode_hint'), kind: 'select', value: 'practice',
      options: [{ value: 'practice', label: t('training.mode.practice') }, { value: 'assessment', label: t('training.mode.assessment') }] });
    const opens = field({ name: 'opens_at', label: L('training.opens_at'), hint: L('training.opens_hint'), type: 'datetime-local' });
    const dueF = field({ name: 'due_at', label: L('training.due_at'), hint: L('training.due_hint'), type: 'datetime-local' });
    const attempts = field({ name: 'attempts', label: L('training.col_attempts'), hint: L('training.attempts_hint'), type: 'number', attrs: { min: '0', max: '20', inputmode: 'numeric' } });
    const fields = { class_id: cls, scenario: sc, mode, opens_at: opens, due_at: dueF, attempts };
    const errors = formErrors(summary, fields);
    const form = h('form', { class: 'form', id: uid('assign-form'), novalidate: true }, summary.el, Object.values(fields).map((f) => f.el));
    const submit = button(L('training.assign_now'), { variant: 'primary', type: 'submit', dataset: { action: 'assign-now' } });
    submit.setAttribute('form', form.id);
    const d = openDialog({ title: L('training.assign_title'), content: form, wide: true, actions: [submit, button(L('common.cancel'), { onClick: () => d.close() })] });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      const body = { class_id: Number(cls.control.value), scenario: sc.control.value, mode: mode.control.value };
      for (const [k, f] of [['opens_at', opens], ['due_at', dueF]]) {
        if (!f.control.value) continue;
        const when = new Date(f.control.value);
        if (Number.isNaN(when.getTime())) { errors.show([{ field: k, message: t('training.time_error') }]); return; }
        body[k] = when.toISOString();
      }
      const n = attempts.control.value.trim();
      if (n) {
        if (!/^\d+$/.test(n) || Number(n) > 20) { errors.show([{ field: 'attempts', message: t('training.attempts_error') }]); return; }
        body.attempts = Number(n);
      }
      const undo = busy(submit);
      try {
        const a = (await post('/api/training/assignments', body)).assignment;
        d.close();
        toast(t('training.assigned_toast', { title: pick(a.scenario.title), class: a.class.name }));
        await load();
      } catch (err) { undo(); errors.showApiError(err); }
    });
    cls.control.focus();
  }
}

/* "Passed · 85 %", "Failed · 40 %", "In progress". */
export function resultCell(s) {
  if (s.status !== 'ended') return h('span', { class: 'tag tag-neutral' }, L(`training.status.${s.status}`));
  return h('span', { class: 'result-cell' },
    h('span', { class: `tag outcome-tag ${s.passed ? 'is-passed' : 'is-failed'}` },
      h('span', { class: 'outcome-icon', 'aria-hidden': 'true' }, s.passed ? '✓' : '✗'), L(s.passed ? 'training.passed' : 'training.failed')),
    ' ', L('training.percent', { percent: s.score_percent ?? 0 }));
}

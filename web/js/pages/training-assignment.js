// /training/assignments/{id} — who has done what: each student of the class with their attempts,
// best score, passed or not and the scenario they are playing now (watch it live); every attempt
// with its debrief. A student sees their own attempts. A teacher deletes an assignment nobody
// has started.
import { L, Ldate, loc } from '../i18n.js';
import { get, del } from '../api.js';
import {
  h, button, busy, toast, pageHeader, loading, errorState, emptyState, table, card, dl, confirmDialog,
} from '../ui.js';
import { pick } from './training-common.js';
import { resultCell } from './training-home.js';

export async function mount(root, ctx) {
  const id = ctx.params.id;
  const teacher = ctx.session.user.role !== 'student';
  ctx.setTitle(L('training.assignment_title'));
  const breadcrumb = h('nav', { class: 'breadcrumb', 'aria-label': L('training.breadcrumb') },
    h('ol', h('li', h('a', { href: '/training' }, L('training.title'))), h('li', { 'aria-current': 'page' }, h('span', { class: 'crumb-current' }))));
  const head = h('div', pageHeader(L('training.assignment_title'), { breadcrumb }));
  const body = h('div', { class: 'stack' }, loading(L('training.loading')));
  root.append(head, body);
  let a;
  await load();

  async function load() {
    try {
      a = (await get(`/api/training/assignments/${encodeURIComponent(id)}`)).assignment;
      if (ctx.isCurrent()) render();
    } catch (err) {
      if (err.status === 404 || err.status === 403) {
        body.replaceChildren(emptyState({ title: L('training.assignment_missing'), body: err.message, action: h('a', { class: 'btn btn-secondary', href: '/training' }, L('training.back')) }));
      } else {
        body.replaceChildren(errorState(err, { retry: load }));
      }
    }
  }

  function render() {
    const title = pick(a.scenario.title);
    ctx.setTitle(loc(() => pick(a.scenario.title)));
    breadcrumb.querySelector('.crumb-current').textContent = title;
    const started = a.sessions.length > 0;
    const actions = teacher ? [
      h('a', { class: 'btn btn-secondary', href: `/training/live?class=${a.class.id}` }, L('training.live_view')),
      button(L('training.delete'), { variant: 'danger', disabled: started, dataset: { action: 'delete' }, title: started ? L('training.delete_started') : null, onClick: (e) => remove(e.currentTarget) }),
    ] : null;
    head.replaceChildren(pageHeader(loc(() => pick(a.scenario.title)), { breadcrumb, actions }));
    const info = card(null, dl([
      [L('training.col_class'), a.class.name],
      [L('training.col_mode'), L(`training.mode.${a.mode}`)],
      [L('training.opens_at'), Ldate(a.opens_at, { dateStyle: 'medium', timeStyle: 'short' })],
      [L('training.due_at'), a.due_at ? Ldate(a.due_at, { dateStyle: 'medium', timeStyle: 'short' }) : L('training.no_due')],
      [L('training.col_attempts'), a.attempts ? String(a.attempts) : L('training.any')],
      [L('training.state_label'), L(`training.state.${a.state}`)],
    ]));
    info.classList.add('card-info');
    const parts = [info];
    if (teacher) {
      const columns = [
        { label: L('training.col_student'), rowHeader: true, cell: (s) => s.name },
        { label: L('training.col_attempts_made'), numeric: true, cell: (s) => String(s.attempts) },
        { label: L('training.col_best'), numeric: true, cell: (s) => (s.best === null ? '–' : L('training.percent', { percent: s.best })) },
        { label: L('training.col_passed'), cell: (s) => (s.passed === null ? h('span', { class: 'muted' }, L('training.not_yet'))
          : h('span', { class: `tag outcome-tag ${s.passed ? 'is-passed' : 'is-failed'}` }, h('span', { class: 'outcome-icon', 'aria-hidden': 'true' }, s.passed ? '✓' : '✗'), L(s.passed ? 'training.passed' : 'training.failed'))) },
        { label: L('training.col_last'), cell: (s) => (s.last_ended_at ? Ldate(s.last_ended_at, { dateStyle: 'medium', timeStyle: 'short' }) : '–') },
        { label: L('training.col_now'), cell: (s) => (s.running ? h('a', { href: `/training/sessions/${s.running}`, dataset: { action: 'watch', login: s.login } }, L('training.watch')) : '') },
      ];
      parts.push(h('section', { class: 'card card-flush', 'aria-labelledby': 'students-h' },
        h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'students-h' }, L('training.who_did_what'))),
        a.students.length ? table({ caption: L('training.who_did_what'), columns, rows: a.students }) : emptyState({ body: L('training.no_students') })));
    }
    const sc = [
      { label: L('training.col_student'), rowHeader: true, cell: (s) => s.student.name },
      { label: L('training.col_started'), cell: (s) => Ldate(s.started_at, { dateStyle: 'medium', timeStyle: 'short' }) },
      { label: L('training.col_result'), cell: (s) => resultCell(s) },
      { label: h('span', { class: 'visually-hidden' }, L('training.col_open')), cell: (s) => (s.status === 'ended'
        ? h('a', { href: `/training/sessions/${s.id}/debrief`, dataset: { action: 'debrief' } }, L('training.debrief'))
        : h('a', { href: `/training/sessions/${s.id}` }, L(teacher ? 'training.watch' : 'training.continue'))) },
    ];
    parts.push(h('section', { class: 'card card-flush', 'aria-labelledby': 'attempts-h' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'attempts-h' }, L('training.attempts_title'))),
      a.sessions.length ? table({ caption: L('training.attempts_title'), columns: sc, rows: a.sessions }) : emptyState({ body: L('training.no_attempts_yet') })));
    body.replaceChildren(...parts);
  }

  async function remove(btn) {
    const ok = await confirmDialog({ title: L('training.delete_title'), body: L('training.delete_body', { title: pick(a.scenario.title), class: a.class.name }), confirmLabel: L('training.delete'), danger: true });
    if (!ok) return;
    const done = busy(btn);
    try {
      await del(`/api/training/assignments/${encodeURIComponent(id)}`);
      toast(L('training.deleted'));
      ctx.navigate('/training');
    } catch (err) {
      done();
      toast(err.message, { kind: 'error' });
    }
  }
}

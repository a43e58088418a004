// /training/live — teachers (and administrators): every scenario their students are playing now,
// refreshed every few seconds: where the clock stands, paused or away, the score so far, critical
// errors and alerts left open; open one to watch it live (read-only).
import { L, t, loc } from '../i18n.js';
import { get } from '../api.js';
import { h, pageHeader, loading, errorState, emptyState, uid } from '../ui.js';
import { pick, simTime } from './training-common.js';

const REFRESH_MS = 3000;

export async function mount(root, ctx) {
  const me = ctx.session.user;
  ctx.setTitle(L('training.live_title'));
  const breadcrumb = h('nav', { class: 'breadcrumb', 'aria-label': L('training.breadcrumb') },
    h('ol', h('li', h('a', { href: '/training' }, L('training.title'))), h('li', { 'aria-current': 'page' }, h('span', { class: 'crumb-current' }, L('training.live_title')))));
  const selectId = uid('class');
  const select = h('select', { class: 'select', id: selectId, dataset: { role: 'class' } });
  const status = h('p', { class: 'result-count', 'aria-live': 'polite' });
  const list = h('div', loading(L('training.loading')));
  root.append(h('div', { class: 'training-live' },
    pageHeader(L('training.live_title'), { breadcrumb, lead: L('training.live_lead') }),
    h('div', { class: 'filters live-filters' }, h('div', { class: 'field' }, h('label', { class: 'label', for: selectId }, L('training.col_class')), select)),
    status,
    h('section', { class: 'card', 'aria-label': L('training.live_title') }, list)));

  let classes = [];
  try {
    classes = (await get('/api/classes')).classes.filter((c) => me.role === 'admin' || (c.teacher && c.teacher.id === me.id));
  } catch (err) {
    list.replaceChildren(errorState(err));
    return undefined;
  }
  select.append(h('option', { value: '' }, L(me.role === 'admin' ? 'training.all_classes' : 'training.all_my_classes')),
    ...classes.map((c) => h('option', { value: String(c.id) }, c.name)));
  const wanted = ctx.query.get('class');
  if (wanted && classes.some((c) => String(c.id) === wanted)) select.value = wanted;
  select.addEventListener('change', () => {
    history.replaceState(null, '', select.value ? `/training/live?class=${select.value}` : '/training/live');
    refresh();
  });

  let timer = 0;
  let stopped = false;
  async function refresh() {
    clearTimeout(timer);
    try {
      const q = { active: 1 };
      if (select.value) q.class_id = select.value;
      const sessions = (await get('/api/training/sessions', { query: q })).sessions;
      if (stopped) return;
      render(sessions);
    } catch (err) {
      if (stopped) return;
      list.replaceChildren(errorState(err, { retry: refresh }));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }

  function render(sessions) {
    status.replaceChildren(h('span', L('training.live_count', { count: sessions.length })));
    if (!sessions.length) {
      list.replaceChildren(emptyState({ title: L('training.live_empty_title'), body: L('training.live_empty_body') }));
      return;
    }
    list.replaceChildren(h('ul', { class: 'live-grid' }, sessions.map((s) => {
      const state = s.status === 'paused' ? 'paused' : s.held ? 'held' : 'running';
      return h('li', { class: `live-card live-${state}`, dataset: { session: s.id, login: s.student.login } },
        h('p', { class: 'live-student' }, s.student.name),
        h('p', { class: 'live-scenario' }, pick(s.scenario.title)),
        h('p', { class: 'live-tags' },
          h('span', { class: `tag mode-tag mode-${s.mode}` }, L(`training.mode.${s.mode}`)), ' ',
          h('span', { class: `tag live-state state-${state}` }, L(`training.live_state.${state}`))),
        h('dl', { class: 'live-facts' },
          h('div', h('dt', L('training.live_time')), h('dd', loc(() => t('training.elapsed', { time: simTime(s.sim_ms), total: simTime(s.duration_ms) })))),
          h('div', h('dt', L('training.live_score')), h('dd', s.score_percent === null ? '–' : L('training.percent', { percent: s.score_percent }))),
          h('div', h('dt', L('training.live_critical')), h('dd', { class: s.critical_errors ? 'has-critical' : '' }, String(s.critical_errors ?? 0))),
          h('div', h('dt', L('training.live_alerts')), h('dd', String(s.alerts_open))),
          h('div', h('dt', L('training.live_actions')), h('dd', String(s.actions)))),
        h('a', { class: 'btn btn-secondary btn-sm', href: `/training/sessions/${s.id}`, dataset: { action: 'watch' } }, L('training.watch')));
    })));
  }

  await refresh();
  return () => { stopped = true; clearTimeout(timer); };
}

// /training/sessions/{id}/debrief — after the scenario: passed or not, the score by rubric item
// and by competency, critical errors, timeliness, each expected action (on time, late, missed) with
// why it mattered, the timeline of events and actions drawn over the vital-sign curves (uPlot),
// the scenario's debrief notes, and a replay: scrub (or play) through the stored timeline to see
// the vitals, the alerts open and what had happened at any moment.
import { L, t, loc, onLangChange, Ldate, formatNumber } from '../i18n.js';
import { get } from '../api.js';
import { h, button, pageHeader, loading, errorState, emptyState, table, card, dl, uid } from '../ui.js';
import {
  word, pick, residentName, simTime, homeClock, news2Tag, priorityTag, eventText, eventClass,
  resultText, actionLabel, loadUplot, SERIES_COLOURS,
} from './training-common.js';

/* The RCP response of a total alone (a 3 in one parameter cannot be told from it). */
const responseOf = (n) => (n === null ? null : n === 0 ? 'routine' : n <= 4 ? 'ward' : n <= 6 ? 'urgent' : 'emergency');

const MARK_COLOURS = { alert: '#595959', action: '#0958d9', truth: '#531dab' };

export async function mount(root, ctx) {
  const id = ctx.params.id;
  ctx.setTitle(L('training.debrief_title'));
  const breadcrumb = h('nav', { class: 'breadcrumb', 'aria-label': L('training.breadcrumb') },
    h('ol', h('li', h('a', { href: '/training' }, L('training.title'))), h('li', { 'aria-current': 'page' }, h('span', { class: 'crumb-current' }, L('training.debrief_title')))));
  root.append(pageHeader(L('training.debrief_title'), { breadcrumb }), loading(L('training.loading')));
  let result;
  let scenario;
  let uPlot;
  try {
    result = (await get(`/api/training/sessions/${id}/result`)).result;
    scenario = (await get(`/api/training/scenarios/${encodeURIComponent(result.scenario.id)}`)).scenario;
    uPlot = await loadUplot();
  } catch (err) {
    if (!ctx.isCurrent()) return undefined;
    if (err.status === 409) {
      root.replaceChildren(pageHeader(L('training.debrief_title'), { breadcrumb }),
        emptyState({ title: L('training.debrief_not_yet'), body: err.message, action: h('a', { class: 'btn btn-primary', href: `/training/sessions/${id}` }, L('training.continue')) }));
    } else {
      root.replaceChildren(pageHeader(L('training.debrief_title'), { breadcrumb }), errorState(err, { retry: () => ctx.navigate(location.pathname, { replace: true }) }));
    }
    return undefined;
  }
  if (!ctx.isCurrent()) return undefined;
  const view = new Debrief(root, ctx, result, scenario, uPlot, breadcrumb);
  view.render();
  return () => view.stop();
}

class Debrief {
  constructor(root, ctx, result, scenario, uPlot, breadcrumb) {
    this.root = root;
    this.ctx = ctx;
    this.r = result;
    this.sc = scenario;
    this.uPlot = uPlot;
    this.breadcrumb = breadcrumb;
    this.charts = [];
    this.cursor = 0; // seconds of the replay
    this.playing = 0;
    this.resident = result.residents[0].id;
    this.show = { action: true, alert: true, truth: true, system: true };
    this.items = new Map();
    this.off = onLangChange(() => this.render());
    this.onResize = () => this.resize();
    window.addEventListener('resize', this.onResize);
  }

  stop() {
    this.off();
    clearInterval(this.playing);
    window.removeEventListener('resize', this.onResize);
    for (const c of this.charts) c.destroy();
  }

  endS() {
    return Math.ceil((this.r.ended_ms ?? this.r.duration_ms) / 1000);
  }

  render() {
    const r = this.r;
    const s = r.session;
    const score = r.score;
    this.ctx.setTitle(loc(() => t('training.debrief_of', { title: pick(this.sc.title) })));
    const outcome = h('span', { class: `tag outcome-tag ${score.passed ? 'is-passed' : 'is-failed'}`, dataset: { role: 'outcome' } },
      h('span', { class: 'outcome-icon', 'aria-hidden': 'true' }, score.passed ? '✓' : '✗'), L(score.passed ? 'training.passed' : 'training.failed'));
    const head = pageHeader(loc(() => t('training.debrief_of', { title: pick(this.sc.title) })), { breadcrumb: this.breadcrumb });
    const facts = card(null,
      h('div', { class: 'debrief-outcome' }, outcome,
        h('p', { class: 'debrief-score' }, L('training.score_line', { percent: score.percent, earned: score.earned, possible: score.possible, pass: score.pass_percent }))),
      dl([
        s.viewer === 'watcher' ? [L('training.col_student'), s.student.name] : null,
        [L('training.col_mode'), L(`training.mode.${s.mode}`)],
        [L('training.col_started'), Ldate(s.started_at, { dateStyle: 'medium', timeStyle: 'short' })],
        [L('training.played'), L('training.played_value', { sim: simTime(r.ended_ms ?? 0), wall: simTime(s.active_ms), by: word('ended_by', r.ended_by) })],
        [L('training.timeliness'), L('training.timeliness_value', r.score.timeliness)],
        [L('training.help_used'), L('training.help_value', { hints: s.hints, pauses: s.pauses, interruptions: s.interruptions })],
      ]));
    facts.classList.add('card-info');
    const parts = [head, facts];
    if (score.critical_errors.length) parts.push(this.criticalCard());
    parts.push(this.timelineCard(), this.expectedCard(), this.rubricCard());
    if (r.harms.length || (score.forbidden || []).length || (score.order || []).some((o) => o.violated)) parts.push(this.othersCard());
    parts.push(this.notesCard());
    this.root.replaceChildren(h('div', { class: 'debrief stack' }, ...parts));
    this.drawCharts();
    this.resolveCompetencies();
    this.seek(this.cursor);
  }

  criticalCard() {
    return h('section', { class: 'card review-critical', 'aria-labelledby': 'crit-h', dataset: { role: 'critical' } },
      h('h2', { class: 'card-title', id: 'crit-h' }, L('training.critical_errors', { count: this.r.score.critical_errors.length })),
      h('ul', { class: 'crit-list' }, this.r.score.critical_errors.map((c) => h('li',
        h('p', { class: 'crit-title' }, c.kind === 'order'
          ? t('training.crit_order', { first: this.expTitle(c.first), then: this.expTitle(c.then) })
          : t(`training.crit_${c.kind}`, { title: pick(c.title) })),
        c.feedback ? h('p', pick(c.feedback)) : null))));
  }

  expTitle(id) {
    const e = this.r.score.expected.find((x) => x.id === id);
    return e ? pick(e.title) : id;
  }

  /* ---- The timeline over the curves, and the replay ---- */

  timelineCard() {
    const sel = uid('res');
    const select = this.r.residents.length > 1 ? h('div', { class: 'field inline-field' },
      h('label', { class: 'label', for: sel }, L('training.resident')),
      h('select', { class: 'select', id: sel, on: { change: (e) => { this.resident = e.target.value; this.drawCharts(); this.seek(this.cursor); } } },
        this.r.residents.map((x) => h('option', { value: x.id, selected: x.id === this.resident }, t('training.alert_who', { name: pick(x.name), room: x.room }))))) : null;
    this.el = {};
    this.el.vitalsChart = h('div', { class: 'trend-chart debrief-chart', role: 'img', 'aria-label': L('training.debrief_chart_label') });
    this.el.newsChart = h('div', { class: 'trend-chart debrief-news', role: 'img', 'aria-label': L('training.debrief_news_label') });
    const legend = h('p', { class: 'trend-legend muted' },
      [['hr', 'training.series_hr'], ['spo2', 'training.series_spo'], ['rr', 'training.series_rr']].map(([k, key]) => h('span', { class: 'legend-key' }, h('span', { class: `swatch swatch-${k}`, 'aria-hidden': 'true' }), t(key))),
      h('span', { class: 'legend-key' }, h('span', { class: 'swatch mark-alert', 'aria-hidden': 'true' }), t('training.mark_alert')),
      h('span', { class: 'legend-key' }, h('span', { class: 'swatch mark-action', 'aria-hidden': 'true' }), t('training.mark_action')),
      h('span', { class: 'legend-key' }, h('span', { class: 'swatch mark-truth', 'aria-hidden': 'true' }), t('training.mark_truth')));
    const end = this.endS();
    this.el.scrub = h('input', { type: 'range', class: 'scrub', id: uid('scrub'), min: '0', max: String(end), step: '1', value: String(this.cursor),
      dataset: { role: 'scrub' }, on: { input: (e) => this.seek(Number(e.target.value)) } });
    this.el.play = button(L('training.replay_play'), { dataset: { action: 'play' }, onClick: () => this.togglePlay() });
    this.el.rate = h('select', { class: 'select', 'aria-label': t('training.replay_rate') },
      [10, 30, 60].map((n) => h('option', { value: String(n) }, t('training.speed_option', { n }))));
    this.el.at = h('div', { class: 'replay-at', 'aria-live': 'polite' });
    const filters = h('fieldset', { class: 'fieldset tl-filters' }, h('legend', { class: 'label' }, L('training.show')),
      ['action', 'alert', 'truth', 'system'].map((k) => h('label', { class: 'radio' },
        h('input', { type: 'checkbox', checked: this.show[k], on: { change: (e) => { this.show[k] = e.target.checked; this.fillTimeline(); } } }),
        h('span', t(`training.filter_${k}`)))));
    this.el.timeline = h('ol', { class: 'timeline', 'aria-label': t('training.timeline') });
    this.fillTimeline();
    return h('section', { class: 'card', 'aria-labelledby': 'tl-h' },
      h('h2', { class: 'card-title', id: 'tl-h' }, L('training.timeline')),
      h('p', { class: 'muted' }, L('training.timeline_lead')),
      select, this.el.vitalsChart, this.el.newsChart, legend,
      h('div', { class: 'replay' },
        h('label', { class: 'label', for: this.el.scrub.id }, L('training.replay')),
        h('div', { class: 'replay-row' }, this.el.play, this.el.scrub, this.el.rate)),
      this.el.at,
      h('div', { class: 'tl-box' }, filters, this.el.timeline));
  }

  fillTimeline() {
    const start = this.sc.start_clock_s;
    this.items = new Map();
    const evs = this.r.events.filter((e) => this.show[eventClass(e).slice(3)] && e.kind !== 'end' || e.kind === 'end');
    this.el.timeline.replaceChildren(...evs.map((e) => {
      const a = e.kind === 'action' ? this.r.actions[e.detail.action] : null;
      const li = h('li', { class: `tl-item ${eventClass(e)}`, dataset: { kind: e.kind, t: String(Math.floor(e.t_ms / 1000)) } },
        h('button', { type: 'button', class: 'tl-time', 'aria-label': t('training.replay_to', { time: homeClock(start, e.t_ms, { seconds: true }) }), on: { click: () => this.seek(Math.floor(e.t_ms / 1000)) } },
          homeClock(start, e.t_ms, { seconds: true })),
        h('span', { class: 'tl-text' }, eventText(a ? { ...e, logged: a } : e, this.sc)),
        a && resultText(a) ? h('span', { class: 'tl-result' }, resultText(a)) : null);
      this.items.set(e.seq, li);
      return li;
    }));
  }

  vitalsOf(id) {
    const v = this.r.vitals;
    const rows = (v.residents.find((x) => x.id === id) || { rows: [] }).rows;
    const col = (name) => v.columns.indexOf(name);
    return { rows, col };
  }

  drawCharts() {
    for (const c of this.charts) c.destroy();
    this.charts = [];
    const { rows, col } = this.vitalsOf(this.resident);
    const ts = rows.map((r) => r[col('t_s')]);
    const pick2 = (name) => rows.map((r) => r[col(name)]);
    const start = this.sc.start_clock_s;
    const marks = this.r.events.filter((e) => (e.resident === this.resident || !e.resident)
      && (e.kind === 'alert_raised' || e.kind === 'action' || (e.kind === 'timeline' && e.detail.event !== 'say')))
      .map((e) => ({ t: e.t_ms / 1000, kind: e.kind === 'action' ? 'action' : e.kind === 'alert_raised' ? 'alert' : 'truth' }));
    const self = this;
    const markPlugin = {
      hooks: {
        draw: [(u) => {
          const c = u.ctx;
          const { top, height } = u.bbox;
          c.save();
          for (const m of marks) {
            const x = Math.round(u.valToPos(m.t, 'x', true));
            c.strokeStyle = MARK_COLOURS[m.kind];
            c.lineWidth = m.kind === 'action' ? 2 : 1;
            c.setLineDash(m.kind === 'truth' ? [2, 3] : m.kind === 'alert' ? [6, 3] : []);
            c.beginPath();
            c.moveTo(x, top);
            c.lineTo(x, top + height);
            c.stroke();
          }
          const x = Math.round(u.valToPos(self.cursor, 'x', true));
          c.setLineDash([]);
          c.strokeStyle = '#1f1f1f';
          c.lineWidth = 2;
          c.beginPath();
          c.moveTo(x, top);
          c.lineTo(x, top + height);
          c.stroke();
          c.restore();
        }],
      },
    };
    const axisX = { values: (u, vals) => vals.map((v) => homeClock(start, v * 1000)), space: 80, incrs: [60, 120, 300, 600, 900, 1800, 3600] };
    const end = this.endS();
    const common = { width: this.width(), legend: { show: false }, cursor: { show: false }, plugins: [markPlugin] };
    this.charts.push(new this.uPlot({
      ...common,
      height: 220,
      scales: { x: { time: false, range: [0, end] }, bpm: { range: [0, 180] }, pct: { range: [60, 100] } },
      axes: [axisX, { scale: 'bpm', label: t('training.axis_rate') }, { scale: 'pct', side: 1, label: t('training.axis_spo'), grid: { show: false } }],
      series: [{},
        { label: t('training.series_hr'), scale: 'bpm', stroke: SERIES_COLOURS.hr, width: 2 },
        { label: t('training.series_spo'), scale: 'pct', stroke: SERIES_COLOURS.spo2, width: 2 },
        { label: t('training.series_rr'), scale: 'bpm', stroke: SERIES_COLOURS.rr, width: 2, dash: [6, 4] }],
    }, [ts, pick2('hr'), pick2('spo2'), pick2('rr')], this.el.vitalsChart));
    this.charts.push(new this.uPlot({
      ...common,
      height: 120,
      scales: { x: { time: false, range: [0, end] }, n: { range: [0, 20] } },
      axes: [axisX, { scale: 'n', label: t('training.axis_news') }],
      series: [{},
        { label: t('training.series_news'), scale: 'n', stroke: SERIES_COLOURS.news2, width: 2, paths: this.uPlot.paths.stepped({ align: 1 }) },
        { label: t('training.series_platform_news'), scale: 'n', stroke: SERIES_COLOURS.hr, width: 1, dash: [4, 3], paths: this.uPlot.paths.stepped({ align: 1 }) }],
    }, [ts, pick2('news2'), pick2('platform_news2')], this.el.newsChart));
    this.el.vitalsChart.setAttribute('aria-label', t('training.debrief_chart_summary', { name: residentName(this.sc, this.resident), count: marks.length }));
  }

  width() {
    const w = (this.el && this.el.vitalsChart && this.el.vitalsChart.clientWidth) || 600;
    return Math.max(260, Math.floor(w));
  }

  resize() {
    for (const c of this.charts) c.setSize({ width: this.width(), height: c.height });
  }

  /* The replay at S seconds: the cursor on the curves, the vitals and open alerts of that moment. */
  seek(sec) {
    const end = this.endS();
    this.cursor = Math.max(0, Math.min(end, sec));
    if (this.el.scrub.value !== String(this.cursor)) this.el.scrub.value = String(this.cursor);
    for (const c of this.charts) c.redraw(false);
    const start = this.sc.start_clock_s;
    const ms = this.cursor * 1000;
    const { rows, col } = this.vitalsOf(this.resident);
    let row = null;
    for (const x of rows) { if (x[col('t_s')] <= this.cursor) row = x; else break; }
    const v = (name, unit) => (row && row[col(name)] !== null ? `${formatNumber(row[col(name)])}${unit ? ` ${unit}` : ''}` : '–');
    const open = this.r.alerts.filter((a) => a.raised_ms <= ms && (a.closed_ms === null || a.closed_ms > ms));
    const done = this.r.actions.filter((a) => a.t_ms <= ms).length;
    this.el.at.replaceChildren(
      h('p', { class: 'replay-clock' }, t('training.replay_at', { clock: homeClock(start, ms, { seconds: true }), time: simTime(ms), total: simTime(this.r.ended_ms ?? 0) })),
      h('dl', { class: 'vitals replay-vitals' },
        [[t('training.vital.news'), row ? news2Tag(row[col('news2')], responseOf(row[col('news2')])) : '–'],
          [t('training.vital.hr'), v('hr', t('training.unit.bpm'))],
          [t('training.vital.spo'), v('spo2', '%')],
          [t('training.vital.rr'), v('rr', t('training.unit.per_min'))],
          [t('training.vital.bp'), row ? `${row[col('sbp')]}/${row[col('dbp')]} mmHg` : '–'],
          [t('training.vital.temp'), v('temp', '°C')],
          [t('training.vital.acvpu'), row ? word('acvpu', row[col('acvpu')]) : '–'],
          [t('training.vital.platform'), row && row[col('platform_news2')] !== null ? String(row[col('platform_news2')]) : '–']]
          .map(([k, x]) => h('div', { class: 'vital' }, h('dt', k), h('dd', x)))),
      h('p', { class: 'replay-open' }, open.length
        ? [t('training.replay_alerts', { count: open.length }), ' ', ...open.map((a) => h('span', { class: 'replay-alert' }, priorityTag(a.priority), ' ', t('training.alert_for', { alert: word('alert', a.kind), name: residentName(this.sc, a.resident) })))]
        : t('training.replay_no_alerts')),
      h('p', { class: 'muted' }, t('training.replay_actions', { count: done })));
    // The timeline marks what had happened by then.
    for (const [seq, li] of this.items) {
      const e = this.r.events[seq];
      li.classList.toggle('is-past', e && e.t_ms <= ms);
    }
    // The newest visible item at or before the cursor keeps in view.
    const past = [...this.el.timeline.querySelectorAll('.tl-item.is-past')];
    this.el.timeline.querySelectorAll('.is-now').forEach((x) => x.classList.remove('is-now'));
    if (past.length) {
      const now = past.at(-1);
      now.classList.add('is-now');
      if (this.playing) now.scrollIntoView({ block: 'nearest' });
    }
  }

  togglePlay() {
    if (this.playing) {
      clearInterval(this.playing);
      this.playing = 0;
      this.el.play.textContent = t('training.replay_play');
      return;
    }
    if (this.cursor >= this.endS()) this.cursor = 0;
    this.el.play.textContent = t('training.replay_pause');
    // Four steps a second, each as many simulated seconds as the rate over four.
    this.playing = setInterval(() => {
      const next = this.cursor + Number(this.el.rate.value) / 4;
      this.seek(Math.round(next));
      if (this.cursor >= this.endS()) this.togglePlay();
    }, 250);
  }

  /* ---- Scores ---- */

  expectedCard() {
    const start = this.sc.start_clock_s;
    const columns = [
      { label: L('training.col_expected'), rowHeader: true, cell: (e) => [pick(e.title), e.critical ? [' ', h('span', { class: 'tag critical-tag' }, h('span', { class: 'critical-icon', 'aria-hidden': 'true' }, '!'), L('training.critical'))] : null] },
      { label: L('training.col_status'), cell: (e) => h('span', { class: `tag status-tag status-${e.status}` }, word('status', e.status)) },
      { label: L('training.col_when'), cell: (e) => (e.done_ms !== null ? homeClock(start, e.done_ms, { seconds: true }) : '–') },
      { label: L('training.col_delay'), cell: (e) => (e.delay_ms !== null ? simTime(e.delay_ms) : '–') },
      { label: L('training.col_points'), numeric: true, cell: (e) => `${e.earned}/${e.points}` },
      { label: L('training.col_why'), cell: (e) => (e.feedback ? pick(e.feedback) : '') },
    ];
    const missed = this.r.score.expected.filter((e) => e.status === 'missed' || e.status === 'too_late' || e.status === 'late');
    return h('section', { class: 'card card-flush', 'aria-labelledby': 'exp-h' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'exp-h' }, L('training.expected')),
        h('p', { class: 'result-count' }, L('training.expected_count', { count: missed.length }))),
      table({ caption: L('training.expected'), columns, rows: this.r.score.expected }));
  }

  rubricCard() {
    const columns = [
      { label: L('training.col_rubric'), rowHeader: true, cell: (x) => pick(x.title) },
      { label: L('training.col_points'), numeric: true, cell: (x) => `${x.earned}/${x.possible}` },
      { label: L('training.col_percent'), numeric: true, cell: (x) => (x.percent === null ? '–' : L('training.percent', { percent: x.percent })) },
      { label: L('training.col_penalty'), numeric: true, cell: (x) => (x.penalty ? `−${x.penalty}` : '–') },
    ];
    this.el.comp = h('ul', { class: 'comp-list' }, this.r.score.competencies.map((c) => h('li', { class: 'comp-item', dataset: { cfitem: c.cfitem } },
      h('span', { class: 'comp-name' }, h('span', { class: 'mono' }, c.cfitem.slice(0, 8))),
      h('meter', { class: 'comp-meter', min: '0', max: '100', value: String(c.percent ?? 0), 'aria-hidden': 'true' }),
      h('span', { class: 'comp-value' }, c.percent === null ? t('training.not_assessed') : t('training.comp_value', { percent: c.percent, earned: c.earned, possible: c.possible })))));
    return h('section', { class: 'card', 'aria-labelledby': 'rub-h' },
      h('h2', { class: 'card-title', id: 'rub-h' }, L('training.rubric')),
      table({ caption: L('training.rubric'), columns, rows: this.r.score.rubric }),
      h('h3', { class: 'sub-title' }, L('training.competencies')),
      h('p', { class: 'muted' }, L('training.competencies_lead')),
      this.el.comp);
  }

  /* Names of the framework items, from the frameworks the college has. */
  async resolveCompetencies() {
    const list = this.el.comp;
    await Promise.all(this.r.score.competencies.map(async (c) => {
      try {
        const it = (await get(`/api/frameworks/items/${c.cfitem}`)).item;
        const li = list.querySelector(`[data-cfitem="${c.cfitem}"] .comp-name`);
        if (!li) return;
        li.replaceChildren(h('a', { href: `/frameworks/items/${c.cfitem}` },
          h('span', { class: 'mono' }, it.human_coding || ''), ' ',
          loc((l) => (it.translations && it.translations[l] && (it.translations[l].abbreviatedStatement || it.translations[l].fullStatement)) || it.abbreviated_statement || it.full_statement || '')));
      } catch { /* the identifier stays */ }
    }));
  }

  othersCard() {
    const start = this.sc.start_clock_s;
    const items = [];
    for (const x of this.r.harms) items.push(h('li', t('training.harm_line', { time: homeClock(start, x.t_ms, { seconds: true }), name: residentName(this.sc, x.resident), harm: word('harm', x.harm) })));
    for (const f of this.r.score.forbidden || []) items.push(h('li', h('p', { class: 'crit-title' }, t('training.forbidden_line', { title: pick(f.title) })), f.feedback ? h('p', pick(f.feedback)) : null));
    for (const o of (this.r.score.order || []).filter((x) => x.violated)) items.push(h('li', h('p', { class: 'crit-title' }, t('training.order_line', { first: this.expTitle(o.first), then: this.expTitle(o.then) })), o.feedback ? h('p', pick(o.feedback)) : null));
    return h('section', { class: 'card', 'aria-labelledby': 'oth-h' },
      h('h2', { class: 'card-title', id: 'oth-h' }, L('training.what_went_wrong')), h('ul', { class: 'crit-list' }, items));
  }

  notesCard() {
    return h('section', { class: 'card', 'aria-labelledby': 'notes-h' },
      h('h2', { class: 'card-title', id: 'notes-h' }, L('training.debrief_notes')),
      this.r.debrief.length
        ? h('div', { class: 'notes' }, this.r.debrief.map((n) => h('div', { class: 'note' }, h('h3', { class: 'sub-title' }, pick(n.title)), h('p', pick(n.text)))))
        : emptyState({ body: L('training.no_notes') }),
      this.r.log.length ? [h('h3', { class: 'sub-title' }, L('training.session_log')),
        h('ul', { class: 'session-log' }, this.r.log.map((e) => h('li', t(`training.logkind.${e.kind}`, { time: homeClock(this.sc.start_clock_s, e.t_ms, { seconds: true }), detail: e.kind === 'hint' ? this.expTitle(e.detail) || t('training.hint_nothing') : e.detail }))))] : null);
  }
}

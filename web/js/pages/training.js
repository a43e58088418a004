// /training/sessions/{id} — a scenario played live: the floor plan with each resident's status,
// the resident panel with live vitals and trend waveforms (uPlot) and NEWS2, the alert queue with
// its timers, the action palette (acknowledge, go to the room, observe, measure, care, call with
// SBAR, document, dismiss a false alarm with a reason), pause and hints in practice, speed 1×–10×.
// A teacher or administrator watches the same page read-only, with the score so far and what only
// someone in the room would know.
//
// Data comes by Server-Sent Events (state at most 4 times a second, the event log, vital-sign
// samples); the page renders at most once per animation frame, keeps focus where it is (lists are
// updated in place, by key), and announces new alerts in a live region. When the connection drops,
// EventSource reconnects with Last-Event-ID and the session resumes where it was.
import { L, t, onLangChange, formatNumber } from '../i18n.js';
import { get, post, patch } from '../api.js';
import {
  h, button, busy, toast, pageHeader, loading, errorState, openDialog, confirmDialog, field,
  errorSummary, formErrors, uid,
} from '../ui.js';
import {
  word, actionName, alertName, pick, residentOf, residentName, simTime, homeClock, news2Tag,
  priorityTag, eventText, eventClass, resultText, actionLabel, loadUplot, SERIES_COLOURS,
} from './training-common.js';

const DOT = ' · ';
const PRIO_RANK = { urgent: 0, high: 1, normal: 2, low: 3 };
const WINDOW_S = 300;
const MINUTE_TICKS = [60, 120, 300, 600, 900, 1800, 3600]; // the clock shows minutes: ticks on whole minutes // the trend charts show the last five simulated minutes
const FEED_MAX = 200;

/* What each action needs beyond the resident (docs/scenarios.md, "Actions"). */
const BEDSIDE = [
  { type: 'observe', params: [{ name: 'focus', table: 'focus', values: ['general', 'breathing', 'skin', 'consciousness', 'injury', 'pain', 'environment'] }] },
  { type: 'apply_oxygen', params: [{ name: 'oxygen_device', table: 'oxygen_device', values: ['nasal_cannula', 'venturi_24', 'venturi_28', 'venturi_35', 'simple_mask', 'non_rebreather'] }, { name: 'flow_lpm', min: 1, max: 15, value: 2 }, { name: 'target', table: 'target', values: ['88-92', '94-98'] }] },
  { type: 'adjust_oxygen', params: [{ name: 'flow_lpm', min: 1, max: 15, value: 2 }] },
  { type: 'stop_oxygen', params: [] },
  { type: 'sit_up', params: [] },
  { type: 'reposition', params: [{ name: 'position', table: 'position', values: ['left_side', 'right_side', 'back', 'semi_upright', 'upright'] }] },
  { type: 'give_fluids', params: [{ name: 'ml', min: 50, max: 1000, value: 200, step: 50 }] },
  { type: 'give_glucose', params: [{ name: 'grams', min: 5, max: 40, value: 15 }, { name: 'route', table: 'route', values: ['oral', 'gel'] }] },
  { type: 'give_medication', params: [{ name: 'drug', medicines: true }] },
  { type: 'assist_to_bed', params: [{ name: 'helpers', min: 1, max: 4, value: 1 }, { name: 'equipment', table: 'equipment', values: ['none', 'hoist', 'slide_sheet', 'transfer_belt'] }] },
  { type: 'stay_with', params: [] },
  { type: 'guide_back', params: [] },
  { type: 'stop_feeding', params: [] },
  { type: 'back_blows', params: [{ name: 'count', min: 1, max: 5, value: 5 }] },
  { type: 'abdominal_thrusts', params: [{ name: 'count', min: 1, max: 5, value: 5 }] },
  { type: 'comfort', params: [{ name: 'care', table: 'care', values: ['mouth_care', 'reassure', 'pain_relief_position', 'warmth', 'music', 'skin_care'] }] },
  { type: 'check_device', params: [{ name: 'device', devices: true }] },
  { type: 'refit_device', params: [{ name: 'device', devices: true }] },
  { type: 'replace_battery', params: [{ name: 'device', devices: true }] },
  { type: 'restart_device', params: [{ name: 'device', devices: true }] },
];
const VITALS = ['hr', 'rr', 'spo2', 'bp', 'temp', 'acvpu', 'glucose', 'weight'];
const REASONS = ['device_artefact', 'device_off_body', 'device_fault', 'resident_ok', 'duplicate', 'resolved', 'test', 'other'];
const RESPONDERS = ['nurse', 'doctor', 'family', 'emergency'];
const ABOUT = ['observations', 'fall', 'incident', 'care', 'device', 'handover', 'alert'];
const FACTS = ['fall', 'head_strike', 'anticoagulant', 'dementia', 'hip_injury', 'pain', 'bleeding', 'news2', 'spo2', 'target_spo2',
  'oxygen', 'copd', 'breathing', 'resp_rate', 'pulse', 'blood_pressure', 'temperature', 'consciousness', 'confusion', 'glucose',
  'diabetes', 'insulin', 'infection', 'urine', 'fluid_intake', 'weight', 'oedema', 'heart_failure', 'device_fault', 'false_alarm',
  'wandering', 'choking', 'dysphagia', 'end_of_life', 'family', 'wishes', 'medication', 'missed_dose', 'allergy', 'skin', 'mobility',
  'time_found', 'baseline', 'trend', 'bed_exit', 'sensor_data'];

export async function mount(root, ctx) {
  const id = ctx.params.id;
  ctx.setTitle(L('training.player_title'));
  root.append(loading(L('training.loading_session')));
  let session;
  let scenario;
  try {
    session = (await get(`/api/training/sessions/${id}`)).session;
    scenario = (await get(`/api/training/scenarios/${encodeURIComponent(session.scenario.id)}`)).scenario;
  } catch (err) {
    root.replaceChildren(pageHeader(L('training.player_title')), errorState(err, { retry: () => ctx.navigate(location.pathname, { replace: true }) }));
    return undefined;
  }
  if (!ctx.isCurrent()) return undefined;
  if (session.status === 'ended') {
    ctx.navigate(`/training/sessions/${id}/debrief`, { replace: true });
    return undefined;
  }
  const player = new Player(root, ctx, session, scenario);
  await player.start();
  return () => player.stop();
}

class Player {
  constructor(root, ctx, session, scenario) {
    this.root = root;
    this.ctx = ctx;
    this.id = session.id;
    this.session = session;
    this.scenario = scenario;
    this.trainee = session.viewer === 'trainee';
    this.info = null; // the "session" event
    this.state = null; // the last "state"
    this.progress = null;
    this.lastId = null;
    this.events = []; // log events, in order
    this.actions = new Map(); // index -> logged action
    this.series = new Map(); // resident index -> {t, hr, spo2, rr, bhr}
    this.selected = scenario.residents[0].id;
    this.announced = new Set();
    this.frame = 0;
    this.dirty = { all: true };
    this.es = null;
    this.ended = null;
    this.offLang = null;
    this.chart = null;
    this.chartFor = null;
  }

  async start() {
    this.ctx.setTitle(pick(this.scenario.title));
    this.build();
    try {
      this.uPlot = await loadUplot();
    } catch (err) {
      console.warn('uPlot', err);
    }
    this.connect();
    this.offLang = onLangChange(() => { this.ctx.setTitle(pick(this.scenario.title)); this.schedule('all'); });
    this.onResize = () => this.resizeChart();
    window.addEventListener('resize', this.onResize);
  }

  stop() {
    if (this.es) this.es.close();
    this.es = null;
    cancelAnimationFrame(this.frame);
    clearTimeout(this.retry);
    if (this.offLang) this.offLang();
    window.removeEventListener('resize', this.onResize);
    if (this.chart) this.chart.destroy();
  }

  /* ---- The stream ---- */

  connect() {
    const q = this.lastId !== null ? `?last_event_id=${encodeURIComponent(this.lastId)}` : '';
    const es = new EventSource(`/api/training/sessions/${this.id}/events${q}`);
    this.es = es;
    const on = (name, fn) => es.addEventListener(name, (e) => {
      let data;
      try { data = JSON.parse(e.data); } catch { return; }
      fn(data, e);
    });
    on('session', (d) => { this.info = d; this.schedule('bar'); });
    on('state', (d) => { this.state = d; this.schedule('state'); });
    on('progress', (d) => { this.progress = d; this.schedule('bar'); });
    on('samples', (rows) => { this.addSamples(rows); this.schedule('chart'); });
    on('log', (d, e) => {
      this.lastId = e.lastEventId || String(d.seq);
      if (this.events.length && d.seq <= this.events.at(-1).seq) return;
      this.events.push(d);
      if (d.kind === 'action' && d.logged) this.actions.set(d.logged.index, d.logged);
      this.schedule('feed');
    });
    on('end', (d) => { this.ended = d; es.close(); this.schedule('all'); });
    es.onopen = () => { this.connection = 'live'; this.schedule('bar'); };
    es.onerror = () => {
      if (this.ended) return;
      if (es.readyState === EventSource.CLOSED) {
        // Refused (the session ended while away, or the server restarts): look, then try again.
        this.connection = 'lost';
        this.schedule('bar');
        this.retry = setTimeout(() => this.reconnect(), 3000);
      } else {
        this.connection = 'reconnecting';
        this.schedule('bar');
      }
    };
  }

  async reconnect() {
    try {
      const s = (await get(`/api/training/sessions/${this.id}`)).session;
      if (s.status === 'ended') {
        this.ended = { passed: s.passed, percent: s.score_percent };
        this.schedule('all');
        return;
      }
    } catch { /* the server is not back yet */ }
    if (this.es) this.es.close();
    this.connect();
  }

  addSamples(rows) {
    for (const [ts, ri, whr, wspo2, bhr, brr, news2] of rows) {
      let s = this.series.get(ri);
      if (!s) { s = { t: [], hr: [], spo2: [], rr: [], bhr: [], news2: [] }; this.series.set(ri, s); }
      if (s.t.length && ts <= s.t.at(-1)) continue;
      s.t.push(ts); s.hr.push(whr); s.spo2.push(wspo2); s.rr.push(brr); s.bhr.push(bhr); s.news2.push(news2);
      if (s.t.length > 900) for (const k of Object.keys(s)) s[k].shift();
    }
  }

  /* At most one render per animation frame, whatever arrives meanwhile. */
  schedule(part) {
    this.dirty[part] = true;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  /* ---- Building the page once ---- */

  build() {
    const sc = this.scenario;
    this.el = {};
    const modeTag = h('span', { class: `tag mode-tag mode-${this.session.mode}` }, L(`training.mode.${this.session.mode}`));
    this.el.clock = h('span', { class: 'player-clock', 'aria-label': L('training.clock_label') });
    this.el.elapsed = h('span', { class: 'player-elapsed' });
    this.el.meter = h('progress', { class: 'player-meter', max: String(sc.duration_ms), value: '0', 'aria-label': L('training.elapsed_label') });
    this.el.conn = h('span', { class: 'conn', role: 'status' });
    this.el.hintBox = h('div', { class: 'notice hint-box', hidden: true, role: 'status' });
    const controls = h('div', { class: 'player-controls' });
    if (this.trainee) {
      this.el.speed = h('select', { class: 'select speed-select', id: uid('speed'), dataset: { role: 'speed' }, on: { change: () => this.setSpeed(Number(this.el.speed.value)) } },
        Array.from({ length: 10 }, (_, i) => h('option', { value: String(i + 1) }, t('training.speed_option', { n: i + 1 }))));
      controls.append(h('label', { class: 'speed-label', for: this.el.speed.id }, L('training.speed')), this.el.speed);
      if (this.session.mode === 'practice') {
        this.el.pause = button(L('training.pause'), { dataset: { action: 'pause' }, onClick: () => this.togglePause() });
        this.el.hint = button(L('training.hint'), { dataset: { action: 'hint' }, onClick: () => this.askHint() });
        controls.append(this.el.pause, this.el.hint);
      } else {
        controls.append(h('span', { class: 'muted assess-note' }, L('training.assessment_note')));
      }
      controls.append(button(L('training.finish'), { variant: 'secondary', dataset: { action: 'finish' }, onClick: () => this.finish() }));
    } else {
      this.el.progress = h('span', { class: 'watch-progress', dataset: { role: 'progress' } });
      controls.append(this.el.progress);
    }
    const who = this.trainee ? null : h('p', { class: 'notice watch-banner' }, L('training.watching', { name: this.session.student.name }));
    const bar = h('div', { class: 'player-bar' },
      h('div', { class: 'player-title-row' },
        h('h1', { class: 'page-title player-title', tabindex: '-1' }, pick(sc.title)), modeTag, this.el.conn),
      h('div', { class: 'player-time' }, this.el.clock, this.el.elapsed, this.el.meter),
      controls);

    this.el.rooms = h('ul', { class: 'rooms', 'aria-label': L('training.floor') });
    this.el.station = h('li', { class: 'room station' });
    this.el.rooms.append(this.el.station);
    this.roomEls = new Map();
    for (const r of sc.residents) {
      const el = h('li', { class: 'room' },
        h('button', { type: 'button', class: 'room-button', dataset: { resident: r.id }, on: { click: () => { this.selected = r.id; this.schedule('all'); } } },
          h('span', { class: 'room-head' }, h('span', { class: 'room-no' }), h('span', { class: 'room-name' })),
          h('span', { class: 'room-news2' }),
          h('span', { class: 'room-status' }),
          h('span', { class: 'room-here' })));
      this.roomEls.set(r.id, el);
      this.el.rooms.append(el);
    }
    const floor = h('section', { class: 'card player-floor', 'aria-labelledby': 'floor-h' },
      h('h2', { class: 'card-title', id: 'floor-h' }, L('training.floor')), this.el.rooms);

    this.el.resTitle = h('h2', { class: 'card-title', id: 'res-h' });
    this.el.vitals = h('dl', { class: 'vitals' });
    this.el.chart = h('div', { class: 'trend-chart', role: 'img', 'aria-label': L('training.chart_label') });
    this.el.legend = h('p', { class: 'trend-legend muted' });
    this.el.obs = h('ul', { class: 'obs-list' });
    this.el.details = h('div', { class: 'res-details' });
    this.el.resActions = h('div', { class: 'res-actions' });
    const resident = h('section', { class: 'card player-resident', 'aria-labelledby': 'res-h' },
      h('div', { class: 'res-head' }, this.el.resTitle, this.el.resActions),
      this.el.vitals, this.el.chart, this.el.legend,
      h('h3', { class: 'sub-title' }, L(this.trainee ? 'training.your_findings' : 'training.student_findings')), this.el.obs,
      h('details', { class: 'res-more' }, h('summary', L('training.resident_details')), this.el.details));

    this.el.alertCount = h('span', { class: 'alert-count' });
    this.el.alerts = h('ul', { class: 'alert-list' });
    this.el.announce = h('div', { class: 'visually-hidden', 'aria-live': 'assertive', role: 'alert' });
    this.alertEls = new Map();
    const alerts = h('section', { class: 'card player-alerts', 'aria-labelledby': 'alerts-h' },
      h('h2', { class: 'card-title', id: 'alerts-h' }, L('training.alerts'), ' ', this.el.alertCount),
      this.el.alerts, this.el.announce);

    this.el.feed = h('ol', { class: 'feed', reversed: true });
    const feed = h('section', { class: 'card player-feed', 'aria-labelledby': 'feed-h' },
      h('h2', { class: 'card-title', id: 'feed-h' }, L('training.feed')), this.el.feed);

    const palette = this.trainee ? this.buildPalette() : null;
    this.el.ended = h('div', { class: 'ended-panel', hidden: true });
    this.root.replaceChildren(h('div', { class: 'training-player' },
      bar, who, this.el.hintBox, this.el.ended,
      h('div', { class: 'player-grid' }, alerts, floor, resident),
      h('div', { class: palette ? 'player-lower' : 'player-lower is-watch' }, palette, feed)));
    this.root.querySelector('h1').focus({ preventScroll: true });
  }

  buildPalette() {
    const station = h('div', { class: 'palette-group' },
      h('h3', { class: 'sub-title' }, L('training.at_station')),
      h('div', { class: 'palette-buttons' },
        this.paletteButton('review_data', () => this.act({ type: 'review_data', resident: this.selected })),
        this.paletteButton('go_to_room', () => this.act({ type: 'go_to_room', resident: this.selected })),
        this.paletteButton('score_news2', () => this.paramDialog({ type: 'score_news2', params: [{ name: 'value', min: 0, max: 20, value: 0 }] })),
        this.paletteButton('call', () => this.callDialog()),
        this.paletteButton('document', () => this.documentDialog()),
        this.paletteButton('hand_hygiene', () => this.act({ type: 'hand_hygiene' }))));
    const measure = h('div', { class: 'palette-buttons measure-buttons' },
      VITALS.map((v) => this.bedsideButton(`measure-${v}`, word('vital', v), () => this.act({ type: 'measure', resident: this.selected, vital: v }))));
    const care = h('div', { class: 'palette-buttons' },
      BEDSIDE.map((spec) => this.bedsideButton(spec.type, actionName(spec.type), () => (spec.params.length
        ? this.paramDialog(spec) : this.act({ type: spec.type, resident: this.selected })))));
    this.el.bedsideNote = h('p', { class: 'hint bedside-note' });
    const bedside = h('div', { class: 'palette-group' },
      h('h3', { class: 'sub-title' }, L('training.at_bedside')), this.el.bedsideNote,
      h('p', { class: 'palette-label' }, L('training.measure_label')), measure,
      h('p', { class: 'palette-label' }, L('training.care')), care);
    this.bedsideButtons = [...measure.children, ...care.children];
    return h('section', { class: 'card player-palette', 'aria-labelledby': 'palette-h' },
      h('h2', { class: 'card-title', id: 'palette-h' }, L('training.actions')), station, bedside);
  }

  paletteButton(type, onClick) {
    return button(actionName(type), { size: 'sm', dataset: { action: type }, onClick });
  }

  bedsideButton(key, label, onClick) {
    const b = button(label, { size: 'sm', dataset: { action: key }, onClick });
    b.dataset.labelKey = key;
    return b;
  }

  /* ---- Rendering ---- */

  render() {
    const d = this.dirty;
    this.dirty = {};
    const all = d.all;
    if (all || d.bar || d.state) this.renderBar();
    if (all || d.state) { this.renderRooms(); this.renderAlerts(); }
    if (all || d.state || d.feed || d.chart) this.renderResident(all || d.chart);
    if (all || d.feed) this.renderFeed(all);
    if (all || d.state) this.renderPalette();
    if (this.ended) this.renderEnded();
  }

  now() { return this.state ? this.state.t_ms : 0; }

  renderBar() {
    const sc = this.scenario;
    const s = this.state;
    const info = this.info;
    const ms = s ? s.t_ms : (info ? info.t_ms : 0);
    this.el.clock.textContent = homeClock(sc.start_clock_s, ms, { seconds: true });
    this.el.elapsed.textContent = t('training.elapsed', { time: simTime(ms), total: simTime(sc.duration_ms) });
    this.el.meter.value = ms;
    const paused = info ? info.paused : false;
    const held = s ? s.held : true;
    let conn = this.connection === 'lost' ? 'lost' : this.connection === 'reconnecting' ? 'reconnecting' : 'live';
    if (this.ended) conn = 'ended';
    else if (conn === 'live' && paused) conn = 'paused';
    else if (conn === 'live' && held && !this.trainee) conn = 'held';
    this.el.conn.className = `conn conn-${conn}`;
    this.el.conn.textContent = t(`training.conn.${conn}`);
    if (this.el.speed && info && document.activeElement !== this.el.speed) this.el.speed.value = String(info.speed);
    if (this.el.pause && info) {
      this.el.pause.textContent = t(info.paused ? 'training.resume' : 'training.pause');
      this.el.pause.setAttribute('aria-pressed', String(!!info.paused));
    }
    if (this.el.progress) {
      const p = this.progress;
      let text = '';
      if (p && p.percent === null) text = t('training.progress_none', { critical: p.critical_errors, actions: p.actions });
      else if (p) text = t('training.progress', { percent: p.percent, earned: p.earned, possible: p.possible, critical: p.critical_errors, actions: p.actions });
      this.el.progress.textContent = text;
    }
  }

  snapRes(id) {
    return this.state ? this.state.residents.find((r) => r.id === id) : null;
  }

  renderRooms() {
    const s = this.state;
    const where = s ? s.where : 'station';
    this.el.station.replaceChildren(
      h('span', { class: 'room-head' }, h('span', { class: 'room-name' }, t('training.station'))),
      where === 'station' ? h('span', { class: 'here-tag' }, t(this.trainee ? 'training.you_are_here' : 'training.student_here')) : '');
    const alertsBy = new Map();
    for (const a of (s ? s.alerts : [])) if (a.state === 'open') alertsBy.set(a.resident, (alertsBy.get(a.resident) || 0) + 1);
    for (const r of this.scenario.residents) {
      const el = this.roomEls.get(r.id);
      const b = el.querySelector('.room-button');
      const x = this.snapRes(r.id);
      el.classList.toggle('is-selected', r.id === this.selected);
      b.setAttribute('aria-pressed', String(r.id === this.selected));
      el.querySelector('.room-no').textContent = t('training.room', { room: r.room });
      el.querySelector('.room-name').textContent = pick(r.name);
      el.querySelector('.room-news2').replaceChildren(x ? news2Tag(x.news2, x.response) : '');
      const status = [];
      if (x && x.place === 'hospital') status.push(t('training.in_hospital'));
      if (x && x.activity) status.push(word('activity', x.activity));
      if (x && x.bed) status.push(x.bed.presence ? t('training.in_bed') : t('training.out_of_bed'));
      if (x && x.wearable && !x.wearable.online) status.push(t('training.wearable_offline'));
      const n = alertsBy.get(r.id) || 0;
      if (n) status.push(t('training.open_alerts', { count: n }));
      el.querySelector('.room-status').textContent = status.join(DOT);
      let here = '';
      if (s && s.with === r.id) {
        here = this.trainee ? t(where === 'walking' ? 'training.on_your_way' : 'training.you_are_here')
          : t(where === 'walking' ? 'training.student_on_way' : 'training.student_here');
      }
      const hereEl = el.querySelector('.room-here');
      hereEl.textContent = here;
      hereEl.className = here ? 'room-here here-tag' : 'room-here';
    }
  }

  renderAlerts() {
    const s = this.state;
    const list = s ? [...s.alerts] : [];
    list.sort((a, b) => (PRIO_RANK[a.priority] - PRIO_RANK[b.priority]) || (a.state === b.state ? 0 : a.state === 'open' ? -1 : 1) || a.raised_ms - b.raised_ms);
    const open = list.filter((a) => a.state === 'open').length;
    this.el.alertCount.textContent = t('training.alerts_count', { open, count: list.length });
    const seen = new Set();
    const now = this.now();
    let prev = null;
    for (const a of list) {
      seen.add(a.id);
      let el = this.alertEls.get(a.id);
      if (!el) {
        el = this.alertItem(a);
        this.alertEls.set(a.id, el);
        if (!this.announced.has(a.id)) {
          this.announced.add(a.id);
          if (this.state && a.raised_ms > 0) this.announce(t('training.new_alert', { priority: word('priority', a.priority), alert: alertName(a.kind), name: residentName(this.scenario, a.resident), room: residentOf(this.scenario, a.resident)?.room ?? '' }));
        }
      }
      this.updateAlert(el, a, now);
      // In order, moving only what is out of place (a focused button stays focused).
      const want = prev ? prev.nextSibling : this.el.alerts.firstChild;
      if (want !== el) this.el.alerts.insertBefore(el, want);
      prev = el;
    }
    for (const [k, el] of this.alertEls) if (!seen.has(k)) { el.remove(); this.alertEls.delete(k); }
    if (!list.length && !this.el.alerts.querySelector('.alerts-empty')) {
      this.el.alerts.append(h('li', { class: 'alerts-empty muted' }, L('training.no_alerts')));
    } else if (list.length) {
      const e = this.el.alerts.querySelector('.alerts-empty');
      if (e) e.remove();
    }
  }

  alertItem(a) {
    const el = h('li', { class: 'alert-item', dataset: { alertId: String(a.id), kind: a.kind } },
      h('div', { class: 'alert-top' }, h('span', { class: 'alert-prio' }), h('span', { class: 'alert-kind' }), h('span', { class: 'alert-state' })),
      h('p', { class: 'alert-who' }),
      h('p', { class: 'alert-timer' }));
    if (this.trainee) {
      el.append(h('div', { class: 'alert-actions' },
        button(L('training.acknowledge'), { size: 'sm', variant: 'primary', dataset: { action: 'acknowledge' }, onClick: () => this.act({ type: 'acknowledge', alert_id: a.id }) }),
        button(L('training.go'), { size: 'sm', dataset: { action: 'go' }, onClick: () => { this.selected = a.resident; this.act({ type: 'go_to_room', resident: a.resident }); } }),
        button(L('training.dismiss'), { size: 'sm', dataset: { action: 'dismiss' }, onClick: () => this.dismissDialog(a) })));
    }
    return el;
  }

  updateAlert(el, a, now) {
    const r = residentOf(this.scenario, a.resident);
    el.className = `alert-item alert-${a.state} prio-${a.priority}`;
    el.querySelector('.alert-prio').replaceChildren(priorityTag(a.priority));
    el.querySelector('.alert-kind').textContent = a.kind === 'news2'
      ? t('training.alert_news', { score: a.detail }) : alertName(a.kind);
    el.querySelector('.alert-state').textContent = word('alert_state', a.state);
    el.querySelector('.alert-who').textContent = r ? t('training.alert_who', { name: pick(r.name), room: r.room }) : '';
    const age = simTime(now - a.raised_ms);
    let timer = t('training.alert_age', { time: age });
    if (a.state === 'open' && a.escalations < 2) timer += t('training.sep') + t('training.alert_escalates', { time: simTime(Math.max(0, a.escalate_ms - now)) });
    if (a.escalations) timer += t('training.sep') + t('training.alert_escalated', { count: a.escalations });
    el.querySelector('.alert-timer').textContent = timer;
    const ack = el.querySelector('[data-action="acknowledge"]');
    if (ack) ack.hidden = a.state !== 'open';
  }

  announce(text) {
    this.el.announce.textContent = '';
    setTimeout(() => { this.el.announce.textContent = text; }, 50);
  }

  renderResident(chart) {
    const r = residentOf(this.scenario, this.selected);
    const x = this.snapRes(this.selected);
    this.el.resTitle.textContent = t('training.resident_title', { name: pick(r.name), room: r.room, age: r.age });
    const w = x && x.wearable;
    const bed = x && x.bed;
    const val = (v, unit) => (v === null || v === undefined ? '–' : `${formatNumber(v)}${unit ? ` ${unit}` : ''}`);
    const reading = (v, unit) => (v === null || v === undefined ? t('training.no_reading') : val(v, unit));
    const rows = [
      [t('training.vital.news'), x ? news2Tag(x.news2, x.response, { size: 'lg' }) : '–', 'vital-news'],
      [t('training.vital.w_hr'), w ? (w.online ? reading(w.hr, t('training.unit.bpm')) : t('training.offline')) : t('training.no_device')],
      [t('training.vital.w_spo'), w ? (w.online ? reading(w.spo2, '%') : t('training.offline')) : t('training.no_device')],
      [t('training.vital.b_hr'), bed ? reading(bed.hr, t('training.unit.bpm')) : t('training.no_device')],
      [t('training.vital.b_rr'), bed ? reading(bed.rr, t('training.unit.per_min')) : t('training.no_device')],
      [t('training.vital.signal'), w && w.online ? t('training.signal', { quality: w.quality, battery: w.battery ?? '–' }) : '–'],
      [t('training.vital.oxygen'), x && x.oxygen ? t('training.oxygen_detail', { device: word('oxygen_device', x.oxygen.device), flow: x.oxygen.flow_lpm }) : t('training.on_air')],
    ];
    this.el.vitals.replaceChildren(...rows.map(([k, v, cls]) => h('div', { class: cls ? `vital ${cls}` : 'vital' }, h('dt', k), h('dd', v))));
    if (this.trainee) {
      const s = this.state;
      const withThem = s && s.with === r.id && s.where === 'resident';
      this.el.resActions.replaceChildren(withThem
        ? h('span', { class: 'here-tag' }, t('training.you_are_here'))
        : button(L('training.go_to', { room: r.room }), { size: 'sm', variant: 'primary', dataset: { action: 'go-selected' }, onClick: () => this.act({ type: 'go_to_room', resident: r.id }) }));
    }
    // What the trainee found out about this resident (the latest of each kind first).
    const mine = [...this.actions.values()].filter((a) => a.resident === r.id && resultText(a)).slice(-8).reverse();
    this.el.obs.replaceChildren(...(mine.length
      ? mine.map((a) => h('li', h('span', { class: 'obs-time' }, homeClock(this.scenario.start_clock_s, a.t_ms)), ' ',
        h('span', { class: 'obs-what' }, actionLabel(a, this.scenario)), h('span', { class: 'obs-result' }, resultText(a))))
      : [h('li', { class: 'muted' }, t(this.trainee ? 'training.no_findings' : 'training.no_findings_watch'))]));
    if (this.detailsFor !== `${r.id}|${document.documentElement.lang}`) {
      this.detailsFor = `${r.id}|${document.documentElement.lang}`;
      const meds = r.medications.map((m) => pick(m.name));
      this.el.details.replaceChildren(h('dl', { class: 'dl' },
        [[t('training.background'), pick(r.background)],
          [t('training.conditions'), r.conditions.map((c) => word('condition', c)).join(t('training.list_sep')) || '–'],
          [t('training.medications'), meds.join(t('training.list_sep')) || '–'],
          [t('training.allergies'), pick(r.allergies) || '–'],
          [t('training.care_notes'), pick(r.care_notes) || '–'],
          [t('training.fall_risk'), r.high_fall_risk ? t('training.fall_risk_high', { morse: r.morse_total ?? '–' }) : t('training.fall_risk_not_high', { morse: r.morse_total ?? '–' })],
          [t('training.spo_scale'), t(r.spo2_scale === 2 ? 'training.scale_two' : 'training.scale_one')]]
          .map(([k, v]) => h('div', { class: 'dl-row' }, h('dt', k), h('dd', v)))));
    }
    if (chart || this.chartFor !== r.id) this.renderChart();
  }

  renderChart() {
    if (!this.uPlot) return;
    const ri = this.scenario.residents.findIndex((x) => x.id === this.selected);
    const s = this.series.get(ri) || { t: [], hr: [], spo2: [], rr: [] };
    const data = [s.t, s.hr, s.spo2, s.rr];
    const last = s.t.length ? s.t.at(-1) : 0;
    const xr = [Math.max(0, last - WINDOW_S), Math.max(WINDOW_S, last)];
    if (!this.chart || this.chartFor !== this.selected || this.chartLang !== document.documentElement.lang) {
      if (this.chart) this.chart.destroy();
      this.chartFor = this.selected;
      this.chartLang = document.documentElement.lang;
      const start = this.scenario.start_clock_s;
      const opts = {
        width: this.chartWidth(),
        height: 180,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: () => this.xRange || xr }, bpm: { range: [0, 160] }, pct: { range: [60, 100] } },
        axes: [
          { values: (u, vals) => vals.map((v) => homeClock(start, v * 1000)), space: 70, incrs: MINUTE_TICKS },
          { scale: 'bpm', label: t('training.axis_rate') },
          { scale: 'pct', side: 1, label: t('training.axis_spo'), grid: { show: false } },
        ],
        series: [
          {},
          { label: t('training.series_hr'), scale: 'bpm', stroke: SERIES_COLOURS.hr, width: 2 },
          { label: t('training.series_spo'), scale: 'pct', stroke: SERIES_COLOURS.spo2, width: 2 },
          { label: t('training.series_rr'), scale: 'bpm', stroke: SERIES_COLOURS.rr, width: 2, dash: [6, 4] },
        ],
      };
      this.xRange = xr;
      this.el.chart.replaceChildren();
      this.chart = new this.uPlot(opts, data, this.el.chart);
      this.el.legend.replaceChildren(
        h('span', { class: 'legend-key' }, h('span', { class: 'swatch swatch-hr', 'aria-hidden': 'true' }), t('training.series_hr')),
        h('span', { class: 'legend-key' }, h('span', { class: 'swatch swatch-spo2', 'aria-hidden': 'true' }), t('training.series_spo')),
        h('span', { class: 'legend-key' }, h('span', { class: 'swatch swatch-rr', 'aria-hidden': 'true' }), t('training.series_rr')));
    } else {
      this.xRange = xr;
      this.chart.setData(data);
    }
    const lastHr = s.hr.length ? s.hr.at(-1) : null;
    this.el.chart.setAttribute('aria-label', t('training.chart_summary', { name: residentName(this.scenario, this.selected), hr: lastHr ?? '–', spo: s.spo2.at(-1) ?? '–', rr: s.rr.at(-1) ?? '–' }));
  }

  chartWidth() {
    const w = this.el.chart.clientWidth || this.el.chart.parentElement.clientWidth || 400;
    return Math.max(240, Math.floor(w));
  }

  resizeChart() {
    if (this.chart) this.chart.setSize({ width: this.chartWidth(), height: 180 });
  }

  renderFeed(all) {
    if (all) { this.el.feed.replaceChildren(); this.fedUpTo = -1; }
    const start = this.scenario.start_clock_s;
    const fresh = this.events.filter((e) => e.seq > (this.fedUpTo ?? -1));
    for (const e of fresh) {
      this.el.feed.prepend(h('li', { class: `feed-item ${eventClass(e)}`, dataset: { kind: e.kind } },
        h('span', { class: 'feed-time' }, homeClock(start, e.t_ms, { seconds: true })), ' ',
        h('span', { class: 'feed-text' }, eventText(e, this.scenario)),
        e.kind === 'action' && e.logged && resultText(e.logged) ? h('span', { class: 'feed-result' }, resultText(e.logged)) : null));
      this.fedUpTo = e.seq;
    }
    while (this.el.feed.children.length > FEED_MAX) this.el.feed.lastChild.remove();
    if (!this.el.feed.children.length) this.el.feed.append(h('li', { class: 'muted feed-empty' }, t('training.feed_empty')));
    else { const e = this.el.feed.querySelector('.feed-empty'); if (e) e.remove(); }
  }

  renderPalette() {
    if (!this.trainee) return;
    const s = this.state;
    const r = residentOf(this.scenario, this.selected);
    const at = s && s.where === 'resident' && s.with === this.selected;
    const paused = this.info && this.info.paused;
    const off = !!this.ended || paused;
    for (const b of this.root.querySelectorAll('.player-palette button')) b.disabled = off;
    for (const b of this.bedsideButtons) {
      const k = b.dataset.labelKey;
      b.textContent = k.startsWith('measure-') ? word('vital', k.slice(8)) : actionName(k);
      b.disabled = off;
      b.setAttribute('aria-describedby', at ? '' : 'bedside-note');
    }
    this.el.bedsideNote.id = 'bedside-note';
    this.el.bedsideNote.textContent = at
      ? t('training.bedside_with', { name: pick(r.name) })
      : t('training.bedside_away', { name: pick(r.name), room: r.room });
    for (const b of this.root.querySelectorAll('.player-palette .palette-group:first-child button')) {
      b.textContent = actionName(b.dataset.action);
    }
  }

  renderEnded() {
    const e = this.ended;
    this.el.ended.hidden = false;
    this.el.ended.replaceChildren(h('div', { class: `notice ended-notice ${e.passed ? 'is-passed' : 'is-failed'}`, role: 'status' },
      h('p', { class: 'notice-title' }, t('training.ended_title')),
      h('p', t(e.passed ? 'training.ended_passed' : 'training.ended_failed', { percent: e.percent ?? 0 })),
      h('a', { class: 'btn btn-primary', href: `/training/sessions/${this.id}/debrief`, dataset: { action: 'debrief' } }, t('training.open_debrief'))));
    if (this.el.pause) this.el.pause.disabled = true;
    if (this.el.hint) this.el.hint.disabled = true;
    if (this.el.speed) this.el.speed.disabled = true;
  }

  /* ---- Doing things ---- */

  async act(action, btn) {
    const done = btn ? busy(btn) : null;
    try {
      const r = await post(`/api/training/sessions/${this.id}/actions`, action);
      const a = r.action;
      this.actions.set(a.index, a);
      const text = resultText(a);
      toast(text ? t('training.done_with', { action: actionLabel(a, this.scenario), result: text }) : t('training.done', { action: actionLabel(a, this.scenario), outcome: word('outcome', a.outcome) }),
        { kind: a.outcome === 'ok' ? 'success' : 'info', timeout: 2500 });
      this.schedule('feed');
      return a;
    } catch (err) {
      toast(err.message, { kind: 'error' });
      throw err;
    } finally {
      if (done) done();
    }
  }

  async setSpeed(speed) {
    try { this.info = { ...this.info, ...(await patch(`/api/training/sessions/${this.id}`, { speed })).session }; } catch (err) { toast(err.message, { kind: 'error' }); }
  }

  async togglePause() {
    const paused = !(this.info && this.info.paused);
    const done = busy(this.el.pause);
    try {
      await patch(`/api/training/sessions/${this.id}`, { paused });
      this.info = { ...this.info, paused };
      this.schedule('all');
    } catch (err) { toast(err.message, { kind: 'error' }); } finally { done(); }
  }

  async askHint() {
    const done = busy(this.el.hint);
    try {
      const hint = (await post(`/api/training/sessions/${this.id}/hint`)).hint;
      this.el.hintBox.hidden = false;
      this.el.hintBox.replaceChildren(h('p', { class: 'notice-title' }, t('training.hint_title')),
        h('p', hint.expected
          ? t(hint.late ? 'training.hint_late' : 'training.hint_text', { what: pick(hint.title), time: homeClock(this.scenario.start_clock_s, hint.due_ms) })
          : t('training.hint_none')),
        button(L('common.close'), { size: 'sm', onClick: () => { this.el.hintBox.hidden = true; } }));
    } catch (err) { toast(err.message, { kind: 'error' }); } finally { done(); }
  }

  async finish() {
    const ok = await confirmDialog({ title: L('training.finish_title'), body: L('training.finish_body'), confirmLabel: L('training.finish_confirm') });
    if (!ok) return;
    try {
      await post(`/api/training/sessions/${this.id}/finish`);
      this.ctx.navigate(`/training/sessions/${this.id}/debrief`);
    } catch (err) { toast(err.message, { kind: 'error' }); }
  }

  /* A dialog for an action's parameters; sends it. */
  paramDialog(spec) {
    const r = residentOf(this.scenario, this.selected);
    const summary = errorSummary();
    const fields = {};
    for (const p of spec.params) {
      let f;
      if (p.medicines) {
        f = field({ name: p.name, label: L(`training.param.${p.name}`), kind: 'select', options: r.medications.map((m) => ({ value: m.id, label: pick(m.name) })) });
      } else if (p.devices) {
        const devs = Object.entries(r.devices).filter(([, has]) => has).map(([k]) => k);
        f = field({ name: p.name, label: L(`training.param.${p.name}`), kind: 'select', options: devs.map((v) => ({ value: v, label: word('device', v) })) });
      } else if (p.values) {
        f = field({ name: p.name, label: L(`training.param.${p.name}`), kind: 'select', options: p.values.map((v) => ({ value: v, label: word(p.table, v) })) });
      } else {
        f = field({ name: p.name, label: L(`training.param.${p.name}`), type: 'number', value: String(p.value ?? p.min), hint: L('training.range', { min: p.min, max: p.max }), attrs: { min: String(p.min), max: String(p.max), step: String(p.step || 1), required: true, inputmode: 'numeric' } });
      }
      fields[p.name] = f;
    }
    if (spec.params.some((p) => p.medicines) && !r.medications.length) { toast(t('training.no_medicines'), { kind: 'info' }); return; }
    const errors = formErrors(summary, fields);
    const submit = button(L('training.do_it'), { variant: 'primary', type: 'submit' });
    const form = h('form', { class: 'form', novalidate: true }, summary.el, Object.values(fields).map((f) => f.el));
    const who = spec.type === 'score_news2' ? null : h('p', { class: 'muted' }, t('training.for_resident', { name: pick(r.name), room: r.room }));
    const d = openDialog({ title: actionName(spec.type), content: [who, form], actions: [submit, button(L('common.cancel'), { onClick: () => d.close() })] });
    submit.setAttribute('form', form.id = uid('param-form'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      const action = { type: spec.type, resident: this.selected };
      for (const p of spec.params) {
        const v = fields[p.name].control.value;
        action[p.name] = p.values || p.medicines || p.devices ? v : Number(v);
        if (!(p.values || p.medicines || p.devices) && (!/^\d+$/.test(v) || Number(v) < p.min || Number(v) > p.max)) {
          errors.show([{ field: p.name, message: t('training.range_error', { min: p.min, max: p.max }) }]);
          return;
        }
      }
      const undo = busy(submit);
      try {
        await this.act(action);
        d.close();
      } catch (err) {
        undo();
        errors.showApiError(err);
      }
    });
    const first = Object.values(fields)[0];
    if (first) first.control.focus();
  }

  dismissDialog(a) {
    const summary = errorSummary();
    const reason = field({ name: 'reason', label: L('training.param.reason'), kind: 'select', options: REASONS.map((v) => ({ value: v, label: word('reason', v) })) });
    const errors = formErrors(summary, { reason });
    const form = h('form', { class: 'form', id: uid('dismiss-form') }, summary.el,
      h('p', t('training.dismiss_what', { alert: alertName(a.kind), name: residentName(this.scenario, a.resident) })), reason.el);
    const submit = button(L('training.dismiss'), { variant: 'primary', type: 'submit' });
    submit.setAttribute('form', form.id);
    const d = openDialog({ title: L('training.dismiss_title'), content: form, actions: [submit, button(L('common.cancel'), { onClick: () => d.close() })] });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const undo = busy(submit);
      try {
        await this.act({ type: 'dismiss', alert_id: a.id, reason: reason.control.value });
        d.close();
      } catch (err) { undo(); errors.showApiError(err); }
    });
    reason.control.focus();
  }

  factsFieldset(name) {
    const id = uid('facts');
    return h('fieldset', { class: 'fieldset facts', 'aria-describedby': `${id}-hint` },
      h('legend', { class: 'label' }, L('training.facts')),
      h('p', { class: 'hint', id: `${id}-hint` }, L('training.facts_hint')),
      h('div', { class: 'facts-grid' }, FACTS.map((f) => h('label', { class: 'fact' },
        h('input', { type: 'checkbox', name, value: f }), h('span', word('fact', f))))));
  }

  callDialog() {
    const r = residentOf(this.scenario, this.selected);
    const summary = errorSummary();
    const to = field({ name: 'to', label: L('training.param.to'), kind: 'select', options: RESPONDERS.map((v) => ({ value: v, label: word('responder', v) })) });
    const parts = ['situation', 'background', 'assessment', 'recommendation'].map((p) => field({
      name: `sbar.${p}`, label: L(`training.sbar.${p}`), hint: L(`training.sbar.${p}_hint`), kind: 'textarea', attrs: { rows: '2', maxlength: '2000' },
    }));
    const news2 = field({ name: 'sbar.news2', label: L('training.sbar.news'), hint: L('training.sbar.news_hint'), type: 'number', attrs: { min: '0', max: '20', inputmode: 'numeric' } });
    const facts = this.factsFieldset('sbar-fact');
    const fields = { to, 'sbar.news2': news2 };
    for (const f of parts) fields[f.control.name] = f;
    const errors = formErrors(summary, fields);
    const form = h('form', { class: 'form sbar-form', id: uid('call-form') }, summary.el,
      h('p', { class: 'muted' }, t('training.for_resident', { name: pick(r.name), room: r.room })),
      to.el, parts.map((f) => f.el), news2.el, facts);
    const submit = button(L('training.call_now'), { variant: 'primary', type: 'submit' });
    submit.setAttribute('form', form.id);
    const d = openDialog({ title: L('training.call_title'), content: form, wide: true, actions: [submit, button(L('common.cancel'), { onClick: () => d.close() })] });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      const sbar = {};
      for (const f of parts) if (f.control.value.trim()) sbar[f.control.name.slice(5)] = f.control.value.trim();
      const chosen = [...facts.querySelectorAll('input:checked')].map((x) => x.value);
      if (chosen.length) sbar.facts = chosen;
      const n = news2.control.value.trim();
      if (n) {
        if (!/^\d+$/.test(n) || Number(n) > 20) { errors.show([{ field: 'sbar.news2', message: t('training.range_error', { min: 0, max: 20 }) }]); return; }
        sbar.news2 = Number(n);
      }
      const undo = busy(submit);
      try {
        await this.act({ type: 'call', resident: this.selected, to: to.control.value, sbar });
        d.close();
      } catch (err) { undo(); errors.showApiError(err); }
    });
    to.control.focus();
  }

  documentDialog() {
    const r = residentOf(this.scenario, this.selected);
    const summary = errorSummary();
    const about = field({ name: 'about', label: L('training.param.about'), kind: 'select', options: ABOUT.map((v) => ({ value: v, label: word('about', v) })) });
    const text = field({ name: 'text', label: L('training.doc_text'), hint: L('training.doc_text_hint'), kind: 'textarea', attrs: { rows: '4', maxlength: '2000' } });
    const facts = this.factsFieldset('doc-fact');
    const errors = formErrors(summary, { about, text });
    const form = h('form', { class: 'form', id: uid('doc-form') }, summary.el,
      h('p', { class: 'muted' }, t('training.for_resident', { name: pick(r.name), room: r.room })), about.el, text.el, facts);
    const submit = button(L('training.save_record'), { variant: 'primary', type: 'submit' });
    submit.setAttribute('form', form.id);
    const d = openDialog({ title: L('training.document_title'), content: form, wide: true, actions: [submit, button(L('common.cancel'), { onClick: () => d.close() })] });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const action = { type: 'document', resident: this.selected, about: about.control.value };
      const chosen = [...facts.querySelectorAll('input:checked')].map((x) => x.value);
      if (chosen.length) action.facts = chosen;
      if (text.control.value.trim()) action.text = text.control.value.trim();
      const undo = busy(submit);
      try {
        await this.act(action);
        d.close();
      } catch (err) { undo(); errors.showApiError(err); }
    });
    about.control.focus();
  }
}


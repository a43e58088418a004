// What the training pages share: the words for the engine's vocabulary, NEWS2 bands and alarm
// priorities as tags (colour only where clinicians expect it, always with words and an icon),
// simulated times and clocks, sentences for the event log and for actions with what they found,
// and uPlot, loaded from /vendor/ (copied from its npm package at build time; never a CDN).
import { t, lang, formatNumber, formatList } from '../i18n.js';
import { h } from '../ui.js';

/* ---- Words ---- */

/*
 * Catalog keys are lower-case words: engine ids with digits, capitals or hyphens have aliases
 * (SpO2 and NEWS2 are "spo" and "news" in keys).
 */
const ALIAS = {
  target: { '88-92': 'low', '94-98': 'usual' },
  oxygen_device: { venturi_24: 'venturi_low', venturi_28: 'venturi_mid', venturi_35: 'venturi_high' },
  acvpu: { A: 'alert', C: 'confusion', V: 'voice', P: 'pain', U: 'unresponsive' },
};

function keyOf(table, id) {
  const a = ALIAS[table] && ALIAS[table][id];
  return (a || String(id)).replace(/news2/g, 'news').replace(/spo2/g, 'spo');
}

/* The word for an engine id of TABLE (training.v.TABLE.ID). */
export function word(table, id) {
  if (id === null || id === undefined || id === '') return '';
  return t(`training.v.${table}.${keyOf(table, id)}`);
}

export const actionName = (type) => word('action', type);
export const alertName = (kind) => word('alert', kind);

/* A bilingual value {"en", "zh-CN"} in the current language. */
export function pick(obj) {
  if (!obj || typeof obj !== 'object') return obj ?? '';
  return obj[lang()] ?? obj.en ?? Object.values(obj)[0] ?? '';
}

/* The resident ID's name (and room) in SCENARIO. */
export function residentOf(scenario, id) {
  return scenario && scenario.residents ? scenario.residents.find((r) => r.id === id) : null;
}

export function residentName(scenario, id) {
  const r = residentOf(scenario, id);
  return r ? pick(r.name) : (id || '');
}

/* ---- Times ---- */

/* "12:05" (minutes and seconds of simulated time), "1:02:05" past an hour. */
export function simTime(ms) {
  const s = Math.max(0, Math.floor((ms || 0) / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (n) => String(n).padStart(2, '0');
  return hh ? `${hh}:${two(mm)}:${two(ss)}` : `${two(mm)}:${two(ss)}`;
}

/* The care home's clock: START_S seconds after midnight plus MS of simulation, "03:12" (with seconds). */
export function homeClock(startS, ms, { seconds = false } = {}) {
  const s = Math.floor(((startS || 0) + Math.floor((ms || 0) / 1000)) % 86400);
  const two = (n) => String(n).padStart(2, '0');
  const hm = `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}`;
  return seconds ? `${hm}:${two(s % 60)}` : hm;
}

/* ---- Tags ---- */

const NEWS2_BANDS = { routine: 'zero', ward: 'low', urgent_ward: 'single', urgent: 'medium', emergency: 'high' };

/*
 * A NEWS2 tag: the score and the RCP response band in words, coloured as the NEWS2 chart is
 * (0 / 1–4 / 3 in one parameter / 5–6 / ≥7); "no score" while a parameter is unknown.
 */
export function news2Tag(score, response, { size } = {}) {
  if (score === null || score === undefined) {
    return h('span', { class: `tag news2-tag news2-none${size ? ` news2-${size}` : ''}` },
      h('span', { class: 'news2-score' }, '–'), h('span', t('training.news.none')));
  }
  const band = NEWS2_BANDS[response] || 'zero';
  return h('span', { class: `tag news2-tag news2-${band}${size ? ` news2-${size}` : ''}`, dataset: { band } },
    h('span', { class: 'news2-score' }, t('training.news.score', { score })),
    h('span', t(`training.news.band.${response || 'routine'}`)));
}

const PRIO_ICON = { urgent: '!!!', high: '!!', normal: '!', low: 'i' };

/* An alarm priority: colour as on clinical monitors (urgent red, high amber, others calm), and words. */
export function priorityTag(priority) {
  return h('span', { class: `tag prio-tag prio-${priority}` },
    h('span', { class: 'prio-icon', 'aria-hidden': 'true' }, PRIO_ICON[priority] || ''),
    h('span', word('priority', priority)));
}

export function outcomeTag(outcome) {
  return h('span', { class: `tag outcome-${outcome === 'ok' ? 'ok' : outcome === 'unsafe' ? 'unsafe' : 'other'}` },
    word('outcome', outcome));
}

/* ---- Sentences ---- */

function vitalText(result) {
  if (!result) return '';
  const parts = [];
  if ('hr' in result) parts.push(t('training.measured.hr', { value: result.hr }));
  if ('rr' in result) parts.push(t('training.measured.rr', { value: result.rr }));
  if ('spo2' in result) parts.push(t('training.measured.spo', { value: result.spo2 }));
  if ('sbp' in result) parts.push(t('training.measured.bp', { sbp: result.sbp, dbp: result.dbp }));
  if ('temp' in result) parts.push(t('training.measured.temp', { value: formatNumber(result.temp, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) }));
  if ('glucose' in result) parts.push(t('training.measured.glucose', { value: formatNumber(result.glucose, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) }));
  if ('weight' in result) parts.push(t('training.measured.weight', { value: formatNumber(result.weight, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) }));
  if ('acvpu' in result) parts.push(t('training.measured.acvpu', { value: word('acvpu', result.acvpu) }));
  return parts.join(t('training.sep'));
}

/* What an observation found, in words. */
export function findingsText(f) {
  if (!f) return '';
  const out = [];
  if (f.signs) out.push(pick(f.signs));
  if (f.place) out.push(word('place', f.place));
  if (f.activity) out.push(word('activity', f.activity));
  if (f.acvpu) out.push(t('training.find.acvpu', { value: word('acvpu', f.acvpu) }));
  if (f.sweating) out.push(t('training.find.sweating'));
  if (f.breathing) out.push(t('training.find.breathing', { value: word('breathing', f.breathing) }));
  if (f.skin) out.push(t('training.find.skin', { value: formatList(f.skin.map((x) => word('skin', x))) }));
  if (f.injuries) out.push(t('training.find.injuries', { value: formatList(f.injuries.map((x) => word('injury', x))) }));
  if (f.pain !== undefined) out.push(t('training.find.pain', { value: f.pain }));
  if (f.distress) out.push(word('distress', f.distress));
  if (f.wearable) out.push(t('training.find.wearable', { value: word('fit', f.wearable) }));
  if (f.oxygen !== undefined) {
    out.push(f.oxygen ? t('training.find.oxygen', { device: word('oxygen_device', f.oxygen.device), flow: f.oxygen.flow_lpm }) : t('training.find.no_oxygen'));
  }
  return out.join(t('training.sep'));
}

/* What an action found or did, from its result (measurements, findings, the dashboard). */
export function resultText(a) {
  const r = a.result;
  if (!r || a.outcome !== 'ok') return '';
  switch (a.type) {
    case 'measure': return vitalText(r);
    case 'observe': return findingsText(r);
    case 'review_data': {
      const parts = [];
      if (r.wearable) {
        parts.push(r.wearable.online
          ? t('training.review.wearable', { hr: r.wearable.hr ?? '–', spo: r.wearable.spo2 ?? '–', quality: r.wearable.signal_quality, battery: r.wearable.battery })
          : t('training.review.wearable_offline'));
      }
      if (r.bed_sensor) {
        parts.push(r.bed_sensor.online
          ? t(r.bed_sensor.in_bed ? 'training.review.bed' : 'training.review.bed_empty', { hr: r.bed_sensor.hr ?? '–', rr: r.bed_sensor.rr ?? '–' })
          : t('training.review.bed_offline'));
      }
      parts.push(r.platform_news2 === null ? t('training.review.news_none') : t('training.review.news', { score: r.platform_news2 }));
      return parts.join(t('training.sep'));
    }
    case 'check_device':
      return r.fit
        ? t('training.check.wearable', { fit: word('fit', r.fit), battery: r.battery, connected: t(r.connected ? 'training.check.connected' : 'training.check.disconnected') })
        : t(r.connected ? 'training.check.connected' : 'training.check.disconnected');
    case 'go_to_room': return t('training.result.arrive', { time: simTime(r.arrive_ms) });
    case 'call':
      return r.arrive_ms !== null && r.arrive_ms !== undefined
        ? t('training.result.call_coming', { time: simTime(r.arrive_ms) })
        : t('training.result.call_phone');
    case 'apply_oxygen': case 'adjust_oxygen':
      return r.fio2 !== undefined ? t('training.result.inspired', { value: r.fio2 }) : '';
    case 'back_blows': case 'abdominal_thrusts':
      return t(r.airway_clear ? 'training.result.airway_clear' : 'training.result.airway_blocked');
    case 'score_news2':
      return r.correct === undefined ? '' : t(r.correct ? 'training.result.news_right' : 'training.result.news_wrong', { reference: r.reference });
    default: return '';
  }
}

/* "Measure: SpO2" — the action with its main parameter. */
export function actionLabel(a, scenario) {
  const p = a.params || {};
  let detail = '';
  if (p.vital) detail = word('vital', p.vital);
  else if (p.alert) detail = alertName(p.alert);
  else if (p.focus && p.focus !== 'general') detail = word('focus', p.focus);
  else if (p.to) detail = word('responder', p.to);
  else if (p.oxygen_device) detail = t('training.oxygen_detail', { device: word('oxygen_device', p.oxygen_device), flow: p.flow_lpm ?? '' });
  else if (p.drug) {
    const med = (residentOf(scenario, a.resident)?.medications || []).find((m) => m.id === p.drug);
    detail = med ? pick(med.name) : p.drug;
  } else if (p.position) detail = word('position', p.position);
  else if (p.care) detail = word('care', p.care);
  else if (p.device) detail = word('device', p.device);
  else if (p.about) detail = word('about', p.about);
  else if (p.value !== undefined) detail = String(p.value);
  else if (p.ml !== undefined) detail = t('training.ml', { ml: p.ml });
  else if (p.grams !== undefined) detail = t('training.grams', { grams: p.grams });
  const who = a.resident ? residentName(scenario, a.resident) : '';
  return [actionName(a.type), detail, who].filter(Boolean).join(' · ');
}

/*
 * One event of the log (docs/scenarios.md, "The result") as a sentence. SCENARIO has the
 * residents and their care-plan tasks.
 */
export function eventText(e, scenario) {
  const d = e.detail || {};
  const name = e.resident ? residentName(scenario, e.resident) : '';
  switch (e.kind) {
    case 'alert_raised': return t('training.log.alert_raised', { alert: alertName(d.alert), name, priority: word('priority', d.priority) });
    case 'alert_upgraded': return t('training.log.alert_upgraded', { alert: alertName(d.alert), name, priority: word('priority', d.priority) });
    case 'alert_acknowledged': return t('training.log.alert_acknowledged', { alert: alertName(d.alert), name });
    case 'alert_escalated': return t('training.log.alert_escalated', { alert: alertName(d.alert), name, count: d.escalations });
    case 'alert_dismissed': return t('training.log.alert_dismissed', { alert: alertName(d.alert), name, reason: word('reason', d.reason) });
    case 'alert_cleared': return t('training.log.alert_cleared', { alert: alertName(d.alert), name });
    case 'detector': return t('training.log.detector', { name, what: word('detector', d.detector) });
    case 'bed_exit': return t('training.log.bed_exit', { name });
    case 'bed_return': return t('training.log.bed_return', { name });
    case 'door': return t(d.door === 'exit' ? 'training.log.door_exit' : 'training.log.door_room', { name });
    case 'device': {
      const what = d.status === 'fault' || d.status === 'spared'
        ? t(`training.log.device_${d.status}`, { fault: word('fault', d.fault) })
        : word('devstatus', d.status);
      return t('training.log.device', { device: word('device', d.device), name, what });
    }
    case 'action': {
      const a = e.logged || { type: d.type, outcome: d.outcome, params: {}, resident: e.resident };
      return t('training.log.action', { action: actionLabel(a, scenario), outcome: word('outcome', d.outcome) });
    }
    case 'responder': return t(d.status === 'arrived' ? 'training.log.arrived' : 'training.log.called', { who: word('responder', d.responder), name });
    case 'task': {
      const task = (residentOf(scenario, e.resident)?.tasks || []).find((x) => x.id === d.task);
      return t(`training.log.task_${d.status}`, { task: task ? pick(task.title) : d.task, name });
    }
    case 'harm': return t('training.log.harm', { name, harm: word('harm', d.harm) });
    case 'transfer': return t('training.log.transfer', { name });
    case 'end': return t('training.log.end', { by: word('ended_by', d.by) });
    case 'timeline': {
      if (d.event === 'say') return t('training.log.say', { name, text: pick(d.text) });
      if (d.event === 'condition') return t('training.log.condition', { name, condition: word('traj', d.condition) });
      if (d.event === 'device_fault') return t('training.log.device_fault_event', { name, device: word('device', d.device), fault: word('fault', d.fault) });
      if (d.event === 'device_restore') return t('training.log.device_restore', { name, device: word('device', d.device) });
      if (d.event === 'fall') return t('training.log.fall', { name, injury: word('injury_kind', d.injury) });
      return t(`training.log.event.${d.event}`, { name });
    }
    default: return e.kind;
  }
}

/* Which log events are about alerts, the trainee, or what happened to a resident (for styling). */
export function eventClass(e) {
  if (e.kind === 'action') return 'ev-action';
  if (e.kind.startsWith('alert_')) return 'ev-alert';
  if (e.kind === 'timeline' || e.kind === 'detector' || e.kind === 'harm') return 'ev-truth';
  return 'ev-system';
}

/* ---- uPlot ---- */

let uplot;

/* uPlot (an ES module of /vendor/) and its stylesheet, once. */
export async function loadUplot() {
  if (!document.querySelector('link[data-vendor="uplot"]')) {
    document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/uplot/uPlot.min.css', dataset: { vendor: 'uplot' } }));
  }
  if (!uplot) uplot = (await import('/vendor/uplot/uPlot.min.js')).default;
  return uplot;
}

/* Colours of the vital-sign lines: apart from the clinical red / amber / green. */
export const SERIES_COLOURS = { hr: '#0958d9', spo2: '#531dab', rr: '#006d75', news2: '#434343' };

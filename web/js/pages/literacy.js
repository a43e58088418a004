// The digital-literacy test (docs/literacy.md).
// /literacy — students: start a practice or a certified test, continue the one under way, and
//   see the results of past tests.
// /literacy/test — the test under way: one question at a time, every item type (single and
//   multiple choice, ordering, simulated screens), progress, feedback after each question in
//   practice mode. The server scores every answer; the browser never sees a key before
//   answering, and in certified mode not at all. A reload or a lost connection resumes at the
//   same question.
// /literacy/results/{id} — a result: the overall DigComp level with what it means in plain
//   words, the areas and competences (a table with bars), and a learning path. Students see
//   their own; teachers and administrators those of their students.
import { L, Lpick, Ldate, Lnum, loc, t, bind } from '../i18n.js';
import { get, post } from '../api.js';
import {
  h, button, busy, toast, pageHeader, emptyState, loading, errorState, confirmDialog, card, dl,
  uid, setText, table,
} from '../ui.js';

const TIME = { dateStyle: 'medium', timeStyle: 'short' };
const LARGE_KEY = 'cc.literacy.large';

/* ---- Shared pieces (also used by literacy-class.js and literacy-bank.js) ---- */

/* Catalog keys have no digits: level N is WORDS[N]. */
export const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'];

export const AREA_KEYS = { 'DC.1': 'information', 'DC.2': 'communication', 'DC.3': 'content', 'DC.4': 'safety', 'DC.5': 'problems' };

export const BANDS = { 1: 'foundation', 2: 'foundation', 3: 'intermediate', 4: 'intermediate', 5: 'advanced', 6: 'advanced', 7: 'highly_specialised', 8: 'highly_specialised' };

/* "Level 5 · Advanced" as a tag (words, not colour alone). */
export function levelTag(level) {
  if (!level) return h('span', { class: 'tag tag-neutral lit-level-tag', dataset: { level: '0' } }, L('literacy.not_assessed'));
  return h('span', { class: `tag lit-level-tag lit-band-${BANDS[level]}`, dataset: { level: String(level) } },
    L('literacy.level_n', { n: level }), ' · ', L(`literacy.band.${BANDS[level]}`));
}

/* A bar of 8 steps for a level: decoration beside the number, hidden from screen readers. */
export function levelBar(level) {
  return h('span', { class: 'lit-bar', 'aria-hidden': 'true' },
    Array.from({ length: 8 }, (_, i) => h('span', { class: `lit-bar-step${i < level ? ' is-on' : ''}` })));
}

export function modeName(mode) {
  return L(mode === 'certified' ? 'literacy.mode_certified' : 'literacy.mode_practice');
}

/* The "Larger text" switch of the literacy pages, remembered on this device. */
export function largeTextToggle(page) {
  let on = false;
  try { on = localStorage.getItem(LARGE_KEY) === '1'; } catch { /* storage disabled */ }
  const btn = button(L('literacy.large_text'), { size: 'sm', 'aria-pressed': String(on), dataset: { action: 'large-text' } });
  const apply = () => { page.classList.toggle('is-large', on); btn.setAttribute('aria-pressed', String(on)); };
  btn.addEventListener('click', () => {
    on = !on;
    try { localStorage.setItem(LARGE_KEY, on ? '1' : '0'); } catch { /* storage disabled */ }
    apply();
  });
  apply();
  return btn;
}

/* A polite live region for progress and feedback; say(text) announces. */
function liveRegion() {
  const el = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', dataset: { role: 'live' } });
  return {
    el,
    say(text) {
      el.textContent = '';
      setTimeout(() => { el.textContent = text instanceof Object && 'text' in text ? text.text() : String(text); }, 60);
    },
  };
}

/* The leaves of a screen's element tree: what can be selected. */
function screenElements(elements, out = new Map()) {
  for (const e of elements || []) {
    out.set(e.id, e);
    if (e.children) screenElements(e.children, out);
  }
  return out;
}

/* The label of a choice (option or screen element) of ITEM by id. */
export function choiceLabel(item, id) {
  if (item.type === 'screen') {
    const e = screenElements(item.screen && item.screen.elements).get(id);
    return e ? Lpick(e.label) : id;
  }
  const o = (item.options || []).find((x) => x.id === id);
  return o ? Lpick(o.text) : id;
}

/*
 * The question of ITEM (as the server presents it) as a form. onChange(valid) is called when
 * the answer changes; value() returns the answer (a list of ids). With readOnly, a preview.
 */
export function itemView(item, { onChange = () => {}, readOnly = false, say = () => {} } = {}) {
  const stemId = uid('lit-stem');
  const stem = h('p', { class: 'lit-stem', id: stemId }, Lpick(item.stem));
  let view;
  if (item.type === 'single' || item.type === 'multiple') view = choiceView(item, stemId, onChange, readOnly);
  else if (item.type === 'ordering') view = orderingView(item, stemId, onChange, readOnly, say);
  else view = screenView(item, stemId, onChange, readOnly, say);
  const hintKey = { single: 'literacy.hint_single', multiple: 'literacy.hint_multiple', ordering: 'literacy.hint_ordering', screen: 'literacy.hint_screen' }[item.type];
  const hint = h('p', { class: 'hint lit-hint' }, L(hintKey, { count: item.selections || 1 }));
  return { el: h('div', { class: `lit-item lit-type-${item.type}`, dataset: { item: item.id, type: item.type } }, stem, hint, view.el), value: view.value };
}

function choiceView(item, stemId, onChange, readOnly) {
  const multi = item.type === 'multiple';
  const name = uid('lit-choice');
  const inputs = [];
  const rows = item.options.map((o) => {
    const input = h('input', { type: multi ? 'checkbox' : 'radio', name, value: o.id, class: 'lit-choice-input', disabled: readOnly, dataset: { option: o.id } });
    input.addEventListener('change', () => onChange(inputs.some((i) => i.checked)));
    inputs.push(input);
    return h('li', h('label', { class: 'lit-choice' }, input, h('span', { class: 'lit-choice-text' }, Lpick(o.text))));
  });
  const el = h('fieldset', { class: 'fieldset lit-choices' },
    h('legend', { class: 'visually-hidden' }, Lpick(item.stem)),
    h('ul', { class: 'lit-choice-list', 'aria-describedby': stemId }, rows));
  return { el, value: () => inputs.filter((i) => i.checked).map((i) => i.value) };
}

function orderingView(item, stemId, onChange, readOnly, say) {
  let order = item.options.map((o) => o.id);
  const byId = new Map(item.options.map((o) => [o.id, o]));
  const list = h('ol', { class: 'lit-order', 'aria-describedby': stemId });
  function move(id, delta) {
    const i = order.indexOf(id);
    const j = i + delta;
    if (j < 0 || j >= order.length) return;
    order = [...order];
    [order[i], order[j]] = [order[j], order[i]];
    render();
    const again = list.querySelector(`[data-step="${id}"] [data-move="${delta < 0 ? 'up' : 'down'}"]`);
    (again && !again.disabled ? again : list.querySelector(`[data-step="${id}"] button:not([disabled])`))?.focus();
    say(L('literacy.moved', { text: Lpick(byId.get(id).text).text(), n: j + 1, count: order.length }));
    onChange(true);
  }
  function render() {
    list.replaceChildren(...order.map((id, i) => {
      const text = Lpick(byId.get(id).text);
      return h('li', { class: 'lit-order-row', dataset: { step: id } },
        h('span', { class: 'lit-order-num', 'aria-hidden': 'true' }, String(i + 1)),
        h('span', { class: 'lit-order-text' }, text),
        readOnly ? null : h('span', { class: 'lit-order-moves' },
          button(h('span', { 'aria-hidden': 'true' }, '↑'), { size: 'sm', disabled: i === 0, 'aria-label': L('literacy.move_up', { text }), dataset: { move: 'up' }, onClick: () => move(id, -1) }),
          button(h('span', { 'aria-hidden': 'true' }, '↓'), { size: 'sm', disabled: i === order.length - 1, 'aria-label': L('literacy.move_down', { text }), dataset: { move: 'down' }, onClick: () => move(id, 1) })));
    }));
  }
  render();
  queueMicrotask(() => onChange(true));
  return { el: h('div', { class: 'lit-order-wrap' }, list), value: () => [...order] };
}

/*
 * A simulated screen: a phone, tablet, desktop or message list drawn with real buttons. An
 * element with children opens a sub-screen (Back returns); any other element is selected or
 * deselected by activating it. The answer is the selected elements in the order chosen.
 */
function screenView(item, stemId, onChange, readOnly, say) {
  const screen = item.screen;
  const stack = [{ title: screen.title, elements: screen.elements }];
  let selected = [];
  const all = screenElements(screen.elements);
  const frame = h('div', { class: `lit-device lit-device-${screen.kind}`, role: 'group', 'aria-label': L(`literacy.device_${screen.kind.replace('-', '_')}`), dataset: { kind: screen.kind } });
  const chosen = h('div', { class: 'lit-selected', 'aria-live': 'polite' });
  function toggle(id) {
    if (readOnly) return;
    selected = selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id];
    const label = Lpick(all.get(id).label).text();
    say(L(selected.includes(id) ? 'literacy.selected_one' : 'literacy.deselected_one', { label }));
    render(id);
    onChange(selected.length > 0);
  }
  function open(e) {
    stack.push({ title: e.label, elements: e.children });
    render();
    frame.querySelector('.lit-screen-title')?.focus();
  }
  function back() {
    const left = stack.pop();
    render();
    const parent = [...frame.querySelectorAll('[data-element]')].find((b) => left && b.dataset.opens === 'true' && b.dataset.title === Lpick(left.title).text());
    (parent || frame.querySelector('.lit-screen-title'))?.focus();
  }
  function element(e) {
    const opens = Array.isArray(e.children) && e.children.length > 0;
    const on = selected.includes(e.id);
    const parts = [
      h('span', { class: 'lit-el-text' },
        h('span', { class: 'lit-el-label' }, Lpick(e.label)),
        e.detail ? h('span', { class: 'lit-el-detail' }, Lpick(e.detail)) : null),
    ];
    if (e.role === 'toggle') parts.push(h('span', { class: 'lit-el-switch', 'aria-hidden': 'true' }));
    if (opens) parts.push(h('span', { class: 'lit-el-chevron', 'aria-hidden': 'true' }));
    if (on) parts.push(h('span', { class: 'lit-el-check', 'aria-hidden': 'true' }, '✓'));
    const b = h('button', {
      type: 'button', class: `lit-el lit-el-${e.role}${on ? ' is-selected' : ''}`,
      dataset: { element: e.id, role: e.role, opens: String(opens), title: Lpick(e.label).text() },
      'aria-pressed': opens ? null : String(on),
      'aria-label': opens ? L('literacy.open_screen', { label: Lpick(e.label) }) : null,
      disabled: readOnly && !opens,
      on: { click: () => (opens ? open(e) : toggle(e.id)) },
    }, parts);
    return h('li', { class: 'lit-el-item' }, b);
  }
  function render(focusId) {
    const top = stack[stack.length - 1];
    const titleId = uid('lit-screen');
    frame.replaceChildren(
      h('div', { class: 'lit-screen-bar' },
        stack.length > 1
          ? button(h('span', { 'aria-hidden': 'true' }, '‹ '), { size: 'sm', class: 'lit-screen-back', 'aria-label': L('literacy.screen_back'), dataset: { action: 'screen-back' }, onClick: back })
          : h('span', { class: 'lit-screen-dots', 'aria-hidden': 'true' }, '● ● ●'),
        h('h3', { class: 'lit-screen-title', id: titleId, tabindex: '-1' }, Lpick(top.title))),
      h('ul', { class: 'lit-screen-list', 'aria-labelledby': titleId }, top.elements.map(element)));
    frame.onkeydown = (ev) => { if (ev.key === 'Escape' && stack.length > 1) { ev.preventDefault(); back(); } };
    if (focusId) frame.querySelector(`[data-element="${focusId}"]`)?.focus();
    chosen.replaceChildren(selected.length
      ? h('div', h('p', { class: 'lit-selected-title' }, L('literacy.your_selection', { count: selected.length })),
        h('ul', { class: 'tag-list lit-selected-list' }, selected.map((id) => h('li', h('span', { class: 'tag tag-active' }, Lpick(all.get(id).label))))))
      : h('p', { class: 'muted lit-selected-title' }, L('literacy.nothing_selected')));
  }
  render();
  return { el: h('div', { class: 'lit-screen-wrap', 'aria-describedby': stemId }, frame, readOnly ? null : chosen), value: () => [...selected] };
}

/* ---- Pages ---- */

export async function mount(root, ctx) {
  if (ctx.params.result) return showResult(root, ctx, ctx.params.result);
  if (ctx.params.view === 'test') return runTest(root, ctx);
  return home(root, ctx);
}

/* /literacy: start, continue, history. */
async function home(root, ctx) {
  ctx.setTitle(L('literacy.title'));
  const page = h('div', { class: 'lit-page' });
  const body = h('div', { class: 'lit-body' }, loading(L('common.loading')));
  page.append(pageHeader(L('literacy.title'), { lead: L('literacy.lead'), actions: largeTextToggle(page) }), body);
  root.append(page);
  await load();

  async function load() {
    try {
      const [cur, list] = await Promise.all([get('/api/literacy/tests/current'), get('/api/literacy/tests', { query: { student: 'me', limit: 50 } })]);
      render(cur, list.tests || []);
    } catch (err) {
      body.replaceChildren(errorState(err, { retry: load }));
    }
  }

  function render(cur, tests) {
    const parts = [];
    if (cur.test) {
      parts.push(h('section', { class: 'card lit-continue', 'aria-labelledby': 'lit-continue-title' },
        h('h2', { class: 'card-title', id: 'lit-continue-title' }, L('literacy.continue_title')),
        h('p', L('literacy.continue_body', { mode: modeName(cur.test.mode), count: cur.test.answered })),
        h('div', { class: 'form-actions' },
          h('a', { class: 'btn btn-primary btn-lg', href: '/literacy/test', dataset: { action: 'continue' } }, L('literacy.continue')))));
    } else {
      parts.push(h('div', { class: 'lit-modes' }, modeCard('practice'), modeCard('certified')));
    }
    const finished = tests.filter((x) => x.status === 'finished');
    parts.push(card(L('literacy.history_title'), finished.length
      ? table({
        caption: L('literacy.history_title'),
        columns: [
          { label: L('literacy.col_date'), cell: (x) => h('a', { href: `/literacy/results/${x.id}` }, Ldate(x.finished_at || x.started_at, TIME)), rowHeader: true },
          { label: L('literacy.col_mode'), cell: (x) => modeName(x.mode) },
          { label: L('literacy.col_level'), cell: (x) => levelTag(x.level) },
          { label: L('literacy.col_questions'), cell: (x) => Lnum(x.answered), numeric: true },
        ],
        rows: finished,
      })
      : emptyState({ title: L('literacy.history_empty_title'), body: L('literacy.history_empty_body') })));
    body.replaceChildren(...parts);
  }

  function modeCard(mode) {
    const start = button(L(`literacy.start_${mode}`), { variant: mode === 'certified' ? 'secondary' : 'primary', class: 'btn-lg', dataset: { action: `start-${mode}` }, onClick: (e) => begin(mode, e.currentTarget) });
    return h('section', { class: 'card lit-mode', dataset: { mode }, 'aria-labelledby': `lit-mode-${mode}` },
      h('h2', { class: 'card-title', id: `lit-mode-${mode}` }, modeName(mode)),
      h('p', L(`literacy.mode_${mode}_body`)),
      h('ul', { class: 'lit-mode-facts' }, [1, 2, 3].map((n) => h('li', L(`literacy.mode_${mode}_fact_${WORDS[n]}`)))),
      h('div', { class: 'form-actions' }, start));
  }

  async function begin(mode, btn) {
    if (mode === 'certified') {
      const ok = await confirmDialog({ title: L('literacy.certified_confirm_title'), body: L('literacy.certified_confirm_body'), confirmLabel: L('literacy.start_certified') });
      if (!ok) return;
    }
    const done = busy(btn);
    try {
      await post('/api/literacy/tests', { mode });
      ctx.navigate('/literacy/test');
    } catch (err) {
      done();
      toast(err.message, { kind: 'error' });
    }
  }
}

/* /literacy/test: the question in front of the student, until the test ends. */
async function runTest(root, ctx) {
  ctx.setTitle(L('literacy.test_title'));
  const page = h('div', { class: 'lit-page lit-runner' });
  const live = liveRegion();
  const headerSlot = h('div');
  const progress = h('div', { class: 'lit-progress', dataset: { role: 'progress' } });
  const body = h('div', { class: 'lit-body' }, loading(L('common.loading')));
  const large = largeTextToggle(page);
  page.append(headerSlot, live.el, progress, body);
  root.append(page);
  let state = null; // {test, item}
  await load();

  async function load() {
    try {
      const data = await get('/api/literacy/tests/current');
      if (!data.test) {
        ctx.navigate('/literacy', { replace: true });
        return;
      }
      state = data;
      header();
      showItem(false);
    } catch (err) {
      body.replaceChildren(errorState(err, { retry: load }));
    }
  }

  function header() {
    const finish = button(L('literacy.finish_now'), { size: 'sm', dataset: { action: 'finish' }, onClick: finishNow });
    finish.hidden = !state.test.answered;
    headerSlot.replaceChildren(pageHeader(modeName(state.test.mode), {
      actions: [large, finish],
      lead: L(state.test.mode === 'certified' ? 'literacy.runner_lead_certified' : 'literacy.runner_lead_practice'),
    }));
  }

  /* Progress: the questions so far and how far the measurement has come (posterior SD to target). */
  function renderProgress() {
    const p = state.test.progress;
    const se = typeof p.se === 'number' ? p.se : 1;
    const precision = Math.max(0, Math.min(1, (1 - se) / (1 - p.se_target)));
    const done = Math.max(p.answered / p.max_items, Math.min(precision, p.answered / p.min_items));
    const pct = Math.round(100 * Math.min(done, 0.99));
    const n = p.answered + 1;
    progress.replaceChildren(
      h('p', { class: 'lit-progress-label' },
        h('strong', L('literacy.question_n', { n })), ' ',
        h('span', { class: 'muted' }, L('literacy.question_of_most', { max: p.max_items }))),
      h('progress', { class: 'lit-progress-meter', max: '100', value: String(pct), 'aria-label': L('literacy.progress_label'), 'aria-valuetext': L('literacy.progress_text', { pct }) }),
      h('p', { class: 'muted lit-progress-note' }, L('literacy.progress_text', { pct })));
    return { n, pct };
  }

  function showItem(announce) {
    if (!state.item) {
      ctx.navigate(`/literacy/results/${state.test.id}`, { replace: true });
      return;
    }
    const { n, pct } = renderProgress();
    const item = state.item;
    const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const submit = button(L('literacy.answer'), { variant: 'primary', type: 'submit', class: 'btn-lg', dataset: { action: 'answer' }, disabled: true });
    const view = itemView(item, { onChange: (valid) => { submit.disabled = !valid; }, say: (x) => live.say(x) });
    const form = h('form', { class: 'card lit-question', novalidate: true, dataset: { seq: String(item.seq) }, on: { submit: (e) => { e.preventDefault(); send(item, view, submit, error); } } },
      h('h2', { class: 'lit-question-title', tabindex: '-1' },
        h('span', { class: 'visually-hidden' }, L('literacy.question_n', { n }), ' · '),
        L(`literacy.bank.area.${AREA_KEYS[item.area]}`)),
      view.el, error,
      h('div', { class: 'lit-actions' }, submit));
    body.replaceChildren(form);
    header();
    if (announce) {
      live.say(L('literacy.announce_question', { n, pct }));
      form.querySelector('.lit-question-title').focus();
    }
  }

  async function send(item, view, submit, error) {
    const answer = view.value();
    if (!answer.length) return;
    const done = busy(submit);
    error.hidden = true;
    try {
      const data = await post(`/api/literacy/tests/${state.test.id}/answers`, { seq: item.seq, item: item.id, answer });
      state = data;
      if (data.feedback) showFeedback(item, answer, data.feedback);
      else if (!data.item) ctx.navigate(`/literacy/results/${data.test.id}`);
      else {
        live.say(L('literacy.answer_saved'));
        showItem(true);
      }
    } catch (err) {
      done();
      if (err.status === 409) {
        // The test moved on (another window, a replay) or ended: show where it really is.
        toast(err.message, { kind: 'info' });
        await load();
      } else {
        setText(error, err.status === 0 ? L('literacy.offline_answer') : err.message);
        error.hidden = false;
      }
    }
  }

  /* Practice: right or not (icon and words), the right answer, why; then the next question. */
  function showFeedback(item, answer, fb) {
    const right = fb.correct;
    const partial = !right && fb.category > 0;
    const verdict = right ? 'literacy.fb_correct' : (partial ? 'literacy.fb_partial' : 'literacy.fb_wrong');
    const next = button(L(state.item ? 'literacy.next_question' : 'literacy.see_result'), { variant: 'primary', class: 'btn-lg', dataset: { action: 'next' }, onClick: () => (state.item ? showItem(true) : ctx.navigate(`/literacy/results/${state.test.id}`)) });
    const panel = h('section', { class: `lit-feedback ${right ? 'is-right' : 'is-wrong'}`, dataset: { correct: String(right), category: String(fb.category) }, 'aria-labelledby': 'lit-fb-title' },
      h('h3', { class: 'lit-feedback-title', id: 'lit-fb-title' },
        h('span', { class: 'lit-feedback-icon', 'aria-hidden': 'true' }, right ? '✓' : (partial ? '◐' : '✗')),
        L(verdict, { category: fb.category, max: fb.max })),
      h('p', { class: 'lit-feedback-key-title' }, L(item.type === 'ordering' ? 'literacy.fb_key_order' : 'literacy.fb_key')),
      h(item.type === 'ordering' ? 'ol' : 'ul', { class: 'lit-feedback-key' }, fb.key.map((id) => h('li', choiceLabel(item, id)))),
      h('p', { class: 'lit-feedback-why' }, Lpick(fb.explanation)),
      h('div', { class: 'lit-actions' }, next));
    const form = body.querySelector('.lit-question');
    for (const el of form.querySelectorAll('input, button')) if (el !== next) el.disabled = true;
    form.querySelector('.lit-actions').remove();
    form.append(panel);
    live.say(L(verdict, { category: fb.category, max: fb.max }));
    next.focus();
    header();
  }

  async function finishNow(e) {
    const btn = e.currentTarget;
    const certified = state.test.mode === 'certified';
    const ok = await confirmDialog({
      title: L('literacy.finish_title'),
      body: L(certified ? 'literacy.finish_body_certified' : 'literacy.finish_body', { count: state.test.answered }),
      confirmLabel: L('literacy.finish_now'),
    });
    if (!ok) return;
    const done = busy(btn);
    try {
      const data = await post(`/api/literacy/tests/${state.test.id}/finish`);
      ctx.navigate(`/literacy/results/${data.test.id}`);
    } catch (err) {
      done();
      toast(err.message, { kind: 'error' });
      if (err.status === 409) ctx.navigate(`/literacy/results/${state.test.id}`);
    }
  }
}

/* /literacy/results/{id} */
async function showResult(root, ctx, id) {
  const me = ctx.session.user;
  ctx.setTitle(L('literacy.result_title'));
  const page = h('div', { class: 'lit-page lit-result-page' });
  const headerSlot = h('div', pageHeader(L('literacy.result_title')));
  const body = h('div', { class: 'lit-body' }, loading(L('common.loading')));
  page.append(headerSlot, body);
  root.append(page);
  try {
    const data = await get(`/api/literacy/tests/${encodeURIComponent(id)}`);
    if (!data.result) {
      if (me.role === 'student' && data.test.status === 'active') ctx.navigate('/literacy/test', { replace: true });
      else body.replaceChildren(emptyState({ title: L('literacy.result_pending_title'), body: L('literacy.result_pending_body') }));
      return;
    }
    render(data.test, data.result);
  } catch (err) {
    if (err.status === 404) body.replaceChildren(emptyState({ title: L('literacy.result_missing_title'), body: err.message, action: h('a', { class: 'btn btn-secondary', href: me.role === 'student' ? '/literacy' : '/literacy/classes' }, L('literacy.back')) }));
    else body.replaceChildren(errorState(err));
  }

  function render(test, result) {
    const own = test.student.id === me.id;
    const title = own ? L('literacy.result_title') : L('literacy.result_title_of', { name: test.student.name });
    ctx.setTitle(title);
    const back = h('a', { class: 'btn btn-secondary btn-sm', href: own ? '/literacy' : '/literacy/classes' }, L('literacy.back'));
    headerSlot.replaceChildren(pageHeader(title, {
      actions: [largeTextToggle(page), back],
      lead: L('literacy.result_lead', { mode: modeName(test.mode), date: Ldate(test.finished_at || test.started_at, TIME), count: result.answered }),
    }));
    const p = result.profile;
    const level = p.overall.level;
    const overall = h('section', { class: 'card lit-overall', 'aria-labelledby': 'lit-overall-title', dataset: { level: String(level) } },
      h('h2', { class: 'card-title', id: 'lit-overall-title' }, L('literacy.overall_title')),
      h('div', { class: 'lit-overall-row' },
        h('p', { class: 'lit-overall-level' }, h('span', { class: 'lit-overall-num' }, L('literacy.level_n', { n: level })),
          h('span', { class: 'lit-overall-band' }, L(`literacy.band.${BANDS[level]}`))),
        h('div', { class: 'lit-overall-text' },
          h('p', { class: 'lit-meaning', dataset: { role: 'meaning' } }, L(`literacy.meaning.${WORDS[level]}`)),
          h('p', { class: 'muted' }, L('literacy.stop_reason.' + (result.stop_reason || 'precision'))))),
      h('details', { class: 'lit-details' }, h('summary', L('literacy.details')),
        dl([
          [L('literacy.theta'), Lnum(p.overall.theta, { maximumFractionDigits: 2 })],
          [L('literacy.se'), Lnum(p.overall.se, { maximumFractionDigits: 2 })],
          [L('literacy.score'), L('literacy.score_value', { score: p.overall.score, max: p.overall.max })],
          [L('literacy.duration'), durationText(result.duration)],
        ]),
        h('p', { class: 'hint' }, L('literacy.details_hint'))));
    const areas = card(L('literacy.areas_title'),
      h('p', { class: 'hint' }, L('literacy.areas_hint')),
      profileTable(p.areas, L('literacy.col_area'), 'area'));
    areas.classList.add('lit-areas');
    const comps = card(L('literacy.competences_title'),
      h('p', { class: 'hint' }, L('literacy.competences_hint')),
      p.areas.map((a) => h('div', { class: 'lit-comp-group' },
        h('h3', { class: 'lit-comp-area' }, `${a.code} `, Lpick(a.name)),
        profileTable(p.competences.filter((c) => c.area === a.code), L('literacy.col_competence'), 'competence'))));
    comps.classList.add('lit-competences');
    const path = card(L('literacy.path_title'), pathView(result.path, p));
    path.classList.add('lit-path');
    const levels = h('details', { class: 'card lit-levels' },
      h('summary', { class: 'card-title' }, L('literacy.levels_title')),
      h('ol', { class: 'lit-level-list' }, [1, 2, 3, 4, 5, 6, 7, 8].map((n) => h('li', { dataset: { level: String(n) } },
        h('strong', L('literacy.level_n', { n }), ' · ', L(`literacy.band.${BANDS[n]}`)), ' ', L(`literacy.meaning.${WORDS[n]}`)))));
    body.replaceChildren(overall, areas, comps, path, levels);
  }
}

function durationText(d) {
  const m = /^PT(\d+)S$/.exec(d || '');
  const s = m ? Number(m[1]) : 0;
  return L('literacy.minutes', { count: Math.max(1, Math.round(s / 60)) });
}

/* The profile rows as a table: name, level (number and band), a bar, questions answered. */
export function profileTable(rows, nameLabel, kind) {
  return table({
    caption: nameLabel,
    columns: [
      { label: nameLabel, cell: (r) => h('span', h('span', { class: 'lit-code' }, r.code), ' ', Lpick(r.name)), rowHeader: true, class: 'lit-col-name' },
      { label: L('literacy.col_level'), cell: (r) => levelTag(r.level), class: 'lit-col-level' },
      { label: h('span', { class: 'visually-hidden' }, L('literacy.col_bar')), cell: (r) => (r.level ? levelBar(r.level) : ''), class: 'lit-col-bar' },
      { label: L('literacy.col_questions'), cell: (r) => Lnum(r.items), numeric: true },
    ],
    rows: rows.map((r) => ({ ...r, kind })),
  });
}

/* The learning path: resources for the weakest areas, each with why it is there. */
function pathView(path, profile) {
  if (!path || !path.length) return emptyState({ title: L('literacy.path_empty_title'), body: L('literacy.path_empty_body') });
  const areaName = (code) => {
    const a = profile.areas.find((x) => x.code === code);
    return a ? Lpick(a.name) : code;
  };
  return h('div',
    h('p', { class: 'hint' }, L('literacy.path_hint')),
    h('ol', { class: 'lit-path-list' }, path.map((r) => h('li', { class: 'lit-path-item', dataset: { resource: r.id } },
      h('div', { class: 'lit-path-head' },
        h('span', { class: 'tag tag-neutral' }, L(`literacy.kind.${r.kind}`)),
        h('span', { class: 'lit-path-title' }, Lpick(r.title))),
      h('p', Lpick(r.description)),
      h('p', { class: 'muted lit-path-why' }, L('literacy.path_why', { area: areaName(r.area), competence: r.competence, level: r.for_level })),
      r.url
        ? h('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer', class: 'lit-path-link' }, L('literacy.open_resource'), h('span', { class: 'visually-hidden' }, L('literacy.new_tab')))
        : h('a', { href: '/literacy', class: 'lit-path-link' }, L('literacy.practice_here'))))));
}

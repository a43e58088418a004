// The shared components: one element builder and the buttons, fields, error
// summaries, tables, tags, cards, dialogs, toasts and states every page reuses.
import { bind, L, Loc } from './i18n.js';

let idSeq = 0;
export const uid = (prefix = 'cc') => `${prefix}-${++idSeq}`;

function setAttr(el, name, value) {
  if (value === false || value == null) el.removeAttribute(name);
  else el.setAttribute(name, value === true ? '' : String(value));
}

/* Appends a child: Node, string, number, Loc (kept translated), arrays; null/false are skipped. */
function append(el, child) {
  if (child == null || child === false) return;
  if (Array.isArray(child)) { for (const c of child) append(el, c); return; }
  if (child instanceof Node) { el.appendChild(child); return; }
  if (child instanceof Loc) {
    const tn = document.createTextNode('');
    bind(tn, () => { tn.data = child.text(); });
    el.appendChild(tn);
    return;
  }
  el.appendChild(document.createTextNode(String(child)));
}

/*
 * h('button', {class: 'btn', type: 'button', 'aria-label': L('x'), on: {click}}, L('label'))
 * Attribute values may be Loc (kept translated). `props` may be omitted.
 * Special props: on (event handlers), dataset, value/checked/disabled/selected (properties).
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props && (typeof props !== 'object' || props instanceof Node || props instanceof Loc || Array.isArray(props))) {
    children.unshift(props);
    props = null;
  }
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'on') { for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn); }
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected' || k === 'hidden') el[k] = v;
    else if (v instanceof Loc) bind(el, () => setAttr(el, k, v.text()));
    else setAttr(el, k, v);
  }
  append(el, children);
  return el;
}

export function clear(el) { el.replaceChildren(); return el; }

/* Replaces the text of el by a (possibly localised) value. */
export function setText(el, value) {
  el.replaceChildren();
  append(el, value);
}

/* ---- Buttons ---- */

export function button(label, { variant = 'secondary', type = 'button', onClick, size, ...rest } = {}) {
  const cls = ['btn', `btn-${variant}`];
  if (size) cls.push(`btn-${size}`);
  if (rest.class) cls.push(rest.class);
  delete rest.class;
  return h('button', { class: cls.join(' '), type, ...rest, on: onClick ? { click: onClick } : {} }, label);
}

/* Marks a button busy (keeps its width, announces via aria-busy) and returns a function to undo it. */
export function busy(btn) {
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  btn.classList.add('is-busy');
  return () => { btn.disabled = false; btn.removeAttribute('aria-busy'); btn.classList.remove('is-busy'); };
}

/* ---- Tags ---- */

export function roleTag(role) {
  return h('span', { class: `tag tag-role-${role}` }, L(`roles.${role}`));
}

export function langName(code) {
  return L(code === 'zh-CN' ? 'langs.zh_cn' : 'langs.en');
}

/* ---- States ---- */

export function loading(label) {
  return h('div', { class: 'state state-loading', role: 'status' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', label || L('common.loading')));
}

export function emptyState({ title, body, action }) {
  return h('div', { class: 'state state-empty' },
    h('div', { class: 'state-icon', 'aria-hidden': 'true' }),
    title ? h('p', { class: 'state-title' }, title) : null,
    body ? h('p', { class: 'state-body' }, body) : null,
    action ? h('div', { class: 'state-action' }, action) : null);
}

/* An error where content should be: what happened and what to do. */
export function errorState(err, { retry } = {}) {
  return h('div', { class: 'state state-error', role: 'alert' },
    h('p', { class: 'state-title' }, L('errors.load_failed')),
    h('p', { class: 'state-body' }, err && err.message ? err.message : L('errors.unexpected')),
    h('p', { class: 'state-body' }, L('errors.what_to_do')),
    retry ? h('div', { class: 'state-action' }, button(L('common.try_again'), { onClick: retry })) : null);
}

/* ---- Cards ---- */

export function card(title, ...body) {
  const headingId = uid('card');
  return h('section', { class: 'card', 'aria-labelledby': title ? headingId : null },
    title ? h('h2', { class: 'card-title', id: headingId }, title) : null,
    ...body);
}

/* A description list: [[label, value], …]. */
export function dl(pairs) {
  return h('dl', { class: 'dl' }, pairs.filter(Boolean).map(([k, v]) => h('div', { class: 'dl-row' }, h('dt', k), h('dd', v))));
}

/* ---- Tables ---- */

/*
 * columns: [{label, cell(row) → child, class?, numeric?}]; caption: Loc (shown to screen readers
 * only unless captionVisible).
 */
export function table({ columns, rows, caption, captionVisible = false }) {
  const tbl = h('table', { class: 'table' },
    caption ? h('caption', { class: captionVisible ? 'table-caption' : 'visually-hidden' }, caption) : null,
    h('thead', h('tr', columns.map((c) => h('th', { scope: 'col', class: [c.numeric ? 'num' : '', c.class || ''].join(' ').trim() || null }, c.label)))),
    h('tbody', rows.map((r) => h('tr', columns.map((c, i) => {
      const cls = [c.numeric ? 'num' : '', c.class || ''].join(' ').trim() || null;
      return i === 0 && c.rowHeader ? h('th', { scope: 'row', class: cls }, c.cell(r)) : h('td', { class: cls }, c.cell(r));
    })))));
  return h('div', { class: 'table-wrap' }, tbl);
}

/* ---- Forms ---- */

/*
 * A labelled control. kind: 'input' (default), 'select', 'textarea'.
 * Returns {el (wrapper), control, setError(msg|null)}.
 */
export function field({ name, label, hint, kind = 'input', type = 'text', options = [], value, attrs = {}, idPrefix = 'f' }) {
  const id = uid(`${idPrefix}-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  const errId = `${id}-error`;
  let control;
  if (kind === 'select') {
    control = h('select', { id, name, class: 'select', 'aria-describedby': hintId, ...attrs },
      options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)));
  } else if (kind === 'textarea') {
    control = h('textarea', { id, name, class: 'input', 'aria-describedby': hintId, ...attrs });
    if (value != null) control.value = value;
  } else if (type === 'file') {
    // The browser's own file button speaks the browser's language, not ours: hide it visually
    // (it stays focusable and is what the label activates) and show our own button and file name.
    control = h('input', { id, name, type, class: 'file-input', 'aria-describedby': hintId, ...attrs });
    const chosen = h('span', { class: 'file-name' }, L('form.no_file'));
    control.addEventListener('change', () => {
      const f = control.files && control.files[0];
      setText(chosen, f ? f.name : L('form.no_file'));
    });
    control.fileUi = h('div', { class: 'file-ui' }, h('span', { class: 'btn btn-secondary file-button', 'aria-hidden': 'true' }, L('form.choose_file')), chosen);
  } else {
    control = h('input', { id, name, type, class: 'input', 'aria-describedby': hintId, ...attrs });
    if (value != null) control.value = value;
  }
  const error = h('p', { class: 'field-error', id: errId, hidden: true });
  const el = h('div', { class: 'field' },
    h('label', { class: 'label', for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    error,
    control.fileUi ? h('label', { class: 'file-field', for: id }, control, control.fileUi) : control);
  function setError(msg) {
    if (msg) {
      setText(error, [h('span', { class: 'visually-hidden' }, L('form.error_prefix')), ' ', msg]);
      error.hidden = false;
      el.classList.add('has-error');
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
    } else {
      error.hidden = true;
      error.replaceChildren();
      el.classList.remove('has-error');
      control.removeAttribute('aria-invalid');
      if (hintId) control.setAttribute('aria-describedby', hintId); else control.removeAttribute('aria-describedby');
    }
  }
  return { el, control, setError, id };
}

/*
 * Error summary at the top of a form (GOV.UK pattern): a titled alert listing every problem,
 * each linking to its field. form.fields maps API field names to field() results.
 */
export function errorSummary() {
  const list = h('ul', { class: 'error-summary-list' });
  const el = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true },
    h('h2', { class: 'error-summary-title' }, L('form.problem_title')),
    list);
  return {
    el,
    list,
    /* problems: [{message, field?: field() result}] */
    show(problems, { focus = true } = {}) {
      list.replaceChildren(...problems.map((p) => h('li',
        p.field
          ? h('a', { href: `#${p.field.id}`, on: { click: (e) => { e.preventDefault(); p.field.control.focus(); } } }, p.message)
          : h('span', p.message))));
      el.hidden = false;
      if (focus) el.focus();
    },
    hide() { el.hidden = true; list.replaceChildren(); },
  };
}

/*
 * Wires a summary and fields together. fields: {apiName: field()}.
 * showErrors([{field: 'login', message}]) / showApiError(err) / clear().
 */
export function formErrors(summary, fields) {
  const api = {
    clear() {
      summary.hide();
      for (const f of Object.values(fields)) f.setError(null);
    },
    show(problems) {
      api.clear();
      const items = problems.map((p) => {
        const f = p.field ? fields[p.field] : null;
        if (f) f.setError(p.message);
        return { message: p.message, field: f };
      });
      summary.show(items);
    },
    showApiError(err) {
      api.show([{ field: err.field, message: err.message || L('errors.unexpected') }]);
    },
  };
  return api;
}

/* ---- Toasts ---- */

/* toast(L('users.added', {name}), {kind: 'success'|'error'|'info'}). Errors stay until closed. */
export function toast(message, { kind = 'success', timeout } = {}) {
  const region = document.getElementById('toasts');
  const icon = kind === 'error' ? '!' : kind === 'success' ? '✓' : 'i';
  const close = () => { el.remove(); };
  const el = h('div', { class: `toast toast-${kind}` },
    h('span', { class: 'toast-icon', 'aria-hidden': 'true' }, icon),
    h('p', { class: 'toast-text' }, message),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': L('common.dismiss'), on: { click: close } }, '×'));
  region.appendChild(el);
  const ms = timeout ?? (kind === 'error' ? 0 : 6000);
  if (ms) setTimeout(close, ms);
  return el;
}

/* ---- Dialogs ---- */

/*
 * Opens a modal <dialog>. content: Node(s); actions: Node(s) for the footer.
 * Returns {el, body, close()}. Escape and the close button close it; focus returns to the opener.
 */
export function openDialog({ title, content, actions, wide = false, onClose }) {
  const opener = document.activeElement;
  const titleId = uid('dlg');
  const body = h('div', { class: 'dialog-body' }, content);
  const dlg = h('dialog', { class: `dialog${wide ? ' dialog-wide' : ''}`, 'aria-labelledby': titleId },
    h('div', { class: 'dialog-head' },
      h('h2', { class: 'dialog-title', id: titleId }, title),
      h('button', { type: 'button', class: 'dialog-close', 'aria-label': L('common.close'), on: { click: () => close() } }, '×')),
    body,
    actions ? h('div', { class: 'dialog-actions' }, actions) : null);
  let closed = false;
  function close() {
    if (closed) return;
    closed = true;
    if (dlg.open) dlg.close();
    dlg.remove();
    if (onClose) onClose();
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
  }
  dlg.addEventListener('close', close);
  dlg.addEventListener('cancel', (e) => { e.preventDefault(); close(); });
  document.body.appendChild(dlg);
  dlg.showModal();
  return { el: dlg, body, close };
}

/* Asks for confirmation; resolves true when confirmed. */
export function confirmDialog({ title, body, confirmLabel, danger = false }) {
  return new Promise((resolve) => {
    let result = false;
    const ok = button(confirmLabel, { variant: danger ? 'danger' : 'primary', onClick: () => { result = true; d.close(); } });
    const cancel = button(L('common.cancel'), { onClick: () => d.close() });
    const d = openDialog({ title, content: h('p', body), actions: [ok, cancel], onClose: () => resolve(result) });
    cancel.focus();
  });
}

/* ---- Misc ---- */

export function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

/* Page header: h1 (focus target on navigation) plus optional actions. */
export function pageHeader(title, { actions, lead, breadcrumb } = {}) {
  return h('div', { class: 'page-header' },
    breadcrumb || null,
    h('div', { class: 'page-header-row' },
      h('h1', { class: 'page-title', tabindex: '-1' }, title),
      actions ? h('div', { class: 'page-actions' }, actions) : null),
    lead ? h('p', { class: 'page-lead' }, lead) : null);
}


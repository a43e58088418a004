// /lrs/clients — admin: the programs that talk xAPI to CareCampus (VR simulations, H5P,
// cmi5 players, another LRS): list them, create one (its secret is shown once), revoke one.
import { L, Ldate } from '../i18n.js';
import { PLATFORM_HOMEPAGE } from './statements.js';
import { get, post, del } from '../api.js';
import {
  h, table, emptyState, loading, errorState, field, errorSummary, formErrors, button, busy, toast,
  pageHeader, openDialog, confirmDialog, card, dl, uid, setText,
} from '../ui.js';

/* The scopes of docs/api.md, in the order an administrator thinks about them. */
export const SCOPES = [
  'statements/write', 'statements/read', 'statements/read/mine', 'state', 'define', 'profile', 'all/read', 'all',
];
const scopeKey = (s) => s.replace(/\//g, '_'); // 'statements/read/mine' → 'statements_read_mine'

export const xapiEndpoint = () => `${location.origin}/xapi/`;

/*
 * Copies text to the clipboard. The Clipboard API needs a secure context, and campus servers often
 * run on plain http in the LAN, so fall back to selecting the text and execCommand('copy'); when that
 * fails too, leave the text selected and say how to copy it by hand. `source` is the input or
 * element showing the text (selected on fallback); `within` is where a temporary textarea may go
 * (inside an open modal dialog, the rest of the page is inert).
 */
export async function copyText(text, { source, within } = {}) {
  let ok = false;
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); ok = true; } catch { /* fall back */ }
  }
  if (!ok) {
    let tmp = null;
    let target = source;
    if (!target || !('select' in target)) {
      tmp = h('textarea', { class: 'copy-buffer', readonly: true, 'aria-hidden': 'true', tabindex: '-1' });
      tmp.value = text;
      (within || document.body).appendChild(tmp);
      target = tmp;
    }
    const back = document.activeElement;
    target.focus();
    target.select();
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    if (tmp) {
      tmp.remove();
      if (!ok && source) selectContents(source);
    }
    if (back && back !== target && back.isConnected && typeof back.focus === 'function') back.focus();
  }
  if (ok) toast(L('lrs.copied'), { kind: 'success', timeout: 3000 });
  else toast(L('lrs.copy_failed'), { kind: 'info' });
  return ok;
}

function selectContents(el) {
  const range = document.createRange();
  range.selectNodeContents(el);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}

/* A copy button that says "Copied" for a moment after it worked. */
export function copyButton(label, ariaLabel, getText, opts = {}) {
  const btn = button(label, { size: 'sm', class: 'copy-btn', 'aria-label': ariaLabel, dataset: opts.dataset || {} });
  let timer;
  btn.addEventListener('click', async () => {
    const ok = await copyText(getText(), opts);
    if (!ok) return;
    setText(btn, L('lrs.copied_short'));
    btn.classList.add('is-done');
    clearTimeout(timer);
    timer = setTimeout(() => { setText(btn, label); btn.classList.remove('is-done'); }, 2000);
  });
  return btn;
}

export function scopeTag(s) {
  return h('span', { class: 'tag tag-scope', title: s }, L(`lrs.scope.${scopeKey(s)}`));
}

/* A read-only value (key, secret, endpoint) with its label and a copy button. */
function copyField(name, label, value, copyLabel) {
  const id = uid(`cred-${name}`);
  const input = h('input', {
    id, name, type: 'text', class: 'input mono', readonly: true, value, spellcheck: 'false', autocomplete: 'off',
    dataset: { cred: name },
  });
  input.addEventListener('focus', () => input.select());
  return h('div', { class: 'field copy-field' },
    h('label', { class: 'label', for: id }, label),
    h('div', { class: 'copy-row' }, input,
      copyButton(L('lrs.copy'), copyLabel, () => value, { source: input, dataset: { copy: name } })));
}

/* The example request for a client, by what it may do. */
function curlExample(scopes, key, secret) {
  const origin = location.origin;
  const auth = `curl -u '${key}:${secret}' \\\n  -H 'X-Experience-API-Version: 1.0.3'`;
  if (scopes.includes('statements/write') || scopes.includes('all')) {
    const st = {
      actor: { objectType: 'Agent', account: { homePage: PLATFORM_HOMEPAGE, name: 'student.login' } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed', 'zh-CN': '完成' } },
      object: { id: `${origin}/activities/example`, definition: { name: { 'en-US': 'Example activity', 'zh-CN': '示例活动' } } },
    };
    return { kind: 'write', text: `${auth} \\\n  -H 'Content-Type: application/json' \\\n  -d '${JSON.stringify(st)}' \\\n  ${origin}/xapi/statements` };
  }
  if (scopes.some((s) => s.startsWith('statements/read') || s === 'all/read')) {
    return { kind: 'read', text: `${auth} \\\n  '${origin}/xapi/statements?limit=10'` };
  }
  return { kind: 'about', text: `${auth} \\\n  ${origin}/xapi/about` };
}

export async function mount(root, ctx) {
  ctx.setTitle(L('lrs.clients.title'));
  const listArea = h('div', { class: 'list-area' }, loading(L('lrs.clients.loading')));
  const count = h('p', { class: 'result-count', 'aria-live': 'polite' });
  const secretSlot = h('div', { class: 'secret-slot' });
  const newBtn = button(L('lrs.clients.new'), { variant: 'primary', onClick: openNew, dataset: { action: 'new-client' } });

  const endpointInfo = card(null,
    h('div', { class: 'endpoint-row' },
      h('div', { class: 'endpoint-text' },
        h('p', { class: 'endpoint-label' }, L('lrs.endpoint_label')),
        h('p', h('code', { class: 'endpoint-url' }, xapiEndpoint())),
        h('p', { class: 'hint' }, L('lrs.endpoint_hint'))),
      copyButton(L('lrs.copy'), L('lrs.copy_endpoint'), xapiEndpoint, { dataset: { copy: 'endpoint-page' } })));
  endpointInfo.classList.add('card-info', 'endpoint-card');

  // Statements can also go out: forwarding to another LRS has its own page.
  const forwarding = card(null,
    h('div', { class: 'endpoint-row' },
      h('div', { class: 'endpoint-text' },
        h('p', { class: 'endpoint-label' }, L('forwarding.link_title')),
        h('p', { class: 'hint' }, L('forwarding.link_body'))),
      h('a', { href: '/lrs/clients/forwarding', class: 'btn btn-secondary', dataset: { link: 'forwarding' } }, L('forwarding.link'))));
  forwarding.classList.add('card-info', 'forward-link-card');

  root.append(
    pageHeader(L('lrs.clients.title'), { actions: newBtn, lead: L('lrs.clients.lead') }),
    secretSlot,
    endpointInfo,
    h('div', { class: 'card card-flush' }, count, listArea),
    forwarding);

  await reload();

  async function reload() {
    try {
      const data = await get('/api/lrs/clients');
      render(data.clients || []);
    } catch (err) {
      count.replaceChildren();
      listArea.replaceChildren(errorState(err, { retry: reload }));
    }
  }

  function render(clients) {
    const active = clients.filter((c) => !c.revoked).length;
    count.replaceChildren(h('span', clients.length === active
      ? L('lrs.clients.count', { count: clients.length })
      : L('lrs.clients.count_revoked', { count: clients.length, revoked: clients.length - active })));
    if (!clients.length) {
      listArea.replaceChildren(emptyState({
        title: L('lrs.clients.empty_title'),
        body: L('lrs.clients.empty_body'),
        action: button(L('lrs.clients.new'), { variant: 'primary', onClick: openNew }),
      }));
      return;
    }
    listArea.replaceChildren(table({
      caption: L('lrs.clients.table_caption'),
      columns: [
        { label: L('lrs.clients.col_name'), cell: (c) => c.name, rowHeader: true },
        { label: L('lrs.clients.col_key'), cell: (c) => h('span', { class: 'mono' }, c.key) },
        { label: L('lrs.clients.col_scopes'), cell: (c) => h('span', { class: 'tag-list' }, (c.scopes || []).map(scopeTag)) },
        { label: L('lrs.clients.col_created'), cell: (c) => (c.created_at ? h('time', { datetime: c.created_at }, Ldate(c.created_at)) : '—'), class: 'hide-narrow col-date' },
        {
          label: L('lrs.clients.col_status'),
          cell: (c) => (c.revoked
            ? h('span', { class: 'tag tag-neutral', dataset: { status: 'revoked' } }, L('lrs.clients.status_revoked'))
            : h('span', { class: 'tag tag-active', dataset: { status: 'active' } }, L('lrs.clients.status_active'))),
        },
        {
          label: h('span', { class: 'visually-hidden' }, L('lrs.clients.col_actions')),
          class: 'actions',
          cell: (c) => (c.revoked ? null : button(L('lrs.clients.revoke'), {
            variant: 'danger-link', size: 'sm',
            'aria-label': L('lrs.clients.revoke_label', { name: c.name }),
            dataset: { action: 'revoke', key: c.key },
            onClick: (e) => revoke(c, e.currentTarget),
          })),
        },
      ],
      rows: clients,
    }));
  }

  async function revoke(c, btn) {
    const ok = await confirmDialog({
      title: L('lrs.clients.revoke_title'),
      body: L('lrs.clients.revoke_body', { name: c.name }),
      confirmLabel: L('lrs.clients.revoke_confirm'),
      danger: true,
    });
    if (!ok) return;
    const done = busy(btn);
    try {
      await del(`/api/lrs/clients/${encodeURIComponent(c.id)}`);
      toast(L('lrs.clients.revoked', { name: c.name }));
      // The secret of a client that no longer works is of no use: drop it from the page.
      if (secretSlot.querySelector(`[data-client-key="${CSS.escape(c.key)}"]`)) dropSecret();
    } catch (err) {
      done();
      toast(err.status === 404 ? L('lrs.clients.revoke_gone', { name: c.name }) : err.message, { kind: 'error' });
    }
    await reload();
    const h1 = root.querySelector('h1');
    if (h1) h1.focus();
  }

  function dropSecret() {
    secretSlot.replaceChildren();
    endpointInfo.hidden = false;
  }

  function showSecret(client, secret) {
    const titleId = uid('secret-title');
    const example = curlExample(client.scopes || [], client.key, secret);
    const exampleId = uid('curl');
    const hide = button(L('lrs.clients.secret_done'), { variant: 'primary', dataset: { action: 'secret-done' }, onClick: () => {
      dropSecret();
      newBtn.focus();
    } });
    const panel = h('section', {
      class: 'card secret-panel', 'aria-labelledby': titleId, tabindex: '-1', dataset: { clientKey: client.key },
    },
    h('h2', { class: 'card-title', id: titleId }, L('lrs.clients.created_title', { name: client.name })),
    h('div', { class: 'warning-text' },
      h('span', { class: 'warning-icon', 'aria-hidden': 'true' }, '!'),
      h('div', { class: 'warning-body' },
        h('p', { class: 'warning-title' }, h('span', { class: 'visually-hidden' }, L('lrs.warning_prefix')), ' ', L('lrs.clients.secret_once_title')),
        h('p', L('lrs.clients.secret_once_body')))),
    h('div', { class: 'cred-grid' },
      copyField('key', L('lrs.clients.key_label'), client.key, L('lrs.clients.copy_key')),
      copyField('secret', L('lrs.clients.secret_label'), secret, L('lrs.clients.copy_secret')),
      copyField('endpoint', L('lrs.endpoint_label'), xapiEndpoint(), L('lrs.copy_endpoint'))),
    h('p', { class: 'example-label', id: exampleId }, L(`lrs.clients.example_${example.kind}`)),
    h('div', { class: 'code-wrap' },
      h('pre', { class: 'code-block code-curl', tabindex: '0', 'aria-labelledby': exampleId, dataset: { example: example.kind } }, example.text),
      copyButton(L('lrs.copy'), L('lrs.clients.copy_example'), () => example.text, { dataset: { copy: 'example' } })),
    example.kind === 'write' ? h('p', { class: 'hint' }, L('lrs.clients.example_hint')) : null,
    h('div', { class: 'form-actions' }, hide));
    secretSlot.replaceChildren(panel);
    endpointInfo.hidden = true; // the panel shows the endpoint too
    panel.focus();
    panel.scrollIntoView({ block: 'start' });
  }

  function openNew() {
    const summary = errorSummary();
    const fName = field({ name: 'name', label: L('lrs.clients.f_name'), hint: L('lrs.clients.f_name_hint'), attrs: { autocomplete: 'off', maxlength: '100' }, idPrefix: 'nlc' });

    // Scopes: a fieldset of checkboxes, each with its one-line explanation.
    const legendId = uid('scopes-legend');
    const hintId = uid('scopes-hint');
    const errId = uid('scopes-error');
    const boxes = SCOPES.map((s) => {
      const id = uid('scope');
      const helpId = `${id}-help`;
      const cb = h('input', {
        type: 'checkbox', id, name: 'scopes', value: s, class: 'checkbox-input', checked: s === 'statements/write',
        'aria-describedby': helpId,
      });
      const row = h('div', { class: 'scope-row' }, cb,
        h('div', { class: 'scope-text' },
          h('label', { for: id, class: 'scope-label' },
            h('span', { class: 'scope-name' }, L(`lrs.scope.${scopeKey(s)}`)), ' ',
            h('code', { class: 'scope-id' }, s)),
          h('p', { class: 'scope-help', id: helpId }, L(`lrs.scope_help.${scopeKey(s)}`))));
      return { s, cb, row };
    });
    const scopeError = h('p', { class: 'field-error', id: errId, hidden: true });
    const fieldset = h('fieldset', { class: 'fieldset field scope-fieldset', 'aria-describedby': hintId },
      h('legend', { class: 'label', id: legendId }, L('lrs.clients.f_scopes')),
      h('p', { class: 'hint', id: hintId }, L('lrs.clients.f_scopes_hint')),
      scopeError,
      h('div', { class: 'scope-list' }, boxes.map((b) => b.row)));
    const fScopes = {
      el: fieldset,
      control: boxes[0].cb,
      id: boxes[0].cb.id,
      setError(msg) {
        if (msg) {
          setText(scopeError, [h('span', { class: 'visually-hidden' }, L('form.error_prefix')), ' ', msg]);
          scopeError.hidden = false;
          fieldset.classList.add('has-error');
          fieldset.setAttribute('aria-describedby', `${hintId} ${errId}`);
        } else {
          scopeError.hidden = true;
          scopeError.replaceChildren();
          fieldset.classList.remove('has-error');
          fieldset.setAttribute('aria-describedby', hintId);
        }
      },
    };

    const errors = formErrors(summary, { name: fName, scopes: fScopes });
    const formId = uid('new-client');
    const submit = button(L('lrs.clients.create'), { variant: 'primary', type: 'submit', form: formId });
    const form = h('form', { id: formId, class: 'form', novalidate: true, on: { submit: onSubmit } }, summary.el, fName.el, fieldset);
    const d = openDialog({ title: L('lrs.clients.new_title'), wide: true, content: form, actions: [submit, button(L('common.cancel'), { onClick: () => d.close() })] });
    fName.control.focus();

    async function onSubmit(e) {
      e.preventDefault();
      const body = { name: fName.control.value.trim(), scopes: boxes.filter((b) => b.cb.checked).map((b) => b.s) };
      const problems = [];
      if (!body.name) problems.push({ field: 'name', message: L('lrs.clients.error_name_empty') });
      if (!body.scopes.length) problems.push({ field: 'scopes', message: L('lrs.clients.error_scopes_empty') });
      if (problems.length) { errors.show(problems); return; }
      errors.clear();
      const done = busy(submit);
      try {
        const data = await post('/api/lrs/clients', body);
        d.close();
        showSecret(data.client, data.secret);
        await reload();
      } catch (err) {
        done();
        errors.showApiError(err);
      }
    }
  }
}

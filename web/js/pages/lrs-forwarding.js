// /lrs/clients/forwarding — admin: the other LRSs that receive a copy of every learning record of
// the college (a campus server syncing to the central one): each target's delivery at a glance
// (sent, waiting, last error, next attempt), add, edit, enable/disable, retry now, send all again,
// delete. The page refreshes itself while it is open, since delivery goes on in the background.
import { L, Ldate, Lnum } from '../i18n.js';
import { get, post, patch, del } from '../api.js';
import {
  h, emptyState, loading, errorState, field, errorSummary, formErrors, button, busy, toast,
  pageHeader, openDialog, confirmDialog, uid,
} from '../ui.js';

const REFRESH_MS = 5000;
const STATUSES = { up_to_date: 'tag-active', sending: 'tag-sending', failing: 'tag-failing', disabled: 'tag-neutral' };
const when = (iso) => h('time', { datetime: iso }, Ldate(iso, { dateStyle: 'medium', timeStyle: 'medium' }));

/* What the last failure means, in words: the HTTP status picks the explanation. */
function failureSummary(t) {
  const s = t.last_status;
  if (!s) return L('forwarding.why.unreachable');
  if (s === 401 || s === 403) return L('forwarding.why.credentials');
  if (s === 400) return L('forwarding.why.rejected');
  if (s === 404) return L('forwarding.why.not_found');
  if (s >= 500) return L('forwarding.why.server');
  return L('forwarding.why.other', { status: s });
}

function statusTag(t) {
  return h('span', { class: `tag ${STATUSES[t.status] || 'tag-neutral'}`, dataset: { status: t.status } },
    t.status === 'failing' ? h('span', { class: 'tag-icon', 'aria-hidden': 'true' }, '!') : null,
    L(`forwarding.status.${t.status}`));
}

export async function mount(root, ctx) {
  ctx.setTitle(L('forwarding.title'));
  const listArea = h('div', { class: 'forward-list', 'aria-live': 'polite' }, loading(L('forwarding.loading')));
  const addBtn = button(L('forwarding.add'), { variant: 'primary', onClick: () => openForm(null), dataset: { action: 'add-target' } });
  const breadcrumb = h('nav', { class: 'breadcrumb', 'aria-label': L('forwarding.breadcrumb_label') },
    h('ol',
      h('li', h('a', { href: '/lrs/clients' }, L('lrs.clients.title'))),
      h('li', { 'aria-current': 'page' }, h('span', L('forwarding.title')))));
  root.append(
    pageHeader(L('forwarding.title'), { actions: addBtn, lead: L('forwarding.lead'), breadcrumb }),
    listArea);

  let targets = [];
  let timer = null;
  let stopped = false;
  await reload();
  timer = setInterval(() => { if (!document.querySelector('dialog[open]')) reload({ quiet: true }); }, REFRESH_MS);
  return () => { stopped = true; clearInterval(timer); };

  async function reload({ quiet = false } = {}) {
    try {
      const data = await get('/api/xapi/forwarding');
      if (stopped) return;
      targets = data.targets || [];
      render();
    } catch (err) {
      if (stopped || quiet) return;
      listArea.replaceChildren(errorState(err, { retry: reload }));
    }
  }

  function render() {
    if (!targets.length) {
      listArea.replaceChildren(h('div', { class: 'card' }, emptyState({
        title: L('forwarding.empty_title'),
        body: L('forwarding.empty_body'),
        action: button(L('forwarding.add'), { variant: 'primary', onClick: () => openForm(null) }),
      })));
      return;
    }
    // Keep focus on the button it was on across a refresh.
    const focused = document.activeElement && document.activeElement.closest('[data-target-id]');
    const focusKey = focused && document.activeElement.dataset.action
      ? [focused.dataset.targetId, document.activeElement.dataset.action] : null;
    listArea.replaceChildren(...targets.map(targetCard));
    if (focusKey) {
      const again = listArea.querySelector(`[data-target-id="${focusKey[0]}"] [data-action="${focusKey[1]}"]`);
      if (again) again.focus();
    }
  }

  function targetCard(t) {
    const titleId = uid('target');
    const facts = [
      [L('forwarding.delivered'), h('span', { dataset: { fact: 'delivered' } }, Lnum(t.delivered))],
      [L('forwarding.pending'), h('span', { dataset: { fact: 'pending' } }, Lnum(t.pending))],
      t.conflicts ? [L('forwarding.conflicts'), h('span', { dataset: { fact: 'conflicts' } }, Lnum(t.conflicts))] : null,
      [L('forwarding.last_success'), t.last_success_at ? when(t.last_success_at) : L('forwarding.never')],
      t.status === 'failing' && t.next_attempt_at ? [L('forwarding.next_attempt'), when(t.next_attempt_at)] : null,
    ].filter(Boolean);
    const actions = [
      t.enabled && t.status !== 'up_to_date'
        ? button(L('forwarding.retry'), { size: 'sm', dataset: { action: 'retry' }, 'aria-label': L('forwarding.retry_label', { name: t.name }), onClick: (e) => retry(t, e.currentTarget) })
        : null,
      button(t.enabled ? L('forwarding.disable') : L('forwarding.enable'), {
        size: 'sm', dataset: { action: t.enabled ? 'disable' : 'enable' },
        'aria-label': L(t.enabled ? 'forwarding.disable_label' : 'forwarding.enable_label', { name: t.name }),
        onClick: (e) => setEnabled(t, !t.enabled, e.currentTarget),
      }),
      button(L('forwarding.edit'), { size: 'sm', dataset: { action: 'edit' }, 'aria-label': L('forwarding.edit_label', { name: t.name }), onClick: () => openForm(t) }),
      button(L('forwarding.resend'), { size: 'sm', dataset: { action: 'resend' }, 'aria-label': L('forwarding.resend_label', { name: t.name }), onClick: (e) => resend(t, e.currentTarget) }),
      button(L('forwarding.delete'), { variant: 'danger-link', size: 'sm', dataset: { action: 'delete' }, 'aria-label': L('forwarding.delete_label', { name: t.name }), onClick: (e) => remove(t, e.currentTarget) }),
    ];
    return h('section', { class: 'card forward-card', 'aria-labelledby': titleId, dataset: { targetId: String(t.id), status: t.status } },
      h('div', { class: 'forward-head' },
        h('div', { class: 'forward-title' },
          h('h2', { class: 'card-title', id: titleId }, t.name), ' ', statusTag(t)),
        h('p', { class: 'forward-url' }, h('span', { class: 'mono' }, t.url)),
        h('p', { class: 'forward-meta' },
          L('forwarding.meta', { key: t.key, version: t.version }))),
      t.status === 'failing' ? failureBox(t) : null,
      h('dl', { class: 'forward-facts' }, facts.map(([k, v]) => h('div', { class: 'forward-fact' }, h('dt', k), h('dd', v)))),
      h('div', { class: 'forward-actions' }, actions));
  }

  function failureBox(t) {
    return h('div', { class: 'forward-error', role: 'status' },
      h('span', { class: 'warning-icon', 'aria-hidden': 'true' }, '!'),
      h('div',
        h('p', { class: 'forward-error-title' }, h('span', { class: 'visually-hidden' }, L('lrs.warning_prefix')), ' ',
          L('forwarding.failing_title', { count: t.attempts })),
        h('p', failureSummary(t)),
        t.last_error ? h('p', { class: 'forward-error-detail' },
          L('forwarding.error_detail'), ' ', h('code', { dataset: { fact: 'last-error' } }, t.last_error),
          t.last_error_at ? [' (', when(t.last_error_at), ')'] : null) : null));
  }

  async function act(btn, fn, okMessage) {
    const done = busy(btn);
    try {
      await fn();
      if (okMessage) toast(okMessage);
    } catch (err) {
      toast(err.status === 404 ? L('forwarding.gone') : err.message, { kind: 'error' });
    }
    done();
    await reload();
  }

  function retry(t, btn) {
    return act(btn, () => post(`/api/xapi/forwarding/${t.id}/retry`), L('forwarding.retried', { name: t.name }));
  }

  function setEnabled(t, enabled, btn) {
    return act(btn, () => patch(`/api/xapi/forwarding/${t.id}`, { enabled }),
      L(enabled ? 'forwarding.enabled_toast' : 'forwarding.disabled_toast', { name: t.name }));
  }

  async function resend(t, btn) {
    const ok = await confirmDialog({
      title: L('forwarding.resend_title'),
      body: L('forwarding.resend_body', { name: t.name }),
      confirmLabel: L('forwarding.resend_confirm'),
    });
    if (!ok) return;
    await act(btn, () => patch(`/api/xapi/forwarding/${t.id}`, { resend: true }), L('forwarding.resent', { name: t.name }));
  }

  async function remove(t, btn) {
    const ok = await confirmDialog({
      title: L('forwarding.delete_title'),
      body: L('forwarding.delete_body', { name: t.name }),
      confirmLabel: L('forwarding.delete_confirm'),
      danger: true,
    });
    if (!ok) return;
    await act(btn, () => del(`/api/xapi/forwarding/${t.id}`), L('forwarding.deleted', { name: t.name }));
    const h1 = root.querySelector('h1');
    if (h1) h1.focus();
  }

  /* The add form, or with T the edit form (the secret then stays unless a new one is typed). */
  function openForm(t) {
    const summary = errorSummary();
    const idPrefix = t ? 'eft' : 'nft';
    const fName = field({ name: 'name', label: L('forwarding.f_name'), hint: L('forwarding.f_name_hint'), value: t?.name, attrs: { autocomplete: 'off', maxlength: '100' }, idPrefix });
    const fUrl = field({ name: 'url', label: L('forwarding.f_url'), hint: L('forwarding.f_url_hint'), type: 'url', value: t?.url, attrs: { autocomplete: 'off', spellcheck: 'false', maxlength: '2048', class: 'input mono', inputmode: 'url' }, idPrefix });
    const fKey = field({ name: 'key', label: L('forwarding.f_key'), hint: L('forwarding.f_key_hint'), value: t?.key, attrs: { autocomplete: 'off', spellcheck: 'false', maxlength: '256', class: 'input mono' }, idPrefix });
    const fSecret = field({ name: 'secret', label: L('forwarding.f_secret'), hint: L(t ? 'forwarding.f_secret_hint_edit' : 'forwarding.f_secret_hint'), type: 'password', attrs: { autocomplete: 'new-password', maxlength: '256', class: 'input mono' }, idPrefix });
    const fVersion = field({
      name: 'version', label: L('forwarding.f_version'), hint: L('forwarding.f_version_hint'), kind: 'select', value: t?.version || '2.0.0',
      options: [{ value: '2.0.0', label: '2.0.0 (IEEE 9274.1.1)' }, { value: '1.0.3', label: '1.0.3' }], idPrefix,
    });
    const fields = { name: fName, url: fUrl, key: fKey, secret: fSecret, version: fVersion };
    const errors = formErrors(summary, fields);
    const formId = uid('forward-form');
    const submit = button(L(t ? 'forwarding.save' : 'forwarding.create'), { variant: 'primary', type: 'submit', form: formId });
    const form = h('form', { id: formId, class: 'form', novalidate: true, on: { submit: onSubmit } },
      summary.el, fName.el, fUrl.el, fKey.el, fSecret.el, fVersion.el);
    const d = openDialog({
      title: t ? L('forwarding.edit_title', { name: t.name }) : L('forwarding.add_title'),
      wide: true, content: form, actions: [submit, button(L('common.cancel'), { onClick: () => d.close() })],
    });
    fName.control.focus();

    async function onSubmit(e) {
      e.preventDefault();
      const body = {
        name: fName.control.value.trim(),
        url: fUrl.control.value.trim(),
        key: fKey.control.value.trim(),
        version: fVersion.control.value,
      };
      const secret = fSecret.control.value;
      if (secret || !t) body.secret = secret;
      const problems = [];
      if (!body.name) problems.push({ field: 'name', message: L('forwarding.error_name') });
      if (!/^https?:\/\/[^/\s]/i.test(body.url)) problems.push({ field: 'url', message: L('forwarding.error_url') });
      if (!body.key) problems.push({ field: 'key', message: L('forwarding.error_key') });
      if (!t && !secret) problems.push({ field: 'secret', message: L('forwarding.error_secret') });
      if (problems.length) { errors.show(problems); return; }
      errors.clear();
      const done = busy(submit);
      try {
        const data = t ? await patch(`/api/xapi/forwarding/${t.id}`, body) : await post('/api/xapi/forwarding', body);
        d.close();
        toast(L(t ? 'forwarding.saved' : 'forwarding.created', { name: data.target.name }));
        await reload();
        const card = listArea.querySelector(`[data-target-id="${data.target.id}"] h2`);
        if (card) card.scrollIntoView({ block: 'nearest' });
      } catch (err) {
        done();
        errors.showApiError(err);
      }
    }
  }
}

// /login — sign in with login and password.
import { L } from '../i18n.js';
import { post } from '../api.js';
import { h, field, errorSummary, formErrors, button, busy } from '../ui.js';

export function mount(root, ctx) {
  ctx.setTitle(L('login.title'));
  const summary = errorSummary();
  const login = field({ name: 'login', label: L('login.login_label'), attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true }, idPrefix: 'login' });
  const password = field({ name: 'password', type: 'password', label: L('login.password_label'), attrs: { autocomplete: 'current-password', required: true }, idPrefix: 'login' });
  const errors = formErrors(summary, { login, password });
  const submit = button(L('login.submit'), { variant: 'primary', type: 'submit', class: 'btn-block' });

  const form = h('form', { class: 'form', novalidate: true, on: { submit: onSubmit } },
    summary.el, login.el, password.el, submit);

  root.append(h('div', { class: 'login-layout' },
    h('div', { class: 'login-card card' },
      h('h1', { class: 'login-title', tabindex: '-1' }, L('login.heading')),
      h('p', { class: 'page-lead' }, L('login.lead')),
      form,
      h('p', { class: 'login-help muted' }, L('login.help')))));

  async function onSubmit(e) {
    e.preventDefault();
    const problems = [];
    const lv = login.control.value.trim();
    if (!lv) problems.push({ field: 'login', message: L('login.error_login_empty') });
    if (!password.control.value) problems.push({ field: 'password', message: L('login.error_password_empty') });
    if (problems.length) { errors.show(problems); return; }
    errors.clear();
    const done = busy(submit);
    try {
      const data = await post('/api/session', { login: lv, password: password.control.value }, { allowAnonymous: true });
      await ctx.setSession(data);
      ctx.afterLogin();
    } catch (err) {
      done();
      if (err.code === 'rate_limited') {
        // Our own whole sentence in minutes; without Retry-After, the server's message and a general hint.
        const secs = err.retryAfter;
        const message = secs
          ? L('login.rate_limited', { count: Math.max(1, Math.ceil(secs / 60)) })
          : h('span', err.message, ' ', h('span', L('login.retry_later')));
        errors.show([{ message }]);
      } else if (err.code === 'invalid_credentials') {
        errors.show([{ field: 'password', message: err.message }]);
        password.control.value = '';
      } else {
        errors.showApiError(err);
      }
    }
  }
}

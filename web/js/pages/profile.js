// /profile — everyone: who am I, my classes, my language, change name, change password.
import { L, Ldate, Lpick, Lnum, lang, LANGS, onLangChange, rememberLang, setLang } from '../i18n.js';
import { get, patch, put } from '../api.js';
import {
  h, card, dl, roleTag, table, emptyState, loading, errorState, field, errorSummary, formErrors,
  button, busy, toast, pageHeader, setText, uid,
} from '../ui.js';

export async function mount(root, ctx) {
  ctx.setTitle(L('profile.title'));
  const me = ctx.session.user;
  const inst = ctx.session.institution;

  // --- Account summary
  const nameValue = h('span', me.name);
  const account = card(L('profile.account'), dl([
    [L('profile.name'), nameValue],
    [L('profile.login'), h('span', { class: 'mono' }, me.login)],
    [L('profile.role'), roleTag(me.role)],
    [L('profile.institution'), inst ? Lpick(inst.name) : '—'],
    me.created_at ? [L('profile.member_since'), h('time', { datetime: me.created_at }, Ldate(me.created_at))] : null,
  ]));

  // --- My classes
  const classesBody = h('div', loading(L('profile.classes_loading')));
  const classesCard = card(me.role === 'teacher' ? L('profile.classes_taught') : L('profile.my_classes'), classesBody);

  // --- Language preference (applies at once)
  const radioName = uid('pref-lang');
  const radios = LANGS.map((code) => {
    const id = uid('pref-lang');
    const input = h('input', { type: 'radio', name: radioName, id, value: code, class: 'radio-input', checked: code === lang(), on: { change: () => changeLang(code) } });
    return h('div', { class: 'radio' }, input,
      h('label', { for: id, class: 'radio-label', lang: code }, L(code === 'zh-CN' ? 'shell.lang_native_zh_cn' : 'shell.lang_native_en')));
  });
  const syncRadios = () => { for (const r of root.querySelectorAll(`input[name="${radioName}"]`)) r.checked = r.value === lang(); };
  const offLang = onLangChange(syncRadios);
  const langCard = card(L('profile.language'),
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'visually-hidden' }, L('profile.language')),
      h('p', { class: 'hint' }, L('profile.language_hint')),
      h('div', { class: 'radios radios-inline' }, radios)));

  async function changeLang(code) {
    try {
      const data = await patch('/api/me', { lang: code });
      ctx.session.user.lang = data.user.lang;
      rememberLang(code);
      await setLang(code);
      toast(L('profile.language_saved'));
    } catch (err) {
      syncRadios();
      toast(err.message, { kind: 'error' });
    }
  }

  // --- Change name
  const nameSummary = errorSummary();
  const nameField = field({ name: 'name', label: L('profile.name_label'), hint: L('profile.name_hint'), value: me.name, attrs: { autocomplete: 'name', maxlength: '100' }, idPrefix: 'profile' });
  const nameErrors = formErrors(nameSummary, { name: nameField });
  const nameSubmit = button(L('profile.name_submit'), { variant: 'primary', type: 'submit' });
  const nameForm = h('form', { class: 'form', novalidate: true, on: { submit: onName } }, nameSummary.el, nameField.el, h('div', { class: 'form-actions' }, nameSubmit));
  const nameCard = card(L('profile.change_name'), nameForm);

  async function onName(e) {
    e.preventDefault();
    const v = nameField.control.value.trim();
    if (!v) { nameErrors.show([{ field: 'name', message: L('profile.error_name_empty') }]); return; }
    if (v.length > 100) { nameErrors.show([{ field: 'name', message: L('profile.error_name_long') }]); return; }
    nameErrors.clear();
    const done = busy(nameSubmit);
    try {
      const data = await patch('/api/me', { name: v });
      await ctx.setSession(data);
      setText(nameValue, data.user.name);
      toast(L('profile.name_saved'));
    } catch (err) {
      nameErrors.showApiError(err);
    } finally { done(); }
  }

  // --- Change password
  const pwSummary = errorSummary();
  const current = field({ name: 'current', type: 'password', label: L('profile.pw_current'), attrs: { autocomplete: 'current-password' }, idPrefix: 'pw' });
  const next = field({ name: 'new', type: 'password', label: L('profile.pw_new'), hint: L('profile.pw_new_hint'), attrs: { autocomplete: 'new-password' }, idPrefix: 'pw' });
  const confirm = field({ name: 'confirm', type: 'password', label: L('profile.pw_confirm'), attrs: { autocomplete: 'new-password' }, idPrefix: 'pw' });
  const pwErrors = formErrors(pwSummary, { current, new: next, confirm, password: next });
  const pwSubmit = button(L('profile.pw_submit'), { variant: 'primary', type: 'submit' });
  const pwForm = h('form', { class: 'form', novalidate: true, on: { submit: onPassword } },
    pwSummary.el, current.el, next.el, confirm.el, h('div', { class: 'form-actions' }, pwSubmit));
  const pwCard = card(L('profile.change_password'), pwForm);

  async function onPassword(e) {
    e.preventDefault();
    const problems = [];
    if (!current.control.value) problems.push({ field: 'current', message: L('profile.error_pw_current_empty') });
    const nv = next.control.value;
    if (!nv) problems.push({ field: 'new', message: L('profile.error_pw_new_empty') });
    else if ([...nv].length < 8) problems.push({ field: 'new', message: L('profile.error_pw_short', { count: 8 }) });
    else if ([...nv].length > 256) problems.push({ field: 'new', message: L('profile.error_pw_long', { count: 256 }) });
    if (nv && confirm.control.value !== nv) problems.push({ field: 'confirm', message: L('profile.error_pw_mismatch') });
    if (problems.length) { pwErrors.show(problems); return; }
    pwErrors.clear();
    const done = busy(pwSubmit);
    try {
      await put('/api/me/password', { current: current.control.value, new: nv });
      current.control.value = ''; next.control.value = ''; confirm.control.value = '';
      toast(L('profile.pw_saved'));
    } catch (err) {
      pwErrors.showApiError(err);
    } finally { done(); }
  }

  root.append(
    pageHeader(L('profile.title')),
    h('div', { class: 'grid-2' },
      h('div', { class: 'stack' }, account, classesCard, langCard),
      h('div', { class: 'stack' }, nameCard, pwCard)));

  await loadClasses();
  return () => offLang();

  async function loadClasses() {
    classesBody.replaceChildren(loading(L('profile.classes_loading')));
    try {
      const data = await get(`/api/users/${encodeURIComponent(me.id)}`);
      const classes = data.classes || [];
      if (!classes.length) {
        const byRole = {
          admin: { body: L('profile.classes_empty_admin'), action: h('a', { href: '/classes', class: 'btn btn-secondary' }, L('profile.go_classes')) },
          teacher: { body: L('profile.classes_empty_teacher') },
        }[me.role] || { body: L('profile.classes_empty_student') };
        classesBody.replaceChildren(emptyState({ title: L('profile.classes_empty_title'), ...byRole }));
        return;
      }
      const linkable = me.role === 'admin' || me.role === 'teacher';
      classesBody.replaceChildren(table({
        caption: L('profile.my_classes'),
        columns: [
          { label: L('classes.col_name'), cell: (c) => (linkable ? h('a', { href: `/classes/${c.id}` }, c.name) : c.name), rowHeader: true },
          { label: L('classes.col_teacher'), cell: (c) => (c.teacher ? c.teacher.name : '—') },
          { label: L('classes.col_students'), numeric: true, cell: (c) => Lnum(c.student_count ?? 0) },
        ],
        rows: classes,
      }));
    } catch (err) {
      classesBody.replaceChildren(errorState(err, { retry: loadClasses }));
    }
  }
}

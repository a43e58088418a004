// /users — admin: list, filter, add, import from CSV.
import { L, Ldate, loc, t, lang, formatNumber } from '../i18n.js';
import { get, post, upload } from '../api.js';
import {
  h, table, roleTag, langName, emptyState, loading, errorState, field, errorSummary, formErrors,
  button, busy, toast, pageHeader, openDialog, debounce, uid,
} from '../ui.js';

const ROLES = ['admin', 'teacher', 'student', 'verifier'];
const MAX_CSV = 2 * 1024 * 1024;

export async function mount(root, ctx) {
  ctx.setTitle(L('users.title'));
  let reqSeq = 0;

  // --- Filters (kept in the URL so reload and back keep them)
  const roleFilter = field({
    name: 'role', kind: 'select', label: L('users.filter_role'), value: ctx.query.get('role') || '', idPrefix: 'uf',
    options: [{ value: '', label: L('users.filter_all_roles') }, ...ROLES.map((r) => ({ value: r, label: L(`roles.${r}`) }))],
  });
  const search = field({
    name: 'q', type: 'search', label: L('users.filter_search'), value: ctx.query.get('q') || '', idPrefix: 'uf',
    attrs: { placeholder: L('users.filter_search_placeholder'), autocomplete: 'off', spellcheck: 'false' },
  });
  const clearBtn = button(L('users.filter_clear'), { variant: 'link', onClick: () => { roleFilter.control.value = ''; search.control.value = ''; reload(); search.control.focus(); } });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': L('users.filter_label'), on: { submit: (e) => { e.preventDefault(); reload(); } } },
    roleFilter.el, search.el, h('div', { class: 'filters-actions' }, clearBtn));
  roleFilter.control.addEventListener('change', () => reload());
  search.control.addEventListener('input', debounce(() => reload(), 250));

  const count = h('p', { class: 'result-count', 'aria-live': 'polite' });
  const listArea = h('div', { class: 'list-area' });

  const addBtn = button(L('users.add'), { variant: 'primary', onClick: openAdd, dataset: { action: 'add-user' } });
  const importBtn = button(L('users.import'), { onClick: openImport, dataset: { action: 'import-users' } });

  root.append(
    pageHeader(L('users.title'), { actions: [addBtn, importBtn], lead: L('users.lead') }),
    h('div', { class: 'card card-flush' }, filters, count, listArea));

  await reload();

  function filterValues() {
    return { role: roleFilter.control.value, q: search.control.value.trim() };
  }

  async function reload() {
    const seq = ++reqSeq;
    const f = filterValues();
    clearBtn.hidden = !f.role && !f.q;
    const qs = new URLSearchParams();
    if (f.role) qs.set('role', f.role);
    if (f.q) qs.set('q', f.q);
    const want = location.pathname + (qs.toString() ? `?${qs}` : '');
    if (ctx.isCurrent() && want !== location.pathname + location.search) history.replaceState(null, '', want);
    if (!listArea.firstChild || listArea.querySelector('.state-error')) listArea.replaceChildren(loading(L('users.loading')));
    listArea.setAttribute('aria-busy', 'true');
    try {
      const data = await get('/api/users', { query: f });
      if (seq !== reqSeq) return;
      render(data.users || [], f);
    } catch (err) {
      if (seq !== reqSeq) return;
      count.replaceChildren();
      listArea.replaceChildren(errorState(err, { retry: reload }));
    } finally {
      if (seq === reqSeq) listArea.setAttribute('aria-busy', 'false');
    }
  }

  function render(users, f) {
    const n = users.length;
    count.replaceChildren(h('span', L('users.count', { count: n })));
    if (!n) {
      const filtered = f.role || f.q;
      listArea.replaceChildren(filtered
        ? emptyState({ title: L('users.empty_filtered_title'), body: L('users.empty_filtered_body'), action: button(L('users.filter_clear'), { onClick: () => clearBtn.click() }) })
        : emptyState({ title: L('users.empty_title'), body: L('users.empty_body'), action: button(L('users.add'), { variant: 'primary', onClick: openAdd }) }));
      return;
    }
    listArea.replaceChildren(table({
      caption: L('users.table_caption'),
      columns: [
        { label: L('users.col_name'), cell: (u) => u.name, rowHeader: true },
        { label: L('users.col_login'), cell: (u) => h('span', { class: 'mono' }, u.login) },
        { label: L('users.col_role'), cell: (u) => roleTag(u.role) },
        { label: L('users.col_lang'), cell: (u) => langName(u.lang), class: 'hide-narrow' },
        { label: L('users.col_created'), cell: (u) => (u.created_at ? h('time', { datetime: u.created_at }, Ldate(u.created_at)) : '—'), class: 'hide-narrow' },
      ],
      rows: users,
    }));
  }

  // --- Add user
  function openAdd() {
    const summary = errorSummary();
    const fLogin = field({ name: 'login', label: L('users.f_login'), hint: L('users.f_login_hint'), attrs: { autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: '64' }, idPrefix: 'nu' });
    const fName = field({ name: 'name', label: L('users.f_name'), hint: L('users.f_name_hint'), attrs: { autocomplete: 'off', maxlength: '100' }, idPrefix: 'nu' });
    const fRole = field({ name: 'role', kind: 'select', label: L('users.f_role'), value: 'student', idPrefix: 'nu', options: ROLES.map((r) => ({ value: r, label: L(`roles.${r}`) })) });
    const fPassword = field({ name: 'password', type: 'password', label: L('users.f_password'), hint: L('users.f_password_hint'), attrs: { autocomplete: 'new-password' }, idPrefix: 'nu' });
    const fLang = field({ name: 'lang', kind: 'select', label: L('users.f_lang'), value: lang(), idPrefix: 'nu', options: [{ value: 'en', label: langName('en') }, { value: 'zh-CN', label: langName('zh-CN') }] });
    const errors = formErrors(summary, { login: fLogin, name: fName, role: fRole, password: fPassword, lang: fLang });
    const formId = uid('add-user');
    const submit = button(L('users.add_submit'), { variant: 'primary', type: 'submit', form: formId });
    const form = h('form', { id: formId, class: 'form', novalidate: true, on: { submit: onSubmit } },
      summary.el, fLogin.el, fName.el, h('div', { class: 'form-row' }, fRole.el, fLang.el), fPassword.el);
    const d = openDialog({ title: L('users.add_title'), content: form, actions: [submit, button(L('common.cancel'), { onClick: () => d.close() })] });
    fLogin.control.focus();

    async function onSubmit(e) {
      e.preventDefault();
      const body = {
        login: fLogin.control.value.trim().toLowerCase(),
        name: fName.control.value.trim(),
        role: fRole.control.value,
        password: fPassword.control.value,
        lang: fLang.control.value,
      };
      const problems = [];
      if (!body.login) problems.push({ field: 'login', message: L('users.error_login_empty') });
      else if (!/^[a-z0-9._-]{3,64}$/.test(body.login)) problems.push({ field: 'login', message: L('users.error_login_format') });
      if (!body.name) problems.push({ field: 'name', message: L('users.error_name_empty') });
      if (!body.password) problems.push({ field: 'password', message: L('users.error_password_empty') });
      else if ([...body.password].length < 8) problems.push({ field: 'password', message: L('profile.error_pw_short', { count: 8 }) });
      if (problems.length) { errors.show(problems); return; }
      errors.clear();
      const done = busy(submit);
      try {
        const data = await post('/api/users', body);
        d.close();
        toast(L('users.added', { name: data.user.name, login: data.user.login }));
        await reload();
      } catch (err) {
        done();
        errors.showApiError(err);
      }
    }
  }

  // --- Import from CSV
  function openImport() {
    const template = t('import.example_csv');
    const blobUrl = URL.createObjectURL(new Blob(['\uFEFF' + template.replace(/\n/g, '\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' }));
    const columns = [
      ['login', true], ['name', true], ['role', true], ['password', true], ['lang', false], ['class', false],
    ];
    const help = h('div', { class: 'import-help' },
      h('p', L('import.lead')),
      table({
        caption: L('import.columns_caption'),
        columns: [
          { label: L('import.col_column'), cell: (c) => h('code', c[0]), rowHeader: true },
          { label: L('import.col_required'), cell: (c) => L(c[1] ? 'import.required' : 'import.optional') },
          { label: L('import.col_meaning'), cell: (c) => L(`import.help_${c[0]}`) },
        ],
        rows: columns,
      }),
      h('p', { class: 'example-label', id: 'csv-example-label' }, L('import.example_label')),
      h('pre', { class: 'code-block', 'aria-labelledby': 'csv-example-label', tabindex: '0' }, loc(() => t('import.example_csv'))),
      h('p', h('a', { href: blobUrl, download: 'carecampus-users.csv', class: 'btn btn-secondary', dataset: { action: 'download-template' } }, L('import.download_template'))));

    const summary = errorSummary();
    const fFile = field({ name: 'file', type: 'file', label: L('import.file_label'), hint: L('import.file_hint'), attrs: { accept: '.csv,text/csv' }, idPrefix: 'imp' });
    const errors = formErrors(summary, { file: fFile });
    const progress = h('div', { class: 'progress-area', hidden: true, role: 'status' });
    const result = h('div', { class: 'import-result', tabindex: '-1' });
    const formId = uid('import');
    const submit = button(L('import.submit'), { variant: 'primary', type: 'submit', form: formId });
    const form = h('form', { id: formId, class: 'form', novalidate: true, on: { submit: onSubmit } }, summary.el, fFile.el);
    fFile.control.addEventListener('change', () => { result.replaceChildren(); errors.clear(); });

    const d = openDialog({
      title: L('import.title'), wide: true,
      content: [help, h('hr', { class: 'divider' }), form, progress, result],
      actions: [submit, button(L('common.close'), { onClick: () => d.close() })],
      onClose: () => URL.revokeObjectURL(blobUrl),
    });

    async function onSubmit(e) {
      e.preventDefault();
      result.replaceChildren();
      const file = fFile.control.files && fFile.control.files[0];
      if (!file) { errors.show([{ field: 'file', message: L('import.error_no_file') }]); return; }
      if (file.size > MAX_CSV) { errors.show([{ field: 'file', message: L('import.error_too_big', { size: formatNumber(file.size / 1048576, { maximumFractionDigits: 1 }) }) }]); return; }
      errors.clear();
      const done = busy(submit);
      const bar = h('progress', { class: 'progress', max: '100', value: '0' });
      const label = h('p', { class: 'progress-label' }, L('import.uploading', { file: file.name }));
      progress.replaceChildren(label, bar);
      progress.hidden = false;
      try {
        const bytes = await file.arrayBuffer();
        const data = await upload('/api/users/import', bytes, 'text/csv', (frac) => {
          if (frac == null) { bar.removeAttribute('value'); return; }
          bar.value = Math.round(frac * 100);
          if (frac >= 1) { bar.removeAttribute('value'); label.replaceChildren(h('span', L('import.checking'))); }
        });
        progress.hidden = true;
        const n = data.imported ?? (data.users || []).length;
        result.replaceChildren(h('div', { class: 'notice notice-success', role: 'status' },
          h('p', { class: 'notice-title' }, L('import.done', { count: n })),
          h('p', L('import.done_body'))));
        toast(L('import.done', { count: n }));
        await reload();
      } catch (err) {
        progress.hidden = true;
        if (err.rows && err.rows.length) {
          showRowErrors(err);
        } else {
          errors.show([{ field: err.field === 'file' ? 'file' : null, message: err.message }]);
          result.replaceChildren(h('p', { class: 'notice notice-error' }, L('import.nothing_imported')));
        }
      } finally { done(); }
    }

    function showRowErrors(err) {
      const rows = [...err.rows].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      // The server's summary says the same as ours; ours has the plural right and says what to do.
      result.replaceChildren(h('div', { class: 'error-summary', role: 'alert' },
        h('h2', { class: 'error-summary-title' }, L('import.failed_title')),
        h('p', L('import.failed_body', { count: rows.length }))),
      table({
        caption: L('import.rows_caption', { count: rows.length }),
        columns: [
          { label: L('import.col_line'), numeric: true, cell: (r) => (r.line != null ? String(r.line) : '—'), rowHeader: true },
          { label: L('import.col_field'), cell: (r) => (r.field ? h('code', r.field) : '—') },
          { label: L('import.col_message'), cell: (r) => r.message || '' },
        ],
        rows,
      }));
      result.focus();
    }
  }
}

// /classes — admin: every class, create one; teacher: the classes they teach.
import { L, Lnum } from '../i18n.js';
import { get, post } from '../api.js';
import {
  h, table, emptyState, loading, errorState, field, errorSummary, formErrors, button, busy, toast,
  pageHeader, openDialog, uid,
} from '../ui.js';

export async function mount(root, ctx) {
  const isAdmin = ctx.session.user.role === 'admin';
  const title = L(isAdmin ? 'classes.title' : 'classes.title_teacher');
  ctx.setTitle(title);
  const listArea = h('div', { class: 'list-area' }, loading(L('classes.loading')));
  const count = h('p', { class: 'result-count', 'aria-live': 'polite' });
  const newBtn = isAdmin ? button(L('classes.new'), { variant: 'primary', onClick: openNew, dataset: { action: 'new-class' } }) : null;

  root.append(
    pageHeader(title, { actions: newBtn, lead: L(isAdmin ? 'classes.lead_admin' : 'classes.lead_teacher') }),
    h('div', { class: 'card card-flush' }, count, listArea));

  await reload();

  async function reload() {
    try {
      const data = await get('/api/classes');
      render(data.classes || []);
    } catch (err) {
      count.replaceChildren();
      listArea.replaceChildren(errorState(err, { retry: reload }));
    }
  }

  function render(classes) {
    count.replaceChildren(h('span', L('classes.count', { count: classes.length })));
    if (!classes.length) {
      listArea.replaceChildren(isAdmin
        ? emptyState({ title: L('classes.empty_title'), body: L('classes.empty_admin'), action: button(L('classes.new'), { variant: 'primary', onClick: openNew }) })
        : emptyState({ title: L('classes.empty_title'), body: L('classes.empty_teacher') }));
      return;
    }
    listArea.replaceChildren(table({
      caption: title,
      columns: [
        { label: L('classes.col_name'), cell: (c) => h('a', { href: `/classes/${c.id}` }, c.name), rowHeader: true },
        { label: L('classes.col_teacher'), cell: (c) => (c.teacher ? c.teacher.name : '—') },
        { label: L('classes.col_students'), numeric: true, cell: (c) => Lnum(c.student_count ?? 0) },
      ],
      rows: classes,
    }));
  }

  async function openNew() {
    const summary = errorSummary();
    const fName = field({ name: 'name', label: L('classes.f_name'), hint: L('classes.f_name_hint'), attrs: { autocomplete: 'off', maxlength: '100' }, idPrefix: 'nc' });
    const teacherSlot = h('div', loading(L('classes.teachers_loading')));
    const formId = uid('new-class');
    const submit = button(L('classes.create'), { variant: 'primary', type: 'submit', form: formId, disabled: true });
    let fTeacher = null;
    const fields = { name: fName };
    const errors = formErrors(summary, fields);
    const form = h('form', { id: formId, class: 'form', novalidate: true, on: { submit: onSubmit } }, summary.el, fName.el, teacherSlot);
    const d = openDialog({ title: L('classes.new_title'), content: form, actions: [submit, button(L('common.cancel'), { onClick: () => d.close() })] });
    fName.control.focus();

    try {
      const data = await get('/api/users', { query: { role: 'teacher' } });
      const teachers = data.users || [];
      if (!teachers.length) {
        teacherSlot.replaceChildren(h('div', { class: 'notice notice-info' },
          h('p', { class: 'notice-title' }, L('classes.no_teachers_title')),
          h('p', L('classes.no_teachers_body'), ' ', h('a', { href: '/users', on: { click: () => d.close() } }, L('classes.go_users')))));
        return;
      }
      fTeacher = field({
        name: 'teacher_id', kind: 'select', label: L('classes.f_teacher'), idPrefix: 'nc', value: '',
        options: [{ value: '', label: L('classes.f_teacher_choose') }, ...teachers.map((u) => ({ value: String(u.id), label: `${u.name} (${u.login})` }))],
      });
      fields.teacher_id = fTeacher;
      teacherSlot.replaceChildren(fTeacher.el);
      submit.disabled = false;
    } catch (err) {
      teacherSlot.replaceChildren(errorState(err));
    }

    async function onSubmit(e) {
      e.preventDefault();
      if (!fTeacher) return;
      const name = fName.control.value.trim();
      const problems = [];
      if (!name) problems.push({ field: 'name', message: L('classes.error_name_empty') });
      if (!fTeacher.control.value) problems.push({ field: 'teacher_id', message: L('classes.error_teacher_empty') });
      if (problems.length) { errors.show(problems); return; }
      errors.clear();
      const done = busy(submit);
      try {
        const data = await post('/api/classes', { name, teacher_id: Number(fTeacher.control.value) });
        d.close();
        toast(L('classes.created', { name: data.class.name }));
        await reload();
      } catch (err) {
        done();
        errors.showApiError(err);
      }
    }
  }
}

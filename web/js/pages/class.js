// /classes/{id} — a class and its students; admin enrols and removes students.
import { L, Lnum, loc } from '../i18n.js';
import { get, post, del } from '../api.js';
import {
  h, table, emptyState, loading, errorState, button, busy, toast, pageHeader, openDialog,
  confirmDialog, langName, card, dl, debounce, uid, setText,
} from '../ui.js';

export async function mount(root, ctx) {
  const isAdmin = ctx.session.user.role === 'admin';
  const id = ctx.params.id;
  ctx.setTitle(L('class.title_loading'));
  const listTitle = isAdmin ? L('nav.classes') : L('nav.my_classes');
  const breadcrumb = h('nav', { class: 'breadcrumb', 'aria-label': L('class.breadcrumb_label') },
    h('ol', h('li', h('a', { href: '/classes' }, listTitle)), h('li', { 'aria-current': 'page' }, h('span', { class: 'crumb-current' }))));
  const headerSlot = h('div', pageHeader(L('class.title_loading'), { breadcrumb }));
  const body = h('div', loading(L('class.loading')));
  root.append(headerSlot, body);

  let cls = null;
  let students = [];
  await load();

  async function load() {
    try {
      const data = await get(`/api/classes/${encodeURIComponent(id)}`);
      cls = data.class;
      students = data.students || [];
      render();
    } catch (err) {
      if (err.status === 404 || err.code === 'not_found' || err.status === 403) {
        ctx.setTitle(L('class.not_found_title'));
        headerSlot.replaceChildren(pageHeader(L('class.not_found_title'), { breadcrumb }));
        breadcrumb.querySelector('li[aria-current]').remove();
        body.replaceChildren(emptyState({
          body: L('class.not_found_body'),
          action: h('a', { href: '/classes', class: 'btn btn-secondary' }, L('class.back')),
        }));
      } else {
        body.replaceChildren(errorState(err, { retry: load }));
      }
    }
  }

  function render() {
    const name = cls.name;
    ctx.setTitle(loc(() => name));
    setText(breadcrumb.querySelector('.crumb-current'), name);
    const enrolBtn = isAdmin ? button(L('class.enrol'), { variant: 'primary', onClick: openEnrol, dataset: { action: 'enrol' } }) : null;
    const progress = h('a', { class: 'btn btn-secondary', href: `/heatmap?class=${encodeURIComponent(cls.id)}`, dataset: { action: 'progress' } }, L('nav.class_progress'));
    const heading = pageHeader(name, { breadcrumb, actions: [progress, enrolBtn] });
    headerSlot.replaceChildren(heading);

    const info = card(null, dl([
      [L('class.teacher'), cls.teacher ? cls.teacher.name : '—'],
      [L('class.student_count'), Lnum(students.length)],
    ]));
    info.classList.add('card-info');

    let list;
    if (!students.length) {
      list = isAdmin
        ? emptyState({ title: L('class.empty_title'), body: L('class.empty_admin'), action: button(L('class.enrol'), { variant: 'primary', onClick: openEnrol }) })
        : emptyState({ title: L('class.empty_title'), body: L('class.empty_teacher') });
    } else {
      const columns = [
        { label: L('users.col_name'), cell: (u) => u.name, rowHeader: true },
        { label: L('users.col_login'), cell: (u) => h('span', { class: 'mono' }, u.login) },
        { label: L('users.col_lang'), cell: (u) => langName(u.lang) },
      ];
      if (isAdmin) {
        columns.push({
          label: h('span', { class: 'visually-hidden' }, L('class.col_actions')),
          class: 'actions',
          cell: (u) => button(L('class.remove'), {
            variant: 'danger-link', size: 'sm',
            'aria-label': L('class.remove_label', { name: u.name }),
            dataset: { action: 'remove', login: u.login },
            onClick: (e) => removeStudent(u, e.currentTarget),
          }),
        });
      }
      list = table({ caption: L('class.students_caption', { name }), columns, rows: students });
    }
    body.replaceChildren(info,
      h('section', { class: 'card card-flush', 'aria-labelledby': 'students-heading' },
        h('div', { class: 'card-head' },
          h('h2', { class: 'card-title', id: 'students-heading' }, L('class.students')),
          h('p', { class: 'result-count' }, L('class.students_count', { count: students.length }))),
        list));
  }

  async function removeStudent(u, btn) {
    const ok = await confirmDialog({
      title: L('class.remove_title'),
      body: L('class.remove_body', { name: u.name, class: cls.name }),
      confirmLabel: L('class.remove_confirm'),
      danger: true,
    });
    if (!ok) return;
    const done = busy(btn);
    try {
      await del(`/api/classes/${encodeURIComponent(id)}/students/${encodeURIComponent(u.id)}`);
      toast(L('class.removed', { name: u.name }));
      await load();
      const h1 = root.querySelector('h1');
      if (h1) h1.focus();
    } catch (err) {
      done();
      toast(err.message, { kind: 'error' });
      if (err.status === 404) await load();
    }
  }

  async function openEnrol() {
    const enrolled = new Set(students.map((s) => s.id));
    const selected = new Set();
    const searchId = uid('enrol-search');
    const search = h('input', { id: searchId, type: 'search', class: 'input', autocomplete: 'off', spellcheck: 'false', placeholder: L('class.enrol_search_placeholder') });
    const listBox = h('div', { class: 'pick-list' }, loading(L('class.students_loading')));
    const status = h('p', { class: 'result-count', 'aria-live': 'polite' });
    const errorBox = h('div');
    const submit = button(L('class.enrol_submit_none'), { variant: 'primary', disabled: true, onClick: onSubmit, dataset: { action: 'enrol-submit' } });
    const d = openDialog({
      title: L('class.enrol_title', { name: cls.name }), wide: true,
      content: [
        h('p', { class: 'hint' }, L('class.enrol_lead')),
        errorBox,
        h('div', { class: 'field' }, h('label', { class: 'label', for: searchId }, L('class.enrol_search')), search),
        status, listBox,
      ],
      actions: [submit, button(L('common.cancel'), { onClick: () => d.close() })],
    });
    search.focus();

    let all = [];
    try {
      const data = await get('/api/users', { query: { role: 'student' } });
      all = data.users || [];
    } catch (err) {
      listBox.replaceChildren(errorState(err));
      return;
    }
    // Students who can still be added first; those already in the class after them.
    all.sort((a, b) => Number(enrolled.has(a.id)) - Number(enrolled.has(b.id)));
    const addable = all.filter((u) => !enrolled.has(u.id)).length;
    if (all.length && !addable) {
      errorBox.replaceChildren(h('div', { class: 'notice notice-info', role: 'status' },
        h('p', { class: 'notice-title' }, L('class.enrol_all_in_title')),
        h('p', L('class.enrol_all_in_body'), ' ', h('a', { href: '/users', on: { click: () => d.close() } }, L('classes.go_users')))));
    }
    const rows = new Map();
    for (const u of all) {
      const cid = uid('pick');
      const already = enrolled.has(u.id);
      const cb = h('input', { type: 'checkbox', id: cid, class: 'checkbox-input', value: String(u.id), checked: already, disabled: already, dataset: { login: u.login } });
      cb.addEventListener('change', () => { if (cb.checked) selected.add(u.id); else selected.delete(u.id); update(); });
      const row = h('div', { class: 'pick-row' }, cb,
        h('label', { for: cid, class: 'pick-label' },
          h('span', { class: 'pick-name' }, u.name),
          h('span', { class: 'pick-meta mono' }, u.login),
          already ? h('span', { class: 'tag tag-neutral' }, L('class.already_enrolled')) : null));
      rows.set(u, row);
    }
    const noMatch = emptyState({ title: L('class.enrol_no_match'), body: L('class.enrol_no_match_body') });
    const noStudents = emptyState({ title: L('class.enrol_none_title'), body: L('class.enrol_none_body'), action: h('a', { href: '/users', class: 'btn btn-secondary', on: { click: () => d.close() } }, L('classes.go_users')) });
    const ul = h('div', { class: 'pick-rows', role: 'group', 'aria-label': L('class.enrol_list_label') });
    search.addEventListener('input', debounce(filter, 120));
    filter();

    function filter() {
      const q = search.value.trim().toLowerCase();
      const visible = all.filter((u) => !q || u.name.toLowerCase().includes(q) || u.login.includes(q));
      ul.replaceChildren(...visible.map((u) => rows.get(u)));
      if (!all.length) listBox.replaceChildren(noStudents);
      else if (!visible.length) listBox.replaceChildren(noMatch);
      else listBox.replaceChildren(ul);
      update(visible.length);
    }
    function update(shown) {
      if (typeof shown === 'number') {
        setText(status, L('class.enrol_shown', { count: shown, total: all.length }));
      }
      const n = selected.size;
      setText(submit, n ? L('class.enrol_submit', { count: n }) : L('class.enrol_submit_none'));
      submit.disabled = n === 0;
    }

    async function onSubmit() {
      errorBox.replaceChildren();
      const done = busy(submit);
      try {
        const data = await post(`/api/classes/${encodeURIComponent(id)}/students`, { user_ids: [...selected] });
        const n = selected.size;
        d.close();
        cls = data.class || cls;
        students = data.students || students;
        render();
        toast(L('class.enrolled', { count: n }));
      } catch (err) {
        done();
        errorBox.replaceChildren(h('div', { class: 'error-summary', role: 'alert' },
          h('h2', { class: 'error-summary-title' }, L('form.problem_title')), h('p', err.message)));
      }
    }
  }
}

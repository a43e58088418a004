// /achievements and /achievements/{id} — teachers and admins: what badges are for (bilingual text,
// image, competencies, award rule, validity), made by hand or in one click from a framework item;
// awarding to a student or a whole class with evidence; the awards with revocation (admins) and
// re-certification; and (admins) the college's issuer profile and signing keys.
import { L, Lpick, Ldate, t } from '../i18n.js';
import { get, post, patch } from '../api.js';
import {
  h, card, table, button, busy, toast, pageHeader, loading, emptyState, errorState, field, errorSummary,
  formErrors, openDialog, confirmDialog, dl, debounce,
} from '../ui.js';
import { statusTag } from './badges.js';

const LEVELS = [2, 3, 4];
const LEVEL_KEYS = { 2: 'developing', 3: 'proficient', 4: 'mastered' };
const levelName = (n) => L(`achievements.level.${LEVEL_KEYS[n]}`);
const safeSvg = (svg) => (typeof svg === 'string' && svg.startsWith('<svg') ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` : null);
const itemLabel = (i) => [i.human_coding, Lpick(i.short && (i.short.en || i.short['zh-CN']) ? i.short : i.statement).text()].filter(Boolean).join(' ');

function ruleText(a) {
  if (!a.rule) return L('achievements.rule_manual');
  return L('achievements.rule_text', { level: t(`achievements.level.${LEVEL_KEYS[a.rule.level]}`), items: a.rule.items.map((i) => i.human_coding || i.identifier.slice(0, 8)).join(', ') });
}

/* A search box over the stored frameworks' items; onPick(item summary). */
function itemPicker(onPick, label) {
  const q = field({ name: 'item_search', label: label || L('achievements.item_search'), hint: L('achievements.item_search_hint'), attrs: { autocomplete: 'off', dataset: { field: 'item-search' } } });
  const results = h('ul', { class: 'pick-list', 'aria-live': 'polite' });
  const search = debounce(async () => {
    const text = q.control.value.trim();
    if (!text) { results.replaceChildren(); return; }
    try {
      const r = await get('/api/frameworks/search', { query: { q: text } });
      results.replaceChildren(...r.items.slice(0, 8).map((i) => h('li', { class: 'pick-row' },
        h('span', h('span', { class: 'mono' }, i.human_coding || ''), ' ', Lpick(i.translations ? { en: i.translations.en?.fullStatement, 'zh-CN': i.translations['zh-CN']?.fullStatement } : { en: i.full_statement })),
        button(L('achievements.choose'), { size: 'sm', onClick: () => onPick(i), dataset: { pick: i.identifier } }))));
      if (!r.items.length) results.replaceChildren(h('li', { class: 'hint' }, L('achievements.no_items')));
    } catch (e) {
      results.replaceChildren(h('li', { class: 'field-error' }, e.message));
    }
  }, 250);
  q.control.addEventListener('input', search);
  return h('div', { class: 'item-picker' }, q.el, results);
}

/* The dialog that makes or edits an achievement; resolves with the saved one. */
function achievementDialog(existing) {
  return new Promise((resolve) => {
    const f = {};
    const pair = (name, kind = 'input') => {
      const en = field({ name: `${name}_en`, label: L(`achievements.${name}_en`), kind, attrs: kind === 'textarea' ? { rows: 3 } : {} });
      const zh = field({ name: `${name}_zh`, label: L(`achievements.${name}_zh`), kind, attrs: kind === 'textarea' ? { rows: 3 } : {} });
      if (existing) { en.control.value = existing[name].en; zh.control.value = existing[name]['zh-CN']; }
      f[name] = en; f[`${name}_zh`] = zh;
      return h('div', { class: 'field-pair' }, en.el, zh.el);
    };
    const days = field({ name: 'validity_days', label: L('achievements.validity'), hint: L('achievements.validity_hint'), type: 'number', attrs: { min: 1, max: 3660 } });
    if (existing && existing.validity_days) days.control.value = existing.validity_days;
    f.validity_days = days;
    const chosen = new Map((existing ? (existing.rule ? existing.rule.items : existing.alignments) : []).map((i) => [i.identifier, i]));
    const chosenList = h('ul', { class: 'chosen-list' });
    const drawChosen = () => chosenList.replaceChildren(...[...chosen.values()].map((i) => h('li', { class: 'chosen-row' },
      h('span', itemLabel(i)), button(L('achievements.remove'), { size: 'sm', onClick: () => { chosen.delete(i.identifier); drawChosen(); } }))));
    drawChosen();
    const picker = itemPicker((i) => { chosen.set(i.identifier, { ...i, statement: { en: i.full_statement, 'zh-CN': i.translations?.['zh-CN']?.fullStatement } }); drawChosen(); });
    f.alignments = { el: picker, control: picker.querySelector('input'), setError: (m) => { picker.querySelector('.field-error')?.remove(); if (m) picker.prepend(h('p', { class: 'field-error' }, m)); } };
    const auto = h('input', { type: 'checkbox', id: 'ach-auto', checked: !!(existing && existing.rule), dataset: { field: 'auto' } });
    const level = field({ name: 'level', label: L('achievements.rule_level'), kind: 'select', options: LEVELS.map((n) => ({ value: String(n), label: levelName(n) })), value: String(existing && existing.rule ? existing.rule.level : 3) });
    f['rule.level'] = level;
    f['rule.items'] = f.alignments;
    const image = field({ name: 'image', label: L('achievements.image'), hint: L('achievements.image_hint'), type: 'file', attrs: { accept: '.svg,image/svg+xml' } });
    f.image = image;
    const summary = errorSummary();
    const errors = formErrors(summary, f);
    const save = button(L('common.save'), { variant: 'primary', type: 'submit', dataset: { action: 'save-achievement' } });
    const form = h('form', { class: 'form', novalidate: true },
      summary.el, pair('name'), pair('description', 'textarea'), pair('criteria', 'textarea'),
      h('fieldset', { class: 'fieldset' }, h('legend', L('achievements.competencies')), chosenList, picker,
        h('p', { class: 'check-field' }, auto, ' ', h('label', { for: 'ach-auto' }, L('achievements.auto'))), level.el),
      days.el, image.el);
    const d = openDialog({ title: L(existing ? 'achievements.edit' : 'achievements.new'), content: form, actions: [button(L('common.cancel'), { onClick: () => d.close() }), save], wide: true });
    save.addEventListener('click', (e) => { e.preventDefault(); form.requestSubmit(); });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      const ids = [...chosen.keys()];
      const body = {
        name: { en: f.name.control.value.trim(), 'zh-CN': f.name_zh.control.value.trim() },
        description: { en: f.description.control.value.trim(), 'zh-CN': f.description_zh.control.value.trim() },
        criteria: { en: f.criteria.control.value.trim(), 'zh-CN': f.criteria_zh.control.value.trim() },
        alignments: ids,
        rule: auto.checked ? { level: Number(level.control.value), items: ids } : null,
        validity_days: days.control.value ? Number(days.control.value) : null,
      };
      const file = image.control.files && image.control.files[0];
      if (file) {
        if (file.size > 64 * 1024) { errors.show([{ field: 'image', message: t('achievements.image_hint') }]); return; }
        body.image = await file.text();
      }
      const done = busy(save);
      try {
        const r = existing ? await patch(`/api/achievements/${existing.id}`, body) : await post('/api/achievements', body);
        d.close();
        toast(L('achievements.saved'));
        resolve(r.achievement);
      } catch (err) {
        errors.showApiError(err);
      } finally {
        done();
      }
    });
  });
}

function generateDialog(ctx) {
  let item = null;
  const chosen = h('p', { class: 'chosen-one', 'aria-live': 'polite' }, L('achievements.none_chosen'));
  const picker = itemPicker((i) => { item = i; chosen.replaceChildren(h('strong', i.human_coding || ''), ' ', i.full_statement); });
  const level = field({ name: 'level', label: L('achievements.rule_level'), kind: 'select', options: LEVELS.map((n) => ({ value: String(n), label: levelName(n) })), value: '3' });
  const summary = errorSummary();
  const errors = formErrors(summary, { level, item: { el: picker, control: picker.querySelector('input'), setError() {} } });
  const go = button(L('achievements.generate_go'), { variant: 'primary', dataset: { action: 'generate-go' } });
  const d = openDialog({ title: L('achievements.generate'), content: h('div', { class: 'form' }, summary.el, h('p', { class: 'hint' }, L('achievements.generate_lead')), picker, chosen, level.el), actions: [button(L('common.cancel'), { onClick: () => d.close() }), go] });
  go.addEventListener('click', async () => {
    if (!item) { errors.show([{ field: 'item', message: t('achievements.none_chosen') }]); return; }
    const done = busy(go);
    try {
      const r = await post('/api/achievements/generate', { item: item.identifier, level: Number(level.control.value) });
      d.close();
      ctx.navigate(`/achievements/${r.achievement.id}`);
    } catch (err) {
      if (err.status === 409 && err.body?.error?.achievement) { d.close(); toast(err.message, { kind: 'info' }); ctx.navigate(`/achievements/${err.body.error.achievement.id}`); return; }
      errors.showApiError(err);
    } finally { done(); }
  });
}

function issuerCard(ctx, data, reload) {
  const keys = table({
    caption: L('achievements.keys'),
    columns: [
      { label: L('achievements.key'), cell: (k) => h('span', { class: 'mono' }, `key-${k.number}`) },
      { label: L('achievements.key_from'), cell: (k) => Ldate(k.active_from, { dateStyle: 'medium' }) },
      { label: L('achievements.key_until'), cell: (k) => (k.active_until ? Ldate(k.active_until, { dateStyle: 'medium' }) : h('span', { class: 'tag tag-success' }, L('achievements.key_current'))) },
    ],
    rows: data.keys,
  });
  const edit = button(L('achievements.issuer_edit'), { size: 'sm', onClick: () => editIssuer(data, reload), dataset: { action: 'issuer-edit' } });
  const rotate = button(L('achievements.rotate'), { size: 'sm', onClick: async () => {
    if (!(await confirmDialog({ title: L('achievements.rotate'), body: L('achievements.rotate_body'), confirmLabel: L('achievements.rotate') }))) return;
    try { await post('/api/credentials/issuer/rotate', {}); toast(L('achievements.rotated')); reload(); } catch (e) { toast(e.message, { kind: 'error' }); }
  }, dataset: { action: 'rotate' } });
  return card(L('achievements.issuer'),
    dl([
      [L('achievements.issuer_name'), Lpick(data.issuer.name)],
      [L('achievements.issuer_id'), h('span', { class: 'mono break' }, data.issuer_id)],
      [L('achievements.did_document'), h('a', { href: data.did_document, class: 'mono break', target: '_blank', rel: 'noopener' }, data.did_document)],
    ]),
    keys, h('div', { class: 'form-actions' }, edit, rotate));
}

function editIssuer(data, reload) {
  const f = {
    name_en: field({ name: 'name_en', label: L('achievements.name_en'), value: data.issuer.name.en }),
    name_zh: field({ name: 'name_zh', label: L('achievements.name_zh'), value: data.issuer.name['zh-CN'] }),
    url: field({ name: 'url', label: L('achievements.issuer_url'), type: 'url', value: data.issuer.url }),
    email: field({ name: 'email', label: L('achievements.issuer_email'), type: 'email', value: data.issuer.email }),
    image: field({ name: 'image', label: L('achievements.issuer_image'), type: 'url', value: data.issuer.image }),
  };
  const summary = errorSummary();
  const errors = formErrors(summary, f);
  const save = button(L('common.save'), { variant: 'primary' });
  const d = openDialog({ title: L('achievements.issuer_edit'), content: h('div', { class: 'form' }, summary.el, ...Object.values(f).map((x) => x.el)), actions: [button(L('common.cancel'), { onClick: () => d.close() }), save] });
  save.addEventListener('click', async () => {
    const done = busy(save);
    try {
      await patch('/api/credentials/issuer', { name: { en: f.name_en.control.value, 'zh-CN': f.name_zh.control.value }, url: f.url.control.value.trim(), email: f.email.control.value.trim(), image: f.image.control.value.trim() });
      d.close();
      toast(L('achievements.saved'));
      reload();
    } catch (e) { errors.showApiError(e); } finally { done(); }
  });
}

async function listView(root, ctx) {
  const admin = ctx.session.user.role === 'admin';
  const area = h('div', loading(L('common.loading')));
  const issuerSlot = h('div');
  root.append(pageHeader(L('achievements.title'), {
    lead: L('achievements.lead'),
    actions: [
      button(L('achievements.generate'), { onClick: () => generateDialog(ctx), dataset: { action: 'generate' } }),
      button(L('achievements.new'), { variant: 'primary', onClick: async () => { const a = await achievementDialog(null); ctx.navigate(`/achievements/${a.id}`); }, dataset: { action: 'new-achievement' } }),
    ],
  }), area, issuerSlot);
  async function loadIssuer() {
    if (!admin) return;
    try { issuerSlot.replaceChildren(issuerCard(ctx, await get('/api/credentials/issuer'), loadIssuer)); } catch (e) { issuerSlot.replaceChildren(errorState(e)); }
  }
  try {
    const { achievements } = await get('/api/achievements');
    if (!ctx.isCurrent()) return;
    area.replaceChildren(achievements.length
      ? h('div', { class: 'card card-flush' }, table({
        caption: L('achievements.title'),
        columns: [
          { label: L('achievements.image_col'), cell: (a) => (safeSvg(a.image) ? h('img', { src: safeSvg(a.image), alt: '', width: 40, height: 40, class: 'badge-thumb' }) : '') },
          { label: L('achievements.name'), cell: (a) => h('a', { href: `/achievements/${a.id}`, dataset: { achievement: a.id } }, Lpick(a.name)) },
          { label: L('achievements.rule'), cell: ruleText },
          { label: L('achievements.validity_col'), cell: (a) => (a.validity_days ? L('achievements.days', { n: a.validity_days }) : L('achievements.no_expiry')) },
          { label: L('achievements.awards'), numeric: true, cell: (a) => String(a.awards) },
        ],
        rows: achievements,
      }))
      : card(null, emptyState({ title: L('achievements.empty_title'), body: L('achievements.empty_body') })));
  } catch (e) {
    area.replaceChildren(errorState(e));
  }
  await loadIssuer();
}

function awardDialog(a, reload, admin) {
  const mode = field({ name: 'mode', label: L('achievements.award_to'), kind: 'select', options: [{ value: 'one', label: L('achievements.award_one') }, { value: 'class', label: L('achievements.award_class') }], value: 'one' });
  const cls = field({ name: 'class_id', label: L('achievements.class'), kind: 'select', options: [] });
  const student = field({ name: 'user_id', label: L('achievements.student'), kind: 'select', options: [] });
  const statement = field({ name: 'statement', label: L('achievements.evidence_statement'), hint: L('achievements.evidence_statement_hint'), attrs: { autocomplete: 'off', class: 'input mono' } });
  const link = field({ name: 'link', label: L('achievements.evidence_link'), type: 'url', hint: L('achievements.evidence_link_hint') });
  const linkName = field({ name: 'link_name', label: L('achievements.evidence_link_name') });
  const note = field({ name: 'narrative', label: L('achievements.note'), kind: 'textarea', attrs: { rows: 3 } });
  const summary = errorSummary();
  const errors = formErrors(summary, { class_id: cls, user_id: student, evidence: statement, narrative: note });
  const go = button(L('achievements.award'), { variant: 'primary', dataset: { action: 'award-go' } });
  const d = openDialog({ title: L('achievements.award_title', { name: Lpick(a.name).text() }), content: h('div', { class: 'form' }, summary.el, mode.el, cls.el, student.el, h('fieldset', { class: 'fieldset' }, h('legend', L('achievements.evidence')), statement.el, link.el, linkName.el), note.el), actions: [button(L('common.cancel'), { onClick: () => d.close() }), go] });
  const sync = () => { student.el.hidden = mode.control.value === 'class'; };
  mode.control.addEventListener('change', sync);
  sync();
  async function loadStudents() {
    student.control.replaceChildren();
    if (!cls.control.value) return;
    const r = await get(`/api/classes/${cls.control.value}`);
    student.control.replaceChildren(...r.students.map((s) => h('option', { value: String(s.id) }, `${s.name} (${s.login})`)));
  }
  cls.control.addEventListener('change', loadStudents);
  get('/api/classes').then(async (r) => {
    cls.control.replaceChildren(...r.classes.map((c) => h('option', { value: String(c.id) }, c.name)));
    await loadStudents();
  }).catch((e) => errors.showApiError(e));

  go.addEventListener('click', async () => {
    const evidence = [];
    if (statement.control.value.trim()) evidence.push({ statement: statement.control.value.trim() });
    if (link.control.value.trim()) evidence.push({ url: link.control.value.trim(), ...(linkName.control.value.trim() ? { name: linkName.control.value.trim() } : {}) });
    const body = { evidence, narrative: note.control.value.trim() || undefined };
    if (mode.control.value === 'class') body.class_id = Number(cls.control.value); else body.user_id = Number(student.control.value);
    const done = busy(go);
    try {
      const r = await post(`/api/achievements/${a.id}/awards`, body);
      d.close();
      toast(r.issued !== undefined ? L('achievements.bulk_done', { issued: r.issued, skipped: r.skipped }) : L('achievements.awarded'));
      reload();
    } catch (e) { errors.showApiError(e); } finally { done(); }
  });
}

function reasonDialog(title, confirmLabel) {
  return new Promise((resolve) => {
    const reason = field({ name: 'reason', label: L('achievements.reason'), kind: 'textarea', attrs: { rows: 3, maxlength: 500 } });
    const ok = button(confirmLabel, { variant: 'danger', dataset: { action: 'confirm-reason' } });
    const d = openDialog({ title, content: h('div', { class: 'form' }, reason.el), actions: [button(L('common.cancel'), { onClick: () => { d.close(); resolve(null); } }), ok] });
    ok.addEventListener('click', () => {
      if (!reason.control.value.trim()) { reason.setError(L('achievements.reason_needed')); return; }
      d.close();
      resolve(reason.control.value.trim());
    });
  });
}

async function detailView(root, ctx) {
  const admin = ctx.session.user.role === 'admin';
  const body = h('div', loading(L('common.loading')));
  root.append(body);
  async function reload() {
    try {
      const [{ achievement: a }, { awards }] = await Promise.all([get(`/api/achievements/${ctx.params.id}`), get(`/api/achievements/${ctx.params.id}/awards`)]);
      if (!ctx.isCurrent()) return;
      ctx.setTitle(Lpick(a.name));
      const actions = [
        button(L('achievements.edit'), { onClick: async () => { await achievementDialog(a); reload(); }, dataset: { action: 'edit' } }),
        button(L(a.archived ? 'achievements.restore' : 'achievements.archive'), { onClick: async () => { await patch(`/api/achievements/${a.id}`, { archived: !a.archived }); reload(); }, dataset: { action: 'archive' } }),
      ];
      if (!a.archived) actions.push(button(L('achievements.award'), { variant: 'primary', onClick: () => awardDialog(a, reload, admin), dataset: { action: 'award' } }));
      const img = safeSvg(a.image);
      const awardRows = table({
        caption: L('achievements.awards'),
        columns: [
          { label: L('achievements.learner'), cell: (w) => w.user.name },
          { label: L('achievements.issued'), cell: (w) => Ldate(w.issued_at, { dateStyle: 'medium' }) },
          { label: L('achievements.valid_until'), cell: (w) => (w.valid_until ? Ldate(w.valid_until, { dateStyle: 'medium' }) : '—') },
          { label: L('achievements.status'), cell: (w) => [statusTag(w.status), w.revoke_reason ? h('span', { class: 'hint block' }, w.revoke_reason) : null] },
          { label: L('achievements.source'), cell: (w) => L(`achievements.source_${w.source}`) },
          { label: L('achievements.actions'), cell: (w) => h('div', { class: 'row-actions' },
            h('a', { href: `/verify/${w.uuid}`, class: 'btn btn-secondary btn-sm' }, L('badges.verify')),
            w.status !== 'revoked' && !w.replaced_by ? button(L('achievements.recertify'), { size: 'sm', dataset: { action: 'recertify', award: w.id }, onClick: async () => {
              try { await post(`/api/awards/${w.id}/recertify`, {}); toast(L('achievements.recertified')); reload(); } catch (e) { toast(e.message, { kind: 'error' }); }
            } }) : null,
            admin ? button(L(w.status === 'revoked' ? 'achievements.unrevoke' : 'achievements.revoke'), { size: 'sm', variant: w.status === 'revoked' ? 'secondary' : 'danger', dataset: { action: w.status === 'revoked' ? 'unrevoke' : 'revoke', award: w.id }, onClick: async () => {
              const undo = w.status === 'revoked';
              const reason = await reasonDialog(L(undo ? 'achievements.unrevoke_title' : 'achievements.revoke_title', { name: w.user.name }), L(undo ? 'achievements.unrevoke' : 'achievements.revoke'));
              if (!reason) return;
              try { await post(`/api/awards/${w.id}/${undo ? 'unrevoke' : 'revoke'}`, { reason }); toast(L(undo ? 'achievements.unrevoked' : 'achievements.revoked')); reload(); } catch (e) { toast(e.message, { kind: 'error' }); }
            } }) : null) },
        ],
        rows: awards,
      });
      body.replaceChildren(
        pageHeader(Lpick(a.name), { actions, breadcrumb: h('a', { href: '/achievements' }, L('achievements.title')) }),
        h('section', { class: 'card achievement-view' },
          h('div', { class: 'achievement-head' }, img ? h('img', { class: 'badge-image', src: img, alt: '', width: 96, height: 96 }) : null,
            h('div', h('p', Lpick(a.description)), a.archived ? h('span', { class: 'tag tag-muted' }, L('achievements.archived')) : null)),
          dl([
            [L('achievements.criteria'), Lpick(a.criteria)],
            [L('achievements.rule'), ruleText(a)],
            [L('achievements.validity_col'), a.validity_days ? L('achievements.days', { n: a.validity_days }) : L('achievements.no_expiry')],
            [L('achievements.competencies'), a.alignments.length ? h('ul', a.alignments.map((i) => h('li', itemLabel(i), h('span', { class: 'muted' }, ' — ', Lpick(i.framework.title))))) : '—'],
          ])),
        awards.length ? h('div', { class: 'card card-flush' }, awardRows) : card(null, emptyState({ title: L('achievements.no_awards'), body: L(a.rule ? 'achievements.no_awards_rule' : 'achievements.no_awards_body') })));
    } catch (e) {
      body.replaceChildren(errorState(e, { retry: reload }));
    }
  }
  await reload();
}

export async function mount(root, ctx) {
  ctx.setTitle(L('achievements.title'));
  if (ctx.params.id) await detailView(root, ctx);
  else await listView(root, ctx);
}

// /alignments — admin: which framework items an activity is evidence for. Pick an activity the
// LRS has seen (VR simulations, H5P quizzes, …) or type its IRI, then attach items found by
// search, or remove them. Mastery counts a statement about the activity for the items.
import { L, loc } from '../i18n.js';
import { get, post, del } from '../api.js';
import {
  h, emptyState, loading, errorState, button, busy, toast, pageHeader, uid, setText, debounce,
} from '../ui.js';
import { pickLang } from './statements.js';
import { itemName, itemStatement, docTitle, criticalTag, levelsTag } from './frameworks.js';

/* An absolute IRI as the server checks it: a scheme, ":", and no spaces. */
const looksLikeIri = (s) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(s) && s.length <= 2048;

const activityName = (a) => loc((l) => pickLang(a.name, l) || a.id);

export async function mount(root, ctx) {
  ctx.setTitle(L('alignments.title'));
  let current = null; // {id, name}
  let aligned = new Set();
  let actSeq = 0; // the latest activity search; older answers are dropped

  // --- The activities (left)
  const actSearchId = uid('act-search');
  const actSearch = h('input', { id: actSearchId, type: 'search', class: 'input', autocomplete: 'off', spellcheck: 'false', maxlength: '200', dataset: { search: 'activities' } });
  const actList = h('div', { class: 'pick-list act-list' }, loading(L('alignments.activities_loading')));
  const actCount = h('p', { class: 'result-count search-count', 'aria-live': 'polite' });
  const iriId = uid('act-iri');
  const iriInput = h('input', { id: iriId, type: 'url', class: 'input mono', autocomplete: 'off', spellcheck: 'false', inputmode: 'url', placeholder: 'https://…', dataset: { input: 'activity-iri' } });
  const iriError = h('p', { class: 'field-error', id: `${iriId}-error`, hidden: true });
  const iriOpen = button(L('alignments.open_iri'), { type: 'submit', class: 'iri-open' });
  const iriForm = h('form', { class: 'field iri-form', novalidate: true, on: { submit: onIri } },
    h('label', { class: 'label', for: iriId }, L('alignments.iri_label')),
    h('p', { class: 'hint', id: `${iriId}-hint` }, L('alignments.iri_hint')),
    iriError,
    h('div', { class: 'copy-row' }, iriInput, iriOpen));
  iriInput.setAttribute('aria-describedby', `${iriId}-hint`);

  const activities = h('section', { class: 'card', 'aria-labelledby': 'act-title' },
    h('h2', { class: 'card-title', id: 'act-title' }, L('alignments.activities_title')),
    h('div', { class: 'field' },
      h('label', { class: 'label', for: actSearchId }, L('alignments.activities_search')),
      actSearch),
    actCount, actList, h('hr', { class: 'divider' }), iriForm);

  // --- The chosen activity (right)
  const panel = h('section', { class: 'card align-panel', 'aria-labelledby': 'align-title', tabindex: '-1' },
    h('h2', { class: 'card-title', id: 'align-title' }, L('alignments.panel_title')),
    h('p', { class: 'hint' }, L('alignments.panel_empty')));

  root.append(pageHeader(L('alignments.title'), { lead: L('alignments.lead') }),
    h('div', { class: 'fw-layout align-layout' }, activities, panel));

  actSearch.addEventListener('input', debounce(() => loadActivities(), 250));
  await loadActivities();
  const want = ctx.query.get('activity');
  if (want && looksLikeIri(want)) await choose({ id: want, name: null });

  async function loadActivities() {
    const mine = ++actSeq;
    const q = actSearch.value.trim();
    try {
      const data = await get('/api/alignments/activities', { query: { q } });
      if (mine !== actSeq) return;
      const list = data.activities || [];
      setText(actCount, q ? L('alignments.activities_found', { count: list.length }) : L('alignments.activities_recent', { count: list.length }));
      if (!list.length) {
        actList.replaceChildren(emptyState({ title: L(q ? 'alignments.activities_none_found' : 'alignments.activities_empty_title'), body: L('alignments.activities_empty_body') }));
        return;
      }
      actList.replaceChildren(...list.map((a) => h('div', { class: 'pick-row' },
        h('button', {
          type: 'button', class: 'act-pick', 'aria-pressed': String(!!current && current.id === a.id), dataset: { activity: a.id },
          on: { click: () => choose(a) },
        },
        h('span', { class: 'pick-name' }, activityName(a)),
        h('span', { class: 'cell-secondary mono' }, a.id),
        h('span', { class: 'tag tag-neutral' }, L('alignments.aligned_count', { count: a.alignment_count }))))));
    } catch (err) {
      if (mine === actSeq) actList.replaceChildren(errorState(err, { retry: loadActivities }));
    }
  }

  function onIri(e) {
    e.preventDefault();
    const iri = iriInput.value.trim();
    if (!looksLikeIri(iri)) {
      setText(iriError, [h('span', { class: 'visually-hidden' }, L('form.error_prefix')), ' ', L('alignments.iri_invalid')]);
      iriError.hidden = false;
      iriForm.classList.add('has-error');
      iriInput.setAttribute('aria-invalid', 'true');
      iriInput.setAttribute('aria-describedby', `${iriId}-hint ${iriId}-error`);
      iriInput.focus();
      return;
    }
    iriError.hidden = true;
    iriForm.classList.remove('has-error');
    iriInput.removeAttribute('aria-invalid');
    iriInput.setAttribute('aria-describedby', `${iriId}-hint`);
    choose({ id: iri, name: null });
  }

  async function choose(a) {
    current = a;
    for (const b of actList.querySelectorAll('.act-pick')) b.setAttribute('aria-pressed', String(b.dataset.activity === a.id));
    const url = new URL(location.href);
    url.searchParams.set('activity', a.id);
    history.replaceState(null, '', url.pathname + url.search);
    panel.replaceChildren(loading(L('alignments.loading')));
    await renderPanel({ focus: true });
  }

  async function renderPanel({ focus = false } = {}) {
    const a = current;
    let list;
    try {
      list = (await get('/api/alignments', { query: { activity: a.id } })).alignments || [];
    } catch (err) {
      panel.replaceChildren(errorState(err, { retry: () => renderPanel() }));
      return;
    }
    if (current !== a) return;
    aligned = new Set(list.map((x) => x.item_id));
    const name = list.find((x) => x.name) ? list.find((x) => x.name).name : a.name;
    const rows = list.map((x) => h('li', { class: 'aligned-row', dataset: { item: x.item_id } },
      h('div', { class: 'aligned-text' },
        x.item
          ? [h('a', { href: `/frameworks/${x.item.document.identifier}?item=${x.item.identifier}`, class: 'cell-primary' },
            x.item.human_coding ? [h('span', { class: 'mono' }, x.item.human_coding), ' '] : null, itemName(x.item)),
          h('span', { class: 'cell-secondary' }, docTitle(x.item.document)),
          h('span', { class: 'tag-list' }, x.item.critical ? criticalTag() : null, levelsTag(x.item.levels),
            h('span', { class: 'tag tag-neutral' }, L(x.source === 'admin' ? 'frameworks.aligned_admin' : 'frameworks.aligned_content')))]
          : [h('span', { class: 'cell-primary mono' }, x.item_id), h('span', { class: 'cell-secondary' }, L('alignments.item_gone'))]),
      button(L('alignments.remove'), {
        variant: 'danger-link', size: 'sm', dataset: { action: 'unalign', item: x.item_id },
        'aria-label': L('alignments.remove_label', { item: x.item ? itemName(x.item) : x.item_id }),
        onClick: (e) => unalign(x, e.currentTarget),
      })));

    const findId = uid('item-search');
    const find = h('input', { id: findId, type: 'search', class: 'input', autocomplete: 'off', spellcheck: 'false', maxlength: '200', dataset: { search: 'items' } });
    const found = h('ul', { class: 'search-results align-results', hidden: true });
    const foundCount = h('p', { class: 'result-count search-count', 'aria-live': 'polite' });
    let seq = 0;
    const search = debounce(async () => {
      const q = find.value.trim();
      const mine = ++seq;
      if (!q) { found.replaceChildren(); found.hidden = true; foundCount.replaceChildren(); return; }
      try {
        const items = (await get('/api/frameworks/search', { query: { q } })).items || [];
        if (mine !== seq) return;
        setText(foundCount, items.length ? L('frameworks.search_count', { count: items.length }) : L('frameworks.search_none', { q }));
        found.replaceChildren(...items.map((it) => h('li', { class: 'search-result align-result' },
          h('div', { class: 'aligned-text' },
            h('span', { class: 'cell-primary' }, it.human_coding ? [h('span', { class: 'mono' }, it.human_coding), ' '] : null, itemName(it)),
            h('span', { class: 'cell-secondary' }, itemStatement(it)),
            h('span', { class: 'cell-secondary' }, docTitle(it.document))),
          aligned.has(it.identifier)
            ? h('span', { class: 'tag tag-active' }, L('alignments.already'))
            : button(L('alignments.add'), {
              size: 'sm', dataset: { action: 'align', item: it.identifier },
              'aria-label': L('alignments.add_label', { item: itemName(it) }),
              onClick: (e) => align(it, e.currentTarget),
            }))));
        found.hidden = !items.length;
      } catch (err) {
        if (mine === seq) setText(foundCount, err.message);
      }
    }, 250);
    find.addEventListener('input', search);

    panel.replaceChildren(
      h('h2', { class: 'card-title', id: 'align-title' }, name ? loc((l) => pickLang(name, l) || a.id) : L('alignments.unnamed')),
      h('p', { class: 'mono act-iri' }, a.id),
      h('h3', { class: 'fw-sub' }, L('alignments.items_title', { count: list.length })),
      list.length ? h('ul', { class: 'aligned-list' }, rows) : h('p', { class: 'hint' }, L('alignments.items_none')),
      h('div', { class: 'field align-find' },
        h('label', { class: 'label', for: findId }, L('alignments.find_label')),
        h('p', { class: 'hint' }, L('alignments.find_hint')),
        find),
      foundCount, found);
    if (focus) panel.focus();
    panel.searchInput = find;
  }

  async function align(it, btn) {
    const done = busy(btn);
    try {
      await post('/api/alignments', { activity: current.id, item: it.identifier });
      toast(L('alignments.added', { item: itemName(it) }));
      const q = panel.searchInput ? panel.searchInput.value : '';
      await renderPanel();
      if (panel.searchInput) {
        panel.searchInput.value = q;
        panel.searchInput.dispatchEvent(new Event('input'));
        panel.searchInput.focus();
      }
      loadActivities();
    } catch (err) {
      done();
      toast(err.message, { kind: 'error' });
    }
  }

  async function unalign(x, btn) {
    const done = busy(btn);
    try {
      await del(`/api/alignments?activity=${encodeURIComponent(current.id)}&item=${encodeURIComponent(x.item_id)}`);
      toast(L('alignments.removed', { item: x.item ? itemName(x.item) : x.item_id }));
      await renderPanel();
      panel.focus();
      loadActivities();
    } catch (err) {
      done();
      toast(err.message, { kind: 'error' });
    }
  }
}

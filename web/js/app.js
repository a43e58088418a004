// Boot, shell (header, navigation, language switch, user menu) and router.
import { initialLang, setLang, lang, rememberLang, LANGS, L, Lpick, onLangChange, pruneBindings, t, bind } from './i18n.js';
import { get, del, patch, setCsrf, setUnauthenticatedHandler } from './api.js';
import { h, roleTag, toast, errorState, pageHeader } from './ui.js';

const state = {
  session: null, // {user, institution}
  cleanup: null,
  renderSeq: 0,
  nextAfterLogin: null,
  title: null,
  booted: false,
};

/* ---- Routes ---- */

const ALL = ['admin', 'teacher', 'student', 'verifier'];
const ROUTES = [
  { re: /^\/login$/, page: 'login', public: true },
  { re: /^\/profile$/, page: 'profile', roles: ALL },
  { re: /^\/users$/, page: 'users', roles: ['admin'] },
  { re: /^\/classes$/, page: 'classes', roles: ['admin', 'teacher'] },
  { re: /^\/classes\/(\d+)$/, page: 'class', roles: ['admin', 'teacher'], keys: ['id'] },
  { re: /^\/lrs\/statements$/, page: 'statements', roles: ['admin', 'teacher'] },
  { re: /^\/lrs\/clients$/, page: 'lrs-clients', roles: ['admin'] },
  { re: /^\/lrs\/clients\/forwarding$/, page: 'lrs-forwarding', roles: ['admin'] },
  { re: /^\/checkoffs$/, page: 'checkoff', roles: ['admin', 'teacher'] },
  { re: /^\/checkoffs\/mine$/, page: 'checkoff-mine', roles: ['student'] },
  { re: /^\/frameworks$/, page: 'frameworks', roles: ALL },
  { re: /^\/frameworks\/items\/([0-9a-f-]{36})$/, page: 'frameworks', roles: ALL, keys: ['item'] },
  { re: /^\/frameworks\/([0-9a-f-]{36})$/, page: 'frameworks', roles: ALL, keys: ['id'] },
  { re: /^\/alignments$/, page: 'alignments', roles: ['admin'] },
  // Credentials: public verification (no login), a student's badges, teachers' achievements.
  { re: /^\/verify$/, page: 'verify', public: true, anonymous: true },
  { re: /^\/verify\/([0-9a-f-]{36})$/, page: 'verify', public: true, anonymous: true, keys: ['uuid'] },
  { re: /^\/badges$/, page: 'badges', roles: ['student'] },
  { re: /^\/badges\/transcript$/, page: 'transcript', roles: ['student'] },
  { re: /^\/achievements$/, page: 'badges-admin', roles: ['admin', 'teacher'] },
  { re: /^\/achievements\/(\d+)$/, page: 'badges-admin', roles: ['admin', 'teacher'], keys: ['id'] },
  { re: /^\/progress$/, page: 'progress', roles: ['student'] },
  { re: /^\/students\/(\d+)\/progress$/, page: 'progress', roles: ['admin', 'teacher'], keys: ['id'] },
  { re: /^\/heatmap$/, page: 'heatmap', roles: ['admin', 'teacher'] },
  { re: /^\/training$/, page: 'training-home', roles: ['admin', 'teacher', 'student'] },
  { re: /^\/training\/live$/, page: 'training-live', roles: ['admin', 'teacher'] },
  { re: /^\/training\/assignments\/(\d+)$/, page: 'training-assignment', roles: ['admin', 'teacher', 'student'], keys: ['id'] },
  { re: /^\/training\/sessions\/([0-9a-f-]{36})$/, page: 'training', roles: ['admin', 'teacher', 'student'], keys: ['id'] },
  { re: /^\/training\/sessions\/([0-9a-f-]{36})\/debrief$/, page: 'debrief', roles: ['admin', 'teacher', 'student'], keys: ['id'] },
  { re: /^\/literacy$/, page: 'literacy', roles: ['student'] },
  { re: /^\/literacy\/(test)$/, page: 'literacy', roles: ['student'], keys: ['view'] },
  { re: /^\/literacy\/results\/([0-9a-f-]{36})$/, page: 'literacy', roles: ['admin', 'teacher', 'student'], keys: ['result'] },
  { re: /^\/literacy\/classes$/, page: 'literacy-class', roles: ['admin', 'teacher'] },
  { re: /^\/literacy\/classes\/(\d+)$/, page: 'literacy-class', roles: ['admin', 'teacher'], keys: ['id'] },
  { re: /^\/literacy\/bank$/, page: 'literacy-bank', roles: ['admin'] },
];

const NAV = {
  admin: [['/users', 'nav.users'], ['/classes', 'nav.classes'], ['/training', 'nav.training'], ['/checkoffs', 'nav.checkoffs'], ['/lrs/statements', 'nav.learning_records'], ['/lrs/clients', 'nav.lrs_clients'], ['/frameworks', 'nav.frameworks'], ['/alignments', 'nav.alignments'], ['/achievements', 'nav.achievements'], ['/literacy/bank', 'nav.literacy'], ['/profile', 'nav.profile']],
  teacher: [['/classes', 'nav.my_classes'], ['/heatmap', 'nav.class_progress'], ['/training', 'nav.training'], ['/checkoffs', 'nav.checkoffs'], ['/lrs/statements', 'nav.learning_records'], ['/frameworks', 'nav.frameworks'], ['/achievements', 'nav.achievements'], ['/literacy/classes', 'nav.literacy'], ['/profile', 'nav.profile']],
  student: [['/progress', 'nav.progress'], ['/training', 'nav.training'], ['/literacy', 'nav.literacy'], ['/checkoffs/mine', 'nav.my_checkoffs'], ['/frameworks', 'nav.frameworks'], ['/badges', 'nav.badges'], ['/profile', 'nav.profile']],
  verifier: [['/frameworks', 'nav.frameworks'], ['/verify', 'nav.verify'], ['/profile', 'nav.profile']],
};

export function landingPath(user) {
  if (!user) return '/login';
  if (user.role === 'admin') return '/users';
  if (user.role === 'teacher') return '/classes';
  return '/profile';
}

function routeAllowed(path, user) {
  const r = ROUTES.find((x) => x.re.test(path));
  return r && !r.public && r.roles.includes(user.role);
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

/* ---- Session ---- */

/* Takes the body of POST /api/session or GET /api/me. */
export async function setSession(data) {
  if (!data) {
    state.session = null;
    setCsrf('');
  } else {
    state.session = { user: data.user, institution: data.institution };
    if (data.csrf) setCsrf(data.csrf);
    const ul = data.user && LANGS.includes(data.user.lang) ? data.user.lang : null;
    if (ul && ul !== lang()) { rememberLang(ul); await setLang(ul); }
    if (data.csrf) forgetOffline(data.user); // a real login: drop what another user left for offline use
    resumeOutbox(data.user);
  }
  renderShell();
}

/* ---- Offline (skill check-offs in the training lab; see pages/checkoff-outbox.js) ---- */

/* Check-offs recorded offline are sent from whichever page is open. */
function resumeOutbox(user) {
  try {
    if (localStorage.getItem(`cc.checkoff.outbox.${user.id}`)) import('./pages/checkoff-outbox.js').then((m) => m.startOutbox(user.id));
  } catch { /* storage disabled */ }
}

/* The user the check-off page remembered, to start without the network; null when none. */
function offlineSession() {
  try { return JSON.parse(localStorage.getItem('cc.offline.session') || 'null'); } catch { return null; }
}

/*
 * At logout (or when SOMEONE ELSE logs in on this device): the copies of rosters and checklists go;
 * check-offs not yet sent stay (they wait for their teacher).
 */
function forgetOffline(keepFor) {
  try {
    const saved = offlineSession();
    if (keepFor && (!saved || !saved.user || saved.user.id === keepFor.id)) return;
    for (const k of Object.keys(localStorage)) if (k.startsWith('cc.offline.')) localStorage.removeItem(k);
  } catch { /* storage disabled */ }
}

export function session() { return state.session; }

async function logout() {
  try {
    await del('/api/session', { allowAnonymous: true });
  } catch (e) {
    if (e.status !== 401) { toast(e.message, { kind: 'error' }); return; }
  }
  forgetOffline();
  await setSession(null);
  navigate('/login', { replace: true });
  toast(L('shell.signed_out'), { kind: 'info' });
}

/* ---- Language ---- */

async function switchLang(l) {
  if (l === lang()) return;
  if (state.session) {
    try {
      const me = await patch('/api/me', { lang: l });
      state.session.user = me.user;
      if (me.institution) state.session.institution = me.institution;
    } catch (e) {
      toast(e.message, { kind: 'error' });
      return;
    }
  }
  rememberLang(l);
  await setLang(l);
  announce(t('shell.language_changed'));
}

function announce(text) {
  const el = document.getElementById('announcer');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 50);
}

/* ---- Shell ---- */

function renderLangSwitch() {
  const group = document.getElementById('lang-switch');
  bind(group, () => group.setAttribute('aria-label', t('shell.language')));
  const buttons = LANGS.map((code) => {
    const b = h('button', {
      type: 'button', class: 'lang-option', lang: code, dataset: { lang: code },
      on: { click: () => switchLang(code) },
    }, L(code === 'zh-CN' ? 'shell.lang_native_zh_cn' : 'shell.lang_native_en'));
    return b;
  });
  const sync = () => { for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.lang === lang())); };
  sync();
  onLangChange(sync);
  group.replaceChildren(...buttons);
}

function renderNav() {
  const nav = document.getElementById('site-nav');
  const s = state.session;
  if (!s) { nav.hidden = true; nav.replaceChildren(); return; }
  bind(nav, () => nav.setAttribute('aria-label', t('nav.label')));
  const items = NAV[s.user.role] || NAV.student;
  nav.replaceChildren(h('ul', { class: 'nav-list' },
    items.map(([href, key]) => h('li', h('a', { class: 'nav-link', href }, L(key))))));
  nav.hidden = false;
  markCurrentNav();
}

/*
 * When the links do not fit beside the brand and the tools (many pages, long English words),
 * they take a row of their own, as on a tablet, rather than push the page sideways.
 */
function fitNav() {
  const root = document.documentElement;
  const nav = document.getElementById('site-nav');
  root.classList.remove('nav-stacked');
  if (!nav.hidden && nav.scrollWidth > nav.clientWidth + 1) root.classList.add('nav-stacked');
}

function markCurrentNav() {
  const path = location.pathname;
  for (const a of document.querySelectorAll('#site-nav .nav-link')) {
    const href = a.getAttribute('href');
    const active = path === href || path.startsWith(href + '/');
    if (active) a.setAttribute('aria-current', path === href ? 'page' : 'true');
    else a.removeAttribute('aria-current');
  }
}

let closeUserMenu = () => {};

function renderUserMenu() {
  const box = document.getElementById('user-menu');
  const s = state.session;
  if (!s) { box.hidden = true; box.replaceChildren(); return; }
  const panelId = 'user-menu-panel';
  const initial = (s.user.name || s.user.login).trim().charAt(0).toUpperCase();
  const toggle = h('button', {
    type: 'button', class: 'user-button', 'aria-expanded': 'false', 'aria-controls': panelId,
    'aria-label': L('shell.user_menu_label', { name: s.user.name }),
  },
  h('span', { class: 'avatar', 'aria-hidden': 'true' }, initial),
  h('span', { class: 'user-button-name' }, s.user.name),
  h('span', { class: 'chevron', 'aria-hidden': 'true' }));
  const panel = h('div', { class: 'user-panel', id: panelId, hidden: true },
    h('div', { class: 'user-panel-head' },
      h('p', { class: 'user-panel-name' }, s.user.name),
      h('p', { class: 'user-panel-meta' }, roleTag(s.user.role), ' ', h('span', { class: 'muted' }, s.user.login)),
      s.institution ? h('p', { class: 'user-panel-meta muted' }, Lpick(s.institution.name)) : null),
    h('ul', { class: 'user-panel-list' },
      h('li', h('a', { href: '/profile', class: 'user-panel-item' }, L('nav.profile'))),
      h('li', h('button', { type: 'button', class: 'user-panel-item', dataset: { action: 'logout' }, on: { click: () => { setOpen(false); logout(); } } }, L('shell.logout')))));
  function setOpen(open) {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
  }
  toggle.addEventListener('click', () => setOpen(panel.hidden));
  panel.addEventListener('click', (e) => { if (e.target.closest('a')) setOpen(false); });
  box.onkeydown = (e) => { if (e.key === 'Escape' && !panel.hidden) { setOpen(false); toggle.focus(); } };
  box.onfocusout = (e) => { if (e.relatedTarget && !box.contains(e.relatedTarget)) setOpen(false); };
  closeUserMenu = () => setOpen(false);
  box.replaceChildren(toggle, panel);
  box.hidden = false;
}

function renderShell() {
  const brand = document.getElementById('brand');
  brand.setAttribute('href', state.session ? landingPath(state.session.user) : '/login');
  document.body.classList.toggle('is-anonymous', !state.session);
  renderNav();
  renderUserMenu();
  fitNav();
}

function applyTitle() {
  document.title = state.title ? t('shell.title_format', { page: state.title }) : t('app.name');
}

function setTitle(loc) { state.title = loc; applyTitle(); }

/* ---- Router ---- */

function notFoundView(root, { forbidden = false } = {}) {
  setTitle(L(forbidden ? 'shell.forbidden_title' : 'shell.not_found_title'));
  const home = state.session ? landingPath(state.session.user) : '/login';
  root.append(
    pageHeader(L(forbidden ? 'shell.forbidden_title' : 'shell.not_found_title')),
    h('div', { class: 'card' },
      h('p', L(forbidden ? 'shell.forbidden_body' : 'shell.not_found_body')),
      h('p', h('a', { href: home }, L('shell.go_home')))));
}

async function render() {
  const seq = ++state.renderSeq;
  const main = document.getElementById('main');
  let path = location.pathname.replace(/\/+$/, '') || '/';
  const s = state.session;

  for (const d of document.querySelectorAll('dialog')) d.remove();
  if (state.cleanup) { try { state.cleanup(); } catch { /* ignore */ } state.cleanup = null; }

  if (path === '/') { navigate(s ? landingPath(s.user) : '/login', { replace: true }); return; }
  const open = ROUTES.find((r) => r.anonymous && r.re.test(path)); // pages anyone may see, logged in or not
  if (!s && path !== '/login' && !open) {
    state.nextAfterLogin = path + location.search;
    navigate('/login', { replace: true });
    return;
  }
  if (s && path === '/login') { navigate(landingPath(s.user), { replace: true }); return; }

  markCurrentNav();
  const route = ROUTES.find((r) => r.re.test(path));
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  pruneBindings();
  main.setAttribute('aria-busy', 'true');

  if (!route) { notFoundView(view); finish(main, seq); return; }
  if (!route.public && !route.roles.includes(s.user.role)) { notFoundView(view, { forbidden: true }); finish(main, seq); return; }

  const m = route.re.exec(path);
  const params = {};
  (route.keys || []).forEach((k, i) => { params[k] = m[i + 1]; });

  let mod;
  try {
    mod = await import(`./pages/${route.page}.js`);
  } catch (e) {
    if (seq !== state.renderSeq) return;
    view.append(errorState({ message: t('errors.module_failed') }, { retry: () => render() }));
    finish(main, seq);
    return;
  }
  if (seq !== state.renderSeq) return;

  const ctx = {
    get session() { return state.session; },
    params,
    query: new URLSearchParams(location.search),
    navigate,
    setTitle,
    setSession,
    isCurrent: () => seq === state.renderSeq,
    afterLogin: () => {
      const next = state.nextAfterLogin;
      state.nextAfterLogin = null;
      const u = state.session.user;
      navigate(next && routeAllowed(next.split('?')[0], u) ? next : landingPath(u), { replace: true });
    },
  };
  const done = mod.mount(view, ctx);
  focusHeading(view);
  try {
    const cleanup = await done;
    if (typeof cleanup === 'function') {
      if (seq === state.renderSeq) state.cleanup = cleanup; else cleanup();
    }
  } catch (e) {
    console.warn('page failed', e);
  }
  finish(main, seq);
}

function finish(main, seq) {
  if (seq === state.renderSeq) main.setAttribute('aria-busy', 'false');
}

function focusHeading(view) {
  if (!state.booted) return; // first load: leave focus where the browser put it
  const h1 = view.querySelector('h1');
  if (h1) h1.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

function interceptLinks() {
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    if (url.pathname.startsWith('/api/') || /\.[a-z0-9]+$/i.test(url.pathname)) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return; // in-page anchor
    e.preventDefault();
    if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
  });
  window.addEventListener('popstate', () => render());
}

/* ---- Boot ---- */

async function boot() {
  await setLang(initialLang());
  document.getElementById('skip-link').replaceChildren(h('span', L('shell.skip_to_main')));
  document.getElementById('brand-name').replaceChildren(h('span', L('app.name')));
  onLangChange(applyTitle);
  onLangChange(fitNav);
  let fitting = 0;
  window.addEventListener('resize', () => { cancelAnimationFrame(fitting); fitting = requestAnimationFrame(fitNav); });
  renderLangSwitch();
  interceptLinks();
  document.addEventListener('click', (e) => {
    if (!document.getElementById('user-menu').contains(e.target)) closeUserMenu();
  });
  setUnauthenticatedHandler(() => {
    if (!state.session) return;
    state.nextAfterLogin = location.pathname + location.search;
    setSession(null).then(() => {
      navigate('/login', { replace: true });
      toast(L('errors.session_ended'), { kind: 'info' });
    });
  });

  for (;;) {
    try {
      const me = await get('/api/me', { allowAnonymous: true });
      await setSession(me);
      break;
    } catch (e) {
      if (e.status === 401) { await setSession(null); break; }
      const saved = e.status === 0 && offlineSession();
      if (saved && saved.user) { await setSession(saved); break; } // no network: start with the remembered user
      const main = document.getElementById('main');
      const retry = new Promise((ok) => {
        main.replaceChildren(h('div', { class: 'view' },
          pageHeader(L('errors.boot_title')),
          errorState(e, { retry: ok })));
      });
      main.setAttribute('aria-busy', 'false');
      await retry;
    }
  }
  await render();
  state.booted = true;
}

// The service worker keeps the app shell and the checklists for reloading offline (web/sw.js).
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch((e) => console.warn('service worker', e));

boot().catch((e) => {
  console.error('CareCampus failed to start', e);
});


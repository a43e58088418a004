// The JSON API client: one place that knows about CSRF, Accept-Language and the
// error shape {"error": {code, message, field, rows}} of docs/api.md.
import { lang, t } from './i18n.js';

let csrfToken = '';
let onUnauthenticated = null;

export function setCsrf(token) { csrfToken = token || ''; }

/* Called with the error when a request that needs a session gets 401 unauthenticated. */
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

export class ApiError extends Error {
  constructor({ status = 0, code = 'unknown', message = '', field = null, rows = null, retryAfter = null, body = null }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.rows = rows;
    this.retryAfter = retryAfter;
    this.body = body; // the whole JSON reply (e.g. the report of a framework import)
  }
}

function fallbackMessage(status) {
  if (status === 0) return t('errors.network');
  if (status === 413) return t('errors.too_large');
  if (status === 431) return t('errors.headers_too_large');
  if (status >= 500) return t('errors.server');
  return t('errors.http', { status });
}

function toError(status, headers, json) {
  const e = json && typeof json === 'object' && json.error && typeof json.error === 'object' ? json.error : {};
  let retryAfter = null;
  const ra = headers && headers.get('Retry-After');
  if (ra && /^\d+$/.test(ra.trim())) retryAfter = Number(ra.trim());
  return new ApiError({
    status,
    code: typeof e.code === 'string' ? e.code : `http_${status}`,
    message: typeof e.message === 'string' && e.message ? e.message : fallbackMessage(status),
    field: typeof e.field === 'string' ? e.field : null,
    rows: Array.isArray(e.rows) ? e.rows : null,
    retryAfter,
    body: json && typeof json === 'object' ? json : null,
  });
}

function parseJson(text) {
  if (!text) return null;
  try { return JSON.parse(text); } catch { return null; }
}

function baseHeaders(method) {
  const h = { Accept: 'application/json', 'Accept-Language': lang() };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) h['X-CSRF-Token'] = csrfToken;
  return h;
}

function handle401(err, opts) {
  if (err.status === 401 && err.code === 'unauthenticated' && !opts.allowAnonymous && onUnauthenticated) {
    onUnauthenticated(err);
  }
}

/*
 * api('GET', '/api/users', undefined, {query: {role: 'student'}}) → parsed JSON (null for 204).
 * Throws ApiError. Options: query, signal, allowAnonymous (a 401 is the caller's business),
 * contentType (send body as is, e.g. 'text/csv').
 */
export async function api(method, path, body, opts = {}) {
  let url = path;
  if (opts.query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== '') qs.set(k, v);
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = baseHeaders(method);
  let payload;
  if (body !== undefined) {
    if (opts.contentType) { headers['Content-Type'] = opts.contentType; payload = body; }
    else { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, code: 'network', message: t('errors.network') });
  }
  const text = res.status === 204 ? '' : await res.text();
  const json = parseJson(text);
  if (!res.ok) {
    const err = toError(res.status, res.headers, json);
    handle401(err, opts);
    throw err;
  }
  return json;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body, opts);
export const patch = (path, body, opts) => api('PATCH', path, body, opts);
export const put = (path, body, opts) => api('PUT', path, body, opts);
export const del = (path, opts) => api('DELETE', path, undefined, opts);

/*
 * Sends a file body with upload progress (fetch cannot report it).
 * onProgress(fraction 0..1 or null when unknown). Resolves with parsed JSON; throws ApiError.
 */
export function upload(path, blob, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(baseHeaders('POST'))) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.upload.addEventListener('progress', (e) => onProgress && onProgress(e.lengthComputable ? e.loaded / e.total : null));
    xhr.upload.addEventListener('load', () => onProgress && onProgress(1));
    xhr.addEventListener('error', () => reject(new ApiError({ status: 0, code: 'network', message: t('errors.network') })));
    xhr.addEventListener('load', () => {
      const json = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) { resolve(json); return; }
      const headers = { get: (n) => xhr.getResponseHeader(n) };
      const err = toError(xhr.status, headers, json);
      handle401(err, {});
      reject(err);
    });
    xhr.send(blob);
  });
}

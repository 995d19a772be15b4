/**
 * Thin fetch wrapper for the marketplace API.
 *
 * - JSON in / JSON out, `credentials: 'same-origin'` (session cookie `mp_session`).
 * - CSRF double-submit: unsafe requests carry `X-CSRF-Token` equal to the
 *   readable `mp_csrf` cookie. Without the cookie we first call
 *   `GET /api/auth/csrf`. If the server still rejects the token (403 with an
 *   error code mentioning "csrf") we fetch a fresh token and retry once.
 * - Every non-2xx answer becomes an `ApiError` carrying the server's
 *   `{"error": {code, message, details}}`.
 */

export const CSRF_COOKIE = 'mp_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
export const CSRF_ENDPOINT = '/api/auth/csrf';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** One entry of a `validation_error`'s `details`. */
export interface ValidationIssue {
  loc: (string | number)[];
  /** pydantic's English wording; show issueMessage() (lib/errors.ts) instead. */
  msg: string;
  type: string;
  /** The limits of the rule that failed (max_length, ge, le, expected…), when it has any. */
  ctx?: Record<string, string | number | boolean>;
}

/** A cursor-paginated list. Pass `next_cursor` back as `?cursor=` for the next page. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The issues of a `validation_error` (empty for other errors). */
  get validationIssues(): ValidationIssue[] {
    if (this.code !== 'validation_error' || !Array.isArray(this.details)) return [];
    // Our own refusals may name only the field (`{"loc": ["body", "roles"]}`): they are issues too.
    return this.details
      .filter((d): d is Partial<ValidationIssue> & { loc: ValidationIssue['loc'] } =>
        typeof d === 'object' && d !== null && Array.isArray((d as ValidationIssue).loc))
      .map((d) => ({ ...d, msg: typeof d.msg === 'string' ? d.msg : '', type: typeof d.type === 'string' ? d.type : '' }));
  }

  /**
   * Validation messages keyed by field: `["body","password"]` → `password`,
   * `["body","roles",0]` → `roles.0`. The first message per field wins.
   */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const issue of this.validationIssues) {
      const key = issueField(issue);
      if (key && !(key in out)) out[key] = issue.msg;
    }
    return out;
  }
}

/** Field name of a validation issue, without the leading "body"/"query"/"path". */
export function issueField(issue: ValidationIssue): string {
  const loc = issue.loc.slice();
  if (loc.length > 1 && ['body', 'query', 'path', 'header', 'cookie'].includes(String(loc[0]))) loc.shift();
  return loc.map(String).join('.');
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Reads one cookie out of a `document.cookie`-style string. */
export function readCookieFrom(cookieString: string, name: string): string | null {
  for (const part of cookieString.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return null;
}

function documentCookie(name: string): string | null {
  return typeof document === 'undefined' ? null : readCookieFrom(document.cookie, name);
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  /** Query parameters; null/undefined/'' values are left out. */
  query?: Record<string, QueryValue>;
  /** JSON body. */
  body?: unknown;
  /** A raw body (a photo, a spreadsheet) sent as it is, with its Content-Type; replaces `body`. */
  raw?: { data: Blob | ArrayBuffer; contentType: string };
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface ApiClientConfig {
  /** Defaults to the global fetch (looked up at call time). */
  fetch?: typeof fetch;
  /** Defaults to reading `document.cookie`. */
  readCookie?: (name: string) => string | null;
  /** Prefix for relative paths; '' (same origin) by default. */
  baseUrl?: string;
}

export type ApiErrorListener = (error: ApiError, method: string, path: string) => void;

export function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): string {
  let url = baseUrl + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      params.append(k, String(v));
    }
    const qs = params.toString();
    if (qs) url += (url.includes('?') ? '&' : '?') + qs;
  }
  return url;
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 205) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json') || /^[[{]/.test(text.trim())) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function toApiError(res: Response, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const err = (body as { error: unknown }).error;
    if (typeof err === 'object' && err !== null) {
      const { code, message, details } = err as { code?: unknown; message?: unknown; details?: unknown };
      return new ApiError(
        res.status,
        typeof code === 'string' ? code : `http_${res.status}`,
        typeof message === 'string' ? message : res.statusText || `HTTP ${res.status}`,
        details ?? null,
      );
    }
  }
  return new ApiError(res.status, `http_${res.status}`, res.statusText || `HTTP ${res.status}`, body ?? null);
}

function isCsrfRejection(e: ApiError): boolean {
  return e.status === 403 && /csrf/i.test(e.code);
}

export function createApiClient(config: ApiClientConfig = {}) {
  const baseUrl = config.baseUrl ?? '';
  const readCookie = config.readCookie ?? documentCookie;
  const doFetch: typeof fetch = (input, init) => (config.fetch ?? globalThis.fetch)(input, init);
  const errorListeners = new Set<ApiErrorListener>();
  let pendingToken: Promise<string> | null = null;

  async function send(method: string, path: string, opts: RequestOptions, csrfToken?: string): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    let body: string | Blob | ArrayBuffer | undefined;
    if (opts.raw !== undefined) {
      headers['Content-Type'] = opts.raw.contentType;
      body = opts.raw.data;
    } else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    if (csrfToken) headers[CSRF_HEADER] = csrfToken;

    let res: Response;
    try {
      res = await doFetch(buildUrl(baseUrl, path, opts.query), {
        method,
        headers,
        body,
        credentials: 'same-origin',
        signal: opts.signal,
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e));
    }
    const data = await readBody(res);
    if (!res.ok) throw toApiError(res, data);
    return data;
  }

  /** Fetches a fresh CSRF token (deduplicated across concurrent callers). */
  function fetchCsrfToken(): Promise<string> {
    if (!pendingToken) {
      pendingToken = (async () => {
        const data = (await send('GET', CSRF_ENDPOINT, {})) as { csrf_token?: unknown } | undefined;
        const token = typeof data?.csrf_token === 'string' && data.csrf_token ? data.csrf_token : readCookie(CSRF_COOKIE);
        if (!token) throw new ApiError(0, 'csrf_unavailable', 'Could not obtain a CSRF token');
        return token;
      })().finally(() => {
        pendingToken = null;
      });
    }
    return pendingToken;
  }

  async function csrfToken(): Promise<string> {
    return readCookie(CSRF_COOKIE) || fetchCsrfToken();
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const m = method.toUpperCase();
    try {
      if (!UNSAFE_METHODS.has(m)) return (await send(m, path, opts)) as T;
      try {
        return (await send(m, path, opts, await csrfToken())) as T;
      } catch (e) {
        if (!(e instanceof ApiError) || !isCsrfRejection(e)) throw e;
        return (await send(m, path, opts, await fetchCsrfToken())) as T;
      }
    } catch (e) {
      if (e instanceof ApiError) errorListeners.forEach((l) => l(e, m, path));
      throw e;
    }
  }

  return {
    request,
    get: <T>(path: string, opts?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, opts),
    post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
    put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
    patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
    delete: <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
    /** Convenience for cursor lists: `getPage('/api/tokens', cursor)`. */
    getPage: <T>(path: string, cursor?: string | null, query?: Record<string, QueryValue>, signal?: AbortSignal) =>
      request<Page<T>>('GET', path, { query: { ...query, cursor }, signal }),
    /** Called for every ApiError (e.g. the session store listens for 401s). */
    onError(listener: ApiErrorListener): () => void {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The app-wide client. */
export const api = createApiClient();

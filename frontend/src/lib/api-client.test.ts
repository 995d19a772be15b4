import { describe, expect, it, vi } from 'vitest';
import { ApiError, buildUrl, createApiClient, CSRF_HEADER, readCookieFrom } from './api-client';

type Call = { url: string; init: RequestInit };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** A fake fetch answering from a list of handlers, recording every call. */
function fakeFetch(handler: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, init: init ?? {} });
    return handler(url, init ?? {});
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const header = (c: Call, name: string) => (c.init.headers as Record<string, string>)[name];

describe('CSRF double-submit', () => {
  it('sends the mp_csrf cookie value as X-CSRF-Token on unsafe requests', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { ok: true }));
    const api = createApiClient({ fetch, readCookie: (n) => (n === 'mp_csrf' ? 'tok-123' : null) });

    await api.post('/api/organisations', { name: 'x' });
    await api.put('/api/x', {});
    await api.patch('/api/x', {});
    await api.delete('/api/tokens/1');

    expect(calls).toHaveLength(4);
    for (const c of calls) expect(header(c, CSRF_HEADER)).toBe('tok-123');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.credentials).toBe('same-origin');
    expect(calls[0]!.init.body).toBe(JSON.stringify({ name: 'x' }));
    expect(header(calls[0]!, 'Content-Type')).toBe('application/json');
  });

  it('does not send the token on GET and does not need the cookie', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { id: 1 }));
    const api = createApiClient({ fetch, readCookie: () => null });
    await expect(api.get('/api/me')).resolves.toEqual({ id: 1 });
    expect(calls).toHaveLength(1);
    expect(header(calls[0]!, CSRF_HEADER)).toBeUndefined();
    expect(calls[0]!.init.credentials).toBe('same-origin');
  });

  it('fetches /api/auth/csrf first when the cookie is missing', async () => {
    const { fetch, calls } = fakeFetch((url) =>
      url === '/api/auth/csrf' ? json(200, { csrf_token: 'fresh-1' }) : json(200, { id: 7 }),
    );
    const api = createApiClient({ fetch, readCookie: () => null });
    await expect(api.post('/api/auth/login', { login: 'a', password: 'b' })).resolves.toEqual({ id: 7 });
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual(['GET /api/auth/csrf', 'POST /api/auth/login']);
    expect(header(calls[1]!, CSRF_HEADER)).toBe('fresh-1');
  });

  it('shares one token fetch between concurrent requests', async () => {
    const { fetch, calls } = fakeFetch((url) =>
      url === '/api/auth/csrf' ? json(200, { csrf_token: 'shared' }) : new Response(null, { status: 204 }),
    );
    const api = createApiClient({ fetch, readCookie: () => null });
    await Promise.all([api.post('/api/a'), api.post('/api/b'), api.delete('/api/c')]);
    expect(calls.filter((c) => c.url === '/api/auth/csrf')).toHaveLength(1);
    expect(calls.filter((c) => c.url !== '/api/auth/csrf').every((c) => header(c, CSRF_HEADER) === 'shared')).toBe(true);
  });

  it('retries once with a fresh token when the server rejects the CSRF token', async () => {
    let attempts = 0;
    const { fetch, calls } = fakeFetch((url) => {
      if (url === '/api/auth/csrf') return json(200, { csrf_token: 'new' });
      attempts += 1;
      return attempts === 1
        ? json(403, { error: { code: 'csrf_failed', message: 'CSRF token mismatch', details: null } })
        : json(201, { id: 1 });
    });
    const api = createApiClient({ fetch, readCookie: () => 'stale' });
    await expect(api.post('/api/tokens', { name: 'n', scopes: ['read'] })).resolves.toEqual({ id: 1 });
    expect(calls.map((c) => header(c, CSRF_HEADER) ?? '-')).toEqual(['stale', '-', 'new']);
  });

  it('does not retry other 403s', async () => {
    const { fetch, calls } = fakeFetch(() => json(403, { error: { code: 'forbidden', message: 'No', details: null } }));
    const api = createApiClient({ fetch, readCookie: () => 'tok' });
    await expect(api.post('/api/admin/penalties', {})).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    expect(calls).toHaveLength(1);
  });

  it('fails with csrf_unavailable when no token can be obtained', async () => {
    const { fetch } = fakeFetch(() => json(200, {}));
    const api = createApiClient({ fetch, readCookie: () => null });
    await expect(api.post('/api/x')).rejects.toMatchObject({ code: 'csrf_unavailable' });
  });
});

describe('errors', () => {
  it('turns the error envelope into an ApiError', async () => {
    const { fetch } = fakeFetch(() =>
      json(429, { error: { code: 'too_many_attempts', message: 'Slow down', details: { retry_after_seconds: 30 } } }),
    );
    const api = createApiClient({ fetch, readCookie: () => 't' });
    const err = await api.post('/api/auth/login', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 429,
      code: 'too_many_attempts',
      message: 'Slow down',
      details: { retry_after_seconds: 30 },
    });
  });

  it('exposes validation details per field', async () => {
    const details = [
      { loc: ['body', 'password'], msg: 'String should have at least 10 characters', type: 'string_too_short' },
      { loc: ['body', 'mobile'], msg: 'Invalid mobile', type: 'value_error' },
      { loc: ['body', 'password'], msg: 'second message', type: 'other' },
      { loc: ['body'], msg: 'email or mobile required', type: 'value_error' },
      { loc: ['query', 'cursor'], msg: 'bad cursor', type: 'value_error' },
    ];
    const { fetch } = fakeFetch(() =>
      json(422, { error: { code: 'validation_error', message: 'Invalid request', details } }),
    );
    const api = createApiClient({ fetch, readCookie: () => 't' });
    const err = (await api.post('/api/auth/register', {}).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(422);
    expect(err.validationIssues).toHaveLength(5);
    expect(err.fieldErrors()).toEqual({
      password: 'String should have at least 10 characters',
      mobile: 'Invalid mobile',
      body: 'email or mobile required',
      cursor: 'bad cursor',
    });
  });

  it('has no field errors for other error codes', () => {
    const e = new ApiError(401, 'invalid_credentials', 'Bad login', [{ loc: ['body', 'x'], msg: 'm', type: 't' }]);
    expect(e.validationIssues).toEqual([]);
    expect(e.fieldErrors()).toEqual({});
  });

  it('copes with non-JSON error bodies', async () => {
    const { fetch } = fakeFetch(
      () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/html' } }),
    );
    const api = createApiClient({ fetch });
    await expect(api.get('/api/me')).rejects.toMatchObject({ status: 502, code: 'http_502', message: 'Bad Gateway' });
  });

  it('reports network failures as status 0', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof globalThis.fetch;
    const api = createApiClient({ fetch });
    await expect(api.get('/api/me')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('notifies error listeners', async () => {
    const { fetch } = fakeFetch(() => json(401, { error: { code: 'unauthenticated', message: 'Login', details: null } }));
    const api = createApiClient({ fetch });
    const seen: string[] = [];
    const off = api.onError((e, method, path) => seen.push(`${e.code} ${method} ${path}`));
    await api.get('/api/tokens').catch(() => undefined);
    off();
    await api.get('/api/tokens').catch(() => undefined);
    expect(seen).toEqual(['unauthenticated GET /api/tokens']);
  });
});

describe('responses and URLs', () => {
  it('returns undefined for 204', async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 204 }));
    const api = createApiClient({ fetch, readCookie: () => 't' });
    await expect(api.post('/api/auth/logout')).resolves.toBeUndefined();
  });

  it('passes the cursor and filters, leaving out empty values', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { items: [{ id: 1 }], next_cursor: 'c2' }));
    const api = createApiClient({ fetch });
    const page = await api.getPage<{ id: number }>('/api/admin/organisations', 'c1', {
      verification_status: 'pending',
      kind: undefined,
    });
    expect(page).toEqual({ items: [{ id: 1 }], next_cursor: 'c2' });
    expect(calls[0]!.url).toBe('/api/admin/organisations?verification_status=pending&cursor=c1');
    await api.getPage('/api/tokens', null);
    expect(calls[1]!.url).toBe('/api/tokens');
  });

  it('builds URLs with an existing query string', () => {
    expect(buildUrl('', '/a?x=1', { y: 'a b', z: null })).toBe('/a?x=1&y=a+b');
    expect(buildUrl('http://h', '/a')).toBe('http://h/a');
  });

  it('reads cookies', () => {
    expect(readCookieFrom('a=1; mp_csrf=abc%3D; b=2', 'mp_csrf')).toBe('abc=');
    expect(readCookieFrom('xmp_csrf=1', 'mp_csrf')).toBeNull();
    expect(readCookieFrom('', 'mp_csrf')).toBeNull();
  });
});

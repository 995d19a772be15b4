import { afterEach, describe, expect, it, vi } from 'vitest';
import { getSession, refreshSession, setSessionUser } from './session';
import type { Me } from '../types/api';

const me = { id: 7, display_name: 'Wang Wu', organisations: [] } as unknown as Me;

describe('the session store', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setSessionUser(null);
  });

  it('keeps a sign-in made while an earlier GET /api/me was in flight (its 401 answers for the old cookie)', async () => {
    let answer: (r: Response) => void = () => undefined;
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>((resolve) => (answer = resolve))));
    const boot = refreshSession(); // sent before the registration's confirmation set the cookie
    setSessionUser(me); // the confirmation signed the new user in
    answer(new Response(JSON.stringify({ error: { code: 'unauthenticated', message: 'no' } }), { status: 401, headers: { 'content-type': 'application/json' } }));
    await boot;
    expect(getSession()).toEqual({ status: 'authenticated', me });
  });

  it('still takes the answer when nothing changed meanwhile', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'unauthenticated', message: 'no' } }), { status: 401, headers: { 'content-type': 'application/json' } })));
    setSessionUser(me);
    await refreshSession();
    expect(getSession().status).toBe('anonymous');
  });
});

/**
 * The signed-in user, shared by the whole app. A tiny external store read via
 * `useSyncExternalStore`; features update it after login / logout / org changes.
 */
import { useSyncExternalStore } from 'react';
import { api, isApiError } from './api-client';
import type { Me } from '../types/api';

export type SessionState =
  | { status: 'loading'; me: null }
  | { status: 'anonymous'; me: null }
  | { status: 'authenticated'; me: Me };

let state: SessionState = { status: 'loading', me: null };
const listeners = new Set<() => void>();

function emit(next: SessionState): void {
  state = next;
  listeners.forEach((l) => l());
}

export function getSession(): SessionState {
  return state;
}

// Bumped by every explicit change of the user (login, confirmation, logout): a `GET /api/me` sent before it
// answers for the cookie it was sent with, so its answer must not undo the change (a boot-time 401 arriving after
// the registration's confirmation signed the new user out again).
let generation = 0;

/** Sets (or clears, with null) the current user. */
export function setSessionUser(me: Me | null): void {
  generation += 1;
  apply(me);
}

function apply(me: Me | null): void {
  emit(me ? { status: 'authenticated', me } : { status: 'anonymous', me: null });
}

let inflight: Promise<Me | null> | null = null;

/** Reloads `GET /api/me`; a 401 means "not signed in". */
export function refreshSession(): Promise<Me | null> {
  if (!inflight) {
    const sent = generation;
    const stale = () => generation !== sent; // the user changed while this was in flight: keep the change
    inflight = api
      .get<Me>('/api/me')
      .then(
        (me) => {
          if (stale()) return state.me;
          apply(me);
          return me;
        },
        (e: unknown) => {
          if (stale()) return state.me;
          if (isApiError(e) && e.status === 401) {
            apply(null);
            return null;
          }
          // Network trouble etc.: keep whatever we knew, but leave "loading".
          if (state.status === 'loading') apply(null);
          throw e;
        },
      )
      .finally(() => {
        inflight = null;
      });
  }
  return inflight;
}

// Any API call answered with 401 `unauthenticated` means the session is gone
// (expired, or revoked by a password change elsewhere).
api.onError((e, _method, path) => {
  if (e.status === 401 && e.code === 'unauthenticated' && path !== '/api/me' && state.status === 'authenticated') {
    setSessionUser(null);
  }
});

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, getSession, getSession);
}

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

/** Sets (or clears, with null) the current user. */
export function setSessionUser(me: Me | null): void {
  emit(me ? { status: 'authenticated', me } : { status: 'anonymous', me: null });
}

let inflight: Promise<Me | null> | null = null;

/** Reloads `GET /api/me`; a 401 means "not signed in". */
export function refreshSession(): Promise<Me | null> {
  if (!inflight) {
    inflight = api
      .get<Me>('/api/me')
      .then(
        (me) => {
          setSessionUser(me);
          return me;
        },
        (e: unknown) => {
          if (isApiError(e) && e.status === 401) {
            setSessionUser(null);
            return null;
          }
          // Network trouble etc.: keep whatever we knew, but leave "loading".
          if (state.status === 'loading') setSessionUser(null);
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

import { useCallback, useRef, useState } from 'react';

export type MutationResult<R> = { ok: true; value: R } | { ok: false };

export interface Mutation<A extends unknown[], R> {
  /** Runs the action; never rejects (the error lands in `error`). */
  run: (...args: A) => Promise<MutationResult<R>>;
  pending: boolean;
  error: unknown;
  reset: () => void;
}

/**
 * Wraps an async action for a form: tracks `pending` and keeps the thrown
 * error (instead of rethrowing) so the form can render it.
 */
export function useMutation<A extends unknown[], R>(action: (...args: A) => Promise<R>): Mutation<A, R> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const actionRef = useRef(action);
  actionRef.current = action;

  const run = useCallback(async (...args: A): Promise<MutationResult<R>> => {
    setPending(true);
    setError(null);
    try {
      return { ok: true, value: await actionRef.current(...args) };
    } catch (e) {
      setError(e);
      return { ok: false };
    } finally {
      setPending(false);
    }
  }, []);

  return { run, pending, error, reset: useCallback(() => setError(null), []) };
}

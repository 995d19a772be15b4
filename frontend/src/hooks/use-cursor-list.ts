import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../lib/api-client';

export interface CursorList<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
  /** Local edits (e.g. after creating or updating an item). */
  setItems: React.Dispatch<React.SetStateAction<T[]>>;
}

/**
 * Loads the first page of a cursor-paginated list and appends further pages on
 * `loadMore`. Reloads from the start whenever `deps` change.
 */
export function useCursorList<T>(
  fetchPage: (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>,
  deps: React.DependencyList,
): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const controller = useRef<AbortController | null>(null);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = useCallback((from: string | null, append: boolean) => {
    controller.current?.abort();
    const ac = new AbortController();
    controller.current = ac;
    setLoading(true);
    setError(null);
    fetchRef.current(from, ac.signal).then(
      (page) => {
        if (ac.signal.aborted) return;
        setItems((prev) => (append ? [...prev, ...page.items] : page.items));
        setCursor(page.next_cursor);
        setLoading(false);
      },
      (e: unknown) => {
        if (ac.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    load(null, false);
    return () => controller.current?.abort();
  }, [...deps, generation, load]);

  return {
    items,
    loading,
    error,
    hasMore: cursor !== null,
    loadMore: () => {
      if (cursor !== null && !loading) load(cursor, true);
    },
    reload: () => setGeneration((g) => g + 1),
    setItems,
  };
}

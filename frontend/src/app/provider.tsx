import { useEffect, type ReactNode } from 'react';
import { ErrorBoundary } from '../components/feedback';
import { refreshSession } from '../lib/session';

/** App-wide setup: error boundary and loading the signed-in user once. */
export function AppProvider({ children }: { children: ReactNode }) {
  useEffect(() => {
    refreshSession().catch(() => undefined);
  }, []);
  return <ErrorBoundary>{children}</ErrorBoundary>;
}

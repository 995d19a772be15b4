import { Component, type ErrorInfo, type ReactNode } from 'react';
import { errorMessage } from '../lib/errors';
import { translate, messages, getLocale, useI18n } from '../lib/i18n';

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </p>
  );
}

/** A failed load, with an optional retry button. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const i18n = useI18n();
  return (
    <div className="alert alert-error" role="alert">
      <p>{errorMessage(error, i18n)}</p>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {i18n.t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function LoadMore({ hasMore, loading, onClick }: { hasMore: boolean; loading: boolean; onClick: () => void }) {
  const { t } = useI18n();
  if (!hasMore) return null;
  return (
    <div className="load-more">
      <button type="button" className="btn btn-secondary" onClick={onClick} disabled={loading}>
        {loading ? t('common.loading') : t('common.loadMore')}
      </button>
    </div>
  );
}

export function Notice({ children, tone = 'success' }: { children: ReactNode; tone?: 'success' | 'info' | 'warning' }) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}

interface BoundaryState {
  error: Error | null;
}

/** Last line of defence: a render error shows a message instead of a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, BoundaryState> {
  state: BoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): BoundaryState {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Unhandled UI error', error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    const t = (k: 'error.crash' | 'common.reload') => translate(messages, getLocale(), k);
    return (
      <div className="page narrow">
        <div className="alert alert-error" role="alert">
          <p>{t('error.crash')}</p>
          <pre className="small">{this.state.error.message}</pre>
          <button type="button" className="btn" onClick={() => window.location.reload()}>
            {t('common.reload')}
          </button>
        </div>
      </div>
    );
  }
}

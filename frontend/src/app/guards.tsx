import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Loading } from '../components/feedback';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';

function useLoginRedirect(): string {
  const location = useLocation();
  return `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
}

/** Renders children for signed-in users; sends others to /login?next=… */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const login = useLoginRedirect();
  if (session.status === 'loading') return <Loading />;
  if (session.status === 'anonymous') return <Navigate to={login} replace />;
  return <>{children}</>;
}

/** Like RequireAuth, and the user must be a platform admin. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const session = useSession();
  const login = useLoginRedirect();
  const { t } = useI18n();
  if (session.status === 'loading') return <Loading />;
  if (session.status === 'anonymous') return <Navigate to={login} replace />;
  if (!session.me.is_platform_admin) {
    return (
      <div className="page narrow">
        <h1>{t('error.forbiddenTitle')}</h1>
        <div className="alert alert-error" role="alert">
          {t('error.forbidden')}
        </div>
      </div>
    );
  }
  return <>{children}</>;
}

/** Only a path on this site (no scheme, no protocol-relative "//host"). */
export function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : null;
}

import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { LoginForm } from '../../features/auth/components/LoginForm';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';
import { useSession } from '../../lib/session';
import { safeNext } from '../guards';

export function LoginRoute() {
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next')) ?? '/account';
  useDocumentTitle(t('auth.signInTitle'));

  if (session.status === 'authenticated') return <Navigate to={next} replace />;
  return (
    <div className="page narrow">
      <div className="card auth-card">
        <h1>{t('auth.signInTitle')}</h1>
        <LoginForm onSuccess={() => navigate(next, { replace: true })} />
        <p className="muted">
          {t('auth.noAccount')} <Link to="/register">{t('auth.registerLink')}</Link>
        </p>
      </div>
    </div>
  );
}

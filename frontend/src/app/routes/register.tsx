import { Link, Navigate, useNavigate } from 'react-router';
import { RegisterForm } from '../../features/auth/components/RegisterForm';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';
import { useSession } from '../../lib/session';

export function RegisterRoute() {
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  useDocumentTitle(t('auth.registerTitle'));

  if (session.status === 'authenticated') return <Navigate to="/account" replace />;
  return (
    <div className="page narrow">
      <div className="card auth-card">
        <h1>{t('auth.registerTitle')}</h1>
        <RegisterForm onSuccess={() => navigate('/account', { replace: true })} />
        <p className="muted">
          {t('auth.haveAccount')} <Link to="/login">{t('auth.loginLink')}</Link>
        </p>
      </div>
    </div>
  );
}

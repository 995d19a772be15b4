import { useState } from 'react';
import { Link, Navigate } from 'react-router';
import { Notice } from '../../components/feedback';
import { RegisterForm } from '../../features/auth/components/RegisterForm';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';
import { useSession } from '../../lib/session';

export function RegisterRoute() {
  const { t } = useI18n();
  const session = useSession();
  const [sentTo, setSentTo] = useState<string | null>(null);
  useDocumentTitle(t('auth.registerTitle'));

  if (session.status === 'authenticated') return <Navigate to="/account" replace />;
  return (
    <div className="page narrow">
      <div className="card auth-card">
        <h1>{sentTo ? t('register.sentTitle') : t('auth.registerTitle')}</h1>
        {sentTo ? (
          <Notice tone="info">{t('register.sent', { address: sentTo })}</Notice>
        ) : (
          <RegisterForm onSent={setSentTo} />
        )}
        <p className="muted">
          {t('auth.haveAccount')} <Link to="/login">{t('auth.loginLink')}</Link>
        </p>
      </div>
    </div>
  );
}

import { useCallback, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { Notice } from '../../components/feedback';
import { ConfirmContact } from '../../features/account/components/ConfirmContact';
import { ConfirmRegistration } from '../../features/auth/components/ConfirmRegistration';
import { ForgotPasswordForm, ResetPasswordForm } from '../../features/auth/components/RecoveryForms';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';
import { tokenFromHash } from '../../lib/links';

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  useDocumentTitle(title);
  return (
    <div className="page narrow">
      <div className="card auth-card">
        <h1>{title}</h1>
        {children}
      </div>
    </div>
  );
}

export function ConfirmRegistrationRoute() {
  const { t } = useI18n();
  const { hash } = useLocation();
  const navigate = useNavigate();
  const done = useCallback(() => navigate('/account', { replace: true }), [navigate]);
  return (
    <Card title={t('register.confirmTitle')}>
      <ConfirmRegistration token={tokenFromHash(hash)} onDone={done} />
    </Card>
  );
}

export function ForgotPasswordRoute() {
  const { t } = useI18n();
  return (
    <Card title={t('forgot.title')}>
      <ForgotPasswordForm />
      <p className="muted">
        <Link to="/login">{t('auth.loginLink')}</Link>
      </p>
    </Card>
  );
}

export function ResetPasswordRoute() {
  const { t } = useI18n();
  const { hash } = useLocation();
  const token = tokenFromHash(hash);
  const [done, setDone] = useState(false);
  return (
    <Card title={t('reset.title')}>
      {!token ? (
        <p className="alert alert-error">{t('register.noToken')}</p>
      ) : done ? (
        <>
          <Notice>{t('reset.done')}</Notice>
          <p>
            <Link to="/login">{t('auth.loginLink')}</Link>
          </p>
        </>
      ) : (
        <ResetPasswordForm token={token} onDone={() => setDone(true)} />
      )}
    </Card>
  );
}

export function ConfirmContactRoute() {
  const { t } = useI18n();
  const { hash } = useLocation();
  return (
    <Card title={t('contact.confirmTitle')}>
      <ConfirmContact token={tokenFromHash(hash)} />
    </Card>
  );
}

import { Link, useLocation } from 'react-router';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';

export function NotFoundRoute() {
  const { t } = useI18n();
  const location = useLocation();
  useDocumentTitle(t('notFound.title'));
  return (
    <div className="page narrow not-found" data-testid="not-found">
      <p className="big-code" aria-hidden="true">
        404
      </p>
      <h1>{t('notFound.title')}</h1>
      <p className="muted">
        {t('notFound.body')} <code>{location.pathname}</code>
      </p>
      <Link to="/" className="btn btn-primary">
        {t('notFound.home')}
      </Link>
    </div>
  );
}

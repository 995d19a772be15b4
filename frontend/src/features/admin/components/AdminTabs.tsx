import { NavLink } from 'react-router';
import { useI18n } from '../../../lib/i18n';

export function AdminTabs() {
  const { t } = useI18n();
  return (
    <nav className="tabs admin-tabs" aria-label={t('admin.sections')}>
      <NavLink to="/admin/verification">{t('admin.verification')}</NavLink>
      <NavLink to="/admin/audit">{t('admin.audit')}</NavLink>
      <NavLink to="/admin/export/filings" data-testid="nav-admin-filings">
        {t('admin.filings')}
      </NavLink>
      <NavLink to="/admin/export/rules" data-testid="nav-admin-rules">
        {t('admin.rules')}
      </NavLink>
    </nav>
  );
}

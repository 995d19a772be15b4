import { AdminTabs } from '../../features/admin/components/AdminTabs';
import { VerificationPage } from '../../features/admin/components/VerificationPage';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';

export default function AdminVerificationRoute() {
  const { t } = useI18n();
  useDocumentTitle(t('admin.verification'));
  return (
    <div className="page wide">
      <h1>{t('admin.verification')}</h1>
      <AdminTabs />
      <VerificationPage />
    </div>
  );
}

import { AdminTabs } from '../../features/admin/components/AdminTabs';
import { AuditLog } from '../../features/admin/components/AuditLog';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';

export default function AdminAuditRoute() {
  const { t } = useI18n();
  useDocumentTitle(t('admin.audit'));
  return (
    <div className="page wide">
      <h1>{t('admin.audit')}</h1>
      <AdminTabs />
      <AuditLog />
    </div>
  );
}

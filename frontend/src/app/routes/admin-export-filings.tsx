import { AdminTabs } from '../../features/admin/components/AdminTabs';
import { FilingsPage } from '../../features/admin/export/FilingsPage';
import '../../features/admin/export/staff-export.css';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';

export default function AdminExportFilingsRoute() {
  const { t } = useI18n();
  useDocumentTitle(t('admin.filings'));
  return (
    <div className="page wide">
      <h1>{t('admin.filings')}</h1>
      <AdminTabs />
      <FilingsPage />
    </div>
  );
}

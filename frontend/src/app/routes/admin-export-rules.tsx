import { AdminTabs } from '../../features/admin/components/AdminTabs';
import { RulesPage } from '../../features/admin/export/RulesPage';
import '../../features/admin/export/staff-export.css';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';

export default function AdminExportRulesRoute() {
  const { t } = useI18n();
  useDocumentTitle(t('admin.rules'));
  return (
    <div className="page wide">
      <h1>{t('admin.rules')}</h1>
      <AdminTabs />
      <RulesPage />
    </div>
  );
}

import { ApiReference } from '../../features/apidocs/components/ApiReference';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';

export default function DocsRoute() {
  const { t } = useI18n();
  useDocumentTitle(t('docs.title'));
  return (
    <div className="page wide">
      <h1>{t('docs.title')}</h1>
      <ApiReference />
    </div>
  );
}

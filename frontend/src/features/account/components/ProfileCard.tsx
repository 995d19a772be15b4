import { useI18n } from '../../../lib/i18n';
import type { Me } from '../../../types/api';

export function ProfileCard({ me }: { me: Me }) {
  const { t } = useI18n();
  return (
    <dl className="kv">
      <dt>{t('profile.displayName')}</dt>
      <dd data-testid="me-display-name">{me.display_name}</dd>
      <dt>{t('auth.email')}</dt>
      <dd>{me.email ?? '—'}</dd>
      <dt>{t('auth.mobile')}</dt>
      <dd>{me.mobile ?? '—'}</dd>
      <dt>{t('profile.userId')}</dt>
      <dd>
        <code>{me.id}</code>
      </dd>
      {me.is_platform_admin && (
        <>
          <dt>{t('profile.access')}</dt>
          <dd>
            <span className="badge badge-role">{t('role.platform_admin')}</span>
          </dd>
        </>
      )}
    </dl>
  );
}

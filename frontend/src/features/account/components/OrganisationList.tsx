import { KindBadge, RoleBadges, StatusBadge } from '../../../components/badges';
import { Empty } from '../../../components/feedback';
import { useI18n } from '../../../lib/i18n';
import { ORG_ADMIN_ROLES, type Me } from '../../../types/api';
import { OrgAdminPanel } from './OrgAdminPanel';

/** My organisations; those I administer get the management panel. */
export function OrganisationList({ me }: { me: Me }) {
  const { t } = useI18n();
  if (me.organisations.length === 0) return <Empty>{t('orgs.none')}</Empty>;
  return (
    <ul className="org-list">
      {me.organisations.map((org) => {
        const isAdmin = org.roles.some((r) => ORG_ADMIN_ROLES.includes(r));
        return (
          <li key={org.id} className="card org-card" data-testid={`org-row-${org.id}`}>
            <div className="org-head">
              <h3>{org.name}</h3>
              <div className="badge-list">
                <KindBadge kind={org.kind} />
                <StatusBadge status={org.verification_status} testId={`org-status-${org.id}`} />
              </div>
            </div>
            <p className="muted small">
              {t('orgs.myRoles')}: <RoleBadges roles={org.roles} />
            </p>
            {org.verification_status === 'pending' && <p className="muted small">{t('orgs.pendingNote')}</p>}
            {isAdmin && <OrgAdminPanel org={org} />}
          </li>
        );
      })}
    </ul>
  );
}

import { useState } from 'react';
import { KindBadge, RoleBadges, StatusBadge } from '../../../components/badges';
import { Empty } from '../../../components/feedback';
import { errorMessage } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { refreshSession } from '../../../lib/session';
import { ORG_ADMIN_ROLES, type Me } from '../../../types/api';
import { removeMember } from '../api/organisations';
import { OrgAdminPanel } from './OrgAdminPanel';

/** My organisations; those I administer get the management panel. */
export function OrganisationList({ me }: { me: Me }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [leaveError, setLeaveError] = useState<{ orgId: number; error: unknown } | null>(null);

  async function leave(orgId: number, name: string) {
    if (!window.confirm(t('members.confirmLeave', { name }))) return;
    setLeaveError(null);
    try {
      await removeMember(orgId, me.id);
      await refreshSession();
    } catch (error) {
      setLeaveError({ orgId, error });
    }
  }

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
            <div className="row-actions">
              <button type="button" className="btn btn-small btn-danger-outline" onClick={() => leave(org.id, org.name)}>
                {t('members.leave')}
              </button>
            </div>
            {leaveError?.orgId === org.id ? (
              <p className="alert alert-error">{errorMessage(leaveError.error, i18n)}</p>
            ) : null}
            {isAdmin && <OrgAdminPanel org={org} />}
          </li>
        );
      })}
    </ul>
  );
}

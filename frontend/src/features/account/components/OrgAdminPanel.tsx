import { useEffect, useState } from 'react';
import { LoadError } from '../../../components/feedback';
import { useI18n } from '../../../lib/i18n';
import { formatDateTime } from '../../../lib/format';
import { useCursorList } from '../../../hooks/use-cursor-list';
import type { MeOrganisation, Organisation } from '../../../types/api';
import { getOrganisation, listMembers } from '../api/organisations';
import { CertificatesSection } from './CertificatesSection';
import { MembersSection } from './MembersSection';
import { PenaltiesSection } from './PenaltiesSection';

/** Management of one organisation I administer: details, certificates, members, penalties. */
export function OrgAdminPanel({ org }: { org: MeOrganisation }) {
  const { t, locale } = useI18n();
  const [detail, setDetail] = useState<Organisation | null>(null);
  const [detailError, setDetailError] = useState<unknown>(null);
  const members = useCursorList((cursor, signal) => listMembers(org.id, cursor, signal), [org.id]);

  useEffect(() => {
    const ac = new AbortController();
    getOrganisation(org.id, ac.signal).then(setDetail, (e: unknown) => {
      if (!ac.signal.aborted) setDetailError(e);
    });
    return () => ac.abort();
  }, [org.id]);

  return (
    <div className="org-admin">
      {detailError ? <LoadError error={detailError} /> : null}
      {detail && (
        <dl className="kv kv-inline small">
          <dt>{t('orgs.licenceNo')}</dt>
          <dd>
            <code>{detail.business_licence_no}</code>
          </dd>
          <dt>{t('orgs.penaltyPoints')}</dt>
          <dd>{detail.penalty_points}</dd>
          <dt>{t('orgs.createdAt')}</dt>
          <dd>{formatDateTime(detail.created_at, locale)}</dd>
          <dt>{t('orgs.verifiedAt')}</dt>
          <dd>{formatDateTime(detail.verified_at, locale)}</dd>
        </dl>
      )}
      <CertificatesSection orgId={org.id} members={members.items} />
      <MembersSection org={org} members={members} />
      <PenaltiesSection orgId={org.id} />
    </div>
  );
}

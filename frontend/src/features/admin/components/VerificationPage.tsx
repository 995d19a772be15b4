import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { KindBadge, StatusBadge } from '../../../components/badges';
import { Empty, LoadError, LoadMore, Loading } from '../../../components/feedback';
import { SelectField } from '../../../components/form';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { ORG_KINDS, VERIFICATION_STATUSES, type Organisation } from '../../../types/api';
import { getOrganisation, listOrganisations, setOrganisationVerification } from '../api/admin';
import { ActionButtons, type OpenAction } from './ActionButtons';
import { OrgCertificates } from './OrgCertificates';
import { PenaltyForm } from './PenaltyForm';
import { ReasonForm } from './ReasonForm';

const COLUMNS = 8;

/** Platform admin: review organisations and their agent certificates. */
export function VerificationPage() {
  const { t, tDynamic, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'pending';
  const kind = params.get('kind') ?? '';
  const list = useCursorList(
    (cursor, signal) =>
      listOrganisations({ verification_status: status === 'all' ? undefined : status, kind: kind || undefined }, cursor, signal),
    [status, kind],
  );
  const [open, setOpen] = useState<OpenAction | null>(null);

  function setFilter(name: 'status' | 'kind', value: string) {
    const next = new URLSearchParams(params);
    next.set(name, value);
    setParams(next, { replace: true });
    setOpen(null);
  }

  function replaceOrg(org: Organisation) {
    list.setItems((items) => items.map((o) => (o.id === org.id ? org : o)));
  }

  return (
    <div>
      <div className="filters">
        <SelectField
          label={t('admin.filterStatus')}
          name="status"
          value={status}
          onChange={(e) => setFilter('status', e.target.value)}
          options={[
            ...VERIFICATION_STATUSES.map((s) => ({ value: s, label: tDynamic(`status.${s}`, s) })),
            { value: 'all', label: t('common.all') },
          ]}
        />
        <SelectField
          label={t('admin.filterKind')}
          name="kind"
          value={kind}
          onChange={(e) => setFilter('kind', e.target.value)}
          options={[
            { value: '', label: t('common.all') },
            ...ORG_KINDS.map((k) => ({ value: k, label: tDynamic(`kind.${k}`, k) })),
          ]}
        />
        <button type="button" className="btn btn-secondary" onClick={list.reload}>
          {t('common.refresh')}
        </button>
      </div>

      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      {list.loading && list.items.length === 0 ? (
        <Loading />
      ) : list.items.length === 0 && !list.error ? (
        <Empty>{t('admin.noOrganisations')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">{t('orgs.name')}</th>
                <th scope="col">{t('orgs.kind')}</th>
                <th scope="col">{t('orgs.licenceNo')}</th>
                <th scope="col">{t('orgs.penaltyPoints')}</th>
                <th scope="col">{t('orgs.createdAt')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            {list.items.map((org) => {
              const orgOpen = open?.target === 'org' && open.id === org.id ? open : null;
              return (
                <tbody key={org.id} className="org-group">
                  <tr data-testid={`org-row-${org.id}`}>
                    <td className="num">{org.id}</td>
                    <td>
                      <strong>{org.name}</strong>
                    </td>
                    <td>
                      <KindBadge kind={org.kind} />
                    </td>
                    <td>
                      <code>{org.business_licence_no}</code>
                    </td>
                    <td className="num">{org.penalty_points}</td>
                    <td className="small">{formatDateTime(org.created_at, locale)}</td>
                    <td>
                      <StatusBadge status={org.verification_status} testId={`org-status-${org.id}`} />
                    </td>
                    <td>
                      <ActionButtons
                        status={org.verification_status}
                        testIdPrefix=""
                        id={org.id}
                        target="org"
                        open={open}
                        setOpen={setOpen}
                      />
                      <button
                        type="button"
                        className="btn btn-small btn-ghost"
                        data-testid={`penalty-btn-${org.id}`}
                        aria-pressed={open?.target === 'penalty' && open.id === org.id}
                        onClick={() => setOpen({ target: 'penalty', id: org.id, action: 'suspend' })}
                      >
                        {t('admin.penalty')}
                      </button>
                    </td>
                  </tr>
                  {orgOpen && (
                    <tr className="action-row">
                      <td colSpan={COLUMNS}>
                        <ReasonForm
                          key={`org-${org.id}-${orgOpen.action}`}
                          action={orgOpen.action}
                          subject={org.name}
                          onSubmit={async (reason) =>
                            replaceOrg(await setOrganisationVerification(org.id, { action: orgOpen.action, reason }))
                          }
                          onClose={() => setOpen(null)}
                        />
                      </td>
                    </tr>
                  )}
                  {open?.target === 'penalty' && open.id === org.id && (
                    <tr className="action-row">
                      <td colSpan={COLUMNS}>
                        <PenaltyForm
                          org={org}
                          onDone={async () => {
                            replaceOrg(await getOrganisation(org.id).catch(() => org));
                          }}
                          onClose={() => setOpen(null)}
                        />
                      </td>
                    </tr>
                  )}
                  <tr className="cert-row">
                    <td colSpan={COLUMNS}>
                      <OrgCertificates orgId={org.id} open={open} setOpen={setOpen} />
                    </td>
                  </tr>
                </tbody>
              );
            })}
          </table>
        </div>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </div>
  );
}

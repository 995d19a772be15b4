import type { ReactNode } from 'react';
import { StatusBadge } from '../../../components/badges';
import { LoadError, LoadMore } from '../../../components/feedback';
import { formatDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useCursorList } from '../../../hooks/use-cursor-list';
import type { Certificate } from '../../../types/api';
import { listOrganisationCertificates, setCertificateVerification } from '../api/admin';
import { ActionButtons, type OpenAction } from './ActionButtons';
import { ReasonForm } from './ReasonForm';

interface Props {
  orgId: number;
  open: OpenAction | null;
  setOpen: (open: OpenAction | null) => void;
}

/** The agent certificates of one organisation, each with its own verification buttons. */
export function OrgCertificates({ orgId, open, setOpen }: Props) {
  const { t } = useI18n();
  const list = useCursorList((cursor, signal) => listOrganisationCertificates(orgId, cursor, signal), [orgId]);

  function replace(cert: Certificate) {
    list.setItems((items) => items.map((c) => (c.id === cert.id ? cert : c)));
  }

  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />;
  if (list.loading && list.items.length === 0) return <p className="muted small">{t('common.loading')}</p>;
  if (list.items.length === 0) return <p className="muted small">{t('certs.none')}</p>;

  return (
    <div className="cert-block">
      <p className="cert-block-title">{t('certs.title')}</p>
      <table className="sub-table">
        <thead>
          <tr>
            <th scope="col">{t('certs.holder')}</th>
            <th scope="col">{t('certs.number')}</th>
            <th scope="col">{t('certs.validity')}</th>
            <th scope="col">{t('common.status')}</th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((c) => {
            const certOpen = open?.target === 'cert' && open.id === c.id ? open : null;
            return (
              <CertRows
                key={c.id}
                cert={c}
                actions={
                  <ActionButtons status={c.status} target="cert" id={c.id} testIdPrefix="cert-" open={open} setOpen={setOpen} />
                }
                form={
                  certOpen && (
                    <ReasonForm
                      key={`cert-${c.id}-${certOpen.action}`}
                      action={certOpen.action}
                      subject={`${c.holder_name} · ${c.certificate_no}`}
                      onSubmit={async (reason) =>
                        replace(await setCertificateVerification(c.id, { action: certOpen.action, reason }))
                      }
                      onClose={() => setOpen(null)}
                    />
                  )
                }
              />
            );
          })}
        </tbody>
      </table>
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </div>
  );
}

function CertRows({ cert, actions, form }: { cert: Certificate; actions: ReactNode; form: ReactNode }) {
  return (
    <>
      <tr data-testid={`cert-row-${cert.id}`}>
        <td>{cert.holder_name}</td>
        <td>
          <code>{cert.certificate_no}</code>
        </td>
        <td>
          {formatDate(cert.valid_from)} – {formatDate(cert.valid_until)}
        </td>
        <td>
          <StatusBadge status={cert.status} testId={`cert-status-${cert.id}`} />
        </td>
        <td>{actions}</td>
      </tr>
      {form && (
        <tr className="action-row">
          <td colSpan={5}>{form}</td>
        </tr>
      )}
    </>
  );
}

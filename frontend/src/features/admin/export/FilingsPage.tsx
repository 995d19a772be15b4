import { useCallback, useEffect, useState } from 'react';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { decideFiling, staffFilings, type Filing, type FilingStatusFilter } from './api';

const STATUSES: FilingStatusFilter[] = ['pending', 'verified', 'suspended', 'cancelled'];

/** Staff: filings by status (pending first), each verified or rejected with a reason; the row updates at once. */
export function FilingsPage() {
  const { t, tDynamic } = useI18n();
  const [status, setStatus] = useState<FilingStatusFilter>('pending');
  const [items, setItems] = useState<Filing[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    setItems(null);
    setError(null);
    staffFilings(status).then(setItems, setError);
  }, [status]);
  useEffect(load, [load]);

  return (
    <section className="staff-export" data-testid="staff-filings">
      <nav className="tabs" aria-label={t('export.filing.status')}>
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className={`btn btn-small${s === status ? ' btn-primary' : ' btn-ghost'}`}
            aria-pressed={s === status}
            data-testid={`filings-status-${s}`}
            onClick={() => setStatus(s)}
          >
            {tDynamic(`export.filing.status.${s}`, s)}
          </button>
        ))}
      </nav>
      {error ? <LoadError error={error} onRetry={load} /> : null}
      {!error && items === null && <Loading />}
      {items && items.length === 0 && <Empty>{t('admin.filings.none')}</Empty>}
      {items && items.length > 0 && (
        <ul className="staff-cards">
          {items.map((f) => (
            <FilingCard key={f.id} filing={f} onChange={(n) => setItems(items.map((x) => (x.id === n.id ? n : x)))} />
          ))}
        </ul>
      )}
    </section>
  );
}

function FilingCard({ filing: f, onChange }: { filing: Filing; onChange: (f: Filing) => void }) {
  const { t, tDynamic } = useI18n();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const mutation = useMutation((action: 'verify' | 'cancel') => decideFiling(f.id, action, reason.trim()));

  async function decide(action: 'verify' | 'cancel') {
    if (action === 'cancel' && !reason.trim()) {
      setReasonError(t('admin.filings.reasonNeeded'));
      return;
    }
    setReasonError(null);
    const res = await mutation.run(action);
    if (res.ok) onChange(res.value);
  }

  return (
    <li className="card staff-card" data-testid={`filing-${f.id}`}>
      <h3>
        {f.filing_no} · {t('admin.filings.dealer', { id: String(f.exporter_org_id) })}
      </h3>
      <p>
        <span className={`badge status-${f.status}`} data-testid="filing-status">
          {tDynamic(`export.filing.status.${f.status}`, f.status)}
        </span>
      </p>
      <dl className="staff-facts">
        <dt>{t('export.filing.province')}</dt>
        <dd>{f.province}</dd>
        <dt>{t('export.filing.approvedOn')}</dt>
        <dd>{f.approved_on}</dd>
        <dt>{t('export.filing.validUntil')}</dt>
        <dd>{f.valid_until}</dd>
        <dt>{t('export.filing.customsCode')}</dt>
        <dd>{f.customs_code}</dd>
        <dt>{t('admin.filings.appraisers')}</dt>
        <dd>{f.appraisers.map((a) => [a.name, a.certificate_no].filter(Boolean).join(' ')).join('; ')}</dd>
        {f.renews_id !== null && (
          <>
            <dt>#</dt>
            <dd>{t('admin.filings.renews', { id: String(f.renews_id) })}</dd>
          </>
        )}
        {f.decision_reason && (
          <>
            <dt>{t('admin.filings.reason')}</dt>
            <dd>{f.decision_reason}</dd>
          </>
        )}
      </dl>
      {f.status === 'pending' && (
        <div className="staff-decision">
          <div className={`field${reasonError ? ' field-invalid' : ''}`}>
            <label htmlFor={`reason-${f.id}`}>{t('admin.filings.reason')}</label>
            <textarea
              id={`reason-${f.id}`}
              rows={2}
              maxLength={500}
              value={reason}
              data-testid="filing-reason"
              aria-invalid={reasonError ? true : undefined}
              onChange={(e) => setReason(e.target.value)}
            />
            {reasonError && <p className="field-error">{reasonError}</p>}
          </div>
          <FormError error={mutation.error} fields={[]} />
          <div className="row-actions">
            <button
              type="button"
              className="btn btn-small btn-primary"
              data-testid="filing-verify"
              disabled={mutation.pending}
              onClick={() => decide('verify')}
            >
              {t('admin.filings.verify')}
            </button>
            <button
              type="button"
              className="btn btn-small btn-danger"
              data-testid="filing-reject"
              disabled={mutation.pending}
              onClick={() => decide('cancel')}
            >
              {t('admin.filings.reject')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}

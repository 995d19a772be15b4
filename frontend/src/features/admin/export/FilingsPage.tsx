import { useCallback, useEffect, useState } from 'react';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { decideFiling, filingActions, filingPaperUrl, needsReason, staffFilings, type Filing, type FilingAction, type FilingStatusFilter } from './api';

const STATUSES: FilingStatusFilter[] = ['pending', 'verified', 'suspended', 'cancelled'];

/** Staff: filings by status (pending first) with the dealer's name and papers; each verified or rejected, a
 * verified one suspended (a reason), a suspended one reinstated; the row updates at once, its history below. */
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

const BUTTON: Record<FilingAction, { key: 'admin.filings.verify' | 'admin.filings.reject' | 'admin.filings.suspend' | 'admin.filings.reinstate'; cls: string }> = {
  verify: { key: 'admin.filings.verify', cls: 'btn-primary' },
  reinstate: { key: 'admin.filings.reinstate', cls: 'btn-primary' },
  suspend: { key: 'admin.filings.suspend', cls: 'btn-danger' },
  cancel: { key: 'admin.filings.reject', cls: 'btn-danger' },
};

export function FilingCard({ filing: f, onChange }: { filing: Filing; onChange: (f: Filing) => void }) {
  const { t, tDynamic, locale } = useI18n();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const mutation = useMutation((action: FilingAction) => decideFiling(f.id, action, reason.trim()));
  const actions = filingActions(f.status);

  async function decide(action: FilingAction) {
    if (needsReason(action) && !reason.trim()) {
      setReasonError(t(action === 'suspend' ? 'admin.filings.suspendNeedsReason' : 'admin.filings.reasonNeeded'));
      return;
    }
    setReasonError(null);
    const res = await mutation.run(action);
    if (res.ok) {
      setReason('');
      onChange(res.value);
    }
  }

  const papers = f.documents ?? [];
  const decisions = f.decisions ?? [];
  return (
    <li className="card staff-card" data-testid={`filing-${f.id}`}>
      <h3>
        {f.filing_no} ·{' '}
        <span data-testid="filing-dealer">
          {f.exporter_name
            ? t('admin.filings.dealerNamed', { name: f.exporter_name, id: String(f.exporter_org_id) })
            : t('admin.filings.dealer', { id: String(f.exporter_org_id) })}
        </span>
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
            <dd data-testid="filing-decision-reason">{f.decision_reason}</dd>
          </>
        )}
      </dl>
      <h4>{t('admin.filings.papers')}</h4>
      {papers.length === 0 ? (
        <p className="muted" data-testid="filing-papers-none">
          {t('admin.filings.papersNone')}
        </p>
      ) : (
        <ul className="staff-papers" data-testid="filing-papers">
          {papers.map((d) => (
            <li key={d.id} data-testid="filing-paper">
              {tDynamic(`export.doc.${d.doc_type}`, d.doc_type)} {d.number && <span className="mono">{d.number}</span>}{' '}
              <a href={filingPaperUrl(d.id)} download data-testid="filing-paper-download">
                {t('admin.filings.download')}
              </a>
            </li>
          ))}
        </ul>
      )}
      {decisions.length > 0 && (
        <>
          <h4>{t('admin.filings.history')}</h4>
          <ol className="staff-history" data-testid="filing-history">
            {decisions.map((d, i) => (
              <li key={i}>
                {t('admin.filings.historyEntry', {
                  action: tDynamic(`admin.filings.action.${d.action}`, d.action),
                  who: d.decided_by_name || `#${d.decided_by}`,
                  when: formatDateTime(d.decided_at, locale),
                })}
                {d.reason && <span className="muted"> — {d.reason}</span>}
              </li>
            ))}
          </ol>
        </>
      )}
      {actions.length > 0 && (
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
          {f.status === 'verified' && <p className="muted small">{t('admin.filings.suspendHint')}</p>}
          <FormError error={mutation.error} fields={[]} />
          <div className="row-actions">
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                className={`btn btn-small ${BUTTON[a].cls}`}
                data-testid={a === 'cancel' ? 'filing-reject' : `filing-${a}`}
                disabled={mutation.pending}
                onClick={() => decide(a)}
              >
                {t(BUTTON[a].key)}
              </button>
            ))}
          </div>
        </div>
      )}
    </li>
  );
}

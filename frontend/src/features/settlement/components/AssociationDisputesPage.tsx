import '../settlement.css';
import { useCallback, useEffect, useState } from 'react';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMoney } from '../../../hooks/use-money';
import { isApiError } from '../../../lib/api-client';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { associationDisputes, ruleDispute, type Dispute } from '../api/handover';
import { DecisionForm } from './DisputeDecision';
import { DisputeState, EvidencePhotos } from './DisputeEvidence';

const STEPS = ['opened', 'answered', 'escalated', 'ruled'] as const;

/** One escalated case: the buyer's complaint, its evidence, each step so far, and the ruling form while it is before
 * the association (its mediation, posted in the house's books as the house's answer would be). */
function Case({ dispute, onRuled }: { dispute: Dispute; onRuled: () => void }) {
  const { t, locale } = useI18n();
  const { yuan } = useMoney();
  return (
    <li className="card" data-testid="association-dispute">
      <h3>
        {t('settlement.disputes.title', { id: dispute.id, sale: dispute.sale_id })}{' '}
        <span className="badge">{t(`settlement.dispute.reason.${dispute.reason}`)}</span>
      </h3>
      <p className="small muted">{t('settlement.association.house', { house: dispute.house_org_id })}</p>
      <p>{dispute.description}</p>
      <DisputeState dispute={dispute} />
      {dispute.refunded_fen > 0 && <p className="small">{t('settlement.dispute.refunded', { amount: yuan(dispute.refunded_fen) })}</p>}
      <EvidencePhotos dispute={dispute} />
      {dispute.level === 'association' && dispute.status === 'open' && (
        <>
          <p className="small muted">{t('settlement.ruling.intro')}</p>
          <DecisionForm by="association" send={(x) => ruleDispute(dispute.id, x)} onDone={onRuled} />
        </>
      )}
      {dispute.history && dispute.history.length > 0 && (
        <>
          <h4>{t('settlement.association.history')}</h4>
          <ol className="small" data-testid="dispute-history">
            {dispute.history.map((step, i) => (
              <li key={i}>
                {formatDateTime(step.at, locale)} ·{' '}
                {(STEPS as readonly string[]).includes(step.action) ? t(`settlement.association.step.${step.action as (typeof STEPS)[number]}`) : step.action} ·{' '}
                {t(`settlement.dispute.level.${step.level as 'house' | 'association' | 'authorities'}`)}
                {step.note ? ` — ${step.note}` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
    </li>
  );
}

/** The association's staff: disputes escalated to it or beyond, of every house, with their evidence. */
export function AssociationDisputesPage() {
  const { t } = useI18n();
  useDocumentTitle(t('settlement.association.title'));
  const [items, setItems] = useState<Dispute[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [recorded, setRecorded] = useState(false);
  const load = useCallback(() => {
    setError(null);
    associationDisputes().then(setItems, setError);
  }, []);
  useEffect(load, [load]);
  return (
    <div className="page wide settlement">
      <h1>{t('settlement.association.title')}</h1>
      <p className="muted">{t('settlement.association.intro')}</p>
      {recorded && (
        <p className="alert alert-info" role="status" data-testid="ruling-recorded">
          {t('settlement.ruling.recorded')}
        </p>
      )}
      {error && isApiError(error) && error.status === 404 ? (
        <Empty>{t('settlement.association.notStaff')}</Empty>
      ) : error ? (
        <LoadError error={error} onRetry={load} />
      ) : !items ? (
        <Loading />
      ) : !items.length ? (
        <Empty>{t('settlement.association.none')}</Empty>
      ) : (
        <ul className="invoice-list" data-testid="association-disputes">
          {items.map((d) => (
            <Case
              key={d.id}
              dispute={d}
              onRuled={() => {
                setRecorded(true);
                load();
              }}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

import { useMoney } from '../../../hooks/use-money';
import { useI18n } from '../../../lib/i18n';
import { evidenceUrl, type Dispute } from '../api/handover';

/** The dispute's photos as thumbnails, each a link to the full photo (the house, the buyer, the association). */
export function EvidencePhotos({ dispute }: { dispute: Pick<Dispute, 'id' | 'evidence'> }) {
  const { t } = useI18n();
  if (!dispute.evidence.length) return <p className="small muted">{t('settlement.dispute.noPhotos')}</p>;
  return (
    <ul className="evidence" aria-label={t('settlement.dispute.photos')} data-testid="evidence">
      {dispute.evidence.map((photo, i) => (
        <li key={photo}>
          <a href={evidenceUrl(dispute.id, photo)} target="_blank" rel="noreferrer">
            <img src={evidenceUrl(dispute.id, photo)} alt={t('settlement.dispute.photo', { n: i + 1 })} loading="lazy" data-testid="evidence-photo" />
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Where the case stands: who handles it now, the latest answer, and the association's ruling once it ruled. */
export function DisputeState({ dispute }: { dispute: Dispute }) {
  const { t } = useI18n();
  const { yuan } = useMoney();
  const ruling = dispute.ruling;
  return (
    <>
      <p className="small" data-testid="dispute-state">
        <span className={`badge ${dispute.status === 'open' ? 'badge-warning' : ''}`}>{t(`settlement.dispute.status.${dispute.status}`)}</span>{' '}
        {t('settlement.dispute.level')}: <span data-testid="dispute-level">{t(`settlement.dispute.level.${dispute.level as 'house' | 'association' | 'authorities'}`)}</span>
        {dispute.answer && (
          <>
            {' · '}
            {t('settlement.dispute.answer', { answer: t(`settlement.disputes.answer.${dispute.answer as 'rejected' | 'price_adjustment' | 'unwind'}`) })}
            {dispute.answer_note && <> — {dispute.answer_note}</>}
          </>
        )}
      </p>
      {ruling && (
        <p className="small" data-testid="dispute-ruling">
          {t('settlement.ruling.shown', { ruling: t(`settlement.disputes.answer.${ruling.ruling}`) })}
          {ruling.refund_fen > 0 && <> · {t('settlement.ruling.refund', { amount: yuan(ruling.refund_fen) })}</>}
          {ruling.note && <> — {ruling.note}</>}
        </p>
      )}
    </>
  );
}

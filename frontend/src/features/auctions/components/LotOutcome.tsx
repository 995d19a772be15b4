import { useMoney } from '../../../hooks/use-money';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import type { LotView } from '../lib/lotState';
import { roomOutcome } from '../lib/outcome';

/**
 * When a lot closes, the person in the room is told what it means for them: they won (and what happens next:
 * pay the balance, the deposit counts toward it, collect the car), they lost (their deposit), or it went unsold.
 */
export function LotOutcome({ lot }: { lot: LotView }) {
  const { t } = useI18n();
  const { moneyExact } = useMoney();
  const outcome = roomOutcome(lot);
  if (!outcome) return null;
  const price = lot.price !== null ? moneyExact(lot.price) : '—';
  const cls = outcome === 'won' ? 'alert alert-success' : outcome === 'lost' || outcome === 'unsold' ? 'alert alert-warning' : 'alert';
  return (
    <section className={`lot-outcome ${cls}`} data-testid="lot-outcome" data-outcome={outcome} role="status">
      <h2>{t(`auctions.outcome.${outcome}.title` as MessageKey, { price, paddle: lot.leader ?? '—' })}</h2>
      {outcome === 'won' && (
        <ol className="next-steps">
          <li>{t('auctions.outcome.won.pay')}</li>
          <li>{t('auctions.outcome.won.deposit')}</li>
          <li>{t('auctions.outcome.won.collect')}</li>
        </ol>
      )}
      {(outcome === 'lost' || outcome === 'unsold') && <p>{t('auctions.outcome.deposit')}</p>}
      {outcome === 'won' && <p className="muted small">{t('auctions.outcome.settlementLater')}</p>}
    </section>
  );
}

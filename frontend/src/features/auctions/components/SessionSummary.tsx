import { useMoney } from '../../../hooks/use-money';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import type { AuctionSession } from '../api/auctions';
import { percentFromBp } from '../lib/outcome';

/** The session's phase as a badge: live, upcoming, ended (or draft). */
export function PhaseBadge({ session }: { session: Pick<AuctionSession, 'phase'> }) {
  const { t } = useI18n();
  const cls = session.phase === 'live' ? 'badge badge-success' : session.phase === 'upcoming' ? 'badge badge-info' : 'badge';
  return (
    <span className={cls} data-testid="session-phase" data-phase={session.phase}>
      {t(`auctions.phase.${session.phase}` as MessageKey)}
    </span>
  );
}

/** Sold, unsold, turnover and sell-through rate; shown once some lot has closed. */
export function SessionResults({ session }: { session: AuctionSession }) {
  const { t } = useI18n();
  const { money } = useMoney();
  const r = session.results;
  if (!r || (session.phase !== 'ended' && r.sold + r.unsold + r.pending === 0)) return null;
  return (
    <dl className="session-results" data-testid="session-results">
      <div>
        <dt>{t('auctions.results.sold')}</dt>
        <dd data-testid="results-sold">
          {r.sold} / {r.lots}
        </dd>
      </div>
      <div>
        <dt>{t('auctions.results.unsold')}</dt>
        <dd>{r.unsold}</dd>
      </div>
      {r.pending > 0 && (
        <div>
          <dt>{t('auctions.results.pending')}</dt>
          <dd>{r.pending}</dd>
        </div>
      )}
      <div>
        <dt>{t('auctions.results.turnover')}</dt>
        <dd data-testid="results-turnover">{money(r.turnover)}</dd>
      </div>
      <div>
        <dt>{t('auctions.results.rate')}</dt>
        <dd data-testid="results-rate">{percentFromBp(r.sell_through_bp)}</dd>
      </div>
    </dl>
  );
}

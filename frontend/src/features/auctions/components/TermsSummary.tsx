import { useMoney } from '../../../hooks/use-money';
import { useI18n } from '../../../lib/i18n';
import type { AuctionSession } from '../api/auctions';

/** "2.5" from 250 basis points, without float arithmetic. */
export function percentText(bp: number): string {
  const frac = String(bp % 100).padStart(2, '0').replace(/0+$/, '');
  return frac ? `${Math.floor(bp / 100)}.${frac}` : String(Math.floor(bp / 100));
}

/** The session's rules as a bidder needs them: the increment ladder, the buyer premium and the closing rules. */
export function TermsSummary({ session }: { session: AuctionSession }) {
  const { t } = useI18n();
  const { moneyExact: money } = useMoney();
  const terms = session.terms;
  if (!terms.ladder || !terms.premium) return null;
  return (
    <details className="card terms-summary" data-testid="terms-summary">
      <summary>{t('auctions.terms')}</summary>
      <h3>{t('auctions.form.ladder')}</h3>
      <ul>
        {terms.ladder.map((b) => (
          <li key={b.start}>{t('auctions.summary.ladderLine', { from: money(b.start), step: money(b.step) })}</li>
        ))}
      </ul>
      <h3>{t('auctions.form.premium')}</h3>
      <ul>
        {terms.premium.map((b) => (
          <li key={b.start}>
            {t('auctions.summary.premiumLine', { from: money(b.start), percent: percentText(b.percent_bp), fixed: money(b.fixed) })}
          </li>
        ))}
      </ul>
      {session.mode === 'timed' && terms.extension_cap_seconds != null && (
        <p>{t('auctions.summary.cap', { seconds: terms.extension_cap_seconds })}</p>
      )}
      {terms.conditional_window_seconds != null && (
        <p>{t('auctions.summary.window', { minutes: Math.round(terms.conditional_window_seconds / 60) })}</p>
      )}
    </details>
  );
}

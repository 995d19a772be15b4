import { useEffect, useState, type FormEvent } from 'react';
import { MoneyInput } from '../../../components/money-input';
import { useMoney } from '../../../hooks/use-money';
import { errorMessage } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { parseMoney } from '../../../lib/money-input';
import { useSession } from '../../../lib/session';
import { decide, saleRecord, type DecisionResult, type SaleRecord } from '../api/auctions';
import { useTicker } from '../hooks/useLotRoom';
import { remainingMs, type LotView } from '../lib/lotState';
import { clock } from '../lib/outcome';
import { reasonText } from './LotPanel';

/** The seller and the house see the reserve; the lot view carries it only for them (src/auctions/views.py). */
export function sellerSide(lot: LotView): boolean {
  return lot.reserve_price !== undefined;
}

/**
 * A lot closed below its reserve: the seller (or the house for it) accepts, declines or counters above the high
 * bid before the deadline; the high bidder sees the pending state and answers a counter-offer.
 */
export function DecisionPanel({ lot, offsetMs }: { lot: LotView; offsetMs: () => number }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const now = useTicker(500);
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const { moneyExact: money } = useMoney();
  const left = remainingMs(lot.decision_deadline, offsetMs(), now);
  const seller = sellerSide(lot);
  const buyer = !!lot.you && lot.leader === lot.you.paddle;
  const high = lot.price ?? 0;
  const countered = lot.status === 'countered';

  function refusal(r: DecisionResult): string {
    const d = r.detail ?? {};
    const min = d.high_bid !== undefined ? money(d.high_bid) : (d.nearest ?? []).map(money).join(' / ');
    return reasonText(t, String(r.reason), min);
  }

  async function act(action: 'accept' | 'decline' | 'counter', fen?: number) {
    setBusy(true);
    setMessage(null);
    try {
      const r = await decide(lot.id, action, fen);
      if (r.status === 'accepted') {
        setMessage({ ok: true, text: t(`auctions.decision.done.${action}` as MessageKey) });
        setAmount('');
      } else setMessage({ ok: false, text: refusal(r) });
    } catch (e) {
      setMessage({ ok: false, text: errorMessage(e, i18n) });
    } finally {
      setBusy(false);
    }
  }

  const counter = (e: FormEvent) => {
    e.preventDefault();
    const fen = parseMoney(amount, 'wan');
    if (fen === undefined) return setMessage({ ok: false, text: t('auctions.amountWan') });
    if (fen <= high) return setMessage({ ok: false, text: reasonText(t, 'counter_not_above_high_bid', money(high)) });
    void act('counter', fen);
  };

  return (
    <section className="card decision" data-testid="decision" data-status={lot.status}>
      <h2>{t(countered ? 'auctions.decision.counteredTitle' : 'auctions.decision.title')}</h2>
      <p>
        {t('auctions.decision.highBid', { amount: money(high), paddle: lot.leader ?? '—' })}
        {seller && lot.reserve_price != null && ` · ${t('auctions.reserve', { amount: money(lot.reserve_price) })}`}
      </p>
      {countered && lot.counter != null && (
        <p data-testid="counter-amount" data-fen={lot.counter}>
          <strong>{t('auctions.decision.counterIs', { amount: money(lot.counter) })}</strong>
        </p>
      )}
      {left !== null && (
        <p className="countdown" data-testid="decision-countdown">
          {t('auctions.decision.deadline')} <strong className="num">{clock(left)}</strong>
          {lot.decision_deadline !== null && (
            <span className="muted small"> ({formatDateTime(new Date(lot.decision_deadline).toISOString(), locale)})</span>
          )}
        </p>
      )}
      {seller && !countered && (
        <div className="decision-actions">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void act('accept')} data-testid="decision-accept">
            {t('auctions.decision.accept', { amount: money(high) })}
          </button>{' '}
          <button type="button" className="btn btn-danger-outline" disabled={busy} onClick={() => void act('decline')} data-testid="decision-decline">
            {t('auctions.decision.decline')}
          </button>
          <form className="inline-form" onSubmit={counter}>
            <MoneyInput
              label={t('auctions.decision.counterAmount')}
              unit="wan"
              value={amount}
              onValueChange={setAmount}
              data-testid="decision-counter-amount"
            />
            <button type="submit" className="btn btn-secondary" disabled={busy} data-testid="decision-counter">
              {t('auctions.decision.counter')}
            </button>
          </form>
        </div>
      )}
      {seller && countered && <p className="muted">{t('auctions.decision.waitingBuyer')}</p>}
      {buyer && !seller && !countered && <p data-testid="decision-pending">{t('auctions.decision.buyerPending', { amount: money(high) })}</p>}
      {buyer && !seller && countered && lot.counter != null && (
        <div className="decision-actions">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void act('accept')} data-testid="decision-accept">
            {t('auctions.decision.accept', { amount: money(lot.counter) })}
          </button>{' '}
          <button type="button" className="btn btn-danger-outline" disabled={busy} onClick={() => void act('decline')} data-testid="decision-decline">
            {t('auctions.decision.declineCounter')}
          </button>
        </div>
      )}
      {!buyer && !seller && <p className="muted">{t('auctions.decision.watcher')}</p>}
      {message && (
        <p className={message.ok ? 'alert alert-success' : 'alert alert-error'} role="alert" data-testid="decision-message">
          {message.text}
        </p>
      )}
    </section>
  );
}

/** The binding sale record (成交确认书) for the seller, the house and the buyer: the buyer (and the house) also
 * see the deposit counted toward it, the balance due and what happens next; settlement fills in the rest. */
export function SaleResult({ lot }: { lot: LotView }) {
  const signedIn = useSession().status === 'authenticated';
  const [sale, setSale] = useState<SaleRecord | null>(null);
  useEffect(() => {
    if (!signedIn || lot.status !== 'sold') return;
    // Others get a 404: the record is theirs to see only.
    saleRecord(lot.id).then(setSale, () => setSale(null));
  }, [lot.id, lot.status, signedIn]);
  if (!sale) return null;
  return <SaleRecordView sale={sale} />;
}

export function SaleRecordView({ sale }: { sale: SaleRecord }) {
  const { t, locale } = useI18n();
  const { moneyExact } = useMoney();
  const via = `auctions.sale.via.${sale.via}` as MessageKey;
  return (
    <section className="card sale-record" data-testid="sale-record" data-hammer={sale.hammer_price}>
      <h2>{t('auctions.sale.title')}</h2>
      <dl className="sale-lines">
        <dt>{t('auctions.sale.hammer')}</dt>
        <dd data-testid="sale-hammer">{moneyExact(sale.hammer_price)}</dd>
        <dt>{t('auctions.sale.premium')}</dt>
        <dd>{moneyExact(sale.buyer_premium)}</dd>
        <dt>{t('auctions.sale.total')}</dt>
        <dd>
          <strong data-testid="sale-total">{moneyExact(sale.total)}</strong>
        </dd>
        {sale.deposit && (
          <>
            <dt>{t('auctions.sale.deposit')}</dt>
            <dd data-testid="sale-deposit">
              {t(`auctions.sale.deposit.${sale.deposit.status}` as MessageKey, {
                amount: moneyExact(sale.deposit.amount),
                applied: moneyExact(sale.deposit.applied),
              })}
            </dd>
          </>
        )}
        {sale.balance_due !== null && (
          <>
            <dt>{t('auctions.sale.balance')}</dt>
            <dd>
              <strong data-testid="sale-balance" data-fen={sale.balance_due}>
                {moneyExact(sale.balance_due)}
              </strong>
            </dd>
          </>
        )}
        {sale.payment_reference && (
          <>
            <dt>{t('auctions.sale.reference')}</dt>
            <dd>{sale.payment_reference}</dd>
          </>
        )}
        <dt>{t('auctions.sale.buyer')}</dt>
        <dd>{sale.buyer_paddle}</dd>
        <dt>{t('auctions.sale.how')}</dt>
        <dd data-testid="sale-via">{t(via) === via ? sale.via : t(via)}</dd>
        <dt>{t('auctions.sale.soldAt')}</dt>
        <dd>{formatDateTime(sale.sold_at, locale)}</dd>
      </dl>
      <h3>{t('auctions.sale.next')}</h3>
      <ol className="next-steps" data-testid="sale-next-steps">
        {sale.next_steps.map((step) => (
          <li key={step}>{t(`auctions.sale.step.${step}` as MessageKey, { reference: sale.payment_reference ?? '' })}</li>
        ))}
      </ol>
      <p className="muted small">{t('auctions.sale.settlementLater')}</p>
    </section>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { MoneyInput } from '../../../components/money-input';
import { useMoney } from '../../../hooks/use-money';
import { useI18n } from '../../../lib/i18n';
import { parseMoney } from '../../../lib/money-input';
import { useSession } from '../../../lib/session';
import { lotPage, type LotPage } from '../api/auctions';
import { useLotRoom } from '../hooks/useLotRoom';
import { DecisionPanel, SaleResult } from './Decision';
import { LotCar } from './LotCar';
import { LotOutcome } from './LotOutcome';
import { BidHistory, ConnectionBadge, LiveStatus, LotHeading, reasonText } from './LotPanel';

type Json = Record<string, unknown>;

/**
 * The bidder's room. On a phone the price, the countdown and the bid button come first (above the fold), then
 * the car and the history; on a wide screen the car sits on the left and the price beside it, as a lot page does.
 */
export function LotRoom({ lotId }: { lotId: number }) {
  const { t } = useI18n();
  const { moneyExact } = useMoney();
  const session = useSession();
  const { room, status, request, offsetMs } = useLotRoom(lotId);
  const [page, setPage] = useState<LotPage | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [amount, setAmount] = useState('');
  const [max, setMax] = useState('');
  const [busy, setBusy] = useState(false);
  const lot = room.lot;
  useEffect(() => {
    // What does not change while bidding runs (the car) comes once over HTTP; the price comes over the socket.
    lotPage(lotId).then(setPage, () => setPage(null));
  }, [lotId]);

  async function bid(fen: number | null, kind: 'bid' | 'proxy' | 'buy_now') {
    if (fen === null && kind !== 'buy_now') return;
    setBusy(true);
    const msg: Json = kind === 'buy_now' ? { type: 'buy_now' } : { type: 'bid', amount: fen, proxy: kind === 'proxy' };
    const r = await request(msg);
    setBusy(false);
    if (r.status === 'accepted') setMessage({ ok: true, text: t('auctions.accepted', { amount: moneyExact(Number(r.price)) }) });
    else setMessage({ ok: false, text: reasonText(t, String(r.reason), moneyExact(Number(r.next_minimum ?? 0))) });
  }

  const typed = (text: string, kind: 'bid' | 'proxy') => {
    const fen = parseMoney(text, 'wan');
    if (fen === undefined) {
      setMessage({ ok: false, text: t('auctions.amountWan') });
      return;
    }
    void bid(fen, kind);
  };
  const submitAmount = (e: FormEvent) => {
    e.preventDefault();
    typed(amount, 'bid');
  };
  const submitMax = (e: FormEvent) => {
    e.preventDefault();
    typed(max, 'proxy');
  };

  return (
    <div className="lot-room" data-testid="lot-room">
      <div className="lot-room-head">
        {lot && <LotHeading lot={lot} as="h1" />}
        <ConnectionBadge status={status} />
      </div>
      <div className="lot-room-grid">
        <div className="lot-room-live">
          {lot && <LotOutcome lot={lot} />}
          <section className="card live-card">
            <LiveStatus room={room} offsetMs={offsetMs} />
            {lot && lot.status === 'open' && (
              <div className="bid-box">
                {session.status !== 'authenticated' && <p className="muted">{t('auctions.loginToBid')}</p>}
                {session.status === 'authenticated' && !lot.you && <p className="muted">{t('auctions.watchOnly')}</p>}
                {lot.you && (
                  <>
                    <button
                      type="button"
                      className="btn btn-primary btn-large bid-next"
                      data-testid="bid-next"
                      disabled={busy}
                      onClick={() => void bid(lot.next_minimum, 'bid')}
                    >
                      {t('auctions.bidNext', { amount: moneyExact(lot.next_minimum) })}
                    </button>
                    {message && (
                      <p className={message.ok ? 'alert alert-success' : 'alert alert-error'} role="alert" data-testid="bid-message">
                        {message.text}
                      </p>
                    )}
                    <form className="inline-form" onSubmit={submitAmount}>
                      <MoneyInput label={t('auctions.customAmount')} unit="wan" value={amount} onValueChange={setAmount} data-testid="bid-amount" />
                      <button type="submit" className="btn btn-secondary" disabled={busy}>
                        {t('auctions.placeBid')}
                      </button>
                    </form>
                    <form className="inline-form" onSubmit={submitMax}>
                      <MoneyInput label={t('auctions.maxBid')} unit="wan" value={max} onValueChange={setMax} data-testid="bid-max" hint={t('auctions.maxBidHint')} />
                      <button type="submit" className="btn btn-secondary" disabled={busy}>
                        {t('auctions.setMax')}
                      </button>
                    </form>
                    {lot.you.max !== null && <p className="muted small">{t('auctions.yourMax', { amount: moneyExact(lot.you.max) })}</p>}
                    {lot.buy_now_price !== null && (lot.price ?? 0) < lot.buy_now_price && (
                      <button type="button" className="btn btn-warning" disabled={busy} onClick={() => void bid(null, 'buy_now')}>
                        {t('auctions.buyNow', { amount: moneyExact(lot.buy_now_price) })}
                      </button>
                    )}
                  </>
                )}
              </div>
            )}
          </section>
          {lot && (lot.status === 'conditional' || lot.status === 'countered') && <DecisionPanel lot={lot} offsetMs={offsetMs} />}
          {lot && lot.status === 'sold' && <SaleResult lot={lot} />}
        </div>
        <div className="lot-room-car">{page && <LotCar page={page} />}</div>
        <section className="card lot-room-history">
          <BidHistory history={room.history} />
        </section>
      </div>
    </div>
  );
}

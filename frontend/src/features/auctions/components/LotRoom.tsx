import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../lib/i18n';
import { formatCny } from '../../../lib/money';
import { useSession } from '../../../lib/session';
import { useLotRoom } from '../hooks/useLotRoom';
import { yuanToFen } from '../lib/lotState';
import { DecisionPanel, SaleResult } from './Decision';
import { ConnectionBadge, LotPanel, reasonText } from './LotPanel';

type Json = Record<string, unknown>;

/** The bidder's room: the lot, one-click next-minimum bid, a custom amount, a proxy maximum, buy-now. */
export function LotRoom({ lotId }: { lotId: number }) {
  const { t, locale } = useI18n();
  const session = useSession();
  const { room, status, request, offsetMs } = useLotRoom(lotId);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [amount, setAmount] = useState('');
  const [max, setMax] = useState('');
  const [busy, setBusy] = useState(false);
  const lot = room.lot;
  const money = (fen: number) => formatCny(fen, locale);

  async function bid(fen: number | null, kind: 'bid' | 'proxy' | 'buy_now') {
    if (fen === null && kind !== 'buy_now') return;
    setBusy(true);
    const msg: Json = kind === 'buy_now' ? { type: 'buy_now' } : { type: 'bid', amount: fen, proxy: kind === 'proxy' };
    const r = await request(msg);
    setBusy(false);
    if (r.status === 'accepted') setMessage({ ok: true, text: t('auctions.accepted', { amount: money(Number(r.price)) }) });
    else setMessage({ ok: false, text: reasonText(t, String(r.reason), money(Number(r.next_minimum ?? 0))) });
  }

  const submitAmount = (e: FormEvent) => {
    e.preventDefault();
    void bid(yuanToFen(amount), 'bid');
  };
  const submitMax = (e: FormEvent) => {
    e.preventDefault();
    void bid(yuanToFen(max), 'proxy');
  };

  return (
    <div className="lot-room">
      <p>
        <ConnectionBadge status={status} />
      </p>
      <LotPanel room={room} offsetMs={offsetMs} />
      {lot && (lot.status === 'conditional' || lot.status === 'countered') && <DecisionPanel lot={lot} offsetMs={offsetMs} />}
      {lot && lot.status === 'sold' && <SaleResult lot={lot} />}
      {lot && lot.status === 'open' && (
        <div className="card">
          {session.status !== 'authenticated' && <p className="muted">{t('auctions.loginToBid')}</p>}
          {session.status === 'authenticated' && !lot.you && <p className="muted">{t('auctions.watchOnly')}</p>}
          {lot.you && (
            <>
              <button
                type="button"
                className="btn btn-primary btn-large"
                data-testid="bid-next"
                disabled={busy}
                onClick={() => void bid(lot.next_minimum, 'bid')}
              >
                {t('auctions.bidNext', { amount: money(lot.next_minimum) })}
              </button>
              <form className="inline-form" onSubmit={submitAmount}>
                <label className="field">
                  <span>{t('auctions.customAmount')}</span>
                  <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="bid-amount" />
                </label>
                <button type="submit" className="btn btn-secondary" disabled={busy}>
                  {t('auctions.placeBid')}
                </button>
              </form>
              <form className="inline-form" onSubmit={submitMax}>
                <label className="field">
                  <span>{t('auctions.maxBid')}</span>
                  <input inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} data-testid="bid-max" />
                </label>
                <button type="submit" className="btn btn-secondary" disabled={busy}>
                  {t('auctions.setMax')}
                </button>
              </form>
              {lot.you.max !== null && <p className="muted small">{t('auctions.yourMax', { amount: money(lot.you.max) })}</p>}
              {lot.buy_now_price !== null && (lot.price ?? 0) < lot.buy_now_price && (
                <button type="button" className="btn btn-warning" disabled={busy} onClick={() => void bid(null, 'buy_now')}>
                  {t('auctions.buyNow', { amount: money(lot.buy_now_price) })}
                </button>
              )}
            </>
          )}
          {message && (
            <p className={message.ok ? 'alert alert-success' : 'alert alert-error'} role="alert" data-testid="bid-message">
              {message.text}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

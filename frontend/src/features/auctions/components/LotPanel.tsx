import '../auctions.css';
import { useMoney } from '../../../hooks/use-money';
import { useI18n, type MessageKey, type TFunction } from '../../../lib/i18n';
import type { ConnectionStatus } from '../lib/socket';
import { remainingMs, reserveBadge, type HistoryLine, type LotView, type RoomState } from '../lib/lotState';
import { clock } from '../lib/outcome';
import { useTicker } from '../hooks/useLotRoom';

export function reasonText(t: TFunction, reason: string, min: string): string {
  const key = `auctions.reason.${reason}` as MessageKey;
  const text = t(key, { min });
  return text === key ? t('auctions.reason.other', { reason }) : text;
}

export function ConnectionBadge({ status }: { status: ConnectionStatus }) {
  const { t } = useI18n();
  const cls = status === 'live' ? 'badge badge-success' : 'badge badge-warning';
  return (
    <span className={cls} data-testid="conn-status" data-status={status} role="status">
      {t(`auctions.conn.${status}` as MessageKey)}
    </span>
  );
}

/** Lot number, the car's name and its one-line facts. */
export function LotHeading({ lot, as: Tag = 'h2' }: { lot: LotView; as?: 'h1' | 'h2' }) {
  const { t, locale } = useI18n();
  return (
    <div className="lot-heading">
      <p className="muted small">{t('auctions.lot', { n: lot.position })}</p>
      <Tag className="lot-title">{lot.vehicle?.title ?? `#${lot.id}`}</Tag>
      {lot.vehicle && (
        <p className="muted small">
          {[lot.vehicle.model_year, `${lot.vehicle.mileage_km.toLocaleString(locale)} km`, lot.vehicle.city, lot.vehicle.colour]
            .filter(Boolean)
            .join(' · ')}
        </p>
      )}
    </div>
  );
}

/** Status, price, leader, where you stand and the countdown: the block a bidder watches. */
export function LiveStatus({ room, offsetMs }: { room: RoomState; offsetMs: () => number }) {
  const { t } = useI18n();
  const { moneyExact } = useMoney();
  const now = useTicker();
  const lot = room.lot;
  if (!lot) return null;
  const left = lot.status === 'open' ? remainingMs(lot.ends_at, offsetMs(), now) : null;
  // Once sold or passed the outcome message says where the bidder stands; "you are leading" would mislead.
  const closed = lot.status === 'sold' || lot.status === 'passed';
  const badge = reserveBadge(lot);
  return (
    <div className="live-status">
      <p className="live-badges">
        <span className="badge" data-testid="lot-status">
          {t(`auctions.status.${lot.status}` as MessageKey)}
        </span>{' '}
        {badge && (
          <span className="badge" data-testid="reserve-badge" data-state={badge}>
            {t(badge === 'met' ? 'auctions.reserveMet' : 'auctions.reserveNotMet')}
          </span>
        )}
      </p>
      <div className="price-line">
        <div>
          <p className="muted small">{t(lot.status === 'sold' ? 'auctions.sale.hammer' : 'auctions.current')}</p>
          <p className="price" data-testid="lot-price" data-fen={lot.price ?? ''}>
            {lot.price === null ? t('auctions.noBids') : moneyExact(lot.price)}
          </p>
        </div>
        {left !== null && (
          <p className="countdown" data-testid="countdown">
            <span className="muted small">{t('auctions.endsIn')}</span> <strong className="num">{clock(left)}</strong>{' '}
            {room.extended && (
              <span className="badge badge-warning" data-testid="extended">
                {t('auctions.extended')}
              </span>
            )}
          </p>
        )}
      </div>
      {lot.leader && lot.status !== 'passed' && (
        <p data-testid="lot-leader">{t(lot.status === 'sold' ? 'auctions.soldToPaddle' : 'auctions.leader', { paddle: lot.leader })}</p>
      )}
      {lot.reserve_price != null && <p className="muted small">{t('auctions.reserve', { amount: moneyExact(lot.reserve_price) })}</p>}
      {lot.you && !closed && (
        <p data-testid="you-status" data-status={lot.you.status}>
          <strong>{t(`auctions.you.${lot.you.status}` as MessageKey)}</strong> · {t('auctions.yourPaddle', { paddle: lot.you.paddle })}
        </p>
      )}
      {room.proxyCancelled && (
        <p className="alert alert-warning" data-testid="proxy-cancelled">
          {t('auctions.proxyCancelled')}
        </p>
      )}
      {room.warning && (
        <p className="alert alert-warning" data-testid="warning">
          {t('auctions.warning', { text: t(room.warning === 1 ? 'auctions.warn1' : 'auctions.warn2') })}
        </p>
      )}
    </div>
  );
}

/**
 * The bid history, newest first. Each line's number is written out (not a list marker), so "10." and
 * "112." read in full however narrow the column (a marker in the padding was clipped to "0.").
 */
export function BidHistory({ history }: { history: HistoryLine[] }) {
  const { t } = useI18n();
  const { moneyExact } = useMoney();
  return (
    <>
      <h3>{t('auctions.history')}</h3>
      {history.length === 0 && <p className="muted small">{t('auctions.noBids')}</p>}
      <ol className="bid-history" data-testid="bid-history">
        {history.map((h, i) => (
          <li key={`${h.seq}-${i}`} className={h.retracted ? 'muted' : ''}>
            <span className="bid-no">{`${i + 1}.`}</span>
            <span className="num">{moneyExact(h.amount)}</span>
            <span>
              {h.paddle}
              {h.auto && ` (${t('auctions.auto')})`}
              {h.retracted && ` — ${t('auctions.retracted')}`}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

/** Price, leader, status, countdown and history: what every viewer of a lot sees (the auctioneer's console). */
export function LotPanel({ room, offsetMs }: { room: RoomState; offsetMs: () => number }) {
  const lot = room.lot;
  if (!lot) return null;
  return (
    <div className="card lot-panel">
      <LotHeading lot={lot} />
      <LiveStatus room={room} offsetMs={offsetMs} />
      <BidHistory history={room.history} />
    </div>
  );
}

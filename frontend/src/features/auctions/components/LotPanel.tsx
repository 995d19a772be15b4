import '../auctions.css';
import { useI18n, type MessageKey, type TFunction } from '../../../lib/i18n';
import { formatCny } from '../../../lib/money';
import type { ConnectionStatus } from '../lib/socket';
import { remainingMs, reserveBadge, type RoomState } from '../lib/lotState';
import { useTicker } from '../hooks/useLotRoom';

export function reasonText(t: TFunction, reason: string, min: string): string {
  const key = `auctions.reason.${reason}` as MessageKey;
  const text = t(key, { min });
  return text === key ? t('auctions.reason.other', { reason }) : text;
}

function clock(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
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

/** Price, leader, status, countdown and history: what every viewer of a lot sees. */
export function LotPanel({ room, offsetMs }: { room: RoomState; offsetMs: () => number }) {
  const { t, locale } = useI18n();
  const now = useTicker();
  const lot = room.lot;
  if (!lot) return null;
  const left = lot.status === 'open' ? remainingMs(lot.ends_at, offsetMs(), now) : null;
  const money = (fen: number) => formatCny(fen, locale);
  const badge = reserveBadge(lot);
  return (
    <div className="card lot-panel">
      <p className="muted small">{t('auctions.lot', { n: lot.position })}</p>
      <h2>{lot.vehicle?.title ?? `#${lot.id}`}</h2>
      {lot.vehicle && (
        <p className="muted small">
          {[lot.vehicle.model_year, `${lot.vehicle.mileage_km.toLocaleString(locale)} km`, lot.vehicle.city, lot.vehicle.colour]
            .filter(Boolean)
            .join(' · ')}
        </p>
      )}
      <p>
        <span className="badge" data-testid="lot-status">
          {t(`auctions.status.${lot.status}` as MessageKey)}
        </span>{' '}
        {badge && (
          <span className="badge" data-testid="reserve-badge" data-state={badge}>
            {t(badge === 'met' ? 'auctions.reserveMet' : 'auctions.reserveNotMet')}
          </span>
        )}
      </p>
      <p className="muted small">{t('auctions.current')}</p>
      <p className="price" data-testid="lot-price" data-fen={lot.price ?? ''}>
        {lot.price === null ? t('auctions.noBids') : money(lot.price)}
      </p>
      {lot.leader && <p data-testid="lot-leader">{t('auctions.leader', { paddle: lot.leader })}</p>}
      {lot.reserve_price != null && <p className="muted small">{t('auctions.reserve', { amount: money(lot.reserve_price) })}</p>}
      {lot.you && (
        <p data-testid="you-status" data-status={lot.you.status}>
          <strong>{t(`auctions.you.${lot.you.status}` as MessageKey)}</strong> · {t('auctions.yourPaddle', { paddle: lot.you.paddle })}
        </p>
      )}
      {room.proxyCancelled && (
        <p className="alert alert-warning" data-testid="proxy-cancelled">
          {t('auctions.proxyCancelled')}
        </p>
      )}
      {left !== null && (
        <p className="countdown" data-testid="countdown">
          {t('auctions.endsIn')} <strong className="num">{clock(left)}</strong>{' '}
          {room.extended && (
            <span className="badge badge-warning" data-testid="extended">
              {t('auctions.extended')}
            </span>
          )}
        </p>
      )}
      {room.warning && (
        <p className="alert alert-warning" data-testid="warning">
          {t('auctions.warning', { text: t(room.warning === 1 ? 'auctions.warn1' : 'auctions.warn2') })}
        </p>
      )}
      <h3>{t('auctions.history')}</h3>
      <ol className="bid-history" data-testid="bid-history">
        {room.history.map((h, i) => (
          <li key={`${h.seq}-${i}`} className={h.retracted ? 'muted' : ''}>
            <span className="num">{money(h.amount)}</span> · {h.paddle}
            {h.auto && ` (${t('auctions.auto')})`}
            {h.retracted && ` — ${t('auctions.retracted')}`}
          </li>
        ))}
      </ol>
    </div>
  );
}

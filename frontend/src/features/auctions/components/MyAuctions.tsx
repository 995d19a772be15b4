import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Empty, LoadError, LoadMore, Loading } from '../../../components/feedback';
import { useMoney } from '../../../hooks/use-money';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { myAuctions, type MyLot, type MyRegistration } from '../api/auctions';
import { groupMyAuctions } from '../lib/outcome';
import { PhaseBadge } from './SessionSummary';
import '../auctions.css';

type Tab = 'registrations' | 'leading' | 'won' | 'lost';
const TABS: Tab[] = ['registrations', 'leading', 'won', 'lost'];

function LotLine({ reg, lot }: { reg: MyRegistration; lot: MyLot }) {
  const { t } = useI18n();
  const { moneyExact } = useMoney();
  return (
    <li className="card my-lot" data-testid={`my-lot-${lot.lot_id}`} data-standing={lot.standing}>
      <p className="muted small">
        {reg.session.title} · {t('auctions.lot', { n: lot.position })} · {t('auctions.yourPaddle', { paddle: reg.paddle })}
      </p>
      <h3>
        <Link to={`/auctions/lots/${lot.lot_id}`}>{lot.title}</Link>{' '}
        <span className={lot.standing === 'won' || lot.standing === 'leading' ? 'badge badge-success' : 'badge'}>
          {t(`auctions.standing.${lot.standing}` as MessageKey)}
        </span>
      </h3>
      <p>
        {lot.price !== null && t('auctions.mine.price', { amount: moneyExact(lot.price) })}
        {lot.your_max !== null && ` · ${t('auctions.yourMax', { amount: moneyExact(lot.your_max) })}`}
      </p>
      {lot.sale && (
        <p data-testid={`my-balance-${lot.lot_id}`}>
          {t('auctions.mine.due', {
            total: moneyExact(lot.sale.total),
            deposit: moneyExact(lot.sale.deposit_applied),
            balance: moneyExact(lot.sale.balance_due),
          })}{' '}
          <Link to={`/auctions/lots/${lot.lot_id}`}>{t('auctions.mine.saleRecord')}</Link>
        </p>
      )}
    </li>
  );
}

/** "My auctions": the buyer's registrations and every lot they bid on, by where they stand. */
export function MyAuctions() {
  const { t, locale } = useI18n();
  const { moneyExact } = useMoney();
  const [items, setItems] = useState<MyRegistration[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [tab, setTab] = useState<Tab>('registrations');
  const load = () => {
    setError(null);
    myAuctions().then((p) => {
      setItems(p.items);
      setCursor(p.next_cursor);
    }, setError);
  };
  useEffect(load, []);
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!items) return <Loading />;
  const groups = groupMyAuctions(items);
  const more = () => {
    if (!cursor) return;
    setLoadingMore(true);
    myAuctions(cursor).then(
      (p) => {
        setItems([...items, ...p.items]);
        setCursor(p.next_cursor);
        setLoadingMore(false);
      },
      (e) => {
        setError(e);
        setLoadingMore(false);
      },
    );
  };
  const count = (k: Tab) => (k === 'registrations' ? items.length : groups[k].length);
  return (
    <div className="page my-auctions">
      <h1>{t('auctions.mine.title')}</h1>
      <div className="tabs" role="tablist">
        {TABS.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={tab === k}
            className={tab === k ? 'tab active' : 'tab'}
            onClick={() => setTab(k)}
            data-testid={`my-tab-${k}`}
          >
            {t(`auctions.mine.tab.${k}` as MessageKey)} ({count(k)})
          </button>
        ))}
      </div>
      {tab === 'registrations' &&
        (items.length === 0 ? (
          <Empty>
            {t('auctions.mine.none')} <Link to="/auctions">{t('auctions.calendar')}</Link>
          </Empty>
        ) : (
          <ul className="session-list" data-testid="my-registrations">
            {items.map((reg) => (
              <li key={reg.id} className="card" data-testid={`my-registration-${reg.id}`}>
                <h2>
                  <Link to={`/auctions/${reg.session.id}`}>{reg.session.title}</Link> <PhaseBadge session={reg.session} />
                </h2>
                <p className="muted small">
                  {t('auctions.starts')} {formatDateTime(reg.session.starts_at, locale)} · {t('auctions.yourPaddle', { paddle: reg.paddle })}
                </p>
                <p data-status={reg.deposit_status}>
                  {t(`auctions.depositStatus.${reg.deposit_status}` as MessageKey)} ({moneyExact(reg.deposit_amount)}) ·{' '}
                  {t('auctions.mine.reference', { reference: reg.payment_reference })}
                </p>
                <p className="muted small">{t('auctions.mine.lotsBid', { n: reg.lots.length })}</p>
              </li>
            ))}
          </ul>
        ))}
      {tab !== 'registrations' &&
        (groups[tab].length === 0 ? (
          <Empty>{t(`auctions.mine.empty.${tab}` as MessageKey)}</Empty>
        ) : (
          <ul className="session-list" data-testid={`my-${tab}`}>
            {groups[tab].map(({ reg, lot }) => (
              <LotLine key={lot.lot_id} reg={reg} lot={lot} />
            ))}
          </ul>
        ))}
      <LoadMore hasMore={!!cursor} loading={loadingMore} onClick={more} />
    </div>
  );
}

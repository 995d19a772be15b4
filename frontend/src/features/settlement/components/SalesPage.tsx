import '../settlement.css';
import { useEffect, useState } from 'react';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { SelectField } from '../../../components/form';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMoney } from '../../../hooks/use-money';
import { formatDate, formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import { auctionHouseNames, payoutStatement, type PayoutStatement } from '../api/handover';

/** The consignor's sales with one house: each sale's figures and payout (the house's payout statement). */
export function SalesPage() {
  const { t, tDynamic, locale } = useI18n();
  const { yuan } = useMoney();
  useDocumentTitle(t('settlement.sales.title'));
  const me = useSession().me;
  const dealers = (me?.organisations ?? []).filter((o) => o.kind === 'dealer' && o.roles.some((r) => r === 'dealer_admin' || r === 'dealer_staff'));
  const [seller, setSeller] = useState<number | null>(dealers[0]?.id ?? null);
  const [houses, setHouses] = useState<{ id: number; name: string }[] | null>(null);
  const [house, setHouse] = useState<number | null>(null);
  const [statement, setStatement] = useState<PayoutStatement | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    auctionHouseNames().then((items) => {
      setHouses(items);
      setHouse((h) => h ?? items[0]?.id ?? null);
    }, setError);
  }, []);
  useEffect(() => {
    if (house === null || seller === null) return;
    setStatement(null);
    setError(null);
    payoutStatement(house, seller).then(setStatement, setError);
  }, [house, seller]);
  return (
    <div className="page wide settlement">
      <h1>{t('settlement.sales.title')}</h1>
      {!dealers.length ? (
        <Empty>{t('settlement.sales.notSeller')}</Empty>
      ) : (
        <>
          {dealers.length > 1 && (
            <SelectField label={t('settlement.sales.dealer')} value={String(seller)} onChange={(e) => setSeller(Number(e.target.value))}
              options={dealers.map((d) => ({ value: String(d.id), label: d.name }))} />
          )}
          {houses && (
            <SelectField label={t('settlement.desk.house')} value={String(house ?? '')} onChange={(e) => setHouse(Number(e.target.value))}
              options={houses.map((h) => ({ value: String(h.id), label: h.name }))} data-testid="sales-house" />
          )}
          {error ? (
            <LoadError error={error} />
          ) : !statement ? (
            houses && !houses.length ? <Empty>{t('settlement.sales.empty')}</Empty> : <Loading />
          ) : !statement.lines.length ? (
            <Empty>{t('settlement.sales.empty')}</Empty>
          ) : (
            <>
              <table className="table" data-testid="sales">
                <thead>
                  <tr>
                    <th>{t('settlement.desk.saleNo')}</th>
                    <th>{t('settlement.sales.sold')}</th>
                    <th className="num">{t('settlement.hammer')}</th>
                    <th className="num">{t('settlement.sales.deductions')}</th>
                    <th className="num">{t('settlement.sales.net')}</th>
                    <th>{t('common.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {statement.lines.map((l) => (
                    <tr key={l.sale_id} data-testid="sale-row">
                      <td>{l.sale_id}</td>
                      <td>{formatDateTime(l.sold_at, locale)}</td>
                      <td className="num">{yuan(l.hammer_fen)}</td>
                      <td className="num">−{yuan(l.commission_fen + l.seller_fees_fen + l.adjustments_fen)}</td>
                      <td className="num">{yuan(l.net_fen)}</td>
                      <td>
                        {t(`settlement.sales.state.${l.state}`)}
                        {l.state === 'waiting' && <div className="muted small">{l.waiting.map((w) => tDynamic(`settlement.desk.waiting.${w}`, w)).join('; ')}</div>}
                        {l.state === 'paid' && l.bank_reference && (
                          <div className="muted small">
                            {l.bank_reference}
                            {l.paid_on && ` · ${formatDate(l.paid_on)}`}
                          </div>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {statement.totals.map((tot) => (
                <p key={tot.currency} className="strong" data-testid="sales-outstanding">
                  {t('settlement.sales.outstanding', { amount: yuan(tot.outstanding_fen), paid: yuan(tot.paid_fen) })}
                </p>
              ))}
            </>
          )}
        </>
      )}
    </div>
  );
}

import { Fragment, useState } from 'react';
import { Empty, LoadError, LoadMore, Loading, Notice } from '../../../components/feedback';
import { SelectField } from '../../../components/form';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useMoney } from '../../../hooks/use-money';
import { formatDate, formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { housePayouts, payoutStatementUrl, type PayoutRow, type PayoutState } from '../api/desk';
import { PayoutForm } from './DeskHandover';

const STATES: PayoutState[] = ['due', 'waiting', 'paid', 'unwound'];

/** The house's consignor payouts: the due ones first (record the bank transfer), waiting ones with why, paid ones. */
export function DeskPayouts({ house }: { house: number }) {
  const { t, tDynamic, locale } = useI18n();
  const { moneyExact } = useMoney();
  const [state, setState] = useState<PayoutState | ''>('due');
  const [open, setOpen] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useCursorList<PayoutRow>((cursor, signal) => housePayouts(house, state || null, cursor, signal), [house, state]);
  const dueTotal = list.items.filter((p) => p.state === 'due' && p.currency === 'CNY').reduce((sum, p) => sum + p.amount_fen, 0);
  return (
    <section>
      <SelectField
        label={t('settlement.payouts.filter')}
        value={state}
        onChange={(e) => {
          setState(e.target.value as PayoutState | '');
          setOpen(null);
        }}
        options={[
          ...STATES.map((s) => ({ value: s, label: t(`settlement.desk.payoutState.${s}`) })),
          { value: '', label: t('common.all') },
        ]}
        data-testid="payout-state-filter"
      />
      {notice && <Notice>{notice}</Notice>}
      {state === 'due' && list.items.length > 0 && (
        <p className="strong" data-testid="payouts-due-total">
          {t('settlement.payouts.pageTotal', { amount: moneyExact(dueTotal) })}
        </p>
      )}
      {list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.loading && !list.items.length ? (
        <Loading />
      ) : !list.items.length ? (
        <Empty>{t('settlement.payouts.none')}</Empty>
      ) : (
        <table className="table" data-testid="house-payouts">
          <thead>
            <tr>
              <th>{t('settlement.payouts.sale')}</th>
              <th>{t('settlement.payouts.consignor')}</th>
              <th>{t('settlement.payouts.soldAt')}</th>
              <th className="num">{t('settlement.payouts.amount')}</th>
              <th>{t('settlement.payouts.dueDate')}</th>
              <th>{t('common.status')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((p) => (
              <Fragment key={p.sale_id}>
                <tr data-testid="payout-row">
                  <td>
                    <button type="button" className="link" onClick={() => setOpen(open === p.sale_id ? null : p.sale_id)} aria-expanded={open === p.sale_id}>
                      {t('settlement.payouts.saleNo', { sale: p.sale_id })}
                    </button>
                    {p.lot_id !== null && <span className="small"> · {t('settlement.payouts.lot', { lot: p.lot_id })}</span>}
                  </td>
                  <td>{p.seller_name || `#${p.seller_org_id}`}</td>
                  <td>{formatDateTime(p.sold_at, locale)}</td>
                  <td className="num" data-testid="payout-row-amount">{moneyExact(p.amount_fen)}</td>
                  <td>{formatDate(p.due_date)}</td>
                  <td>
                    <span className={`badge ${p.state === 'paid' ? 'badge-success' : ''}`} data-testid="payout-row-state">
                      {t(`settlement.desk.payoutState.${p.state}`)}
                    </span>
                    {p.state === 'waiting' && (
                      <span className="small"> {p.waiting.map((w) => tDynamic(`settlement.desk.waiting.${w}`, w)).join('；')}</span>
                    )}
                    {p.state === 'paid' && p.bank_reference && (
                      <span className="small"> {t('settlement.payouts.paid', { date: formatDate(p.paid_on), reference: p.bank_reference })}</span>
                    )}
                  </td>
                </tr>
                {open === p.sale_id && (
                  <tr>
                    <td colSpan={6}>
                      <p>
                        <a href={payoutStatementUrl(p.sale_id)} data-testid="payout-statement-link">
                          {t('settlement.payouts.statement')}
                        </a>
                      </p>
                      {p.state === 'due' && (
                        <PayoutForm
                          sale={p.sale_id}
                          onDone={(done) => {
                            setNotice(t('settlement.payouts.recorded', { sale: done.sale_id }));
                            setOpen(null);
                            list.reload();
                          }}
                        />
                      )}
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </section>
  );
}

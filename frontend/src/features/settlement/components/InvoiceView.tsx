import { formatDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useMoney } from '../../../hooks/use-money';
import type { Invoice } from '../api/settlement';
import { lineLabel, statusLabel } from '../lib/labels';

/** An invoice (结算单) as its buyer and the house read it: lines, what was paid, what is still due and by when. */
export function InvoiceView({ invoice }: { invoice: Invoice }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { yuan, moneyExact } = useMoney();
  return (
    <div className="invoice" data-testid="invoice">
      <h3>
        {t('settlement.invoiceNo', { number: invoice.number })}{' '}
        <span className={`badge ${invoice.overdue ? 'badge-danger' : invoice.status === 'paid' ? 'badge-success' : ''}`} data-testid="invoice-status">
          {invoice.overdue ? t('settlement.overdue') : statusLabel(invoice, i18n)}
        </span>
      </h3>
      <table className="table compact">
        <tbody>
          {invoice.lines.map((line) => (
            <tr key={line.kind}>
              <th scope="row">{lineLabel(line.kind, i18n)}</th>
              <td className="num">
                {yuan(line.amount_fen)}
                {line.paid_fen > 0 && <div className="muted small">{t('settlement.paidOf', { amount: yuan(line.paid_fen) })}</div>}
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">{t('settlement.totalDue')}</th>
            <td className="num" data-testid="invoice-total">{moneyExact(invoice.total_fen)}</td>
          </tr>
          {invoice.deposit_applied_fen > 0 && (
            <tr>
              <th scope="row">{t('settlement.depositApplied')}</th>
              <td className="num">−{yuan(invoice.deposit_applied_fen)}</td>
            </tr>
          )}
          <tr>
            <th scope="row">{t('settlement.balanceDue')}</th>
            <td className="num strong" data-testid="invoice-balance">{yuan(invoice.balance_due_fen)}</td>
          </tr>
        </tbody>
      </table>
      {invoice.status === 'open' && (
        <p className="small">
          {t('settlement.dueDate', { date: formatDate(invoice.due_date) })}
          {invoice.due_date_provisional && <span className="muted"> · {t('settlement.provisionalDue')}</span>}
        </p>
      )}
    </div>
  );
}

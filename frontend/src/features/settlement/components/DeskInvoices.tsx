import { Fragment, useState, type FormEvent } from 'react';
import { Empty, LoadError, LoadMore, Loading, Notice } from '../../../components/feedback';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { MoneyInput } from '../../../components/money-input';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useMoney } from '../../../hooks/use-money';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDate, formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { parseMoney } from '../../../lib/money-input';
import { houseInvoices, recordReceipt, voidInvoice, type Invoice, type InvoiceStatus, type Receipt } from '../api/settlement';
import { lineLabel, statusLabel } from '../lib/labels';
import { DeclareDefaultForm } from './DeskDefaults';
import { InvoiceView } from './InvoiceView';

export function todayInBeijing(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Record money the house's bank received for one invoice, by the bank's reference (流水号). */
function ReceiptForm({ house, invoice, onDone }: { house: number; invoice: Invoice; onDone: (r: Receipt) => void }) {
  const { t } = useI18n();
  const [reference, setReference] = useState('');
  const [amount, setAmount] = useState('');
  const [receivedOn, setReceivedOn] = useState(todayInBeijing());
  const [problem, setProblem] = useState<string | undefined>();
  const save = useMutation(async (fen: number) => {
    const r = await recordReceipt(house, { invoice_id: invoice.id, reference, amount_fen: fen, received_on: receivedOn });
    onDone(r);
    return r;
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fen = parseMoney(amount, 'yuan');
    setProblem(fen === undefined ? t('settlement.desk.badAmount') : undefined);
    if (fen !== undefined) void save.run(fen);
  };
  return (
    <form className="inline-form" onSubmit={submit} data-testid="receipt-form">
      <TextField label={t('settlement.desk.reference')} value={reference} onChange={(e) => setReference(e.target.value)} required maxLength={64} data-testid="receipt-reference" />
      <MoneyInput label={t('settlement.desk.amount')} unit="yuan" value={amount} onValueChange={setAmount} error={problem} data-testid="receipt-amount" />
      <TextField label={t('settlement.desk.receivedOn')} type="date" value={receivedOn} onChange={(e) => setReceivedOn(e.target.value)} required />
      <SubmitButton pending={save.pending}>{t('settlement.desk.record')}</SubmitButton>
      <FormError error={save.error} />
    </form>
  );
}

function VoidForm({ invoice, onDone }: { invoice: Invoice; onDone: (i: Invoice) => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const run = useMutation(async () => onDone(await voidInvoice(invoice.id, reason)));
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void run.run();
      }}
    >
      <TextField label={t('settlement.desk.voidReason')} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={200} data-testid="void-reason" />
      <SubmitButton pending={run.pending} className="btn btn-danger">
        {t('settlement.desk.void')}
      </SubmitButton>
      <FormError error={run.error} />
    </form>
  );
}

export function InvoicesTab({ house }: { house: number }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const { yuan } = useMoney();
  const [status, setStatus] = useState<InvoiceStatus | ''>('open');
  const [open, setOpen] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useCursorList<Invoice>((cursor, signal) => houseInvoices(house, status || null, cursor, signal), [house, status]);
  const replace = (updated: Invoice) => list.setItems((all) => all.map((x) => (x.id === updated.id ? updated : x)));
  return (
    <section>
      <SelectField
        label={t('common.status')}
        value={status}
        onChange={(e) => setStatus(e.target.value as InvoiceStatus | '')}
        options={[
          { value: 'open', label: t('settlement.status.open') },
          { value: 'paid', label: t('settlement.status.paid') },
          { value: 'void', label: t('settlement.desk.voided') },
          { value: '', label: t('common.all') },
        ]}
        data-testid="invoice-status-filter"
      />
      {notice && <Notice>{notice}</Notice>}
      {list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.loading && !list.items.length ? (
        <Loading />
      ) : !list.items.length ? (
        <Empty>{t('settlement.desk.noInvoices')}</Empty>
      ) : (
        <table className="table" data-testid="house-invoices">
          <thead>
            <tr>
              <th>{t('settlement.invoice')}</th>
              <th>{t('settlement.desk.issued')}</th>
              <th className="num">{t('settlement.totalDue')}</th>
              <th className="num">{t('settlement.balanceDue')}</th>
              <th>{t('settlement.desk.due')}</th>
              <th>{t('common.status')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((inv) => (
              <Fragment key={inv.id}>
                <tr data-testid="house-invoice-row" className={inv.overdue ? 'row-danger' : undefined}>
                  <td>
                    <button type="button" className="link" onClick={() => setOpen(open === inv.id ? null : inv.id)} aria-expanded={open === inv.id}>
                      {inv.number}
                    </button>
                  </td>
                  <td>{formatDateTime(inv.issued_at, locale)}</td>
                  <td className="num">{yuan(inv.total_fen)}</td>
                  <td className="num" data-testid="house-invoice-balance">{yuan(inv.balance_due_fen)}</td>
                  <td>{formatDate(inv.due_date)}</td>
                  <td>{inv.overdue ? t('settlement.overdue') : statusLabel(inv, i18n)}</td>
                </tr>
                {open === inv.id && (
                  <tr>
                    <td colSpan={6}>
                      <InvoiceView invoice={inv} />
                      {inv.status === 'open' && (
                        <ReceiptForm
                          house={house}
                          invoice={inv}
                          onDone={(r) => {
                            setNotice(
                              r.created
                                ? t('settlement.desk.recorded', {
                                    applied: yuan(r.applied_fen),
                                    credit: yuan(r.credit_fen),
                                    order: r.allocation.map(([kind]) => lineLabel(kind, i18n)).join(' → '),
                                  })
                                : t('settlement.desk.alreadyRecorded'),
                            );
                            list.reload();
                          }}
                        />
                      )}
                      {inv.status === 'open' && inv.overdue && <DeclareDefaultForm invoice={inv} onDone={list.reload} />}
                      {inv.status === 'open' && inv.paid_fen === 0 && (
                        <VoidForm invoice={inv} onDone={(updated) => replace(updated)} />
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

import { useCallback, useEffect, useState } from 'react';
import { Empty, LoadError, Loading, Notice } from '../../../components/feedback';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { useMoney } from '../../../hooks/use-money';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { bankLines, openInvoices, resolveLine, type BankLine } from '../api/desk';
import type { Invoice } from '../api/settlement';
import { candidates, foreignAmount, splitPartners, splitSummary } from '../lib/bank';

export function useAmount() {
  const { moneyExact } = useMoney();
  return useCallback((fen: number, currency: string) => (currency === 'CNY' ? moneyExact(fen) : foreignAmount(fen, currency)), [moneyExact]);
}

/** Further invoices of the same buyer for one payment; the sums shown, and the split refused unless exact. */
export function SplitPick({ line, first, open, extra, onChange }: { line: BankLine; first: Invoice | undefined; open: Invoice[]; extra: string[]; onChange: (numbers: string[]) => void }) {
  const { t } = useI18n();
  const amount = useAmount();
  const partners = splitPartners(first, open);
  const chosen = [first, ...partners.filter((i) => extra.includes(i.number))].filter((i): i is Invoice => !!i);
  const sum = splitSummary(line.amount_fen, chosen);
  return (
    <details className="split-pick" data-testid="split-pick">
      <summary>{t('settlement.bank.split.title')}</summary>
      {!partners.length ? (
        <p className="small">{t('settlement.bank.split.none')}</p>
      ) : (
        partners.map((i) => (
          <label key={i.number}>
            <input
              type="checkbox"
              checked={extra.includes(i.number)}
              onChange={(e) => onChange(e.target.checked ? [...extra, i.number] : extra.filter((n) => n !== i.number))}
              data-testid="split-invoice"
              value={i.number}
            />
            <span>{t('settlement.bank.option', { number: i.number, balance: amount(i.balance_due_fen, i.currency) })}</span>
            {i.lot_title && <span className="small muted">{i.lot_title}</span>}
          </label>
        ))
      )}
      {chosen.length > 1 && (
        <>
          <p className="small" data-testid="split-sum">
            {t('settlement.bank.split.sum', { count: chosen.length, total: amount(sum.totalFen, line.currency), amount: amount(line.amount_fen, line.currency) })}
          </p>
          {!sum.exact && (
            <p className="field-error" role="alert" data-testid="split-inexact">
              {t('error.split_inexact')}{' '}
              {t(sum.differenceFen < 0 ? 'settlement.bank.split.short' : 'settlement.bank.split.over', { diff: amount(Math.abs(sum.differenceFen), line.currency) })}
            </p>
          )}
        </>
      )}
    </details>
  );
}

/** Match one line to an open invoice by hand (any excess becomes the buyer's credit), to several of one buyer's
 * that it pays exactly, or exclude it. */
function LineActions({ house, line, open, onDone }: { house: number; line: BankLine; open: Invoice[]; onDone: (l: BankLine) => void }) {
  const { t } = useI18n();
  const amount = useAmount();
  const offered = candidates(line, open);
  const [invoice, setInvoice] = useState('');
  const [extra, setExtra] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const chosen = invoice || offered[0]?.number || '';
  const first = offered.find((i) => i.number === chosen);
  const partners = splitPartners(first, open).filter((i) => extra.includes(i.number));
  const numbers = [chosen, ...partners.map((i) => i.number)];
  const exact = splitSummary(line.amount_fen, [first, ...partners].filter((i): i is Invoice => !!i)).exact;
  const act = useMutation(async (action: 'apply' | 'exclude') =>
    onDone(await resolveLine(house, line.id, action === 'apply' ? { action, invoices: numbers, note } : { action, note })),
  );
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen && exact) void act.run('apply');
      }}
      data-testid="line-actions"
    >
      {line.amount_fen > 0 &&
        (offered.length ? (
          <>
            <SelectField
              label={t('settlement.bank.invoice')}
              value={chosen}
              onChange={(e) => {
                setInvoice(e.target.value);
                setExtra([]);
              }}
              options={offered.map((i) => ({ value: i.number, label: t('settlement.bank.option', { number: i.number, balance: amount(i.balance_due_fen, i.currency) }) }))}
              data-testid="line-invoice"
            />
            <SplitPick line={line} first={first} open={open} extra={extra} onChange={setExtra} />
          </>
        ) : (
          <p className="small">{t('settlement.bank.noOpen')}</p>
        ))}
      <TextField label={t('settlement.bank.note')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} />
      {line.amount_fen > 0 && offered.length > 0 &&
        (exact ? (
          <SubmitButton pending={act.pending}>{t('settlement.bank.match')}</SubmitButton>
        ) : (
          <button type="submit" className="btn btn-primary" disabled>
            {t('settlement.bank.match')}
          </button>
        ))}
      <button type="button" className="btn" disabled={act.pending} onClick={() => void act.run('exclude')}>
        {t('settlement.bank.exclude')}
      </button>
      <FormError error={act.error} />
    </form>
  );
}

/** The work queue: lines no invoice took (queued) or that quote a paid or voided one (flagged). */
export function Queue({ house, generation, onResolved }: { house: number; generation: number; onResolved: () => void }) {
  const { t, tDynamic, locale } = useI18n();
  const amount = useAmount();
  const [lines, setLines] = useState<BankLine[] | null>(null);
  const [open, setOpen] = useState<Invoice[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(() => {
    setError(null);
    Promise.all([bankLines(house, 'queued'), bankLines(house, 'flagged'), openInvoices(house)]).then(([q, f, inv]) => {
      setLines([...q.items, ...f.items].sort((a, b) => b.booked_at.localeCompare(a.booked_at) || b.id - a.id));
      setOpen(inv);
    }, setError);
  }, [house]);
  useEffect(load, [load, generation]);
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!lines) return <Loading />;
  return (
    <section aria-labelledby="bank-queue">
      <h3 id="bank-queue">{t('settlement.bank.queue')}</h3>
      {notice && <Notice>{notice}</Notice>}
      {!lines.length ? (
        <Empty>{t('settlement.bank.queueEmpty')}</Empty>
      ) : (
        <ul className="bank-queue">
          {lines.map((line) => (
            <li key={line.id} className="card" data-testid="unmatched-line">
              <div className="bank-line">
                <span>{formatDateTime(line.booked_at, locale)}</span>
                <strong className="num" data-testid="unmatched-amount">{amount(line.amount_fen, line.currency)}</strong>
                <span>{line.payer || '—'}</span>
                <span className="small">{line.serial}</span>
              </div>
              <p className="small">
                {t('settlement.bank.reference')}: <q>{line.reference || '—'}</q>
              </p>
              <p className="small" data-testid="unmatched-reason">
                {t('settlement.bank.why')}: {tDynamic(`settlement.bank.reason.${line.reason}`, line.reason || line.status)}
                {line.balance_break && <span className="badge badge-danger"> {t('settlement.bank.gap')}</span>}
              </p>
              <LineActions
                house={house}
                line={line}
                open={open}
                onDone={(done) => {
                  setNotice(
                    done.status === 'excluded'
                      ? t('settlement.bank.excludedDone', { serial: done.serial || String(done.id) })
                      : t('settlement.bank.matchedTo', { serial: done.serial || String(done.id), invoices: done.invoices.map(([n]) => n).join(', ') }),
                  );
                  onResolved();
                }}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

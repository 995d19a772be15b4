import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Empty, LoadError, LoadMore, Loading, Notice } from '../../../components/feedback';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useMoney } from '../../../hooks/use-money';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import {
  bankLayouts,
  bankLines,
  importStatement,
  openInvoices,
  resolveLine,
  statementImports,
  type BankLayout,
  type BankLine,
  type StatementImport,
  type StatementRow,
} from '../api/desk';
import type { Invoice } from '../api/settlement';
import { candidates, contentTypeFor, foreignAmount, layoutsFor } from '../lib/bank';

function useAmount() {
  const { moneyExact } = useMoney();
  return useCallback((fen: number, currency: string) => (currency === 'CNY' ? moneyExact(fen) : foreignAmount(fen, currency)), [moneyExact]);
}

/** Upload the file the bank exported; the layout (which column holds what) is chosen by the file's format. */
function UploadForm({ house, onImported }: { house: number; onImported: () => void }) {
  const { t, tDynamic } = useI18n();
  const [layouts, setLayouts] = useState<BankLayout[]>([]);
  const [file, setFile] = useState<File | null>(null);
  const [layout, setLayout] = useState('');
  const [result, setResult] = useState<StatementImport | null>(null);
  useEffect(() => {
    bankLayouts(house).then(setLayouts, () => setLayouts([]));
  }, [house]);
  const fits = file ? layoutsFor(file.name, layouts) : [];
  const first = fits[0];
  const send = useMutation(async (f: File, name: string) => importStatement(house, name, f, contentTypeFor(f.name)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = layout || first?.name;
    if (!file || !chosen) return;
    const r = await send.run(file, chosen);
    if (r.ok) {
      setResult(r.value);
      onImported();
    }
  };
  const matched = result ? (result.outcomes.applied ?? 0) + (result.outcomes.matched ?? 0) : 0;
  const unmatched = result ? (result.outcomes.queued ?? 0) + (result.outcomes.flagged ?? 0) : 0;
  return (
    <form className="inline-form card" onSubmit={submit} data-testid="statement-upload">
      <h3>{t('settlement.bank.upload')}</h3>
      <label className="field">
        <span>{t('settlement.bank.file')}</span>
        <input
          type="file"
          accept=".csv,.xlsx,.txt"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setLayout('');
            setResult(null);
          }}
          data-testid="statement-file"
        />
      </label>
      {file && !fits.length && <p className="field-error" role="alert">{t('settlement.bank.badFile')}</p>}
      {fits.length > 1 && (
        <SelectField
          label={t('settlement.bank.layout')}
          value={layout || first?.name || ''}
          onChange={(e) => setLayout(e.target.value)}
          options={fits.map((l) => ({ value: l.name, label: tDynamic(`settlement.bank.layout.${l.name}`, l.name) }))}
          data-testid="statement-layout"
        />
      )}
      {fits.length === 1 && first && (
        <p className="small">
          {t('settlement.bank.layout')}: {tDynamic(`settlement.bank.layout.${first.name}`, first.name)}
        </p>
      )}
      <SubmitButton pending={send.pending}>{t('settlement.bank.import')}</SubmitButton>
      <FormError error={send.error} />
      {result && (
        <Notice tone={unmatched ? 'info' : 'success'}>
          <span data-testid="statement-result">
            {result.created
              ? t('settlement.bank.imported', { new: result.lines_new, total: result.lines_total, matched, unmatched })
              : t('settlement.bank.importedAgain')}
          </span>
        </Notice>
      )}
      {result && result.balance_breaks.length > 0 && <Notice tone="warning">{t('settlement.bank.breaks', { count: result.balance_breaks.length })}</Notice>}
    </form>
  );
}

/** Match one line to an open invoice by hand (any excess becomes the buyer's credit), or exclude it. */
function LineActions({ house, line, open, onDone }: { house: number; line: BankLine; open: Invoice[]; onDone: (l: BankLine) => void }) {
  const { t } = useI18n();
  const amount = useAmount();
  const offered = candidates(line, open);
  const [invoice, setInvoice] = useState('');
  const [note, setNote] = useState('');
  const chosen = invoice || offered[0]?.number || '';
  const act = useMutation(async (action: 'apply' | 'exclude') =>
    onDone(await resolveLine(house, line.id, action === 'apply' ? { action, invoices: [chosen], note } : { action, note })),
  );
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen) void act.run('apply');
      }}
      data-testid="line-actions"
    >
      {line.amount_fen > 0 &&
        (offered.length ? (
          <SelectField
            label={t('settlement.bank.invoice')}
            value={chosen}
            onChange={(e) => setInvoice(e.target.value)}
            options={offered.map((i) => ({ value: i.number, label: t('settlement.bank.option', { number: i.number, balance: amount(i.balance_due_fen, i.currency) }) }))}
            data-testid="line-invoice"
          />
        ) : (
          <p className="small">{t('settlement.bank.noOpen')}</p>
        ))}
      <TextField label={t('settlement.bank.note')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} />
      {line.amount_fen > 0 && offered.length > 0 && <SubmitButton pending={act.pending}>{t('settlement.bank.match')}</SubmitButton>}
      <button type="button" className="btn" disabled={act.pending} onClick={() => void act.run('exclude')}>
        {t('settlement.bank.exclude')}
      </button>
      <FormError error={act.error} />
    </form>
  );
}

/** The work queue: lines no invoice took (queued) or that quote a paid or voided one (flagged). */
function Queue({ house, generation, onResolved }: { house: number; generation: number; onResolved: () => void }) {
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

function Statements({ house, generation }: { house: number; generation: number }) {
  const { t, tDynamic, locale } = useI18n();
  const list = useCursorList<StatementRow>((cursor, signal) => statementImports(house, cursor, signal), [house, generation]);
  return (
    <section aria-labelledby="bank-statements">
      <h3 id="bank-statements">{t('settlement.bank.statements')}</h3>
      {list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.loading && !list.items.length ? (
        <Loading />
      ) : !list.items.length ? (
        <Empty>{t('settlement.bank.noStatements')}</Empty>
      ) : (
        <table className="table" data-testid="statements">
          <thead>
            <tr>
              <th>{t('settlement.bank.importedAt')}</th>
              <th>{t('settlement.bank.fileName')}</th>
              <th className="num">{t('settlement.bank.lines')}</th>
              <th className="num">{t('settlement.bank.matched')}</th>
              <th className="num">{t('settlement.bank.unmatched')}</th>
              <th className="num">{t('settlement.bank.excluded')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((s) => (
              <tr key={s.id} data-testid="statement-row">
                <td>{formatDateTime(s.imported_at, locale)}</td>
                <td>
                  {s.filename || '—'} <span className="small">({tDynamic(`settlement.bank.layout.${s.layout}`, s.layout)})</span>
                </td>
                <td className="num" data-label={t('settlement.bank.lines')}>{s.lines_new}</td>
                <td className="num" data-label={t('settlement.bank.matched')} data-testid="statement-matched">{s.matched}</td>
                <td className="num" data-label={t('settlement.bank.unmatched')} data-testid="statement-unmatched">{s.unmatched}</td>
                <td className="num" data-label={t('settlement.bank.excluded')}>{s.excluded}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </section>
  );
}

/** The bank tab: upload a statement, work the unmatched lines, and see each statement's lines as they stand. */
export function DeskBank({ house }: { house: number }) {
  const [generation, setGeneration] = useState(0);
  const bump = useCallback(() => setGeneration((g) => g + 1), []);
  return (
    <section>
      <UploadForm house={house} onImported={bump} />
      <Queue house={house} generation={generation} onResolved={bump} />
      <Statements house={house} generation={generation} />
    </section>
  );
}

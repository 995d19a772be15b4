import { useEffect, useState } from 'react';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { FormError, SubmitButton, TextField } from '../../../components/form';
import { MoneyInput } from '../../../components/money-input';
import { useMoney } from '../../../hooks/use-money';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { parseMoney } from '../../../lib/money-input';
import { closeDefault, declareDefault, houseDefaults, type Default } from '../api/handover';
import type { Invoice } from '../api/settlement';

/** Declare the buyer of an overdue invoice in default (悔拍): the deposit is forfeited and the lot may be relisted. */
export function DeclareDefaultForm({ invoice, onDone }: { invoice: Invoice; onDone: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const run = useMutation(async () => {
    await declareDefault(invoice.id, reason);
    onDone();
  });
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void run.run();
      }}
    >
      <TextField label={t('settlement.defaults.reason')} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={200} />
      <SubmitButton pending={run.pending} className="btn btn-danger">
        {t('settlement.defaults.declare')}
      </SubmitButton>
      <FormError error={run.error} />
    </form>
  );
}

function CloseForm({ house, item, onDone }: { house: number; item: Default; onDone: () => void }) {
  const { t } = useI18n();
  const [resale, setResale] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const run = useMutation(async (fen: number | null) => {
    await closeDefault(house, item.id, fen);
    onDone();
  });
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!resale.trim()) return void run.run(null);
        const fen = parseMoney(resale, 'yuan');
        setProblem(fen === undefined ? t('settlement.desk.badAmount') : undefined);
        if (fen !== undefined) void run.run(fen);
      }}
    >
      <MoneyInput label={t('settlement.defaults.resale')} unit="yuan" value={resale} onValueChange={setResale} error={problem} />
      <SubmitButton pending={run.pending}>{t('settlement.defaults.close')}</SubmitButton>
      <FormError error={run.error} />
    </form>
  );
}

/** The house's defaults, newest first; an open one is closed with the re-sale's hammer (or none). */
export function DeskDefaults({ house }: { house: number }) {
  const { t, tDynamic, locale } = useI18n();
  const { yuan } = useMoney();
  const [items, setItems] = useState<Default[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    houseDefaults(house).then(setItems, setError);
  }, [house, n]);
  if (error) return <LoadError error={error} />;
  if (!items) return <Loading />;
  if (!items.length) return <Empty>{t('settlement.defaults.none')}</Empty>;
  return (
    <ul className="invoice-list" data-testid="defaults">
      {items.map((d) => (
        <li key={d.id} className="card">
          <p>
            {t('settlement.defaults.line', { sale: d.sale_id, hammer: yuan(d.hammer_fen), forfeited: yuan(d.forfeited_fen) })}{' '}
            <span className="badge">{tDynamic(`settlement.defaults.status.${d.status}`, d.status)}</span>{' '}
            <span className="muted small">{formatDateTime(d.declared_at, locale)}</span>
          </p>
          {d.status !== 'closed' && <CloseForm house={house} item={d} onDone={() => setN((x) => x + 1)} />}
        </li>
      ))}
    </ul>
  );
}

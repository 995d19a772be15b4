import '../settlement.css';
import { useEffect, useState, type FormEvent } from 'react';
import { Empty, LoadError, Loading, Notice } from '../../../components/feedback';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { MoneyInput } from '../../../components/money-input';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMoney } from '../../../hooks/use-money';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { parseMoney } from '../../../lib/money-input';
import { useSession } from '../../../lib/session';
import { houseOrganisations } from '../../../lib/houses';
import { estimateFees, feeSchedules, publishFeeSchedule, type Estimate, type FeeSchedule } from '../api/settlement';
import { formToRules, rulesToForm, type BandForm, type FeeForm, type FeeFormErrors } from '../lib/fee-form';
import { lineLabel } from '../lib/labels';

/** What a hammer price costs the buyer and nets the seller under the house's schedule in force (the invoicing code). */
export function Estimator({ house, sessionId }: { house: number; sessionId?: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { yuan, moneyExact } = useMoney();
  const [amount, setAmount] = useState('');
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | undefined>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fen = parseMoney(amount, 'wan');
    setProblem(fen === undefined ? t('settlement.desk.badAmount') : undefined);
    if (fen === undefined) return;
    setError(null);
    estimateFees(house, fen, sessionId).then(setEstimate, setError);
  };
  return (
    <section className="card" data-testid="estimator">
      <h2>{t('settlement.estimator.title')}</h2>
      <form className="inline-form" onSubmit={submit}>
        <MoneyInput label={t('settlement.hammer')} unit="wan" value={amount} onValueChange={setAmount} error={problem} data-testid="estimate-amount" />
        <button type="submit" className="btn btn-primary">
          {t('settlement.estimator.calculate')}
        </button>
      </form>
      <FormError error={error} />
      {estimate && (
        <table className="table compact" data-testid="estimate">
          <tbody>
            <tr>
              <th scope="row">{t('settlement.hammer')}</th>
              <td className="num">{moneyExact(estimate.hammer_fen)}</td>
            </tr>
            {estimate.buyer_charges.map((c) => (
              <tr key={`b-${c.kind}`}>
                <th scope="row">{lineLabel(c.kind, i18n)}</th>
                <td className="num">{yuan(c.amount_fen)}</td>
              </tr>
            ))}
            <tr className="strong">
              <th scope="row">{t('settlement.totalDue')}</th>
              <td className="num" data-testid="estimate-total">{moneyExact(estimate.total_due_fen)}</td>
            </tr>
            {estimate.seller_charges.map((c) => (
              <tr key={`s-${c.kind}`}>
                <th scope="row">{lineLabel(c.kind, i18n)}</th>
                <td className="num">−{yuan(c.amount_fen)}</td>
              </tr>
            ))}
            <tr className="strong">
              <th scope="row">{t('settlement.estimator.sellerNet')}</th>
              <td className="num" data-testid="estimate-net">{moneyExact(estimate.seller_net_fen)}</td>
            </tr>
          </tbody>
        </table>
      )}
      {estimate && (
        <p className="muted small">
          {estimate.fee_schedule_version
            ? t('settlement.estimator.version', { version: estimate.fee_schedule_version })
            : t('settlement.estimator.statutory')}
        </p>
      )}
    </section>
  );
}

function BandRows({ side, rows, errors, onChange }: { side: 'buyer' | 'seller'; rows: BandForm[]; errors: FeeFormErrors; onChange: (rows: BandForm[]) => void }) {
  const { t } = useI18n();
  const err = (i: number, f: string) => {
    const key = errors[`${side}.${i}.${f}`];
    return key ? t(key as MessageKey) : undefined;
  };
  const set = (i: number, patch: Partial<BandForm>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset data-testid={`bands-${side}`}>
      <legend>{t(side === 'buyer' ? 'settlement.buyerPremium' : 'settlement.sellerCommission')}</legend>
      {rows.map((row, i) => (
        <div key={i} className="band-row">
          {i === 0 ? (
            <p className="muted small">{t('settlement.fees.fromZero')}</p>
          ) : (
            <MoneyInput label={t('settlement.fees.from')} unit="wan" value={row.lower} onValueChange={(v) => set(i, { lower: v })} error={err(i, 'lower')} />
          )}
          <TextField label={t('settlement.fees.rate')} inputMode="decimal" value={row.rate} onChange={(e) => set(i, { rate: e.target.value })} error={err(i, 'rate')} />
          <MoneyInput label={t('settlement.fees.min')} unit="yuan" allowZero value={row.min} onValueChange={(v) => set(i, { min: v })} error={err(i, 'min')} />
          <MoneyInput label={t('settlement.fees.cap')} unit="yuan" value={row.cap} onValueChange={(v) => set(i, { cap: v })} error={err(i, 'cap')} />
          {i > 0 && (
            <button type="button" className="btn btn-ghost" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              {t('settlement.fees.removeBand')}
            </button>
          )}
        </div>
      ))}
      <button type="button" className="btn btn-ghost" onClick={() => onChange([...rows, { lower: '', rate: rows[rows.length - 1]?.rate ?? '5', min: '', cap: '' }])}>
        {t('settlement.fees.addBand')}
      </button>
    </fieldset>
  );
}

function ScheduleForm({ house, from, onPublished }: { house: number; from: FeeSchedule | null; onPublished: (s: FeeSchedule) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<FeeForm>(() => rulesToForm(from?.rules ?? null));
  const [errors, setErrors] = useState<FeeFormErrors>({});
  const [note, setNote] = useState('');
  const [effective, setEffective] = useState('');
  const publish = useMutation(async (rules: NonNullable<ReturnType<typeof formToRules>['rules']>) =>
    onPublished(await publishFeeSchedule(house, { rules, note, effective_from: effective ? new Date(effective).toISOString() : undefined })),
  );
  const field = (k: keyof FeeForm) => (errors[k] ? t(errors[k] as MessageKey) : undefined);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { rules, errors: found } = formToRules(form);
    setErrors(found);
    if (rules) void publish.run(rules);
  };
  return (
    <form className="card" onSubmit={submit} data-testid="fee-schedule-form">
      <h2>{t('settlement.fees.newVersion')}</h2>
      <BandRows side="buyer" rows={form.buyer} errors={errors} onChange={(buyer) => setForm({ ...form, buyer })} />
      <BandRows side="seller" rows={form.seller} errors={errors} onChange={(seller) => setForm({ ...form, seller })} />
      <MoneyInput label={t('settlement.line.document')} unit="yuan" allowZero value={form.documentFee} onValueChange={(documentFee) => setForm({ ...form, documentFee })} error={field('documentFee')} />
      <TextField label={t('settlement.fees.paymentDays')} inputMode="numeric" value={form.paymentDays} onChange={(e) => setForm({ ...form, paymentDays: e.target.value })} error={field('paymentDays')} />
      <MoneyInput label={t('settlement.fees.lateFee')} unit="yuan" allowZero value={form.lateFlat} onValueChange={(lateFlat) => setForm({ ...form, lateFlat })} error={field('lateFlat')} />
      <MoneyInput label={t('settlement.fees.storageDaily')} unit="yuan" allowZero value={form.storageDaily} onValueChange={(storageDaily) => setForm({ ...form, storageDaily })} error={field('storageDaily')} />
      <TextField label={t('settlement.fees.storageFreeDays')} inputMode="numeric" value={form.storageFreeDays} onChange={(e) => setForm({ ...form, storageFreeDays: e.target.value })} error={field('storageFreeDays')} />
      <TextField label={t('settlement.fees.vat')} inputMode="decimal" value={form.vatPercent} onChange={(e) => setForm({ ...form, vatPercent: e.target.value })} error={field('vatPercent')} />
      <TextField label={t('settlement.fees.effectiveFrom')} type="datetime-local" value={effective} onChange={(e) => setEffective(e.target.value)} hint={t('settlement.fees.effectiveHint')} />
      <TextField label={t('settlement.fees.note')} value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />
      <FormError error={publish.error} />
      <SubmitButton pending={publish.pending}>{t('settlement.fees.publish')}</SubmitButton>
    </form>
  );
}

/** The house's fee schedules: versions with their effective dates, a new version, and the estimator beside them. */
export function FeesPage() {
  const { t, locale } = useI18n();
  useDocumentTitle(t('settlement.fees.title'));
  const houses = houseOrganisations(useSession().me);
  const [house, setHouse] = useState<number | null>(houses[0]?.id ?? null);
  const [versions, setVersions] = useState<FeeSchedule[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [published, setPublished] = useState<FeeSchedule | null>(null);
  const load = () => {
    if (house === null) return;
    setError(null);
    feeSchedules(house).then(setVersions, setError);
  };
  useEffect(load, [house]);
  if (house === null) {
    return (
      <div className="page settlement">
        <h1>{t('settlement.fees.title')}</h1>
        <p className="alert alert-warning">{t('auctions.new.noHouse')}</p>
      </div>
    );
  }
  return (
    <div className="page wide settlement">
      <h1>{t('settlement.fees.title')}</h1>
      {houses.length > 1 && (
        <SelectField label={t('settlement.desk.house')} value={String(house)} onChange={(e) => setHouse(Number(e.target.value))} options={houses.map((h) => ({ value: String(h.id), label: h.name }))} />
      )}
      <div className="two-columns">
        <div>
          {published && <Notice>{t('settlement.fees.published', { version: published.version })}</Notice>}
          {error ? (
            <LoadError error={error} onRetry={load} />
          ) : !versions ? (
            <Loading />
          ) : !versions.length ? (
            <Empty>{t('settlement.fees.none')}</Empty>
          ) : (
            <table className="table" data-testid="fee-versions">
              <thead>
                <tr>
                  <th>{t('settlement.fees.version')}</th>
                  <th>{t('settlement.fees.effectiveFrom')}</th>
                  <th>{t('settlement.fees.note')}</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.id}>
                    <td>v{v.version}</td>
                    <td>{formatDateTime(v.effective_from, locale)}</td>
                    <td>{v.note}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {versions && (
            <ScheduleForm
              key={versions[0]?.id ?? 0}
              house={house}
              from={versions[0] ?? null}
              onPublished={(s) => {
                setPublished(s);
                load();
              }}
            />
          )}
        </div>
        <Estimator house={house} />
      </div>
    </div>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { LoadError, Loading, Notice } from '../../../components/feedback';
import { FormError, SubmitButton, TextField } from '../../../components/form';
import { useMoney } from '../../../hooks/use-money';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { recordPayout, salePayout, scanGatePass, type Handover, type Payout } from '../api/handover';
import { normaliseCode } from '../lib/handover';
import { todayInBeijing } from './DeskInvoices';

/** The yard scans (or types) the buyer's gate pass code: the first scan hands the car over and starts the 过户. */
function ScanForm({ house, onHandedOver }: { house: number; onHandedOver: (h: Handover) => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const scan = useMutation(async () => {
    const h = await scanGatePass(house, code);
    setCode('');
    onHandedOver(h);
  });
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void scan.run();
      }}
      data-testid="scan-form"
    >
      <h3>{t('settlement.desk.scanTitle')}</h3>
      <div className="scan-input">
        <TextField
          label={t('settlement.desk.passCode')}
          value={code}
          onChange={(e) => setCode(normaliseCode(e.target.value))}
          required
          maxLength={40}
          autoComplete="off"
          autoFocus
          data-testid="scan-code"
        />
      </div>
      <SubmitButton pending={scan.pending}>{t('settlement.desk.scan')}</SubmitButton>
      <FormError error={scan.error} />
    </form>
  );
}

export function PayoutForm({ sale, onDone }: { sale: number; onDone: (p: Payout) => void }) {
  const { t } = useI18n();
  const [reference, setReference] = useState('');
  const [paidOn, setPaidOn] = useState(todayInBeijing());
  const save = useMutation(async () => onDone(await recordPayout(sale, { bank_reference: reference, paid_on: paidOn })));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  return (
    <form className="inline-form" onSubmit={submit} data-testid="payout-form">
      <TextField label={t('settlement.desk.reference')} value={reference} onChange={(e) => setReference(e.target.value)} required maxLength={64} data-testid="payout-reference" />
      <TextField label={t('settlement.desk.paidOn')} type="date" value={paidOn} onChange={(e) => setPaidOn(e.target.value)} required />
      <SubmitButton pending={save.pending}>{t('settlement.desk.recordPayout')}</SubmitButton>
      <FormError error={save.error} />
    </form>
  );
}

/** One sale's payout as the house sees it: the figures, why it waits, or the form to record the bank transfer. */
function PayoutPanel({ sale }: { sale: number }) {
  const { t, tDynamic } = useI18n();
  const { yuan } = useMoney();
  const [payout, setPayout] = useState<Payout | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The panel is keyed by the sale, so it loads once per sale.
  useEffect(() => {
    salePayout(sale).then(setPayout, setError);
  }, [sale]);
  if (error) return <LoadError error={error} />;
  if (!payout) return <Loading />;
  const f = payout.figures;
  return (
    <div className="card" data-testid="payout">
      <h3>
        {t('settlement.desk.payout', { sale: payout.sale_id })}{' '}
        <span className={`badge ${payout.state === 'paid' ? 'badge-success' : ''}`} data-testid="payout-state">
          {t(`settlement.desk.payoutState.${payout.state}`)}
        </span>
      </h3>
      <table className="table compact">
        <tbody>
          <tr><th scope="row">{t('settlement.hammer')}</th><td className="num">{yuan(f.hammer_fen)}</td></tr>
          <tr><th scope="row">{t('settlement.desk.commission')}</th><td className="num">−{yuan(f.commission_fen)}</td></tr>
          <tr><th scope="row">{t('settlement.desk.sellerFees')}</th><td className="num">−{yuan(f.seller_fees_fen)}</td></tr>
          {f.adjustments_fen > 0 && <tr><th scope="row">{t('settlement.desk.adjustments')}</th><td className="num">−{yuan(f.adjustments_fen)}</td></tr>}
          {f.set_off_fen > 0 && <tr><th scope="row">{t('settlement.desk.setOff')}</th><td className="num">−{yuan(f.set_off_fen)}</td></tr>}
          <tr className="strong"><th scope="row">{t('settlement.desk.payoutAmount')}</th><td className="num" data-testid="payout-amount">{yuan(f.amount_fen)}</td></tr>
        </tbody>
      </table>
      {payout.state === 'waiting' && (
        <ul className="small" data-testid="payout-waiting">
          {payout.waiting.map((w) => (
            <li key={w}>{tDynamic(`settlement.desk.waiting.${w}`, w)}</li>
          ))}
        </ul>
      )}
      {payout.state === 'due' && <PayoutForm sale={payout.sale_id} onDone={setPayout} />}
      {payout.state === 'paid' && payout.bank_reference && (
        <Notice>
          {t('settlement.desk.payoutRecorded', { reference: payout.bank_reference })}
          {payout.paid_on && ` · ${formatDate(payout.paid_on)}`}
        </Notice>
      )}
    </div>
  );
}

/** The handover tab: scan a gate pass; look up any sale's payout (due, waiting and why, paid) and record it. */
export function DeskHandover({ house }: { house: number }) {
  const { t } = useI18n();
  const [handover, setHandover] = useState<Handover | null>(null);
  const [saleInput, setSaleInput] = useState('');
  const [sale, setSale] = useState<number | null>(null);
  return (
    <section>
      <ScanForm
        house={house}
        onHandedOver={(h) => {
          setHandover(h);
          setSale(h.sale_id);
          setSaleInput(String(h.sale_id));
        }}
      />
      {handover && (
        <Notice>
          <span data-testid="handed-over">{t('settlement.desk.handedOver', { sale: handover.sale_id, date: formatDate(handover.transfer_deadline) })}</span>
        </Notice>
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const n = Number(saleInput);
          if (Number.isInteger(n) && n > 0) setSale(n);
        }}
      >
        <TextField label={t('settlement.desk.saleNo')} inputMode="numeric" pattern="[0-9]+" value={saleInput} onChange={(e) => setSaleInput(e.target.value)} required data-testid="payout-sale" />
        <button type="submit" className="btn">{t('settlement.desk.findPayout')}</button>
      </form>
      {sale !== null && <PayoutPanel key={sale} sale={sale} />}
    </section>
  );
}

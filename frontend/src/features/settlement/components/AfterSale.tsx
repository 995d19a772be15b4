import { useEffect, useState, type FormEvent } from 'react';
import { FormError, SubmitButton, TextField } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { isApiError } from '../../../lib/api-client';
import { formatDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import {
  documentUrl,
  fileTransfer,
  gatePass,
  saleTransfer,
  uploadTransferProof,
  type GatePass,
  type Transfer,
} from '../api/handover';
import type { Invoice } from '../api/settlement';
import { buyerTransferAction, paymentReference, transferSteps } from '../lib/handover';
import { BuyerDispute } from './BuyerDispute';

/** Load something the API may not have yet (404 before the payment, the handover): null then, an error otherwise. */
function useMaybe<T>(load: () => Promise<T>, deps: unknown[]): [T | null, (v: T) => void, unknown] {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    load().then(
      (v) => live && setValue(v),
      (e) => live && !(isApiError(e) && e.status === 404) && setError(e),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return [value, setValue, error];
}

function Documents({ invoice }: { invoice: Invoice }) {
  const { t } = useI18n();
  return (
    <p className="small doc-links" data-testid="invoice-documents">
      <a href={documentUrl(invoice.id, 'invoice')} target="_blank" rel="noreferrer">{t('settlement.docs.invoice')}</a>
      {invoice.source === 'auction' && (
        <a href={documentUrl(invoice.id, 'confirmation')} target="_blank" rel="noreferrer">{t('settlement.docs.confirmation')}</a>
      )}
      <a href={documentUrl(invoice.id, 'contract')} target="_blank" rel="noreferrer">{t('settlement.docs.contract')}</a>
    </p>
  );
}

function ProofForm({ sale, onDone }: { sale: number; onDone: (t: Transfer) => void }) {
  const { t } = useI18n();
  const [province, setProvince] = useState('');
  const [city, setCity] = useState('');
  const [plate, setPlate] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const send = useMutation(async (f: File) => onDone(await uploadTransferProof(sale, f, { province, city, plate })));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) void send.run(file);
  };
  return (
    <form className="inline-form" onSubmit={submit} data-testid="proof-form">
      <TextField label={t('settlement.transfer.province')} value={province} onChange={(e) => setProvince(e.target.value)} required maxLength={40} />
      <TextField label={t('settlement.transfer.city')} value={city} onChange={(e) => setCity(e.target.value)} required maxLength={40} />
      <TextField label={t('settlement.transfer.plate')} value={plate} onChange={(e) => setPlate(e.target.value)} required minLength={5} maxLength={12} />
      <TextField
        label={t('settlement.transfer.proofFile')}
        type="file"
        accept="image/jpeg,image/png,image/webp,application/pdf"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        required
        data-testid="proof-file"
      />
      <SubmitButton pending={send.pending}>{t('settlement.transfer.sendProof')}</SubmitButton>
      <FormError error={send.error} />
    </form>
  );
}

function TransferSteps({ transfer, onChange }: { transfer: Transfer; onChange: (t: Transfer) => void }) {
  const { t } = useI18n();
  const file = useMutation(async () => onChange(await fileTransfer(transfer.sale_id)));
  const action = buyerTransferAction(transfer);
  return (
    <div className="transfer" data-testid="transfer">
      <h4>
        {t('settlement.transfer.title')}{' '}
        <span className={`badge ${transfer.overdue ? 'badge-danger' : ''}`}>{t(`settlement.transfer.status.${transfer.status}`)}</span>
      </h4>
      {transfer.status !== 'cancelled' && transfer.status !== 'done' && (
        <p className="small">{t('settlement.transfer.deadline', { date: formatDate(transfer.deadline) })}</p>
      )}
      <ol className="steps">
        {transferSteps(transfer).map(({ step, done }) => (
          <li key={step} className={done ? 'done' : undefined} data-testid={`transfer-step-${step}`} data-done={done}>
            {done ? '✓ ' : ''}
            {t(`settlement.transfer.step.${step}`)}
          </li>
        ))}
      </ol>
      {action === 'file' && (
        <p>
          <button type="button" className="btn" disabled={file.pending} onClick={() => void file.run()} data-testid="transfer-file">
            {t('settlement.transfer.markFiled')}
          </button>
          <FormError error={file.error} />
        </p>
      )}
      {action === 'proof' && <ProofForm sale={transfer.sale_id} onDone={onChange} />}
    </div>
  );
}

/** What the buyer does after the hammer: pay (the reference), the documents, the gate pass, the 过户, a dispute. */
export function AfterSale({ invoice }: { invoice: Invoice }) {
  const { t } = useI18n();
  const paid = invoice.status === 'paid';
  const [pass, , passError] = useMaybe<GatePass>(() => gatePass(invoice.sale_id), [invoice.sale_id, paid]);
  const [transfer, setTransfer, transferError] = useMaybe<Transfer>(() => saleTransfer(invoice.sale_id), [invoice.sale_id, pass?.handed_over_at]);
  return (
    <div className="after-sale">
      <Documents invoice={invoice} />
      {invoice.status === 'open' && (
        <p className="small pay-how" data-testid="pay-reference">
          {t('settlement.pay.reference', { reference: paymentReference(invoice) })}
        </p>
      )}
      {pass && (
        <p data-testid="gate-pass">
          {t('settlement.gatePass.code')} <code className="gate-code" data-testid="gate-pass-code">{pass.pass_code}</code>{' '}
          <span className="muted small">{pass.handed_over_at ? t('settlement.gatePass.used') : t('settlement.gatePass.show')}</span>
        </p>
      )}
      {transfer && <TransferSteps transfer={transfer} onChange={setTransfer} />}
      <FormError error={passError ?? transferError} />
      {pass?.handed_over_at && <BuyerDispute sale={invoice.sale_id} handedOver={invoice.status !== 'void'} />}
    </div>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { useMoney } from '../../../hooks/use-money';
import { useMutation } from '../../../hooks/use-mutation';
import { isApiError } from '../../../lib/api-client';
import { useI18n } from '../../../lib/i18n';
import {
  DISPUTE_REASONS,
  addEvidence,
  escalateDispute,
  openDispute,
  saleDispute,
  type Dispute,
  type DisputeReason,
} from '../api/handover';
import { escalatesTo, evidenceProblem } from '../lib/handover';
import { DisputeState, EvidencePhotos } from './DisputeEvidence';

function OpenForm({ sale, onOpened }: { sale: number; onOpened: (d: Dispute) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<DisputeReason>('undisclosed_damage');
  const [description, setDescription] = useState('');
  const send = useMutation(async () => onOpened(await openDispute(sale, { reason, description })));
  if (!open) {
    return (
      <button type="button" className="btn btn-ghost" onClick={() => setOpen(true)} data-testid="dispute-open">
        {t('settlement.dispute.open')}
      </button>
    );
  }
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void send.run();
      }}
      data-testid="dispute-form"
    >
      <SelectField
        label={t('settlement.dispute.reason')}
        value={reason}
        onChange={(e) => setReason(e.target.value as DisputeReason)}
        options={DISPUTE_REASONS.map((r) => ({ value: r, label: t(`settlement.dispute.reason.${r}`) }))}
      />
      <TextField label={t('settlement.dispute.description')} value={description} onChange={(e) => setDescription(e.target.value)} required maxLength={2000} />
      <SubmitButton pending={send.pending}>{t('settlement.dispute.send')}</SubmitButton>
      <FormError error={send.error} />
    </form>
  );
}

/** A photo checked here for its type and size (the server checks its bytes again), then sent. */
function PhotoForm({ dispute, onSent }: { dispute: Dispute; onSent: () => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState(false);
  const problem = file ? evidenceProblem(file) : null;
  const send = useMutation(async (f: File) => {
    await addEvidence(dispute.id, f);
    setSent(true);
    onSent();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file && !problem) void send.run(file);
  };
  const message = { type: 'settlement.dispute.photoType', size: 'settlement.dispute.photoSize', empty: 'settlement.dispute.photoEmpty' } as const;
  return (
    <form className="inline-form" onSubmit={submit} data-testid="evidence-form">
      <TextField
        label={t('settlement.dispute.addPhoto')}
        type="file"
        accept="image/jpeg,image/png,image/webp"
        onChange={(e) => {
          setFile(e.target.files?.[0] ?? null);
          setSent(false);
        }}
        error={problem ? t(message[problem]) : undefined}
        data-testid="evidence-file"
      />
      <SubmitButton pending={send.pending}>{t('settlement.dispute.sendPhoto')}</SubmitButton>
      {sent && <p className="small" role="status">{t('settlement.dispute.photoSent')}</p>}
      <FormError error={send.error} />
    </form>
  );
}

function EscalateForm({ dispute, onDone }: { dispute: Dispute; onDone: (d: Dispute) => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const next = escalatesTo(dispute);
  const send = useMutation(async () => onDone(await escalateDispute(dispute.id, note)));
  if (!next) return dispute.level === 'authorities' && dispute.status === 'answered' ? <p className="small">{t('settlement.dispute.top')}</p> : null;
  const level = t(`settlement.dispute.level.${next}`);
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void send.run();
      }}
      data-testid="escalate-form"
    >
      <TextField label={t('settlement.dispute.escalateNote')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
      <SubmitButton pending={send.pending}>{t('settlement.dispute.escalate', { level })}</SubmitButton>
      <FormError error={send.error} />
    </form>
  );
}

/**
 * The buyer's dispute on a purchase: opened once the vehicle was handed over (within the house's window), evidence
 * photos sent while it awaits an answer, and escalated after an answer in the seed's order (the house, the
 * association, the authorities).
 */
export function BuyerDispute({ sale, handedOver }: { sale: number; handedOver: boolean }) {
  const { t } = useI18n();
  const { yuan } = useMoney();
  const [dispute, setDispute] = useState<Dispute | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    saleDispute(sale).then(
      (d) => live && setDispute(d),
      (e) => live && !(isApiError(e) && e.status === 404) && setError(e),
    );
    return () => {
      live = false;
    };
  }, [sale, n]);
  const reload = () => setN((x) => x + 1);
  if (error) return <FormError error={error} />;
  if (!dispute) return handedOver ? <OpenForm sale={sale} onOpened={(d) => (setDispute(d), setNotice(t('settlement.dispute.opened', { id: d.id })))} /> : null;
  return (
    <section className="dispute" data-testid="buyer-dispute">
      <h4>
        {t('settlement.dispute.title', { id: dispute.id })} <span className="badge">{t(`settlement.dispute.reason.${dispute.reason}`)}</span>
      </h4>
      {notice && (
        <p className="alert alert-info" data-testid="dispute-opened">
          {notice}
        </p>
      )}
      <p>{dispute.description}</p>
      <DisputeState dispute={dispute} />
      {dispute.refunded_fen > 0 && <p className="small">{t('settlement.dispute.refunded', { amount: yuan(dispute.refunded_fen) })}</p>}
      <h5>{t('settlement.dispute.photos')}</h5>
      <EvidencePhotos dispute={dispute} />
      {dispute.status === 'open' ? <PhotoForm dispute={dispute} onSent={reload} /> : <p className="small muted">{t('settlement.dispute.photosClosed')}</p>}
      <EscalateForm
        dispute={dispute}
        onDone={(d) => {
          setDispute(d);
          setNotice(t('settlement.dispute.escalated', { level: t(`settlement.dispute.level.${d.level as 'house' | 'association' | 'authorities'}`) }));
        }}
      />
    </section>
  );
}

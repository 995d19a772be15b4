import { useState, type FormEvent } from 'react';
import { FormError, SubmitButton, TextField } from '../../../components/form';
import { Notice } from '../../../components/feedback';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { useMutation } from '../../../hooks/use-mutation';
import type { Organisation } from '../../../types/api';
import { createPenalty, type PenaltyInput } from '../api/admin';

type Field = 'user_id' | 'points' | 'reason' | 'evidence';

/** Platform admin: record penalty points against an organisation (optionally one of its users). */
export function PenaltyForm({ org, onDone, onClose }: { org: Organisation; onDone: () => Promise<void>; onClose: () => void }) {
  const { t } = useI18n();
  const empty: Record<Field, string> = { user_id: '', points: '', reason: '', evidence: '' };
  const [form, setForm] = useState(empty);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [saved, setSaved] = useState(false);
  const mutation = useMutation(createPenalty);
  const server = serverFieldErrors(mutation.error);
  const set = (field: Field) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setForm({ ...form, [field]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const next: Partial<Record<Field, string>> = {};
    const points = Number(form.points);
    if (!/^\d+$/.test(form.points.trim()) || points < 1) next.points = t('validation.positiveInt');
    if (form.user_id.trim() && !/^\d+$/.test(form.user_id.trim())) next.user_id = t('validation.positiveInt');
    if (!form.reason.trim()) next.reason = t('validation.required');
    setErrors(next);
    if (Object.keys(next).length) return;
    const body: PenaltyInput = {
      organisation_id: org.id,
      points,
      reason: form.reason.trim(),
      evidence: form.evidence.trim(),
    };
    if (form.user_id.trim()) body.user_id = Number(form.user_id);
    const res = await mutation.run(body);
    if (res.ok) {
      setForm(empty);
      setSaved(true);
      await onDone();
    }
  }

  return (
    <form className="form form-grid penalty-form" onSubmit={submit} noValidate aria-label={t('admin.penaltyFor', { name: org.name })}>
      <TextField
        label={t('penalties.points')}
        name="points"
        type="number"
        min={1}
        step={1}
        inputMode="numeric"
        required
        value={form.points}
        onChange={set('points')}
        error={errors.points ?? server.points}
      />
      <TextField
        label={t('admin.penaltyUser')}
        name="user_id"
        inputMode="numeric"
        value={form.user_id}
        onChange={set('user_id')}
        error={errors.user_id ?? server.user_id}
      />
      <TextField
        label={t('penalties.reason')}
        name="penalty_reason"
        required
        value={form.reason}
        onChange={set('reason')}
        error={errors.reason ?? server.reason}
      />
      <TextField
        label={t('penalties.evidence')}
        name="evidence"
        value={form.evidence}
        onChange={set('evidence')}
        error={server.evidence}
        hint={t('admin.evidenceHint')}
      />
      <div className="form-actions">
        <FormError error={mutation.error} fields={['user_id', 'points', 'reason', 'evidence']} />
        {saved && <Notice>{t('admin.penaltySaved')}</Notice>}
        <div className="row-actions">
          <SubmitButton pending={mutation.pending} className="btn btn-small btn-danger">
            {t('admin.penaltySubmit')}
          </SubmitButton>
          <button type="button" className="btn btn-small btn-ghost" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </div>
    </form>
  );
}

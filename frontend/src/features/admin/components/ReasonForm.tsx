import { useEffect, useRef, useState, type FormEvent } from 'react';
import { FormError } from '../../../components/form';
import { useI18n } from '../../../lib/i18n';
import { useMutation } from '../../../hooks/use-mutation';
import type { VerificationAction } from '../../../types/api';

interface ReasonFormProps {
  action: VerificationAction;
  /** What is being acted on, e.g. the organisation's name. */
  subject: string;
  onSubmit: (reason: string) => Promise<unknown>;
  onClose: () => void;
}

/**
 * Inline "why?" form shown under a row after clicking Verify / Suspend / Cancel.
 * A reason is mandatory for suspend and cancel, optional for verify.
 */
export function ReasonForm({ action, subject, onSubmit, onClose }: ReasonFormProps) {
  const { t, tDynamic } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const mutation = useMutation(onSubmit);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => input.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (action !== 'verify' && !reason.trim()) {
      setError(t('validation.reasonRequired'));
      return;
    }
    setError(null);
    const res = await mutation.run(reason.trim());
    if (res.ok) onClose();
  }

  const actionLabel = tDynamic(`admin.action.${action}`, action);
  return (
    <form
      className={`reason-form reason-${action}`}
      onSubmit={submit}
      noValidate
      aria-label={t('admin.reasonFor', { action: actionLabel, subject })}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className={`field${error ? ' field-invalid' : ''}`}>
        <label htmlFor="reason-input">{t('admin.reasonLabel', { action: actionLabel, subject })}</label>
        <textarea
          id="reason-input"
          ref={input}
          data-testid="reason-input"
          rows={2}
          maxLength={1000}
          value={reason}
          required={action !== 'verify'}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'reason-error' : undefined}
          onChange={(e) => setReason(e.target.value)}
        />
        {error && (
          <p className="field-error" id="reason-error">
            {error}
          </p>
        )}
      </div>
      <FormError error={mutation.error} fields={[]} />
      <div className="row-actions">
        <button
          type="submit"
          className={`btn btn-small ${action === 'verify' ? 'btn-primary' : 'btn-danger'}`}
          data-testid="confirm-action"
          disabled={mutation.pending}
        >
          {mutation.pending ? t('common.working') : t('admin.confirm', { action: actionLabel })}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onClose} disabled={mutation.pending}>
          {t('common.close')}
        </button>
      </div>
    </form>
  );
}

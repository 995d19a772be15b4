import { useState, type FormEvent } from 'react';
import { FormError, SubmitButton, TextField } from '../../../components/form';
import { Notice } from '../../../components/feedback';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { PASSWORD_MIN_LENGTH } from '../../../lib/validation';
import { useMutation } from '../../../hooks/use-mutation';
import { changePassword } from '../api/auth';

type Field = 'current_password' | 'new_password' | 'confirm';

export function ChangePasswordForm() {
  const { t } = useI18n();
  const empty = { current_password: '', new_password: '', confirm: '' };
  const [form, setForm] = useState<Record<Field, string>>(empty);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [done, setDone] = useState(false);
  const mutation = useMutation(changePassword);
  const server = serverFieldErrors(mutation.error);
  const set = (field: Field) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setForm({ ...form, [field]: e.target.value });
    if (errors[field]) setErrors({ ...errors, [field]: undefined });
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const next: Partial<Record<Field, string>> = {};
    if (!form.current_password) next.current_password = t('validation.required');
    if (form.new_password.length < PASSWORD_MIN_LENGTH)
      next.new_password = t('validation.passwordLength', { min: PASSWORD_MIN_LENGTH });
    if (form.confirm !== form.new_password) next.confirm = t('validation.passwordMismatch');
    setErrors(next);
    if (Object.keys(next).length) return;
    const res = await mutation.run({ current_password: form.current_password, new_password: form.new_password });
    if (res.ok) {
      setForm(empty);
      setDone(true);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField
        label={t('password.current')}
        name="current_password"
        type="password"
        autoComplete="current-password"
        required
        value={form.current_password}
        onChange={set('current_password')}
        error={errors.current_password ?? server.current_password}
      />
      <TextField
        label={t('password.new')}
        name="new_password"
        type="password"
        autoComplete="new-password"
        required
        value={form.new_password}
        onChange={set('new_password')}
        error={errors.new_password ?? server.new_password}
        hint={t('validation.passwordLength', { min: PASSWORD_MIN_LENGTH })}
      />
      <TextField
        label={t('password.confirmNew')}
        name="confirm_new_password"
        type="password"
        autoComplete="new-password"
        required
        value={form.confirm}
        onChange={set('confirm')}
        error={errors.confirm}
      />
      <FormError error={mutation.error} fields={['current_password', 'new_password']} />
      {done && <Notice>{t('password.changed')}</Notice>}
      <SubmitButton pending={mutation.pending}>{t('password.submit')}</SubmitButton>
    </form>
  );
}

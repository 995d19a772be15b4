import { useState, type FormEvent } from 'react';
import { Notice } from '../../../components/feedback';
import { FormError, SubmitButton, TextField } from '../../../components/form';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { isLogin, PASSWORD_MIN_LENGTH } from '../../../lib/validation';
import { useMutation } from '../../../hooks/use-mutation';
import { forgotPassword, resetPassword } from '../api/auth';

/** Asks for a reset link; the answer is the same whether or not an account has the login. */
export function ForgotPasswordForm() {
  const { t } = useI18n();
  const [login, setLogin] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [sent, setSent] = useState(false);
  const mutation = useMutation(forgotPassword);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!isLogin(login)) {
      setError(t('validation.login'));
      return;
    }
    setError(undefined);
    const res = await mutation.run(login.trim());
    if (res.ok) setSent(true);
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <p className="muted">{t('forgot.intro')}</p>
      <TextField
        label={t('auth.login')}
        name="login"
        autoComplete="username"
        required
        value={login}
        onChange={(e) => setLogin(e.target.value)}
        error={error}
      />
      <FormError error={mutation.error} fields={['login']} />
      {sent && <Notice>{t('forgot.sent')}</Notice>}
      <SubmitButton pending={mutation.pending}>{t('forgot.submit')}</SubmitButton>
    </form>
  );
}

/** Sets a new password from the link's token; on success every session and API token has ended. */
export function ResetPasswordForm({ token, onDone }: { token: string; onDone: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ new_password: '', confirm: '' });
  const [errors, setErrors] = useState<{ new_password?: string; confirm?: string }>({});
  const mutation = useMutation((password: string) => resetPassword(token, password));
  const server = serverFieldErrors(mutation.error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: typeof errors = {};
    if (form.new_password.length < PASSWORD_MIN_LENGTH)
      next.new_password = t('validation.passwordLength', { min: PASSWORD_MIN_LENGTH });
    if (form.confirm !== form.new_password) next.confirm = t('validation.passwordMismatch');
    setErrors(next);
    if (Object.keys(next).length) return;
    const res = await mutation.run(form.new_password);
    if (res.ok) onDone();
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField
        label={t('password.new')}
        name="new_password"
        type="password"
        autoComplete="new-password"
        required
        value={form.new_password}
        onChange={(e) => setForm({ ...form, new_password: e.target.value })}
        error={errors.new_password ?? server.new_password}
        hint={t('password.policyHint', { min: PASSWORD_MIN_LENGTH })}
      />
      <TextField
        label={t('password.confirmNew')}
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        value={form.confirm}
        onChange={(e) => setForm({ ...form, confirm: e.target.value })}
        error={errors.confirm}
      />
      <FormError error={mutation.error} fields={['new_password']} />
      <SubmitButton pending={mutation.pending}>{t('reset.submit')}</SubmitButton>
    </form>
  );
}

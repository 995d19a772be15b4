import { useState, type FormEvent } from 'react';
import { FormError, SubmitButton, TextField } from '../../../components/form';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { setSessionUser } from '../../../lib/session';
import { isLogin } from '../../../lib/validation';
import { useMutation } from '../../../hooks/use-mutation';
import { login } from '../api/auth';
import type { Me } from '../../../types/api';

export function LoginForm({ onSuccess }: { onSuccess: (me: Me) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ login: '', password: '' });
  const [errors, setErrors] = useState<Partial<Record<'login' | 'password', string>>>({});
  const mutation = useMutation(login);
  const server = serverFieldErrors(mutation.error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: typeof errors = {};
    if (!form.login.trim()) next.login = t('validation.required');
    else if (!isLogin(form.login)) next.login = t('validation.login');
    if (!form.password) next.password = t('validation.required');
    setErrors(next);
    if (Object.keys(next).length) return;
    const res = await mutation.run({ login: form.login.trim(), password: form.password });
    if (res.ok) {
      setSessionUser(res.value);
      onSuccess(res.value);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField
        label={t('auth.login')}
        name="login"
        autoComplete="username"
        required
        value={form.login}
        onChange={(e) => {
          setForm({ ...form, login: e.target.value });
          setErrors({ ...errors, login: undefined });
        }}
        error={errors.login ?? server.login}
        hint={t('auth.loginHint')}
      />
      <TextField
        label={t('auth.password')}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={form.password}
        onChange={(e) => {
          setForm({ ...form, password: e.target.value });
          setErrors({ ...errors, password: undefined });
        }}
        error={errors.password ?? server.password}
      />
      <FormError error={mutation.error} fields={['login', 'password']} />
      <SubmitButton pending={mutation.pending}>{t('auth.signIn')}</SubmitButton>
    </form>
  );
}

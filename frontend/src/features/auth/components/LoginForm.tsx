import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Notice } from '../../../components/feedback';
import { isApiError } from '../../../lib/api-client';
import { FormError, SubmitButton, TextField } from '../../../components/form';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { setSessionUser } from '../../../lib/session';
import { isLogin } from '../../../lib/validation';
import { useMutation } from '../../../hooks/use-mutation';
import { login, sendLoginCode } from '../api/auth';
import type { Me } from '../../../types/api';

export function LoginForm({ onSuccess }: { onSuccess: (me: Me) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ login: '', password: '', code: '' });
  const [codeSent, setCodeSent] = useState(false);
  const codeMutation = useMutation(sendLoginCode);
  const [errors, setErrors] = useState<Partial<Record<'login' | 'password', string>>>({});
  const mutation = useMutation(login);
  const server = serverFieldErrors(mutation.error);
  const throttled = isApiError(mutation.error) && mutation.error.code === 'login_throttled';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: typeof errors = {};
    if (!form.login.trim()) next.login = t('validation.required');
    else if (!isLogin(form.login)) next.login = t('validation.login');
    if (!form.password) next.password = t('validation.required');
    setErrors(next);
    if (Object.keys(next).length) return;
    const code = form.code.trim();
    const res = await mutation.run({ login: form.login.trim(), password: form.password, ...(code ? { code } : {}) });
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
      {(throttled || codeSent || form.code) && (
        <TextField
          label={t('login.code')}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={8}
          value={form.code}
          onChange={(e) => setForm({ ...form, code: e.target.value })}
          hint={t('login.codeHint')}
        />
      )}
      <FormError error={mutation.error} fields={['login', 'password']} />
      {codeSent && <Notice tone="info">{t('login.codeSent')}</Notice>}
      <SubmitButton pending={mutation.pending}>{t('auth.signIn')}</SubmitButton>
      <p className="muted small">
        <Link to="/forgot-password">{t('login.forgot')}</Link>
        {throttled && isLogin(form.login) && (
          <>
            {' · '}
            <button
              type="button"
              className="btn btn-small btn-ghost"
              disabled={codeMutation.pending}
              onClick={async () => {
                const res = await codeMutation.run(form.login.trim());
                if (res.ok) setCodeSent(true);
              }}
            >
              {t('login.sendCode')}
            </button>
          </>
        )}
      </p>
    </form>
  );
}

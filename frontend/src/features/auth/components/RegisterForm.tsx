import { useState, type FormEvent } from 'react';
import { FormError, SubmitButton, TextField } from '../../../components/form';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { isChineseMobile, isEmail, PASSWORD_MIN_LENGTH } from '../../../lib/validation';
import { useMutation } from '../../../hooks/use-mutation';
import { register, type RegisterInput } from '../api/auth';

type Field = 'display_name' | 'email' | 'mobile' | 'password' | 'confirm';
const FIELDS: Field[] = ['display_name', 'email', 'mobile', 'password'];

/** Registration sends a confirmation link; `onSent` gets the address it went to. */
export function RegisterForm({ onSent }: { onSent: (address: string) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<Record<Field, string>>({
    display_name: '',
    email: '',
    mobile: '',
    password: '',
    confirm: '',
  });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const mutation = useMutation(register);
  const server = serverFieldErrors(mutation.error);
  const set = (field: Field) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setForm({ ...form, [field]: e.target.value });
    if (errors[field]) setErrors({ ...errors, [field]: undefined });
  };

  function validate(): Partial<Record<Field, string>> {
    const next: Partial<Record<Field, string>> = {};
    if (!form.display_name.trim()) next.display_name = t('validation.required');
    const email = form.email.trim();
    const mobile = form.mobile.trim();
    if (!email && !mobile) {
      next.email = t('validation.emailOrMobile');
      next.mobile = t('validation.emailOrMobile');
    }
    if (email && !isEmail(email)) next.email = t('validation.email');
    if (mobile && !isChineseMobile(mobile)) next.mobile = t('validation.mobile');
    if (form.password.length < PASSWORD_MIN_LENGTH) next.password = t('validation.passwordLength', { min: PASSWORD_MIN_LENGTH });
    if (form.confirm !== form.password) next.confirm = t('validation.passwordMismatch');
    return next;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next = validate();
    setErrors(next);
    if (Object.keys(next).length) return;
    const body: RegisterInput = { display_name: form.display_name.trim(), password: form.password };
    if (form.email.trim()) body.email = form.email.trim();
    if (form.mobile.trim()) body.mobile = form.mobile.trim();
    const res = await mutation.run(body);
    if (res.ok) onSent(body.email ?? body.mobile ?? '');
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField
        label={t('auth.displayName')}
        name="display_name"
        autoComplete="nickname"
        required
        maxLength={64}
        value={form.display_name}
        onChange={set('display_name')}
        error={errors.display_name ?? server.display_name}
      />
      <p className="form-note">{t('auth.emailOrMobileNote')}</p>
      <div className="field-pair">
        <TextField
          label={t('auth.email')}
          name="email"
          type="email"
          autoComplete="email"
          value={form.email}
          onChange={set('email')}
          error={errors.email ?? server.email}
        />
        <TextField
          label={t('auth.mobile')}
          name="mobile"
          type="tel"
          inputMode="numeric"
          autoComplete="tel-national"
          placeholder="13800138000"
          value={form.mobile}
          onChange={set('mobile')}
          error={errors.mobile ?? server.mobile}
        />
      </div>
      <TextField
        label={t('auth.password')}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        value={form.password}
        onChange={set('password')}
        error={errors.password ?? server.password}
        hint={t('password.policyHint', { min: PASSWORD_MIN_LENGTH })}
      />
      <TextField
        label={t('auth.confirmPassword')}
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        value={form.confirm}
        onChange={set('confirm')}
        error={errors.confirm}
      />
      <FormError error={mutation.error} fields={FIELDS} />
      <SubmitButton pending={mutation.pending}>{t('auth.createAccount')}</SubmitButton>
    </form>
  );
}

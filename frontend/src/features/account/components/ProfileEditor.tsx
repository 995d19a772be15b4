import { useState, type FormEvent } from 'react';
import { Notice } from '../../../components/feedback';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { setSessionUser } from '../../../lib/session';
import { isChineseMobile, isEmail } from '../../../lib/validation';
import { useMutation } from '../../../hooks/use-mutation';
import type { Me } from '../../../types/api';
import { rename, requestContactChange, type ContactChangeInput } from '../api/profile';

/** The display name changes at once; a new email or mobile needs the password and a link from the new address. */
export function ProfileEditor({ me }: { me: Me }) {
  const { t } = useI18n();
  const [name, setName] = useState(me.display_name);
  const [saved, setSaved] = useState(false);
  const renaming = useMutation(rename);
  const [contact, setContact] = useState<ContactChangeInput>({ field: 'email', value: '', password: '' });
  const [contactError, setContactError] = useState<string | undefined>();
  const [sent, setSent] = useState(false);
  const changing = useMutation(requestContactChange);
  const server = serverFieldErrors(changing.error);

  async function saveName(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const res = await renaming.run(name.trim());
    if (res.ok) {
      setSessionUser(res.value);
      setSaved(true);
    }
  }

  async function sendContact(e: FormEvent) {
    e.preventDefault();
    setSent(false);
    const value = contact.value.trim();
    const valid = contact.field === 'email' ? isEmail(value) : isChineseMobile(value);
    if (!valid) {
      setContactError(t(contact.field === 'email' ? 'validation.email' : 'validation.mobile'));
      return;
    }
    setContactError(undefined);
    const res = await changing.run({ ...contact, value });
    if (res.ok) {
      setSent(true);
      setContact({ ...contact, value: '', password: '' });
    }
  }

  return (
    <>
      <form className="form" onSubmit={saveName} noValidate>
        <TextField
          label={t('profile.edit')}
          name="display_name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <FormError error={renaming.error} fields={[]} />
        {saved && <Notice>{t('profile.saved')}</Notice>}
        <SubmitButton pending={renaming.pending}>{t('profile.save')}</SubmitButton>
      </form>
      <h3>{t('contact.title')}</h3>
      <form className="form" onSubmit={sendContact} noValidate>
        <SelectField
          label={t('contact.field')}
          name="field"
          value={contact.field}
          onChange={(e) => setContact({ ...contact, field: e.target.value as 'email' | 'mobile' })}
          options={[
            { value: 'email', label: t('auth.email') },
            { value: 'mobile', label: t('auth.mobile') },
          ]}
        />
        <TextField
          label={t('contact.value')}
          name="value"
          required
          value={contact.value}
          onChange={(e) => setContact({ ...contact, value: e.target.value })}
          error={contactError ?? server.value}
        />
        <TextField
          label={t('contact.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={contact.password}
          onChange={(e) => setContact({ ...contact, password: e.target.value })}
        />
        <FormError error={changing.error} fields={['value']} />
        {sent && <Notice>{t('contact.sent')}</Notice>}
        <SubmitButton pending={changing.pending}>{t('contact.submit')}</SubmitButton>
      </form>
    </>
  );
}

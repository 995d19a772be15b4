import { useState, type FormEvent } from 'react';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { Notice } from '../../../components/feedback';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { refreshSession } from '../../../lib/session';
import { isCreditCode } from '../../../lib/validation';
import { useMutation } from '../../../hooks/use-mutation';
import { createOrganisation, type CreateOrganisationInput } from '../api/organisations';

type Field = 'name' | 'kind' | 'business_licence_no';

export function CreateOrganisationForm() {
  const { t } = useI18n();
  const [form, setForm] = useState<CreateOrganisationInput>({ name: '', kind: 'dealer', business_licence_no: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [created, setCreated] = useState<string | null>(null);
  const mutation = useMutation(createOrganisation);
  const server = serverFieldErrors(mutation.error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    const next: Partial<Record<Field, string>> = {};
    if (!form.name.trim()) next.name = t('validation.required');
    if (!isCreditCode(form.business_licence_no)) next.business_licence_no = t('validation.creditCode');
    setErrors(next);
    if (Object.keys(next).length) return;
    const res = await mutation.run({
      name: form.name.trim(),
      kind: form.kind,
      business_licence_no: form.business_licence_no.trim().toUpperCase(),
    });
    if (res.ok) {
      setCreated(res.value.name);
      setForm({ name: '', kind: form.kind, business_licence_no: '' });
      await refreshSession().catch(() => undefined);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField
        label={t('orgs.name')}
        name="org_name"
        required
        maxLength={200}
        value={form.name}
        onChange={(e) => setForm({ ...form, name: e.target.value })}
        error={errors.name ?? server.name}
      />
      <SelectField
        label={t('orgs.kind')}
        name="kind"
        required
        value={form.kind}
        onChange={(e) => setForm({ ...form, kind: e.target.value as CreateOrganisationInput['kind'] })}
        options={[
          { value: 'dealer', label: t('kind.dealer') },
          { value: 'auction_house', label: t('kind.auction_house') },
        ]}
        error={server.kind}
      />
      <TextField
        label={t('orgs.licenceNo')}
        name="business_licence_no"
        required
        maxLength={18}
        autoCapitalize="characters"
        spellCheck={false}
        placeholder="91110000XXXXXXXXXX"
        value={form.business_licence_no}
        onChange={(e) => setForm({ ...form, business_licence_no: e.target.value })}
        error={errors.business_licence_no ?? server.business_licence_no}
        hint={t('orgs.licenceHint')}
      />
      <FormError error={mutation.error} fields={['name', 'kind', 'business_licence_no']} />
      {created && <Notice>{t('orgs.created', { name: created })}</Notice>}
      <SubmitButton pending={mutation.pending}>{t('orgs.create')}</SubmitButton>
    </form>
  );
}

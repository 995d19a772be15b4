import { useState, type FormEvent } from 'react';
import { StatusBadge } from '../../../components/badges';
import { Empty, LoadError, LoadMore, Loading } from '../../../components/feedback';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { serverFieldErrors } from '../../../lib/errors';
import { formatDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { isIsoDate } from '../../../lib/validation';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useMutation } from '../../../hooks/use-mutation';
import type { Member } from '../../../types/api';
import { createCertificate, listCertificates, type CreateCertificateInput } from '../api/organisations';

type Field = 'holder_name' | 'certificate_no' | 'valid_from' | 'valid_until' | 'holder_user_id';
const FIELDS: Field[] = ['holder_name', 'certificate_no', 'valid_from', 'valid_until', 'holder_user_id'];

/** 代理证 (agent certificates) of an organisation, with a form to add one. */
export function CertificatesSection({ orgId, members }: { orgId: number; members: Member[] }) {
  const { t } = useI18n();
  const list = useCursorList((cursor, signal) => listCertificates(orgId, cursor, signal), [orgId]);
  const empty: Record<Field, string> = { holder_name: '', certificate_no: '', valid_from: '', valid_until: '', holder_user_id: '' };
  const [form, setForm] = useState(empty);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const mutation = useMutation((input: CreateCertificateInput) => createCertificate(orgId, input));
  const server = serverFieldErrors(mutation.error);
  const set = (field: Field) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm({ ...form, [field]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: Partial<Record<Field, string>> = {};
    if (!form.holder_name.trim()) next.holder_name = t('validation.required');
    if (!form.certificate_no.trim()) next.certificate_no = t('validation.required');
    if (!isIsoDate(form.valid_from)) next.valid_from = t('validation.date');
    if (!isIsoDate(form.valid_until)) next.valid_until = t('validation.date');
    else if (isIsoDate(form.valid_from) && form.valid_until < form.valid_from) next.valid_until = t('validation.dateOrder');
    setErrors(next);
    if (Object.keys(next).length) return;
    const body: CreateCertificateInput = {
      holder_name: form.holder_name.trim(),
      certificate_no: form.certificate_no.trim(),
      valid_from: form.valid_from,
      valid_until: form.valid_until,
    };
    if (form.holder_user_id) body.holder_user_id = Number(form.holder_user_id);
    const res = await mutation.run(body);
    if (res.ok) {
      list.setItems((items) => [res.value, ...items]);
      setForm(empty);
    }
  }

  return (
    <section className="subsection" aria-labelledby={`certs-${orgId}`}>
      <h4 id={`certs-${orgId}`}>{t('certs.title')}</h4>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      {list.loading && list.items.length === 0 ? (
        <Loading />
      ) : list.items.length === 0 && !list.error ? (
        <Empty>{t('certs.none')}</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('certs.holder')}</th>
                <th scope="col">{t('certs.number')}</th>
                <th scope="col">{t('certs.validity')}</th>
                <th scope="col">{t('common.status')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((c) => (
                <tr key={c.id} data-testid={`cert-row-${c.id}`}>
                  <td>{c.holder_name}</td>
                  <td>
                    <code>{c.certificate_no}</code>
                  </td>
                  <td>
                    {formatDate(c.valid_from)} – {formatDate(c.valid_until)}
                  </td>
                  <td>
                    <StatusBadge status={c.status} testId={`cert-status-${c.id}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />

      <div className="inline-form">
        <h5>{t('certs.add')}</h5>
        <form className="form form-grid" onSubmit={submit} noValidate>
          <TextField
            label={t('certs.holder')}
            name="holder_name"
            required
            value={form.holder_name}
            onChange={set('holder_name')}
            error={errors.holder_name ?? server.holder_name}
          />
          <TextField
            label={t('certs.number')}
            name="certificate_no"
            required
            spellCheck={false}
            value={form.certificate_no}
            onChange={set('certificate_no')}
            error={errors.certificate_no ?? server.certificate_no}
          />
          <TextField
            label={t('certs.validFrom')}
            name="valid_from"
            type="date"
            required
            value={form.valid_from}
            onChange={set('valid_from')}
            error={errors.valid_from ?? server.valid_from}
          />
          <TextField
            label={t('certs.validUntil')}
            name="valid_until"
            type="date"
            required
            value={form.valid_until}
            onChange={set('valid_until')}
            error={errors.valid_until ?? server.valid_until}
          />
          <SelectField
            label={t('certs.holderUser')}
            name="holder_user_id"
            value={form.holder_user_id}
            onChange={set('holder_user_id')}
            error={server.holder_user_id}
            options={[
              { value: '', label: t('certs.noHolderUser') },
              ...members.map((m) => ({ value: String(m.user_id), label: `${m.display_name} (${m.login})` })),
            ]}
          />
          <div className="form-actions">
            <FormError error={mutation.error} fields={FIELDS} />
            <SubmitButton pending={mutation.pending}>{t('certs.submit')}</SubmitButton>
          </div>
        </form>
      </div>
    </section>
  );
}

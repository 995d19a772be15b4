import { useState, type FormEvent } from 'react';
import { RoleBadges } from '../../../components/badges';
import { Empty, LoadError, LoadMore, Loading, Notice } from '../../../components/feedback';
import { CheckboxGroup, FormError, SubmitButton, TextField } from '../../../components/form';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { isLogin } from '../../../lib/validation';
import type { CursorList } from '../../../hooks/use-cursor-list';
import { useMutation } from '../../../hooks/use-mutation';
import type { Member, MeOrganisation } from '../../../types/api';
import { addMember, type AddMemberInput } from '../api/organisations';

/** Roles an organisation admin can hand out, by organisation kind. */
const ASSIGNABLE_ROLES: Record<string, string[]> = {
  dealer: ['buyer', 'dealer_staff', 'dealer_admin'],
  auction_house: ['auctioneer', 'house_admin'],
};
const DEFAULT_ROLES = ['buyer', 'dealer_staff', 'dealer_admin', 'auctioneer', 'house_admin', 'analyst'];

export function MembersSection({ org, members }: { org: MeOrganisation; members: CursorList<Member> }) {
  const { t, tDynamic } = useI18n();
  const roleOptions = (ASSIGNABLE_ROLES[org.kind] ?? DEFAULT_ROLES).map((r) => ({ value: r, label: tDynamic(`role.${r}`, r) }));
  const [login, setLogin] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [errors, setErrors] = useState<{ login?: string; roles?: string }>({});
  const [added, setAdded] = useState<string | null>(null);
  const mutation = useMutation((input: AddMemberInput) => addMember(org.id, input));
  const server = serverFieldErrors(mutation.error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setAdded(null);
    const next: typeof errors = {};
    if (!login.trim()) next.login = t('validation.required');
    else if (!isLogin(login)) next.login = t('validation.login');
    if (roles.length === 0) next.roles = t('validation.pickOne');
    setErrors(next);
    if (Object.keys(next).length) return;
    const res = await mutation.run({ login: login.trim(), roles });
    if (res.ok) {
      const member = res.value;
      members.setItems((items) => [member, ...items.filter((m) => m.user_id !== member.user_id)]);
      setAdded(member.display_name);
      setLogin('');
      setRoles([]);
    }
  }

  return (
    <section className="subsection" aria-labelledby={`members-${org.id}`}>
      <h4 id={`members-${org.id}`}>{t('members.title')}</h4>
      {members.error ? <LoadError error={members.error} onRetry={members.reload} /> : null}
      {members.loading && members.items.length === 0 ? (
        <Loading />
      ) : members.items.length === 0 && !members.error ? (
        <Empty>{t('members.none')}</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('members.name')}</th>
                <th scope="col">{t('auth.login')}</th>
                <th scope="col">{t('members.roles')}</th>
              </tr>
            </thead>
            <tbody>
              {members.items.map((m) => (
                <tr key={m.user_id} data-testid={`member-row-${m.user_id}`}>
                  <td>{m.display_name}</td>
                  <td>{m.login}</td>
                  <td>
                    <RoleBadges roles={m.roles} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={members.hasMore} loading={members.loading} onClick={members.loadMore} />

      <div className="inline-form">
        <h5>{t('members.add')}</h5>
        <form className="form" onSubmit={submit} noValidate>
          <TextField
            label={t('members.login')}
            name="member_login"
            required
            value={login}
            onChange={(e) => setLogin(e.target.value)}
            error={errors.login ?? server.login}
            hint={t('members.loginHint')}
          />
          <CheckboxGroup
            legend={t('members.roles')}
            name="roles"
            options={roleOptions}
            value={roles}
            onChange={setRoles}
            error={errors.roles ?? server.roles}
          />
          <FormError error={mutation.error} fields={['login', 'roles']} />
          {added && <Notice>{t('members.added', { name: added })}</Notice>}
          <SubmitButton pending={mutation.pending}>{t('members.submit')}</SubmitButton>
        </form>
      </div>
    </section>
  );
}

import { useState, type FormEvent } from 'react';
import { RoleBadges } from '../../../components/badges';
import { Empty, LoadError, LoadMore, Loading, Notice } from '../../../components/feedback';
import { CheckboxGroup, FormError, SubmitButton, TextField } from '../../../components/form';
import { errorMessage, serverFieldErrors } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { isLogin } from '../../../lib/validation';
import { useCursorList, type CursorList } from '../../../hooks/use-cursor-list';
import { useMutation } from '../../../hooks/use-mutation';
import type { Member, MeOrganisation } from '../../../types/api';
import {
  inviteMember,
  listInvitations,
  removeMember,
  setMemberRoles,
  withdrawInvitation,
  type AddMemberInput,
} from '../api/organisations';

/** Roles an organisation admin can hand out, by organisation kind. */
const ASSIGNABLE_ROLES: Record<string, string[]> = {
  dealer: ['buyer', 'dealer_staff', 'dealer_admin'],
  auction_house: ['auctioneer', 'house_admin'],
};
const DEFAULT_ROLES = ['buyer', 'dealer_staff', 'dealer_admin', 'auctioneer', 'house_admin', 'analyst'];

export function MembersSection({ org, members }: { org: MeOrganisation; members: CursorList<Member> }) {
  const i18n = useI18n();
  const { t, tDynamic, locale } = i18n;
  const invitations = useCursorList((cursor, signal) => listInvitations(org.id, cursor, signal), [org.id]);
  const [editing, setEditing] = useState<{ userId: number; roles: string[] } | null>(null);
  const [rowError, setRowError] = useState<unknown>(null);
  const roleOptions = (ASSIGNABLE_ROLES[org.kind] ?? DEFAULT_ROLES).map((r) => ({ value: r, label: tDynamic(`role.${r}`, r) }));
  const [login, setLogin] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [errors, setErrors] = useState<{ login?: string; roles?: string }>({});
  const [added, setAdded] = useState<string | null>(null);
  const mutation = useMutation((input: AddMemberInput) => inviteMember(org.id, input));

  async function saveRoles() {
    if (!editing || editing.roles.length === 0) return;
    setRowError(null);
    try {
      const member = await setMemberRoles(org.id, editing.userId, editing.roles);
      members.setItems((items) => items.map((m) => (m.user_id === member.user_id ? member : m)));
      setEditing(null);
    } catch (e) {
      setRowError(e);
    }
  }

  async function remove(m: Member) {
    if (!window.confirm(t('members.confirmRemove', { name: m.display_name }))) return;
    setRowError(null);
    try {
      await removeMember(org.id, m.user_id);
      members.setItems((items) => items.filter((x) => x.user_id !== m.user_id));
    } catch (e) {
      setRowError(e);
    }
  }

  async function withdraw(id: number) {
    setRowError(null);
    try {
      await withdrawInvitation(org.id, id);
      invitations.setItems((items) => items.filter((i) => i.id !== id));
    } catch (e) {
      setRowError(e);
    }
  }
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
      const invitation = res.value;
      invitations.setItems((items) => [invitation, ...items.filter((i) => i.id !== invitation.id)]);
      setAdded(invitation.login);
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
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {members.items.map((m) => (
                <tr key={m.user_id} data-testid={`member-row-${m.user_id}`}>
                  <td>{m.display_name}</td>
                  <td>{m.login}</td>
                  <td>
                    {editing?.userId === m.user_id ? (
                      <CheckboxGroup
                        legend={t('members.editRoles')}
                        name={`roles-${m.user_id}`}
                        options={roleOptions}
                        value={editing.roles}
                        onChange={(next) => setEditing({ userId: m.user_id, roles: next })}
                      />
                    ) : (
                      <RoleBadges roles={m.roles} />
                    )}
                  </td>
                  <td>
                    <div className="row-actions">
                      {editing?.userId === m.user_id ? (
                        <button type="button" className="btn btn-small btn-primary" onClick={saveRoles}>
                          {t('members.saveRoles')}
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => setEditing({ userId: m.user_id, roles: m.roles })}
                        >
                          {t('members.editRoles')}
                        </button>
                      )}
                      <button type="button" className="btn btn-small btn-danger" onClick={() => remove(m)}>
                        {t('members.remove')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={members.hasMore} loading={members.loading} onClick={members.loadMore} />
      {rowError ? <p className="alert alert-error">{errorMessage(rowError, i18n)}</p> : null}

      <h5>{t('invitations.pending')}</h5>
      {invitations.error ? <LoadError error={invitations.error} onRetry={invitations.reload} /> : null}
      {invitations.items.length === 0 && !invitations.loading ? (
        <Empty>{t('invitations.noPending')}</Empty>
      ) : (
        <ul className="plain-list" data-testid={`invitations-${org.id}`}>
          {invitations.items.map((inv) => (
            <li key={inv.id}>
              {inv.login} <RoleBadges roles={inv.roles} />{' '}
              <span className="muted small">
                {t('invitations.expires')}: {formatDateTime(inv.expires_at, locale)}
              </span>{' '}
              <button type="button" className="btn btn-small btn-ghost" onClick={() => withdraw(inv.id)}>
                {t('invitations.withdraw')}
              </button>
            </li>
          ))}
        </ul>
      )}

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
          {added && <Notice>{t('members.invited', { login: added })}</Notice>}
          <SubmitButton pending={mutation.pending}>{t('members.submit')}</SubmitButton>
        </form>
      </div>
    </section>
  );
}

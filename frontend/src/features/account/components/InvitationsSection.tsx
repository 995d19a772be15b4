import { useCallback, useEffect, useState } from 'react';
import { RoleBadges } from '../../../components/badges';
import { Empty, LoadError, Loading, Notice } from '../../../components/feedback';
import { errorMessage } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { setSessionUser } from '../../../lib/session';
import type { MyInvitation } from '../../../types/api';
import { acceptInvitation, declineInvitation, myInvitations } from '../api/organisations';

/** Invitations waiting for me: I join an organisation only by accepting one. */
export function InvitationsSection() {
  const i18n = useI18n();
  const { t, tDynamic, locale } = i18n;
  const [items, setItems] = useState<MyInvitation[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [joined, setJoined] = useState<string | null>(null);

  const load = useCallback((signal?: AbortSignal) => {
    myInvitations(signal).then(
      (r) => setItems(r.items),
      (e: unknown) => {
        if (!signal?.aborted) setError(e);
      },
    );
  }, []);
  useEffect(() => {
    const ac = new AbortController();
    load(ac.signal);
    return () => ac.abort();
  }, [load]);

  async function act(inv: MyInvitation, accept: boolean) {
    setActionError(null);
    try {
      if (accept) {
        setSessionUser(await acceptInvitation(inv.id));
        setJoined(inv.organisation_name);
      } else {
        await declineInvitation(inv.id);
      }
      setItems((list) => (list ?? []).filter((i) => i.id !== inv.id));
    } catch (e) {
      setActionError(e);
    }
  }

  if (error) return <LoadError error={error} onRetry={() => load()} />;
  if (items === null) return <Loading />;
  return (
    <div data-testid="my-invitations">
      {joined && <Notice>{t('invitations.accepted', { name: joined })}</Notice>}
      {actionError ? <p className="alert alert-error">{errorMessage(actionError, i18n)}</p> : null}
      {items.length === 0 ? (
        <Empty>{t('invitations.none')}</Empty>
      ) : (
        <ul className="org-list">
          {items.map((inv) => (
            <li key={inv.id} className="card" data-testid={`invitation-${inv.id}`}>
              <p>
                {t('invitations.from', {
                  name: inv.organisation_name,
                  roles: inv.roles.map((r) => tDynamic(`role.${r}`, r)).join(', '),
                })}
              </p>
              <p className="muted small">
                <RoleBadges roles={inv.roles} /> {t('invitations.expires')}: {formatDateTime(inv.expires_at, locale)}
              </p>
              <div className="row-actions">
                <button type="button" className="btn btn-primary btn-small" onClick={() => act(inv, true)}>
                  {t('invitations.accept')}
                </button>
                <button type="button" className="btn btn-small btn-ghost" onClick={() => act(inv, false)}>
                  {t('invitations.decline')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

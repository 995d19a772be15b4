import { useState } from 'react';
import { useI18n } from '../../../lib/i18n';
import { setSessionUser } from '../../../lib/session';
import { logout } from '../api/auth';

/** Signs out; the local session is cleared even if the server call fails. */
export function LogoutButton({ onDone }: { onDone?: () => void }) {
  const { t } = useI18n();
  const [pending, setPending] = useState(false);
  async function click() {
    setPending(true);
    try {
      await logout();
    } catch {
      // already signed out, or offline: either way forget the user locally
    } finally {
      setPending(false);
      setSessionUser(null);
      onDone?.();
    }
  }
  return (
    <button type="button" className="btn btn-ghost" data-testid="nav-logout" onClick={click} disabled={pending}>
      {t('nav.logout')}
    </button>
  );
}

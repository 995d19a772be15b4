import { useEffect, useRef, useState } from 'react';
import { LoadError, Loading, Notice } from '../../../components/feedback';
import { useI18n } from '../../../lib/i18n';
import { refreshSession } from '../../../lib/session';
import { confirmContactChange } from '../api/profile';

/** Opens the link sent to a new address once; the address then belongs to the account. */
export function ConfirmContact({ token }: { token: string | null }) {
  const { t } = useI18n();
  const [state, setState] = useState<'working' | 'done' | { error: unknown }>('working');
  const started = useRef(false);

  useEffect(() => {
    if (!token || started.current) return;
    started.current = true;
    confirmContactChange(token).then(
      () => {
        setState('done');
        void refreshSession();
      },
      (error: unknown) => setState({ error }),
    );
  }, [token]);

  if (!token) return <p className="alert alert-error">{t('register.noToken')}</p>;
  if (state === 'working') return <Loading />;
  if (state === 'done') return <Notice>{t('contact.confirmed')}</Notice>;
  return <LoadError error={state.error} />;
}

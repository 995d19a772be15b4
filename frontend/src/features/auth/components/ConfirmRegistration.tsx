import { useEffect, useRef, useState } from 'react';
import { LoadError, Loading } from '../../../components/feedback';
import { useI18n } from '../../../lib/i18n';
import { setSessionUser } from '../../../lib/session';
import type { Me } from '../../../types/api';
import { confirmRegistration } from '../api/auth';

/** Opens the registration link once (a link works once: React's double effect must not spend it twice). */
export function ConfirmRegistration({ token, onDone }: { token: string | null; onDone: (me: Me) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);

  useEffect(() => {
    if (!token || started.current) return;
    started.current = true;
    confirmRegistration(token).then(
      (me) => {
        setSessionUser(me);
        onDone(me);
      },
      (e: unknown) => setError(e),
    );
  }, [token, onDone]);

  if (!token) return <p className="alert alert-error">{t('register.noToken')}</p>;
  if (error) return <LoadError error={error} />;
  return <Loading />;
}

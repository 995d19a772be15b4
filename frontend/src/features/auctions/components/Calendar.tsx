import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { listSessions, type AuctionSession } from '../api/auctions';

export function Calendar() {
  const { t, locale } = useI18n();
  const [sessions, setSessions] = useState<AuctionSession[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    setError(null);
    listSessions().then((r) => setSessions(r.items), setError);
  };
  useEffect(load, []);
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!sessions) return <Loading />;
  return (
    <div className="page">
      <h1>{t('auctions.calendar')}</h1>
      <p className="muted">{t('auctions.calendarIntro')}</p>
      {sessions.length === 0 && <Empty>{t('auctions.none')}</Empty>}
      <ul className="session-list" data-testid="session-list">
        {sessions.map((s) => (
          <li key={s.id} className="card">
            <h2>
              <Link to={`/auctions/${s.id}`}>{s.title}</Link> {s.status === 'draft' && <span className="badge">{t('auctions.draft')}</span>}
            </h2>
            <p className="muted small">
              {t(`auctions.kind.${s.kind}` as MessageKey)} · {t('auctions.starts')} {formatDateTime(s.starts_at, locale)}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}

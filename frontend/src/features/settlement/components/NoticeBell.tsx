import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../../lib/i18n';
import { myNotices } from '../api/notices';
import { unreadBadge } from '../lib/notices';

/** Fired by the notices page after marking notices read, so the bell updates at once. */
export const NOTICES_CHANGED = 'marketplace:notices-changed';
const POLL_MS = 60_000;

/** The top bar's bell: unread settlement notices, refreshed every minute, on focus and when they are read. */
export function NoticeBell() {
  const { t } = useI18n();
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () => {
      if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
      myNotices(true).then(
        (items) => live && setUnread(items.length),
        () => undefined, // the bell is a hint: a failed poll keeps the last count
      );
    };
    load();
    const timer = window.setInterval(load, POLL_MS);
    window.addEventListener('focus', load);
    window.addEventListener(NOTICES_CHANGED, load);
    return () => {
      live = false;
      window.clearInterval(timer);
      window.removeEventListener('focus', load);
      window.removeEventListener(NOTICES_CHANGED, load);
    };
  }, []);
  const label = t('settlement.notice.bell', { count: unread });
  return (
    <Link to="/me/notices" className="btn btn-ghost notice-bell" data-testid="notice-bell" aria-label={label} title={label}>
      <span aria-hidden="true">🔔</span>
      {unread > 0 && (
        <span className="notice-badge" data-testid="notice-badge">
          {unreadBadge(unread)}
        </span>
      )}
    </Link>
  );
}

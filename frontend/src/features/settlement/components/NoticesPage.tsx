import '../settlement.css';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { markNoticesRead, myNotices, type SettlementNotice } from '../api/notices';
import { noticeLink, noticeText } from '../lib/notices';
import { NOTICES_CHANGED } from './NoticeBell';

/** The user's settlement notices, newest first; opening the page marks the ones shown as read. */
export function NoticesPage() {
  const { t } = useI18n();
  useDocumentTitle(t('settlement.notice.title'));
  const [items, setItems] = useState<SettlementNotice[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    myNotices().then((rows) => {
      setItems(rows);
      const unread = rows.filter((n) => n.read_at === null).map((n) => n.id);
      // Marked read once seen; the page keeps showing them as new until it is left.
      if (unread.length) markNoticesRead(unread).then(() => window.dispatchEvent(new Event(NOTICES_CHANGED)), () => undefined);
    }, setError);
  }, []);
  return (
    <div className="page settlement">
      <h1>{t('settlement.notice.title')}</h1>
      {error ? <LoadError error={error} /> : items === null ? <Loading /> : <NoticesView items={items} />}
    </div>
  );
}

export function NoticesView({ items }: { items: SettlementNotice[] }) {
  const { t, locale } = useI18n();
  if (!items.length) return <Empty>{t('settlement.notice.empty')}</Empty>;
  return (
    <ul className="notice-list" data-testid="notices">
      {items.map((n) => {
        const { subject, body } = noticeText(n, locale);
        const link = noticeLink(n);
        return (
          <li key={n.id} className={n.read_at === null ? 'card notice unread' : 'card notice'} data-testid="notice">
            <div className="notice-head">
              <strong>{subject}</strong>
              {n.read_at === null && <span className="badge">{t('settlement.notice.unread')}</span>}
              <span className="muted">{formatDateTime(n.created_at, locale)}</span>
            </div>
            <p>{body}</p>
            {link && <Link to={link}>{t('settlement.notice.open')}</Link>}
          </li>
        );
      })}
    </ul>
  );
}

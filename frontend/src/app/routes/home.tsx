import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useI18n } from '../../lib/i18n';
import { useSession } from '../../lib/session';
import { WhatsOn } from '../home/WhatsOn';

const svg = (children: ReactNode) => (
  <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    {children}
  </svg>
);

const ICONS = {
  // timer: live auctions
  auctions: svg(
    <>
      <circle cx="12" cy="13" r="8" />
      <path d="M12 9v4l2.5 2.5M9 2h6" />
    </>,
  ),
  // car: listings
  listings: svg(
    <>
      <path d="M3 16v-3l2-5a2 2 0 0 1 1.9-1.4h10.2A2 2 0 0 1 19 8l2 5v3a1 1 0 0 1-1 1h-1" />
      <path d="M5 17H4a1 1 0 0 1-1-1M9 17h6M3 13h18" />
      <circle cx="7" cy="17" r="2" />
      <circle cx="17" cy="17" r="2" />
    </>,
  ),
  // chart: statistics
  stats: svg(
    <>
      <path d="M3 3v18h18" />
      <path d="M7 15l4-4 3 3 5-6" />
    </>,
  ),
};

export function HomeRoute() {
  const { t } = useI18n();
  const session = useSession();
  useDocumentTitle('');
  const features = [
    { key: 'auctions', title: t('home.auctionsTitle'), body: t('home.auctionsBody'), icon: ICONS.auctions, to: '/auctions' },
    { key: 'listings', title: t('home.listingsTitle'), body: t('home.listingsBody'), icon: ICONS.listings, to: '/listings' },
    // Statistics are not built yet: the only feature still marked as coming.
    { key: 'stats', title: t('home.statsTitle'), body: t('home.statsBody'), icon: ICONS.stats, to: '/stats' },
  ];
  return (
    <div className="home">
      <section className="hero">
        <div className="hero-inner">
          <p className="eyebrow">{t('home.eyebrow')}</p>
          <h1>{t('home.title')}</h1>
          <p className="lead">{t('home.lead')}</p>
          <div className="hero-actions">
            {session.status === 'authenticated' ? (
              <Link to="/account" className="btn btn-primary btn-large">
                {t('home.goToAccount')}
              </Link>
            ) : (
              <>
                <Link to="/register" className="btn btn-primary btn-large">
                  {t('home.register')}
                </Link>
                <Link to="/login" className="btn btn-secondary btn-large">
                  {t('home.login')}
                </Link>
              </>
            )}
            <Link to="/docs" className="btn btn-ghost btn-large">
              {t('home.docs')}
            </Link>
          </div>
        </div>
      </section>
      <WhatsOn />
      <section className="page features" aria-labelledby="features-h">
        <h2 id="features-h" className="sr-only">
          {t('home.featuresHeading')}
        </h2>
        <div className="feature-grid">
          {features.map((f) => (
            <article key={f.key} className="card feature">
              <div className="feature-icon">{f.icon}</div>
              <h3>
                {f.to ? <Link to={f.to}>{f.title}</Link> : f.title}{' '}
                {!f.to && <span className="badge badge-soon">{t('home.comingSoon')}</span>}
              </h3>
              <p>{f.body}</p>
            </article>
          ))}
        </div>
        <div className="card trust">
          <h3>{t('home.trustTitle')}</h3>
          <p>{t('home.trustBody')}</p>
        </div>
      </section>
    </div>
  );
}

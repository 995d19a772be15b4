import { Outlet } from 'react-router';
import { useI18n } from '../../lib/i18n';
import { TopBar } from './TopBar';

export function Layout() {
  const { t } = useI18n();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <TopBar />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="footer">
        <span>© 车拍通 AutoBid</span>
        <span className="muted">{t('footer.tagline')}</span>
      </footer>
    </div>
  );
}

import { Link, NavLink, useNavigate } from 'react-router';
import { LogoutButton } from '../../features/auth/components/LogoutButton';
import { NoticeBell } from '../../features/settlement/components/NoticeBell';
import { useI18n } from '../../lib/i18n';
import { useSession } from '../../lib/session';
import { UserMenu } from './UserMenu';

export function TopBar() {
  const { t, locale, setLocale } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const me = session.me;
  const other = locale === 'zh-CN' ? 'en' : 'zh-CN';

  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link to="/" className="brand" aria-label={t('nav.home')}>
          <span className="brand-mark" aria-hidden="true">
            拍
          </span>
          <span className="brand-name">
            车拍通 <span className="brand-latin">AutoBid</span>
          </span>
        </Link>
        <nav className="nav" aria-label={t('nav.main')}>
          <NavLink to="/listings" data-testid="nav-listings">
            {t('nav.listings')}
          </NavLink>
          {me?.organisations.some((o) => o.kind === 'dealer') && (
            <NavLink to="/dealer/inventory" data-testid="nav-inventory">
              {t('nav.inventory')}
            </NavLink>
          )}
          {me?.organisations.some((o) => o.kind === 'dealer') && (
            <NavLink to="/export" data-testid="nav-export">
              {t('nav.export')}
            </NavLink>
          )}
          <NavLink to="/auctions" data-testid="nav-auctions">
            {t('nav.auctions')}
          </NavLink>
          {me?.organisations.some((o) => o.kind === 'auction_house') && (
            <NavLink to="/auctions/house" data-testid="nav-house-sessions">
              {t('nav.houseSessions')}
            </NavLink>
          )}
          <NavLink to="/stats" data-testid="nav-stats">
            {t('nav.stats')}
          </NavLink>
          <NavLink to="/docs">{t('nav.docs')}</NavLink>
          {me?.is_platform_admin && (
            <NavLink to="/admin/verification" data-testid="nav-admin">
              {t('nav.admin')}
            </NavLink>
          )}
        </nav>
        <div className="topbar-right">
          <button
            type="button"
            className="btn btn-ghost lang-switch"
            data-testid="lang-switch"
            lang={other}
            title={t('nav.switchLanguage')}
            onClick={() => setLocale(other)}
          >
            {other === 'en' ? 'English' : '中文'}
          </button>
          {session.status === 'authenticated' && me && (
            <>
              <NoticeBell />
              <UserMenu me={me} />
              <LogoutButton onDone={() => navigate('/')} />
            </>
          )}
          {session.status === 'anonymous' && (
            <>
              <NavLink to="/login" className="btn btn-ghost" data-testid="nav-login">
                {t('nav.login')}
              </NavLink>
              <NavLink to="/register" className="btn btn-primary btn-small-pad" data-testid="nav-register">
                {t('nav.register')}
              </NavLink>
            </>
          )}
        </div>
      </div>
    </header>
  );
}

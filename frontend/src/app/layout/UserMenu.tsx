import { useEffect, useRef, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import { useI18n } from '../../lib/i18n';
import { houseOrganisations } from '../../lib/houses';
import type { Me } from '../../types/api';

/** The signed-in user's own pages, behind their name: the main nav stays one line for every role. */
export function UserMenu({ me, children }: { me: Me; children?: ReactNode }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDetailsElement>(null);
  const close = () => ref.current?.removeAttribute('open');
  useEffect(() => {
    const outside = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) close();
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    document.addEventListener('click', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('click', outside);
      document.removeEventListener('keydown', escape);
    };
  }, []);
  const sells = me.organisations.some(
    (o) => o.kind === 'dealer' && o.roles.some((r) => r === 'dealer_admin' || r === 'dealer_staff'),
  );
  return (
    <details className="user-menu" ref={ref}>
      <summary className="user-chip" data-testid="user-menu" title={me.email ?? me.mobile ?? ''}>
        {me.display_name}
      </summary>
      <nav className="user-menu-panel" aria-label={t('nav.userMenu')} onClick={close}>
        <NavLink to="/me/watchlist" data-testid="nav-watchlist">
          {t('nav.watchlist')}
        </NavLink>
        <NavLink to="/me/searches" data-testid="nav-saved-searches">
          {t('nav.savedSearches')}
        </NavLink>
        <NavLink to="/me/offers" data-testid="nav-offers">
          {t('nav.offers')}
        </NavLink>
        <NavLink to="/auctions/mine" data-testid="nav-my-auctions">
          {t('nav.myAuctions')}
        </NavLink>
        <NavLink to="/me/purchases" data-testid="nav-purchases">
          {t('nav.purchases')}
        </NavLink>
        {sells && (
          <NavLink to="/me/sales" data-testid="nav-sales">
            {t('nav.sales')}
          </NavLink>
        )}
        {houseOrganisations(me).length > 0 && (
          <NavLink to="/house/settlement" data-testid="nav-settlement-desk">
            {t('nav.settlementDesk')}
          </NavLink>
        )}
        {me.organisations.some((o) => o.kind === 'association') && (
          <NavLink to="/association/disputes" data-testid="nav-association-disputes">
            {t('nav.associationDisputes')}
          </NavLink>
        )}
        {sells && (
          <NavLink to="/auctions/consign" data-testid="nav-consign">
            {t('nav.consign')}
          </NavLink>
        )}
        <NavLink to="/account" data-testid="nav-account">
          {t('nav.account')}
        </NavLink>
        {children}
      </nav>
    </details>
  );
}

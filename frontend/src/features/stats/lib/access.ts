import type { Me } from '../../../types/api';

/** Mirrors the server's rule (stats.domain.access): analysts of an association or the platform, and platform admins. */
export function isAnalyst(me: Me | null | undefined): boolean {
  if (!me) return false;
  if (me.is_platform_admin) return true;
  return me.organisations.some((o) => o.roles.includes('analyst') && (o.kind === 'association' || o.kind === 'platform'));
}

/** Mirrors stats.domain.access.reporting_orgs: a house's admin submits its monthly returns and reads its months. */
export function isHouseReporter(me: Me | null | undefined): boolean {
  if (!me) return false;
  return me.organisations.some((o) => o.roles.includes('house_admin') && o.kind === 'auction_house');
}

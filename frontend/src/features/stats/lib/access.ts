import type { Me } from '../../../types/api';

/** Mirrors the server's rule (stats.domain.access): analysts of an association or the platform, and platform admins. */
export function isAnalyst(me: Me | null | undefined): boolean {
  if (!me) return false;
  if (me.is_platform_admin) return true;
  return me.organisations.some((o) => o.roles.includes('analyst') && (o.kind === 'association' || o.kind === 'platform'));
}

import type { Locale } from '../../../lib/i18n';
import type { SettlementNotice } from '../api/notices';

/** Where the notice's subject is handled: invoices, credits and disputes on My purchases. A deposit's refund
 * notice says all there is (amount, date, bank reference), so it links nowhere. */
export function noticeLink(n: SettlementNotice): string | null {
  if (n.kind === 'refund_due' || n.kind === 'refunded') return null;
  return '/me/purchases';
}

/** The notice in the reader's language. */
export function noticeText(n: SettlementNotice, locale: Locale): { subject: string; body: string } {
  return locale === 'zh-CN' ? { subject: n.subject_zh, body: n.body_zh } : { subject: n.subject_en, body: n.body_en };
}

/** The badge's text: up to 99, then "99+" (the list is capped by the server). */
export function unreadBadge(count: number): string {
  return count > 99 ? '99+' : String(count);
}

import type { I18n } from '../../../lib/i18n';
import type { Invoice } from '../api/settlement';

/** The words for an invoice line or fee kind; a house's own fee kind shows as typed. */
export function lineLabel(kind: string, { tDynamic }: Pick<I18n, 'tDynamic'>): string {
  return tDynamic(`settlement.line.${kind}`, kind);
}

export function statusLabel(invoice: Invoice, { t }: Pick<I18n, 't'>): string {
  if (invoice.status === 'void') return t('settlement.status.void', { number: invoice.credit_note_number ?? '' });
  return t(invoice.status === 'paid' ? 'settlement.status.paid' : 'settlement.status.open');
}

/** The account's name in the reader's language, with its party (buyer, bidder, seller) when it has one. */
export function accountLabel(line: { name_en: string; name_zh: string; party: string }, locale: string): string {
  const name = locale === 'en' ? line.name_en : line.name_zh;
  return line.party ? `${name} · ${line.party}` : name;
}

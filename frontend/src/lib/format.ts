import type { Locale } from './i18n';

/** "2025-01-31T08:00:00Z" → a short local date-time in the UI language. */
export function formatDateTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** Date-only values ("YYYY-MM-DD") are shown as they are: no time-zone shifts. */
export function formatDate(value: string | null | undefined): string {
  return value ? value.slice(0, 10) : '—';
}

import { api } from '../../../lib/api-client';

/** A state change told to a buyer or bidder (payment reminder, overdue, default, refunds, a ruling). */
export interface SettlementNotice {
  id: number;
  kind: string;
  invoice_id: number | null;
  data: Record<string, string | number>;
  /** The words, in both languages, as the notice's mail says them (the server is their one source). */
  subject_zh: string;
  subject_en: string;
  body_zh: string;
  body_en: string;
  read_at: string | null;
  created_at: string;
}

export const myNotices = (unread = false) =>
  api.get<{ items: SettlementNotice[] }>('/api/me/settlement-notices', { query: { unread: unread || null } }).then((r) => r.items);

export const markNoticesRead = (ids: number[] | null) =>
  api.post<{ marked: number }>('/api/me/settlement-notices/read', ids === null ? {} : { ids });

import { describe, expect, it } from 'vitest';
import type { SettlementNotice } from '../api/notices';
import { noticeLink, noticeText, unreadBadge } from './notices';

const notice = (kind: string): SettlementNotice => ({
  id: 1, kind, invoice_id: 3, data: {}, read_at: null, created_at: '2026-12-04T08:00:00Z',
  subject_zh: '付款提醒', subject_en: 'Payment reminder', body_zh: '结算单 A 应于 B 前付清', body_en: 'Invoice A is due by B',
});

describe('settlement notices', () => {
  it('reads in the reader’s language', () => {
    expect(noticeText(notice('reminder'), 'zh-CN')).toEqual({ subject: '付款提醒', body: '结算单 A 应于 B 前付清' });
    expect(noticeText(notice('reminder'), 'en')).toEqual({ subject: 'Payment reminder', body: 'Invoice A is due by B' });
  });

  it('links invoices, credits and disputes to My purchases, deposit refunds nowhere', () => {
    expect(noticeLink(notice('refund_due'))).toBeNull();
    expect(noticeLink(notice('refunded'))).toBeNull();
    expect(noticeLink(notice('overdue'))).toBe('/me/purchases');
    expect(noticeLink(notice('ruling_unwind'))).toBe('/me/purchases');
  });

  it('caps the badge', () => {
    expect(unreadBadge(3)).toBe('3');
    expect(unreadBadge(150)).toBe('99+');
  });
});

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api-client';
import { errorMessage } from '../../../lib/errors';
import { hasMessage, messages, translate, type Locale } from '../../../lib/i18n';

/** Each refused amount has its own API code (docs/api.md), and each code its own message in both languages. */
const i18n = (locale: Locale) => ({
  t: (key: string, params?: Record<string, string | number>) => translate(messages, locale, key as never, params),
  tDynamic: (key: string, fallback: string, params?: Record<string, string | number>) =>
    hasMessage(key) ? translate(messages, locale, key as never, params) : fallback,
});

describe('offer error codes', () => {
  const codes = ['offer_above_asking', 'offer_too_low', 'counter_not_above_offer', 'counter_above_asking'];

  it('gives every refused amount a message of its own', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const shown = codes.map((code) => errorMessage(new ApiError(409, code, 'server text'), i18n(locale)));
      expect(new Set(shown).size).toBe(codes.length);
      expect(shown).not.toContain('server text');
    }
  });

  it('says what is wrong with a counter-offer', () => {
    expect(errorMessage(new ApiError(409, 'counter_above_asking', ''), i18n('en'))).toContain('above the asking price');
    expect(errorMessage(new ApiError(409, 'counter_not_above_offer', ''), i18n('zh-CN'))).toBe('还价须高于买家的出价。');
  });
});

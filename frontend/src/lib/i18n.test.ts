import { describe, expect, it } from 'vitest';
import {
  detectLocale,
  FALLBACK_LOCALE,
  getLocale,
  hasMessage,
  interpolate,
  LOCALE_STORAGE_KEY,
  messages,
  setLocale,
  translate,
  type Dictionaries,
} from './i18n';

describe('detectLocale', () => {
  it('prefers a valid stored choice', () => {
    expect(detectLocale('en', 'zh-CN')).toBe('en');
    expect(detectLocale('zh-CN', 'en-US')).toBe('zh-CN');
  });
  it('ignores an invalid stored value', () => {
    expect(detectLocale('fr', 'zh-TW')).toBe('zh-CN');
    expect(detectLocale('', 'en-GB')).toBe('en');
  });
  it('maps any zh* browser language to zh-CN and the rest to English', () => {
    expect(detectLocale(null, 'zh')).toBe('zh-CN');
    expect(detectLocale(null, 'zh-HK')).toBe('zh-CN');
    expect(detectLocale(null, 'ZH-cn')).toBe('zh-CN');
    expect(detectLocale(null, 'de-DE')).toBe('en');
    expect(detectLocale(undefined, undefined)).toBe('en');
  });
});

describe('translate', () => {
  const dicts: Dictionaries = {
    en: { hello: 'Hello {name}', onlyEn: 'English only' },
    'zh-CN': { hello: '你好，{name}' },
  };

  it('uses the requested locale and interpolates', () => {
    expect(translate(dicts, 'zh-CN', 'hello', { name: '张三' })).toBe('你好，张三');
    expect(translate(dicts, 'en', 'hello', { name: 'Ann' })).toBe('Hello Ann');
  });
  it('falls back to English, then to the key', () => {
    expect(FALLBACK_LOCALE).toBe('en');
    expect(translate(dicts, 'zh-CN', 'onlyEn')).toBe('English only');
    expect(translate(dicts, 'zh-CN', 'missing.key')).toBe('missing.key');
  });
  it('keeps unknown placeholders', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(interpolate('no params')).toBe('no params');
  });
});

describe('dictionaries', () => {
  it('have the same keys and no empty strings', () => {
    const enKeys = Object.keys(messages.en).sort();
    expect(Object.keys(messages['zh-CN']).sort()).toEqual(enKeys);
    for (const locale of ['en', 'zh-CN'] as const) {
      for (const [k, v] of Object.entries(messages[locale])) expect(v, `${locale} ${k}`).not.toBe('');
    }
  });
  it('use the same placeholders in both languages', () => {
    const names = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [k, v] of Object.entries(messages.en)) {
      expect(names(messages['zh-CN'][k as keyof typeof messages.en]), k).toEqual(names(v));
    }
  });
  it('translate every role, kind and status of the API', () => {
    expect(translate(messages, 'zh-CN', 'role.house_admin')).toBe('拍卖企业管理员');
    expect(translate(messages, 'zh-CN', 'kind.auction_house')).toBe('拍卖企业');
    expect(translate(messages, 'zh-CN', 'status.pending')).toBe('待审核');
    expect(hasMessage('role.dealer_staff')).toBe(true);
    expect(hasMessage('role.unknown_role')).toBe(false);
  });
});

describe('locale store', () => {
  it('persists the choice in localStorage under mp_locale', () => {
    const store = new Map<string, string>();
    const fake = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    const g = globalThis as { localStorage?: unknown };
    const previous = g.localStorage;
    g.localStorage = fake;
    try {
      const other = getLocale() === 'en' ? 'zh-CN' : 'en';
      setLocale(other);
      expect(getLocale()).toBe(other);
      expect(store.get(LOCALE_STORAGE_KEY)).toBe(other);
    } finally {
      g.localStorage = previous;
    }
  });
});

/**
 * Tiny hand-written i18n: two locales, typed message keys, `{name}`
 * interpolation, fallback chain (current locale → English → the key itself).
 *
 * The active locale lives in a module-level store (persisted in localStorage
 * under `mp_locale`) that React reads through `useSyncExternalStore`, so no
 * provider component is needed.
 */
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { en, zhCN, type MessageKey } from './i18n-messages';

export type { MessageKey } from './i18n-messages';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const FALLBACK_LOCALE: Locale = 'en';
export const LOCALE_STORAGE_KEY = 'mp_locale';

export type Dictionary = Partial<Record<string, string>>;
export type Dictionaries = Record<Locale, Dictionary>;
export type MessageParams = Record<string, string | number>;

export const messages: Record<Locale, Record<MessageKey, string>> = {
  'zh-CN': zhCN,
  en,
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * Chooses the initial locale: a valid stored choice wins; otherwise a browser
 * language starting with "zh" gives zh-CN and anything else English.
 */
export function detectLocale(stored: string | null | undefined, navigatorLanguage: string | null | undefined): Locale {
  if (isLocale(stored)) return stored;
  if (navigatorLanguage && navigatorLanguage.toLowerCase().startsWith('zh')) return 'zh-CN';
  return 'en';
}

/** Replaces `{name}` placeholders; unknown placeholders are left as they are. */
export function interpolate(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** Looks a key up in the locale, then in the fallback locale, then returns the key. */
export function translate(
  dictionaries: Dictionaries,
  locale: Locale,
  key: string,
  params?: MessageParams,
): string {
  const template = dictionaries[locale][key] ?? dictionaries[FALLBACK_LOCALE][key] ?? key;
  return interpolate(template, params);
}

/** True when the key exists in at least one locale (for keys built at run time). */
export function hasMessage(key: string): boolean {
  return LOCALES.some((l) => (messages[l] as Dictionary)[key] !== undefined);
}

// ---------------------------------------------------------------------------
// Store

function readStoredLocale(): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    return null;
  }
}

function browserLanguage(): string | null {
  return typeof navigator === 'undefined' ? null : (navigator.language ?? null);
}

let currentLocale: Locale = detectLocale(readStoredLocale(), browserLanguage());
const listeners = new Set<() => void>();

function applyDocumentLang(locale: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}
applyDocumentLang(currentLocale);

export function getLocale(): Locale {
  return currentLocale;
}

export function setLocale(locale: Locale): void {
  if (locale === currentLocale) return;
  currentLocale = locale;
  try {
    if (typeof localStorage !== 'undefined') localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // storage may be unavailable (private mode); the choice just isn't persisted
  }
  applyDocumentLang(locale);
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export type TFunction = (key: MessageKey, params?: MessageParams) => string;

export interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  /** Translates a known key. */
  t: TFunction;
  /** Translates a key built at run time (e.g. `role.${role}`), falling back to `fallback`. */
  tDynamic: (key: string, fallback: string, params?: MessageParams) => string;
}

export function useI18n(): I18n {
  const locale = useSyncExternalStore(subscribe, getLocale, getLocale);
  const t = useCallback<TFunction>((key, params) => translate(messages, locale, key, params), [locale]);
  const tDynamic = useCallback(
    (key: string, fallback: string, params?: MessageParams) =>
      hasMessage(key) ? translate(messages, locale, key, params) : fallback,
    [locale],
  );
  return useMemo(() => ({ locale, setLocale, t, tDynamic }), [locale, t, tDynamic]);
}

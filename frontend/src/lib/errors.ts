import { isApiError, issueField, type ValidationIssue } from './api-client';
import { getLocale, hasMessage, messages, translate, type I18n, type Locale } from './i18n';

/**
 * A user-facing message for any thrown value. Known error codes get a
 * translated message (e.g. `error.invalid_credentials`); other API errors show
 * the server's own message.
 */
export function errorMessage(error: unknown, i18n: Pick<I18n, 't' | 'tDynamic'>): string {
  if (isApiError(error)) {
    const details = (error.details ?? {}) as Record<string, unknown>;
    const seconds = typeof details.retry_after_seconds === 'number' ? details.retry_after_seconds : '?';
    const key = `error.${error.code}`;
    if (hasMessage(key)) return i18n.tDynamic(key, error.message, { seconds });
    return error.message || i18n.t('error.unknown');
  }
  if (error instanceof Error && error.message) return error.message;
  return i18n.t('error.unknown');
}

/** Validation issues of an error, minus those whose field is shown next to its input. */
export function remainingIssues(error: unknown, shownFields: readonly string[] = []): ValidationIssue[] {
  if (!isApiError(error)) return [];
  return error.validationIssues.filter((i) => !shownFields.includes(issueField(i)));
}

/**
 * A validation issue in the reader's language, from its pydantic `type` and limits (`ctx`): pydantic's own `msg`
 * is English and names internals. Chinese always gets a message of its own.
 */
export function issueMessage(issue: ValidationIssue, locale: Locale = getLocale()): string {
  const params = Object.fromEntries(Object.entries(issue.ctx ?? {}).map(([k, v]) => [k, String(v)]));
  // Our own refusals (no pydantic type, or a validator's value_error) are worded for people: English keeps them.
  if ((issue.type === 'value_error' || !issue.type) && locale === 'en' && issue.msg) return issue.msg.replace(/^Value error, /, '');
  const key = `issue.${issue.type}`;
  return translate(messages, locale, hasMessage(key) ? key : 'issue.other', params);
}

/**
 * Server-side field errors in the reader's language, keyed by field path (`vehicle.mileage_km`); empty when the
 * error is not a validation error. The first issue per field wins.
 */
export function serverFieldErrors(error: unknown, locale: Locale = getLocale()): Record<string, string> {
  if (!isApiError(error)) return {};
  const out: Record<string, string> = {};
  for (const issue of error.validationIssues) {
    const key = issueField(issue);
    if (key && !(key in out)) out[key] = issueMessage(issue, locale);
  }
  return out;
}

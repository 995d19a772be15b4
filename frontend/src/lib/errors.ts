import { isApiError, issueField, type ValidationIssue } from './api-client';
import { hasMessage, type I18n } from './i18n';

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

/** Server-side field errors (empty when the error is not a validation error). */
export function serverFieldErrors(error: unknown): Record<string, string> {
  return isApiError(error) ? error.fieldErrors() : {};
}

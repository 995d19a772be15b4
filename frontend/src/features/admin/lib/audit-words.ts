/**
 * Audit entries in words: the action ("roles.changed" → "Roles changed"), the target ("org:3/user:9" →
 * "Organisation #3 · User #9") and the details as labelled values. An action added to the backend without words
 * shows its code (a pytest test fails until both languages have it).
 */
import type { I18n } from '../../../lib/i18n';

type Words = Pick<I18n, 'tDynamic'>;

export function auditAction(action: string, i18n: Words): string {
  return i18n.tDynamic(`audit.action.${action}`, action);
}

export function auditTarget(target: string, i18n: Words): string {
  return target
    .split('/')
    .map((part) => {
      const at = part.indexOf(':');
      if (at < 0) return part;
      const kind = part.slice(0, at);
      return i18n.tDynamic(`audit.target.${kind}`, part, { id: part.slice(at + 1) });
    })
    .join(' · ');
}

/** Detail values that are codes, and the message prefix that words them. */
const VALUE_WORDS: Record<string, string> = { roles: 'role.', scopes: 'scope.', from: 'status.', to: 'status.' };

export function auditDetails(details: Record<string, unknown>, i18n: Words): [string, string][] {
  return Object.entries(details).map(([key, value]) => {
    const prefix = VALUE_WORDS[key];
    const word = (v: unknown) => (prefix ? i18n.tDynamic(`${prefix}${String(v)}`, String(v)) : String(v));
    const shown = Array.isArray(value)
      ? value.map(word).join(', ')
      : value === null || value === undefined
        ? '—'
        : typeof value === 'object'
          ? JSON.stringify(value)
          : word(value);
    return [i18n.tDynamic(`audit.detail.${key}`, key), shown];
  });
}

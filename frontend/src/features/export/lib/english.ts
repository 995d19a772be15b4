/** The consignee's page is in English whatever the reader's language setting: look keys up in English only. */
import { hasMessage, messages, translate, type MessageParams } from '../../../lib/i18n';

export function inEnglish(key: string, fallback: string, params?: MessageParams): string {
  return hasMessage(key) ? translate(messages, 'en', key, params) : fallback;
}

import { describe, expect, it } from 'vitest';
import { messages } from '../../lib/i18n';

// The codes the accounts API added for sign-in throttling, mailed links and membership changes.
const CODES = ['login_throttled', 'invalid_link', 'last_admin', 'member_not_found', 'stale', 'rate_limited'];

describe('accounts error codes', () => {
  it('have a message in English and in Chinese', () => {
    for (const code of CODES) {
      const key = `error.${code}` as keyof typeof messages.en;
      expect(messages.en[key], code).toBeTruthy();
      expect(messages['zh-CN'][key], code).toMatch(/[\u4e00-\u9fff]/);
    }
  });
  it('tell a throttled user how long to wait', () => {
    expect(messages.en['error.login_throttled']).toContain('{seconds}');
    expect(messages['zh-CN']['error.login_throttled']).toContain('{seconds}');
  });
});

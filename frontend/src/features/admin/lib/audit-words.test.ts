import { describe, expect, it } from 'vitest';
import { messages, translate, type Locale } from '../../../lib/i18n';
import { auditAction, auditDetails, auditTarget } from './audit-words';

const words = (locale: Locale) => ({
  tDynamic: (key: string, fallback: string, params?: Record<string, string | number>) =>
    key in messages[locale] ? translate(messages, locale, key, params) : fallback,
});

describe('audit entries in words', () => {
  it('names the action and the target in the reader\'s language', () => {
    expect(auditAction('roles.changed', words('zh-CN'))).toBe('变更角色');
    expect(auditAction('login.failed', words('en'))).toBe('Sign-in failed');
    expect(auditTarget('org:3/user:9', words('zh-CN'))).toBe('机构 #3 · 用户 #9');
    expect(auditTarget('login:13800138000', words('en'))).toBe('Login “13800138000”');
  });

  it('labels the details', () => {
    expect(auditDetails({ roles: ['buyer', 'dealer_staff'], from: 'pending', to: 'verified' }, words('zh-CN'))).toEqual([
      ['角色', '买家, 车商员工'],
      ['原状态', '待审核'],
      ['新状态', '已认证'],
    ]);
  });

  it('shows an action it has no words for as its code', () => {
    expect(auditAction('something.new', words('en'))).toBe('something.new');
  });
});

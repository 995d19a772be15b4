import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { FormError } from '../components/form';
import { ApiError } from './api-client';
import { errorMessage, issueMessage, serverFieldErrors } from './errors';
import { getLocale, messages, setLocale, translate } from './i18n';

// What the API answers for a listing with a too-long colour and a mileage that is not a number.
const invalid = new ApiError(422, 'validation_error', 'request body is invalid', [
  { loc: ['body', 'vehicle', 'colour'], msg: 'String should have at most 20 characters', type: 'string_too_long', ctx: { max_length: 20 } },
  { loc: ['body', 'vehicle', 'mileage_km'], msg: 'Input should be a valid integer, unable to parse string as an integer', type: 'int_parsing' },
  { loc: ['body', 'vehicle', 'first_registration'], msg: 'Value error, first registration date is out of range', type: 'value_error' },
  { loc: ['body', 'roles'] },
]);

describe('validation issues in the reader\'s language', () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('words each field\'s problem from its type and limits, never pydantic\'s English, in Chinese', () => {
    expect(serverFieldErrors(invalid, 'zh-CN')).toEqual({
      'vehicle.colour': '最多 20 个字符。',
      'vehicle.mileage_km': '请输入整数。',
      'vehicle.first_registration': '此项填写有误。',
      roles: '此项填写有误。',
    });
  });

  it('keeps our own validators\' words for English readers', () => {
    expect(serverFieldErrors(invalid, 'en')).toEqual({
      'vehicle.colour': 'At most 20 characters.',
      'vehicle.mileage_km': 'Enter a whole number.',
      'vehicle.first_registration': 'first registration date is out of range',
      roles: 'This value is not valid.',
    });
  });

  it('falls back to a general message for a type it does not know', () => {
    expect(issueMessage({ loc: ['body', 'x'], msg: 'Something odd', type: 'uuid_parsing' }, 'zh-CN')).toBe('此项填写有误。');
  });

  it('shows the remaining issues with their labels and no internal names in Chinese', () => {
    setLocale('zh-CN');
    const html = renderToString(<FormError error={invalid} fields={['vehicle.mileage_km']} labels={{ 'vehicle.colour': '颜色' }} />);
    expect(html).toContain('部分字段填写有误。');
    expect(html).toContain('颜色：最多 20 个字符。');
    expect(html).not.toContain('vehicle.');
    expect(html).not.toMatch(/String should|Value error|Input should/);
    expect(html).not.toContain('请输入整数'); // shown next to its input instead
  });

  it('translates an error code the API sends, with its retry time', () => {
    const i18n = {
      t: (key: Parameters<typeof translate>[2], params?: Record<string, string | number>) => translate(messages, 'zh-CN', key, params),
      tDynamic: (key: string, _fallback: string, params?: Record<string, string | number>) => translate(messages, 'zh-CN', key, params),
    };
    const limited = new ApiError(429, 'rate_limited', 'too many requests; slow down', { retry_after_seconds: 7 });
    expect(errorMessage(limited, i18n)).toBe('请求过于频繁，请 7 秒后再试。');
  });
});

import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../lib/i18n';
import { MoneyInput } from './money-input';

const render = (value: string, unit: 'wan' | 'yuan', error?: string) =>
  renderToString(
    <MoneyInput label={getLocale() === 'en' ? 'Asking price' : '售价'} unit={unit} value={value} onValueChange={() => undefined}
      error={error} id="price" data-testid="price" />,
  );

describe('MoneyInput', () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('names the unit in its label and echoes the other unit as typed', () => {
    setLocale('zh-CN');
    const html = render('14', 'wan');
    expect(html).toContain('售价（万元）');
    expect(html).toContain('= ¥140,000');
    expect(html).toContain('inputMode="decimal"');
    expect(render('5000', 'yuan')).toContain('= 0.50万元');
  });

  it('speaks English amounts in CNY', () => {
    setLocale('en');
    const html = render('14', 'wan');
    expect(html).toContain('Asking price (in CNY 10,000s · 万元)');
    expect(html).toContain('= CNY 140,000');
  });

  it('shows an error next to the field and nothing beside an unparsable amount', () => {
    setLocale('zh-CN');
    const html = render('14x', 'wan', '请以万元填写价格');
    expect(html).toContain('请以万元填写价格');
    expect(html).toContain('aria-invalid="true"');
    expect(html).not.toContain('= ¥');
  });
});

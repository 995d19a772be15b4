import { describe, expect, it } from 'vitest';
import {
  buildTerms,
  defaultTerms,
  fenToInput,
  nearestOnGrid,
  onGrid,
  parsePercent,
  parseYuan,
  serverTermsErrors,
  validateLadder,
  validatePremium,
} from './terms';

describe('amounts typed in 元', () => {
  it('turns 元 into integer fen without floats', () => {
    expect(parseYuan('1000')).toBe(100_000);
    expect(parseYuan('12.5')).toBe(1_250);
    expect(parseYuan('0.07')).toBe(7);
    expect(parseYuan('1,234.56')).toBe(123_456);
    expect(parseYuan(' 1 000 ')).toBe(100_000);
    expect(parseYuan('1，000')).toBe(100_000);
    expect(parseYuan('0.1')).toBe(10);
  });
  it('refuses what is not an amount', () => {
    for (const bad of ['', 'abc', '-5', '1.234', '1e5', '.5', '12.']) expect(parseYuan(bad)).toBeNull();
    expect(parseYuan('0')).toBeNull();
    expect(parseYuan('0', { allowZero: true })).toBe(0);
    expect(parseYuan('200000000000')).toBeNull(); // above the API's 10^13 fen
  });
  it('shows fen back as an input value', () => {
    expect(fenToInput(100_000)).toBe('1000');
    expect(fenToInput(1_250)).toBe('12.5');
    expect(fenToInput(1_205)).toBe('12.05');
    expect(fenToInput(0)).toBe('0');
  });
  it('turns percentages into basis points', () => {
    expect(parsePercent('5')).toBe(500);
    expect(parsePercent('2.5%')).toBe(250);
    expect(parsePercent('0.25')).toBe(25);
    expect(parsePercent('100')).toBe(10_000);
    expect(parsePercent('100.01')).toBeNull();
    expect(parsePercent('-1')).toBeNull();
    expect(parsePercent('1.234')).toBeNull();
  });
});

describe('increment ladder', () => {
  it('accepts an ascending, gap-free ladder', () => {
    const r = validateLadder([
      { start: '0', step: '100' },
      { start: '10000', step: '500' },
    ]);
    expect(r.problems).toEqual({});
    expect(r.bands).toEqual([
      { start: 0, step: 10_000 },
      { start: 1_000_000, step: 50_000 },
    ]);
  });
  it('needs the first band at 0', () => {
    expect(validateLadder([{ start: '5', step: '1' }]).problems['terms.ladder.0.start']?.key).toBe('auctions.terms.firstAtZero');
  });
  it('needs positive steps', () => {
    const p = validateLadder([{ start: '0', step: '0' }]).problems;
    expect(p['terms.ladder.0.step']?.key).toBe('auctions.terms.stepPositive');
    expect(validateLadder([{ start: '0', step: '-1' }]).problems['terms.ladder.0.step']?.key).toBe('auctions.terms.stepPositive');
  });
  it('needs ascending starts', () => {
    const p = validateLadder([
      { start: '0', step: '100' },
      { start: '10000', step: '500' },
      { start: '10000', step: '1000' },
    ]).problems;
    expect(Object.keys(p)).toEqual(['terms.ladder.2.start']);
    expect(p['terms.ladder.2.start']?.key).toBe('auctions.terms.ascending');
  });
  it('finds a gap: a start off the previous band\'s grid, and names its neighbours', () => {
    const p = validateLadder([
      { start: '0', step: '100' },
      { start: '10050', step: '500' },
    ]).problems;
    expect(p['terms.ladder.1.start']).toEqual({ key: 'auctions.terms.gap', params: { below: '10000', above: '10100' } });
  });
  it('needs at least one band', () => {
    expect(validateLadder([]).problems['terms.ladder']?.key).toBe('auctions.terms.ladderEmpty');
  });
  it('checks amounts against the grid, as the server does', () => {
    const bands = [
      { start: 0, step: 10_000 },
      { start: 1_000_000, step: 50_000 },
    ];
    expect(onGrid(bands, 990_000)).toBe(true);
    expect(onGrid(bands, 1_050_000)).toBe(true);
    expect(onGrid(bands, 1_010_000)).toBe(false);
    expect(nearestOnGrid(bands, 1_010_000)).toEqual([1_000_000, 1_050_000]);
    expect(nearestOnGrid(bands, 995_000)).toEqual([990_000, 1_000_000]);
    expect(nearestOnGrid(bands, 990_000)).toEqual([990_000, 990_000]);
  });
});

describe('buyer premium table', () => {
  it('accepts percentage and/or fixed bands', () => {
    const r = validatePremium([
      { start: '0', percent: '5', fixed: '' },
      { start: '100000', percent: '3', fixed: '500' },
      { start: '500000', percent: '', fixed: '8000' },
    ]);
    expect(r.problems).toEqual({});
    expect(r.bands).toEqual([
      { start: 0, percent_bp: 500, fixed: 0 },
      { start: 10_000_000, percent_bp: 300, fixed: 50_000 },
      { start: 50_000_000, percent_bp: 0, fixed: 800_000 },
    ]);
  });
  it('refuses an empty row, a percentage above 100 and descending starts', () => {
    const p = validatePremium([
      { start: '0', percent: '', fixed: '' },
      { start: '0', percent: '120', fixed: 'x' },
    ]).problems;
    expect(p['terms.premium.0.percent_bp']?.key).toBe('auctions.terms.premiumNeedsOne');
    expect(p['terms.premium.1.start']?.key).toBe('auctions.terms.ascending');
    expect(p['terms.premium.1.percent_bp']?.key).toBe('auctions.terms.percentInvalid');
    expect(p['terms.premium.1.fixed']?.key).toBe('auctions.terms.amountInvalid');
  });
});

describe('the whole terms block', () => {
  it('turns the defaults into the API body', () => {
    const { terms, problems } = buildTerms(defaultTerms);
    expect(problems).toEqual({});
    expect(terms).toMatchObject({
      deposit: 500_000,
      buying_limit: 100_000_000,
      soft_close_seconds: 120,
      extension_cap_seconds: null,
      lot_duration_seconds: 600,
      conditional_window_seconds: 86_400,
    });
  });
  it('reports every field out of range', () => {
    const { terms, problems } = buildTerms({
      ...defaultTerms,
      buyingLimit: '0',
      softCloseSeconds: '4000',
      extensionCapSeconds: 'x',
      lotDurationMinutes: '0',
    });
    expect(terms).toBeNull();
    expect(Object.keys(problems).sort()).toEqual([
      'terms.buying_limit',
      'terms.extension_cap_seconds',
      'terms.lot_duration_seconds',
      'terms.soft_close_seconds',
    ]);
    expect(problems['terms.soft_close_seconds']).toEqual({ key: 'auctions.terms.range', params: { min: 0, max: 3600 } });
  });
});

describe('server validation errors', () => {
  it('keeps the band and field the server names, without pydantic prefixes', () => {
    expect(
      serverTermsErrors({
        'terms.ladder.1.start': "band 1: its start 150 is not on band 0's step grid (a gap)",
        'terms.premium.1.start': 'premium band 1: bands must be in ascending order of their start',
        title: 'Value error, String should have at least 1 character',
      }),
    ).toEqual({
      'terms.ladder.1.start': "band 1: its start 150 is not on band 0's step grid (a gap)",
      'terms.premium.1.start': 'premium band 1: bands must be in ascending order of their start',
      title: 'String should have at least 1 character',
    });
  });
});

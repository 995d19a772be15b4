import { describe, expect, it } from 'vitest';
import { checkCondition, isValid, type ConditionRow } from './condition';

const row = (key: number, item: string, note = '', grade: ConditionRow['grade'] = 'B'): ConditionRow => ({
  key,
  item,
  grade,
  note,
  photo_id: null,
});

describe('checkCondition', () => {
  it('trims, drops blank rows and keeps the order', () => {
    const c = checkCondition([row(1, ' 外观 ', ' 轻微划痕 ', 'A'), row(2, '', ''), row(3, '发动机')]);
    expect(isValid(c)).toBe(true);
    expect(c.items).toEqual([
      { item: '外观', grade: 'A', note: '轻微划痕', photo_id: null },
      { item: '发动机', grade: 'B', note: '', photo_id: null },
    ]);
  });

  it('marks each bad row', () => {
    const c = checkCondition([row(1, '', 'a note without an item'), row(2, 'x'.repeat(61)), row(3, 'Tyres'), row(4, 'tyres', 'n'.repeat(501))]);
    expect(isValid(c)).toBe(false);
    expect(c.problems).toEqual({
      1: { item: 'itemRequired' },
      2: { item: 'itemTooLong' },
      4: { item: 'duplicate', note: 'noteTooLong' },
    });
  });

  it('refuses more than 100 items', () => {
    const rows = Array.from({ length: 101 }, (_, i) => row(i, `item ${i}`));
    expect(checkCondition(rows).tooMany).toBe(true);
    expect(checkCondition(rows.slice(0, 100)).tooMany).toBe(false);
  });

  it('an empty report is valid: it clears the report', () => {
    expect(isValid(checkCondition([row(1, '')]))).toBe(true);
    expect(checkCondition([]).items).toEqual([]);
  });
});

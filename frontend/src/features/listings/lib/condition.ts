/** The dealer's condition-report rows, checked against the API's ConditionIn before sending. */
import type { ConditionItemInput, Grade } from '../api/listings';

export const GRADES: readonly Grade[] = ['A', 'B', 'C', 'D', 'E'];
export const MAX_ITEMS = 100;
export const MAX_ITEM = 60;
export const MAX_NOTE = 500;

export interface ConditionRow {
  key: number;
  item: string;
  grade: Grade;
  note: string;
  photo_id: number | null;
}

export type RowProblem = Partial<Record<'item' | 'note', 'itemRequired' | 'itemTooLong' | 'duplicate' | 'noteTooLong'>>;

export interface Checked {
  items: ConditionItemInput[];
  problems: Record<number, RowProblem>;
  tooMany: boolean;
}

const blank = (r: ConditionRow) => !r.item.trim() && !r.note.trim();

/** Completely blank rows are left out; every other row needs a unique item name within the API's lengths. */
export function checkCondition(rows: ConditionRow[]): Checked {
  const kept = rows.filter((r) => !blank(r));
  const problems: Record<number, RowProblem> = {};
  const seen = new Set<string>();
  for (const r of kept) {
    const item = r.item.trim();
    const p: RowProblem = {};
    if (!item) p.item = 'itemRequired';
    else if (item.length > MAX_ITEM) p.item = 'itemTooLong';
    else if (seen.has(item.toLowerCase())) p.item = 'duplicate';
    seen.add(item.toLowerCase());
    if (r.note.trim().length > MAX_NOTE) p.note = 'noteTooLong';
    if (p.item || p.note) problems[r.key] = p;
  }
  return {
    items: kept.map((r) => ({ item: r.item.trim(), grade: r.grade, note: r.note.trim(), photo_id: r.photo_id })),
    problems,
    tooMany: kept.length > MAX_ITEMS,
  };
}

export function isValid(c: Checked): boolean {
  return !c.tooMany && Object.keys(c.problems).length === 0;
}

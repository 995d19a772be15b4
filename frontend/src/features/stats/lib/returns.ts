/** Yuan as typed (up to two decimals) to integer fen, without floating-point arithmetic; null when not a price. */
export function yuanToFen(text: string): number | null {
  const m = /^\s*(\d{1,13})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Client-side checks that mirror the server's (the server stays the authority). */

const VALUES: Record<string, number> = {};
'0123456789'.split('').forEach((d, i) => (VALUES[d] = i));
'ABCDEFGH'.split('').forEach((c, i) => (VALUES[c] = i + 1));
'JKLMN'.split('').forEach((c, i) => (VALUES[c] = i + 1));
VALUES.P = 7;
VALUES.R = 9;
'STUVWXYZ'.split('').forEach((c, i) => (VALUES[c] = i + 2));
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** ISO 3779: 17 characters without I, O, Q, and the check digit in position 9. */
export function vinProblem(raw: string): 'shape' | 'check' | null {
  const vin = raw.trim().toUpperCase();
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(vin)) return 'shape';
  const sum = vin.split('').reduce((acc, ch, i) => acc + (VALUES[ch] ?? 0) * WEIGHTS[i]!, 0);
  const rem = sum % 11;
  return vin[8] === (rem === 10 ? 'X' : String(rem)) ? null : 'check';
}

/** Client-side checks mirrored from the API contract (the server stays authoritative). */

export const PASSWORD_MIN_LENGTH = 10;

/** Mainland China mobile number, e.g. 13800138000. */
export function isChineseMobile(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value.trim());
}

export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}

/** A login is an email or a Chinese mobile number. */
export function isLogin(value: string): boolean {
  return isEmail(value) || isChineseMobile(value);
}

/**
 * Unified social credit code (统一社会信用代码): 18 characters of digits and
 * upper-case letters. Only the shape is checked here; the checksum is the
 * server's job.
 */
export function isCreditCode(value: string): boolean {
  return /^[0-9A-Z]{18}$/.test(value.trim().toUpperCase());
}

/** "YYYY-MM-DD" that names a real calendar day. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The secret a mailed link carries after `#token=`: in the fragment, it never reaches a server log or Referer. */
export function tokenFromHash(hash: string): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(hash);
  return match?.[1] ?? null;
}

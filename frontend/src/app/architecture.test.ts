import { describe, expect, it } from 'vitest';

// Raw source of every feature module (Vite feature, no Node APIs needed).
const sources = import.meta.glob<string>('../features/**/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true });

function featureOf(path: string): string | null {
  return /features\/([^/]+)\//.exec(path)?.[1] ?? null;
}

/** Resolves a relative import against the importing file's path. */
function resolve(from: string, spec: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

describe('bulletproof layout', () => {
  it('finds the feature modules', () => {
    const features = new Set(Object.keys(sources).map(featureOf));
    expect([...features].sort()).toEqual(expect.arrayContaining(['account', 'admin', 'apidocs', 'auctions', 'auth']));
  });

  it('has no imports across features and none from the app layer', () => {
    const offences: string[] = [];
    for (const [path, source] of Object.entries(sources)) {
      const own = featureOf(path);
      for (const m of source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (!spec.startsWith('.')) continue;
        const target = resolve(path, spec);
        const other = featureOf(target);
        if (other && other !== own) offences.push(`${path} → ${spec}`);
        if (/(^|\/)app\//.test(target.replace(/^\.\.\//, ''))) offences.push(`${path} → ${spec} (app)`);
      }
    }
    expect(offences).toEqual([]);
  });
});

/**
 * The small JSONPath subset CRD printer columns use: `.a.b`, `.a[0]`, `.a[*].b` and
 * `.a[?(@.type=="Ready")].status`. Returns every match.
 */
export function jsonPath(obj: unknown, path: string): unknown[] {
  const expr = path.replace(/^\{|\}$/g, '').replace(/^\$/, '');
  const tokens = expr.match(/\.[^.[\]]+|\[[^\]]*\]/g) ?? [];
  let current: unknown[] = [obj];
  for (const tok of tokens) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || v === undefined) continue;
      if (tok.startsWith('.')) {
        if (typeof v === 'object' && !Array.isArray(v)) next.push((v as Record<string, unknown>)[tok.slice(1)]);
        continue;
      }
      const inner = tok.slice(1, -1);
      if (!Array.isArray(v)) continue;
      if (inner === '*') next.push(...v);
      else if (/^-?\d+$/.test(inner)) next.push(v.at(Number(inner)));
      else {
        const m = inner.match(/^\?\(@\.([\w.]+)\s*==\s*["']?([^"']*)["']?\)$/);
        if (m) next.push(...v.filter((item) => String(jsonPath(item, `.${m[1]}`)[0]) === m[2]));
      }
    }
    current = next.filter((x) => x !== undefined);
  }
  return current;
}

/**
 * Boolean query parameters as the apiserver reads them: the first value decides, and
 * every value except `0` and `false` (in any case) means true — so `watch=True`,
 * `watch=yes` and even a bare `watch=` ask for a watch. An absent parameter is false.
 */
export function queryFlag(q: URLSearchParams, name: string): boolean {
  return optionalQueryFlag(q, name) ?? false;
}

/** Like `queryFlag`, but `undefined` when the parameter is absent (for `*bool` options such as sendInitialEvents). */
export function optionalQueryFlag(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  return v !== '0' && v.toLowerCase() !== 'false';
}

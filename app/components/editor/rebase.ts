/**
 * Carrying a person's edit over to a newer version of the object (after a
 * 409 Conflict): their changes, as a JSON merge patch (RFC 7386) from the
 * version they opened to their draft, applied to the latest version. Lists
 * are replaced whole, as a merge patch does; a list both sides changed ends
 * as the person's.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The merge patch that turns `from` into `to` (null removes a key). */
export function mergePatch(from: unknown, to: unknown): Json | undefined {
  if (!isObject(from) || !isObject(to)) return same(from, to) ? undefined : (to as Json);
  const patch: Record<string, Json> = {};
  for (const key of Object.keys(from)) if (!Object.hasOwn(to, key)) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    if (!Object.hasOwn(from, key)) patch[key] = value;
    else {
      const inner = mergePatch(from[key], value);
      if (inner !== undefined) patch[key] = inner;
    }
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}

/** `target` with the merge patch applied (a new value; the inputs are left alone). */
export function applyMergePatch(target: unknown, patch: Json | undefined): Json {
  if (patch === undefined) return structuredClone(target) as Json;
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? (structuredClone(target) as Record<string, Json>) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

/** The person's edit of `opened`, carried onto `latest`: it keeps latest's resourceVersion, so applying it again is not a conflict. */
export function rebaseEdit(opened: unknown, draft: unknown, latest: unknown): Json {
  const patch = mergePatch(opened, draft);
  if (isObject(patch) && isObject(patch.metadata)) delete patch.metadata.resourceVersion;
  return applyMergePatch(latest, patch);
}

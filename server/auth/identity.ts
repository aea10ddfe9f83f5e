/**
 * User names and groups arrive from an identity provider and end up in
 * Impersonate-* headers. Anything that could split or smuggle a header
 * (control characters, including CR and LF) is refused here, at the edge.
 */

// C0 controls, DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_LENGTH = 256;
const MAX_GROUPS = 500;

export function isSafeIdentity(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_LENGTH && !CONTROL.test(value) && value.trim() === value;
}

/** Groups from an identity provider's claim: a list, or one string; unsafe entries dropped. */
export function groupsFromClaim(claim: unknown): string[] {
  const raw = Array.isArray(claim) ? claim : typeof claim === 'string' ? [claim] : [];
  const groups = raw.filter(isSafeIdentity);
  return [...new Set(groups)].slice(0, MAX_GROUPS);
}

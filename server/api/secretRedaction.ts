import type { KubeObject } from '../../lib/kinds/types';
import { HttpError } from '../http/errors';

/** What a Secret's values read as in the portal: the values themselves come only through Reveal. */
export const REDACTED = '<redacted: use Reveal>';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type SecretLike = KubeObject & { data?: Record<string, unknown>; stringData?: unknown };

/** A Secret with every value replaced by the marker; the last-applied annotation (which holds values) too. */
export function redactSecret(secret: KubeObject): KubeObject {
  const copy = structuredClone(secret) as SecretLike;
  if (copy.data) copy.data = Object.fromEntries(Object.keys(copy.data).map((key) => [key, REDACTED]));
  delete copy.stringData;
  const annotations = copy.metadata?.annotations;
  if (annotations?.[LAST_APPLIED]) annotations[LAST_APPLIED] = REDACTED;
  return copy;
}

/**
 * Refuses to write a Secret that still carries the marker: a Secret read here
 * and written back unchanged would otherwise replace every real value with the
 * marker's text. The person must give the values they mean to store.
 */
export function refuseRedactedSecret(secret: KubeObject): void {
  const { data, stringData, metadata } = secret as SecretLike;
  const carrying: string[] = [];
  for (const [field, values] of Object.entries({ data, stringData })) {
    if (!values || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values)) if (typeof value === 'string' && value.includes(REDACTED)) carrying.push(`${field}.${key}`);
  }
  const lastApplied = metadata?.annotations?.[LAST_APPLIED];
  if (typeof lastApplied === 'string' && lastApplied.includes(REDACTED)) carrying.push(`the ${LAST_APPLIED} annotation`);
  if (carrying.length === 0) return;
  throw new HttpError(
    400,
    `the Secret still holds the redaction marker "${REDACTED}" in ${carrying.join(', ')}: writing it back would replace the real values with the marker. ` +
      'Give every value explicitly (in data, base64-encoded, or in stringData) and remove the last-applied annotation or restore it, then apply again.',
  );
}

/** resourceVersion parameters: parsing, the rules around resourceVersionMatch, and waiting for a future RV. */
import { StatusError, badRequest, status } from '../status';
import type { SimContext } from './context';

/** `Too large resource version` — the 504 the apiserver answers when it cannot catch up. */
export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  return new StatusError(
    status(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    }),
  );
}

export function parseResourceVersion(raw: string | null): number | undefined {
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`invalid resource version "${raw}"`);
  return Number(raw);
}

/** Waits (bounded) for the store to reach `rv`, as the watch cache does; throws 504 if it never does. */
export async function waitForResourceVersion(ctx: SimContext, rv: number): Promise<void> {
  if (rv <= ctx.store.currentRv()) return;
  const deadline = Date.now() + ctx.options.tooLargeWaitMs;
  while (Date.now() < deadline && !ctx.signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    if (rv <= ctx.store.currentRv()) return;
  }
  throw tooLargeResourceVersion(rv, ctx.store.currentRv());
}

export function invalidParam(message: string, field: string): StatusError {
  return new StatusError(
    status(422, 'Invalid', message, { causes: [{ reason: 'FieldValueInvalid', message, field }] }),
  );
}

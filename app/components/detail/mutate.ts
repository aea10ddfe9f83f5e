import { readError } from '../live/snapshots';

/** A change made as the signed-in person: same origin, the CSRF header, Kubernetes' answer passed on. */
export async function send(url: string, method: 'POST' | 'PUT' | 'DELETE', body?: unknown, contentType = 'application/json'): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { 'X-Crowsnest-CSRF': '1', Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!res.ok) throw await readError(res);
  return res.status === 204 ? null : res.json().catch(() => null);
}

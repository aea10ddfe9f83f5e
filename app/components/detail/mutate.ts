import { readError } from '../live/snapshots';
import type { KubeObject } from '@/lib/kinds/types';

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

/** One field Kubernetes refused (its Status cause). */
export interface FieldCause {
  field?: string;
  message?: string;
  reason?: string;
}

/** An edit Kubernetes (or the portal) refused: the status, the message verbatim, and the causes per field when Kubernetes gave them. */
export class EditRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string | undefined,
    readonly causes: FieldCause[],
  ) {
    super(message);
  }
}

/** The texts of `Warning: 299 - "…"` headers (one header may hold several, comma-joined). */
function warningsOf(res: Response): string[] {
  const header = res.headers.get('Warning');
  if (!header) return [];
  return [...header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
}

/** Sends an edited object (YAML) as the person; `dryRun` has Kubernetes check it without storing it. */
export async function sendEdit(url: string, yamlText: string, { dryRun }: { dryRun: boolean }): Promise<{ object: KubeObject; warnings: string[] }> {
  const res = await fetch(dryRun ? `${url}?dryRun=All` : url, {
    method: 'PUT',
    headers: { 'X-Crowsnest-CSRF': '1', Accept: 'application/json', 'Content-Type': 'application/yaml' },
    body: yamlText,
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string; reason?: string; causes?: FieldCause[] } } | null;
    throw new EditRefused(res.status, body?.error?.message ?? `the server answered ${res.status}`, body?.error?.reason, body?.error?.causes ?? []);
  }
  return { object: (await res.json()) as KubeObject, warnings: warningsOf(res) };
}

/** Page addresses, in one place. Namespaces travel in `?namespaces=a,b` so a selection can be shared and survives reloads. */
export function namespacesQuery(namespaces: readonly string[]): string {
  return namespaces.length > 0 ? `?namespaces=${namespaces.map(encodeURIComponent).join(',')}` : '';
}

export function clusterPath(cluster: string, namespaces: readonly string[] = []): string {
  return `/clusters/${encodeURIComponent(cluster)}${namespacesQuery(namespaces)}`;
}

export function listPath(cluster: string, kind: string, namespaces: readonly string[] = []): string {
  return `/clusters/${encodeURIComponent(cluster)}/${encodeURIComponent(kind)}${namespacesQuery(namespaces)}`;
}

export function detailPath(cluster: string, kind: string, namespace: string | undefined, name: string, namespaces: readonly string[] = []): string {
  return `/clusters/${encodeURIComponent(cluster)}/${encodeURIComponent(kind)}/${encodeURIComponent(namespace || '_')}/${encodeURIComponent(name)}${namespacesQuery(namespaces)}`;
}

export function objectApi(cluster: string, kind: string, namespace: string | undefined, name: string): string {
  return `/api/clusters/${encodeURIComponent(cluster)}/${encodeURIComponent(kind)}/${encodeURIComponent(namespace || '_')}/${encodeURIComponent(name)}`;
}

/** `?namespaces=` parsed: sorted, unique, no empties. */
export function parseNamespacesParam(value: string | null | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))].sort();
}

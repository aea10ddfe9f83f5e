/** Small helpers for reading kubectl's output in tests. */

/** Splits kubectl's column output into rows of cells (columns are separated by 2+ spaces). */
export function tableRows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s{2,}/));
}

/** The header row of kubectl's column output. */
export function header(stdout: string): string[] {
  return tableRows(stdout)[0] ?? [];
}

/** A minimal manifest builder for tests. */
export function manifest(kind: string, name: string, extra: Record<string, unknown> = {}, apiVersion = 'v1'): string {
  return JSON.stringify({ apiVersion, kind, metadata: { name }, ...extra });
}

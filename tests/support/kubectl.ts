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

/** The part of a simulator harness these helpers use. */
interface KubectlRunner {
  kubectl(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  file(name: string, content: string): Promise<string>;
}

/** `kubectl create -f` of an object (written to a file named `<name>.json`); fails with kubectl's stderr. */
export async function kubectlCreate(h: KubectlRunner, name: string, obj: object): Promise<void> {
  const r = await h.kubectl(['create', '-f', await h.file(`${name}.json`, JSON.stringify(obj))]);
  if (r.code !== 0) throw new Error(`kubectl create ${name} failed (${r.code}): ${r.stderr}`);
}

/** `kubectl <args> -o json`, parsed; fails with kubectl's stderr. */
export async function kubectlJson(h: KubectlRunner, args: string[]): Promise<any> {
  const r = await h.kubectl([...args, '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}


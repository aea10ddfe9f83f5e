/** Runs the real helm binary against a simulator harness, with its own homes in the harness's temp dir. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SimHarness } from '../../support/sim';

export const HELM = new URL('../../../.tools/bin/helm', import.meta.url).pathname;

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `helm <args> --kube-context admin`; killed after `timeoutMs` (default 90 s). */
export function helm(h: SimHarness, args: string[], timeoutMs = 90_000): Promise<HelmResult> {
  const home = join(h.dir, 'helm');
  const env = { ...process.env, HOME: h.dir, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data'), KUBECONFIG: h.kubeconfigPath };
  return new Promise((resolve) => {
    const child = spawn(HELM, [...args, '--kube-context', 'admin'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

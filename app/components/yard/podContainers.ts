import type { KubeObject } from '@/lib/kinds/types';

/** A pod's containers, init containers first (marked), as the logs and shell views take them. */
export function podContainers(pod: KubeObject): { name: string; init?: boolean }[] {
  const spec = pod.spec as { initContainers?: Array<{ name: string }>; containers?: Array<{ name: string }> } | undefined;
  return [...(spec?.initContainers ?? []).map((c) => ({ name: c.name, init: true })), ...(spec?.containers ?? []).map((c) => ({ name: c.name }))];
}

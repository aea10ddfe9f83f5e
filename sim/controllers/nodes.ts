/**
 * Nodes: a Node created without a status gets one (capacity, allocatable, the four
 * conditions, addresses, nodeInfo), and every node's kubelet heartbeat moves
 * lastHeartbeatTime now and then — every `heartbeatMs` (simulated; default 40 s), not
 * every second, so node watches stay quiet.
 */
import type { Store, StoreEvent } from '../store';
import type { KubeObject } from '../types';
import { hashOf, NODES, nowIso, type Clock, type Obj, type Scheduler } from './runtime';

export function defaultNodeStatus(node: KubeObject, now = nowIso()): Obj {
  const name = node.metadata.name!;
  const n = Number.parseInt(hashOf(name, 2).charCodeAt(0).toString(), 10) % 200;
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
  return {
    capacity: { cpu: '4', memory: '16173216Ki', pods: '110', 'ephemeral-storage': '104845292Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' },
    allocatable: { cpu: '3920m', memory: '15246496Ki', pods: '110', 'ephemeral-storage': '96625420950', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' },
    conditions: [
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ],
    addresses: [
      { type: 'InternalIP', address: `10.0.1.${n + 10}` },
      { type: 'Hostname', address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: hashOf(`${name}/machine`, 32),
      systemUUID: hashOf(`${name}/system`, 32),
      bootID: hashOf(`${name}/boot`, 32),
      kernelVersion: '6.1.0-28-cloud-amd64',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://1.7.24',
      kubeletVersion: 'v1.32.0',
      kubeProxyVersion: 'v1.32.0',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

export class NodeController {
  constructor(
    private readonly store: Store,
    clock: Clock,
    scheduler: Scheduler,
    heartbeatMs = 40_000,
  ) {
    for (const n of store.list(NODES)) this.fill(n);
    scheduler.every(clock.real(heartbeatMs), () => this.heartbeat());
  }

  onEvent(e: StoreEvent): void {
    if (e.key === NODES && e.type === 'ADDED') setImmediate(() => this.fill(e.object));
  }

  private fill(n: KubeObject): void {
    const current = this.store.get(NODES, undefined, n.metadata.name!);
    if (!current || (current.status as Obj)?.conditions?.length) return;
    const status = { ...defaultNodeStatus(current), ...((current.status as Obj) ?? {}) };
    status.conditions = defaultNodeStatus(current).conditions;
    this.store.update(NODES, { ...current, metadata: { ...current.metadata }, status });
  }

  private heartbeat(): void {
    const now = nowIso();
    for (const n of this.store.list(NODES)) {
      const s = n.status as Obj;
      if (!s?.conditions?.length) continue;
      // A node that was seeded NotReady stays silent, like a kubelet that stopped posting.
      if (s.conditions.some((c: Obj) => c.type === 'Ready' && c.status === 'Unknown')) continue;
      this.store.update(NODES, { ...n, metadata: { ...n.metadata }, status: { ...s, conditions: s.conditions.map((c: Obj) => ({ ...c, lastHeartbeatTime: now })) } });
    }
  }
}

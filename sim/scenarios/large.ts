/**
 * `large:<pods>`: N running pods spread over ~20 namespaces and ~50 nodes, for
 * exercising paging, Table output and watches at size. Objects are built directly
 * (no per-pod hashing beyond the name) to keep seeding 10 000 pods well under a second.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../types';
import type { Seeder } from './base';
import { ago, DAY, node } from './builders';

const NAMESPACES = 20;
const NODES = 50;

export function seedLarge(seed: Seeder, pods: number): void {
  const created = ago(3 * DAY);
  for (let i = 0; i < NODES; i++) seed.put(node(`node-${String(i).padStart(2, '0')}`, i, { createdAt: created }));
  for (const ns of LARGE_NAMESPACES) seed.namespace(ns, { 'crowsnest.dev/scenario': 'large' }, created);
  for (let i = 0; i < pods; i++) seed.put(largePod(i, created));
}

export const LARGE_NAMESPACES = Array.from({ length: NAMESPACES }, (_, i) => `load-${String(i).padStart(2, '0')}`);

/** Pod number `i` of the large scenario: Running, with a ready-made status (controllers leave it alone). */
export function largePod(i: number, created: string): KubeObject {
  const ns = LARGE_NAMESPACES[i % NAMESPACES];
  const app = `app-${i % 37}`;
  const name = `${app}-${String(i).padStart(6, '0')}`;
  const nodeName = `node-${String(i % NODES).padStart(2, '0')}`;
  const ip = `10.${64 + Math.floor(i / 65_000)}.${Math.floor(i / 250) % 256}.${(i % 250) + 2}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, uid: randomUUID(), labels: { app, tier: i % 3 === 0 ? 'frontend' : 'backend' }, creationTimestamp: created },
    spec: { nodeName, restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default', containers: [{ name: 'main', image: 'registry.example.com/app:1.0' }] },
    status: {
      phase: 'Running',
      podIP: ip,
      hostIP: '10.0.0.10',
      startTime: created,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: created }],
      containerStatuses: [{ name: 'main', ready: true, started: true, restartCount: i % 17 === 0 ? 1 : 0, image: 'registry.example.com/app:1.0', state: { running: { startedAt: created } } }],
    },
  };
}

/** Scenario names → seeders. `empty`, `demo` and `large:<pods>`. */
import type { Registry } from '../resources';
import type { Store } from '../store';
import { Seeder, seedBase } from './base';
import { seedDemo } from './demo';
import { seedLarge } from './large';

export function parseScenario(name: string): { kind: 'empty' | 'demo' } | { kind: 'large'; pods: number } {
  if (name === 'empty' || name === 'demo') return { kind: name };
  const m = name.match(/^large:(\d+)$/);
  if (m) return { kind: 'large', pods: Number(m[1]) };
  throw new Error(`unknown scenario "${name}": expected demo, empty or large:<pods>`);
}

export function seedScenario(name: string, store: Store, registry: Registry): void {
  const s = parseScenario(name);
  const seed = new Seeder(store, registry);
  const daysAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  seedBase(seed, daysAgo);
  if (s.kind === 'demo') seedDemo(seed);
  if (s.kind === 'large') seedLarge(seed, s.pods);
}

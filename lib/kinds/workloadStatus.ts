import type { Tone } from './types';

/**
 * The tone of a replicated workload: nothing wanted → neutral; fewer available
 * than desired → warning; a rollout still replacing pods → progress; else ok.
 */
export function replicaTone(desired: number, available: number, updated: number = desired): Tone {
  if (desired === 0) return 'neutral';
  if (available < desired) return 'warning';
  if (updated < desired) return 'progress';
  return 'ok';
}

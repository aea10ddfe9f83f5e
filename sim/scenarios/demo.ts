import type { Seeder } from './base';

export function seedDemo(_seed: Seeder): void {}

export const PORTFORWARD_SUBPROTOCOLS: string[] = [];
export function planPortForward(..._a: unknown[]): never { throw new Error('x'); }
export function startPortForward(..._a: unknown[]): void {}

/**
 * The exec sessions a simulator holds open: what tests count to see that a
 * client closed its shells upstream, not only in its own books.
 */
const bySimulator = new WeakMap<object, Set<object>>();

/** The open exec sessions of the simulator whose context this is. */
export function execSessionsOf(ctx: object): Set<object> {
  let open = bySimulator.get(ctx);
  if (!open) bySimulator.set(ctx, (open = new Set()));
  return open;
}

/**
 * Counts what each user holds open in this process (shells, log subscriptions)
 * against a cap. `take` answers with a release function, or null over the cap.
 */
export class UserCaps {
  private readonly held = new Map<string, number>();

  constructor(private readonly cap: number) {}

  take(user: string): (() => void) | null {
    const count = this.held.get(user) ?? 0;
    if (this.cap > 0 && count >= this.cap) return null;
    this.held.set(user, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(user) ?? 1) - 1;
      if (left <= 0) this.held.delete(user);
      else this.held.set(user, left);
    };
  }

  get limit(): number {
    return this.cap;
  }
}

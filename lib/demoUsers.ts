/**
 * The built-in demo users of dev sign-in. Same names and groups as the
 * simulated cluster's users, so RBAC differences can be felt in one click.
 */
export interface DemoUser {
  name: string;
  groups: string[];
  /** What this person may do on the simulated cluster. */
  access: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { name: 'alice', groups: ['platform-admins'], access: 'Platform admin: everything, everywhere' },
  { name: 'bob', groups: ['team-a'], access: 'Edits team-a, reads team-b' },
  { name: 'carol', groups: [], access: 'Signed in, allowed nothing' },
];

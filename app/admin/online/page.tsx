import type { Metadata } from 'next';
import { OnlineTable } from './OnlineTable';

export const metadata: Metadata = { title: 'Online — Crowsnest' };
export const dynamic = 'force-dynamic';

/** The admins' view of who is online (the API refuses everyone else, with the reason). */
export default function OnlinePage() {
  return (
    <main className="page" id="main">
      <h1>Who is online</h1>
      <OnlineTable />
    </main>
  );
}

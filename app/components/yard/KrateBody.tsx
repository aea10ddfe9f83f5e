'use client';

import { EventsKrate } from './EventsKrate';
import type { PlacedKrate } from './krates';
import { ListKrate } from './ListKrate';
import { LogsKrate } from './LogsKrate';
import { ObjectKrate } from './ObjectKrate';
import { ShellKrate } from './ShellKrate';
import { YamlKrate } from './YamlKrate';

/** A krate's content, streamed by this browser as the person looking: never taken from the shared document. */
export function KrateBody({ krate }: { krate: PlacedKrate }) {
  switch (krate.type) {
    case 'object':
      return <ObjectKrate krate={krate} />;
    case 'logs':
      return <LogsKrate krate={krate} />;
    case 'shell':
      return <ShellKrate krate={krate} />;
    case 'yaml':
      return <YamlKrate krate={krate} />;
    case 'list':
      return <ListKrate krate={krate} />;
    case 'events':
      return <EventsKrate krate={krate} />;
  }
}

'use client';

import { stringify } from 'yaml';
import { YamlEditor } from '../detail/YamlEditor';
import { KrateError } from './KrateError';
import type { PlacedKrate } from './krates';
import { useKrateObject } from './useKrateObject';

/** The object as YAML, read-only, as the person looking may read it (Secret values redacted by the portal). */
export function YamlKrate({ krate }: { krate: PlacedKrate }) {
  const { data: object, error } = useKrateObject(krate.cluster, krate.kind, krate.namespace, krate.name);
  if (error) return <KrateError error={error} what={krate.name ?? krate.kind} />;
  if (!object) return <p className="muted" aria-busy="true">Loading…</p>;
  const text = stringify(object, { lineWidth: 0 });
  return <YamlEditor key={text} text={text} editable={false} label={`YAML of ${krate.name} (read-only)`} />;
}

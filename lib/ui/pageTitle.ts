/**
 * Browser tab titles that say where you are, most specific first:
 * `web-7f… · Pod · team-a · demo`, `Pods · demo`, `Overview · demo`. The root
 * layout appends ` — Crowsnest`. Kind names come from the kinds registry
 * (singular for one object, the plural title for a list); a kind the registry
 * does not know (a custom resource token) is shown as its token.
 */
import { kindByToken } from '../kinds';

const SEP = ' · ';

/** A URL segment decoded, or as it came when it is not valid percent-encoding (the page itself reports that). */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function overviewTitle(cluster: string): string {
  return ['Overview', cluster].join(SEP);
}

export function listTitle(cluster: string, kind: string, namespaces: readonly string[] = []): string {
  const title = kindByToken(kind)?.title ?? kind;
  return [title, ...(namespaces.length > 0 ? [namespaces.join(', ')] : []), cluster].join(SEP);
}

/** `_` is the namespace of cluster-scoped objects in the portal's URLs and is left out. */
export function objectTitle(cluster: string, kind: string, namespace: string, name: string): string {
  const singular = kindByToken(kind)?.kind ?? kind;
  return [name, singular, ...(namespace && namespace !== '_' ? [namespace] : []), cluster].join(SEP);
}

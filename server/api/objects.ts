import type { Actor } from '../../lib/actor';
import type { KubeObject } from '../../lib/kinds/types';
import { HttpError } from '../http/errors';
import { fromKube, objectPath, resolveKind } from './actions';
import { kubeConfigActingAs } from '../kube/actingAs';
import { kubeJson } from '../kube/kubeRequest';
import { log } from '../log';
import { redactSecret } from './secretRedaction';
import type { LiveData } from '../live/liveData';

/** The object, read from the apiserver as the person (always fresh, always authorised by Kubernetes). */
export async function readObject(live: LiveData, cluster: string, token: string, namespace: string, name: string, actor: Actor): Promise<KubeObject> {
  const kind = resolveKind(live, cluster, token, namespace);
  const kc = kubeConfigActingAs(live.cluster(cluster).cluster.kubeConfig, actor);
  const object = await kubeJson<KubeObject>(kc, { path: objectPath(kind, namespace, name), timeoutMs: 15_000 }).catch(fromKube);
  return kind.kind === 'Secret' && !kind.group ? redactSecret(object) : object;
}

/** One decoded Secret value, read as the person (Kubernetes decides), with an audit line that never holds the value. */
export async function revealSecretValue(live: LiveData, cluster: string, namespace: string, name: string, key: string, actor: Actor, requestId: string): Promise<string> {
  const kind = resolveKind(live, cluster, 'secrets', namespace);
  const kc = kubeConfigActingAs(live.cluster(cluster).cluster.kubeConfig, actor);
  const secret = await kubeJson<KubeObject & { data?: Record<string, string> }>(kc, { path: objectPath(kind, namespace, name), timeoutMs: 15_000 }).catch(fromKube);
  // Own keys only: "constructor" or "__proto__" must not find what every object inherits.
  const data = secret.data ?? {};
  const encoded = Object.hasOwn(data, key) ? data[key] : undefined;
  if (typeof encoded !== 'string') throw new HttpError(404, `secret "${name}" has no key "${key}"`);
  // Named like every audit line (kind, namespace, name): the field `secret` is one the logger blanks.
  log.info({ audit: true, requestId, actor: actor.name, cluster, kind: 'secrets', namespace, name, key }, 'secret value revealed');
  return Buffer.from(encoded, 'base64').toString('utf8');
}

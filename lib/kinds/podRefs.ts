import { arr, at, isRecord, rec, str } from './read';

/**
 * The ConfigMaps, Secrets and PersistentVolumeClaims a pod spec names (volumes,
 * projected sources, env, envFrom, image pull secrets), as `configmap:<name>`,
 * `secret:<name>` and `pvc:<name>`, sorted and without repeats. Kept on the pod's
 * row so a ConfigMap, Secret or claim page can find its pods from the live list.
 */
export function podReferences(spec: unknown): string[] {
  const refs = new Set<string>();
  const add = (prefix: string, name: unknown) => {
    const n = str(name);
    if (n) refs.add(`${prefix}:${n}`);
  };
  const s = rec(spec);
  for (const volume of arr(s.volumes).filter(isRecord)) {
    add('configmap', at(volume, 'configMap', 'name'));
    add('secret', at(volume, 'secret', 'secretName'));
    add('pvc', at(volume, 'persistentVolumeClaim', 'claimName'));
    for (const source of arr(at(volume, 'projected', 'sources')).filter(isRecord)) {
      add('configmap', at(source, 'configMap', 'name'));
      add('secret', at(source, 'secret', 'name'));
    }
  }
  for (const container of [...arr(s.initContainers), ...arr(s.containers), ...arr(s.ephemeralContainers)].filter(isRecord)) {
    for (const env of arr(container.env).filter(isRecord)) {
      add('configmap', at(env, 'valueFrom', 'configMapKeyRef', 'name'));
      add('secret', at(env, 'valueFrom', 'secretKeyRef', 'name'));
    }
    for (const from of arr(container.envFrom).filter(isRecord)) {
      add('configmap', at(from, 'configMapRef', 'name'));
      add('secret', at(from, 'secretRef', 'name'));
    }
  }
  for (const pull of arr(s.imagePullSecrets).filter(isRecord)) add('secret', pull.name);
  return [...refs].sort();
}

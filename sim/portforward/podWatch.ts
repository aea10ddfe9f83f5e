/**
 * When a pod stops serving its ports: it is deleted, replaced by another of the same
 * name, or leaves the Running phase. A port-forward ends then, as on a real node when
 * the pod's sandbox goes.
 */
import type { Store } from '../store';
import type { KubeObject } from '../types';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

/** Calls `stopped` once; returns a function that stops watching. */
export function whenPodStops(store: Store, pod: KubeObject, stopped: () => void): () => void {
  const { namespace, name, uid } = pod.metadata;
  let done = false;
  const unsubscribe = store.subscribe((e) => {
    if (done || e.key !== '/pods' || e.object.metadata.namespace !== namespace || e.object.metadata.name !== name) return;
    if (e.type === 'DELETED' || e.object.metadata.uid !== uid || (e.object.status as Obj)?.phase !== 'Running') {
      done = true;
      unsubscribe();
      stopped();
    }
  });
  return () => {
    done = true;
    unsubscribe();
  };
}

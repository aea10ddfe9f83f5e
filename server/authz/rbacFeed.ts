import type { KubeConfig } from '@kubernetes/client-node';
import { watchRbac, type RbacWatchOptions } from './rbacWatcher';

/** The cluster whose RBAC is followed. */
export interface RbacCluster {
  name: string;
  kubeConfig: KubeConfig;
}

/**
 * Where a cluster hears of RBAC changes: its own watches (one replica), or
 * the one replica of a fleet that watches them for everybody. Either way the
 * listener hears of every change and of whether changes are known to arrive
 * in time (when they are not, access answers must not be trusted for long).
 */
export interface RbacFeed {
  /** Tells `options` of the cluster's RBAC changes until `signal` aborts. */
  follow(cluster: RbacCluster, options: RbacWatchOptions, signal: AbortSignal): void;
}

/** This replica watches every cluster's RBAC itself. */
export const localRbacFeed: RbacFeed = {
  follow(cluster, options, signal) {
    void watchRbac(cluster.kubeConfig, options, signal);
  },
};

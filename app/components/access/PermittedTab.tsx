'use client';

import type { ComponentType } from 'react';
import type { ObjectAction } from '@/lib/access';
import { objectApi } from '../urls';
import { useObjectAccess } from './useObjectAccess';

/**
 * A pod tab that needs a permission of its own (logs: get pods/log; shell:
 * create pods/exec): where Kubernetes says no, the tab says so with its
 * reason instead of opening a connection that would be refused.
 */
export function permittedTab<P extends { cluster: string; namespace: string; pod: string }>(action: ObjectAction, what: string, Tab: ComponentType<P>): ComponentType<P> {
  function Permitted(props: P) {
    const answer = useObjectAccess(objectApi(props.cluster, 'pods', props.namespace, props.pod))(action);
    if (answer && !answer.allowed) {
      return (
        <div className="empty denied" role="note" data-testid={`denied-${action}`}>
          <strong>You may not {what} in this pod.</strong>
          <p className="muted">Kubernetes says: {answer.reason}</p>
        </div>
      );
    }
    return <Tab {...props} />;
  }
  return Permitted;
}

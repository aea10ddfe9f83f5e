import type { StreamError } from '@/lib/live/protocol';

/** Namespaces (or a whole kind) the list could not show, each with Kubernetes' reason. */
export function NamespaceErrors({ errors }: { errors: readonly StreamError[] }) {
  if (errors.length === 0) return null;
  return (
    <div className="ns-errors" role="alert" data-testid="namespace-errors">
      <strong>Not shown:</strong>
      <ul>
        {errors.map((e) => (
          <li key={`${e.namespace ?? ''}:${e.code}`}>
            <span className="mono">{e.namespace ?? 'all namespaces'}</span> <span className="muted">({e.code})</span> {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

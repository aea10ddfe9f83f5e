'use client';

import { useState } from 'react';
import { send } from './mutate';

/** A Secret's keys with masked values; each value is fetched only when its Reveal is pressed (an audited request). */
export function SecretValues({ revealUrl, keys }: { revealUrl: string; keys: string[] }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  if (keys.length === 0) return <p className="muted">This secret holds no data.</p>;
  return (
    <dl className="secret-values">
      {keys.map((key) => (
        <div key={key} className="secret-row">
          <dt className="mono">{key}</dt>
          <dd>
            {key in values ? (
              <>
                <pre className="secret-value" data-testid={`secret-value-${key}`}>{values[key]}</pre>
                <button type="button" className="small-button" onClick={() => setValues(({ [key]: _gone, ...rest }) => rest)}>
                  Hide
                </button>
              </>
            ) : (
              <>
                <span className="masked" aria-label="hidden value">••••••••</span>
                <button
                  type="button"
                  className="small-button"
                  aria-label={`Reveal ${key}`}
                  onClick={async () => {
                    try {
                      const body = (await send(revealUrl, 'POST', { key })) as { value: string };
                      setValues((v) => ({ ...v, [key]: body.value }));
                      setErrors(({ [key]: _gone, ...rest }) => rest);
                    } catch (err) {
                      setErrors((e) => ({ ...e, [key]: (err as Error).message }));
                    }
                  }}
                >
                  Reveal
                </button>
              </>
            )}
            {errors[key] ? (
              <span className="inline-error" role="alert">
                {errors[key]}
              </span>
            ) : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

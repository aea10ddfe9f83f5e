/** Labels or annotations, each key and value as plain text (long values wrap and scroll, never break the page). */
export function KeyValues({ title, values }: { title: string; values: Record<string, string> | undefined }) {
  const entries = Object.entries(values ?? {});
  return (
    <div className="kv-block">
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <p className="muted small">None</p>
      ) : (
        <ul className="kv">
          {entries.map(([k, v]) => (
            <li key={k}>
              <span className="kv-key">{k}</span>
              <span className="kv-value">{String(v)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

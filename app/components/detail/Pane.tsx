'use client';

import { useEffect, useState, type ReactNode } from 'react';

/**
 * A pane for logs or a terminal: its height is dragged with the handle at its
 * bottom edge (CSS resize), and it can fill the window until Escape or the
 * button brings it back. Its children stay mounted either way.
 */
export function Pane({ label, children }: { label: string; children: ReactNode }) {
  const [full, setFull] = useState(false);
  useEffect(() => {
    if (!full) return;
    const onKey = (e: KeyboardEvent) => {
      // A terminal keeps its Escape (vi, less); its pane leaves full screen by the button.
      if (e.key === 'Escape' && !(e.target instanceof Element && e.target.closest('.xterm'))) setFull(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [full]);
  return (
    <div className={full ? 'pane pane-full' : 'pane'} data-testid="pane" data-full={full ? 'true' : 'false'}>
      <div className="pane-bar">
        <button type="button" className="small-button" aria-pressed={full} onClick={() => setFull((f) => !f)}>
          {full ? 'Exit full screen' : 'Full screen'}
        </button>
        {full ? <span className="muted small">Esc to leave</span> : null}
      </div>
      <div className="pane-body" data-pane={label}>
        {children}
      </div>
    </div>
  );
}

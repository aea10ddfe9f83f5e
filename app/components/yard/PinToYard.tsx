'use client';

import { useCallback, useRef, useState } from 'react';
import { PinPanel, type PinTarget } from './PinPanel';

export type { PinTarget } from './PinPanel';

/**
 * "Pin to yard…": a button opening the panel that pins `target` to a yard.
 * `label` names the button (the palette says which object).
 */
export function PinToYard({ target, label = 'Pin to yard…', onPinned }: { target: PinTarget; label?: string; onPinned?: () => void }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const close = useCallback((returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  }, []);
  return (
    <span className="pin-to-yard">
      <button ref={button} type="button" aria-expanded={open} aria-haspopup="dialog" onClick={() => setOpen((o) => !o)}>
        {label}
      </button>
      {open ? <PinPanel target={target} onClose={close} onPinned={onPinned} opener={button} /> : null}
    </span>
  );
}

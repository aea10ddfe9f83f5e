'use client';

import { useEffect, useRef } from 'react';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal confirm step: the question, the last attempt's error in
 * Kubernetes' words, Cancel (focused first) and the action's button. It keeps
 * the keyboard inside it: Tab and Shift+Tab cycle through its buttons, Escape
 * cancels, and when it closes focus goes back to what opened it.
 */
export function ConfirmDialog({
  question,
  confirmLabel,
  danger = false,
  error,
  busy,
  onConfirm,
  onCancel,
}: {
  question: string;
  confirmLabel: string;
  /** The action destroys something: its button says so. */
  danger?: boolean;
  error?: string | null;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const cancel = useRef(onCancel);
  useEffect(() => {
    cancel.current = onCancel;
  }, [onCancel]);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    box.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => opener?.focus();
  }, []);

  return (
    <div className="overlay">
      <div
        ref={box}
        className="confirm"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-q"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            if (!busy) cancel.current();
            return;
          }
          if (e.key !== 'Tab' || !box.current) return;
          const items = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
          if (items.length === 0) return;
          const i = items.indexOf(document.activeElement as HTMLElement);
          const next = e.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : i === items.length - 1 ? 0 : i + 1;
          e.preventDefault();
          items[next].focus();
        }}
      >
        <p id="confirm-q">{question}</p>
        {error ? (
          <pre className="verbatim" role="alert">
            {error}
          </pre>
        ) : null}
        <div className="confirm-buttons">
          <button type="button" data-autofocus onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="button" className={danger ? 'danger solid' : 'primary'} disabled={busy} onClick={onConfirm}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

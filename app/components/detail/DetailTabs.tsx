'use client';

import { useRef, type KeyboardEvent } from 'react';

/**
 * The detail page's tab list, after the WAI-ARIA tabs pattern: one tab in the Tab
 * order, arrow keys (and Home/End) move the selection and the focus together.
 */
export function DetailTabs<T extends string>({ tabs, selected, onSelect }: { tabs: Array<[T, string]>; selected: T; onSelect: (tab: T) => void }) {
  const buttons = useRef(new Map<T, HTMLButtonElement>());
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.findIndex(([t]) => t === selected);
    let next: number;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    else return;
    e.preventDefault();
    const [tab] = tabs[next];
    onSelect(tab);
    buttons.current.get(tab)?.focus();
  };
  return (
    <div role="tablist" aria-label="Object views" className="tabs" onKeyDown={onKeyDown}>
      {tabs.map(([t, label]) => (
        <button
          key={t}
          ref={(el) => {
            if (el) buttons.current.set(t, el);
            else buttons.current.delete(t);
          }}
          type="button"
          role="tab"
          id={`tab-${t}`}
          aria-selected={selected === t}
          aria-controls={`panel-${t}`}
          tabIndex={selected === t ? 0 : -1}
          onClick={() => onSelect(t)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

'use client';

import { useRef, type KeyboardEvent } from 'react';

/**
 * The detail page's tab list, after the WAI-ARIA tabs pattern: one tab in the Tab
 * order, arrow keys (and Home/End) move the selection and the focus together.
 * A tab in `denied` (tab → Kubernetes' reason) is marked disabled with its reason
 * as its description and tooltip, yet stays focusable and selectable, so the
 * reason can be read and its panel says why nothing opens.
 */
export function DetailTabs<T extends string>({ tabs, selected, onSelect, denied = {} }: { tabs: Array<[T, string]>; selected: T; onSelect: (tab: T) => void; denied?: Partial<Record<T, string>> }) {
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
    <>
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
            aria-disabled={denied[t] ? true : undefined}
            aria-describedby={denied[t] ? `tab-${t}-denied` : undefined}
            title={denied[t] ? `Not permitted: ${denied[t]}` : undefined}
            onClick={() => onSelect(t)}
          >
            {label}
          </button>
        ))}
      </div>
      {tabs
        .filter(([t]) => denied[t])
        .map(([t, label]) => (
          <span key={t} id={`tab-${t}-denied`} hidden>
            {label} not permitted: {denied[t]}
          </span>
        ))}
    </>
  );
}

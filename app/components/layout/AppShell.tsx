'use client';

import { useState, type ReactNode } from 'react';
import { CommandPalette } from '../palette/CommandPalette';
import { DiagnosticsDrawer } from '../diagnostics/DiagnosticsDrawer';
import { useLiveSelection } from '../live/useLive';
import { useSelection } from '../useSelection';
import { NamespacePicker } from './NamespacePicker';
import { Sidebar } from './Sidebar';
import { ThemeToggle } from './ThemeToggle';

/** The frame of every cluster page: sidebar, top bar (namespaces, search, diagnostics, theme), the page. */
export function AppShell({ userName, userGroups, children }: { userName: string; userGroups: string[]; children: ReactNode }) {
  const { cluster, namespaces } = useSelection();
  useLiveSelection(cluster, namespaces);
  const [diagnosticsOpen, setDiagnosticsOpen] = useState(false);
  const [paletteOpen, setPaletteOpen] = useState(false);

  return (
    <div className="shell">
      <Sidebar cluster={cluster} namespaces={namespaces} userName={userName} userGroups={userGroups} />
      <div className="shell-main">
        <header className="shell-bar">
          <NamespacePicker cluster={cluster} namespaces={namespaces} />
          <div className="shell-bar-actions">
            <button type="button" className="search-button" onClick={() => setPaletteOpen(true)} aria-keyshortcuts="Control+K Meta+K">
              <span>Search objects…</span>
              <kbd>Ctrl K</kbd>
            </button>
            <button type="button" className="ghost" aria-expanded={diagnosticsOpen} onClick={() => setDiagnosticsOpen((o) => !o)}>
              Diagnostics
            </button>
            <ThemeToggle />
          </div>
        </header>
        <main className="page">{children}</main>
      </div>
      <CommandPalette cluster={cluster} namespaces={namespaces} open={paletteOpen} onOpenChange={setPaletteOpen} />
      {diagnosticsOpen ? <DiagnosticsDrawer cluster={cluster} onClose={() => setDiagnosticsOpen(false)} /> : null}
    </div>
  );
}

'use client';

import { usePathname } from 'next/navigation';
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { CommandPalette } from '../palette/CommandPalette';
import { DiagnosticsDrawer } from '../diagnostics/DiagnosticsDrawer';
import { useLiveSelection } from '../live/useLive';
import { useSelection } from '../useSelection';
import { NamespacePicker } from './NamespacePicker';
import { Sidebar } from './Sidebar';
import { ThemeToggle } from './ThemeToggle';
import { useShellCluster } from './useShellCluster';
import { PageViewers } from '../presence/PageViewers';

const SIDEBAR_ID = 'sidebar';
const MAIN_ID = 'main';

/**
 * The frame of every cluster page: a skip link, the sidebar, the top bar (namespaces,
 * search, diagnostics, theme), the page. Below 900 px the sidebar is a menu the
 * top bar's Menu button opens; it closes on Escape, outside it, or on navigation.
 */
export function AppShell({ userName, userGroups, children }: { userName: string; userGroups: string[]; children: ReactNode }) {
  const { cluster, namespaces } = useSelection();
  useLiveSelection(cluster, namespaces);
  // Pages of no cluster (the yards) still switch and search in one: the last used.
  const shellCluster = useShellCluster(cluster);
  const pathname = usePathname();
  const [diagnosticsOpen, setDiagnosticsOpen] = useState(false);
  const [paletteOpen, setPaletteOpen] = useState(false);
  // The menu is open on the page it was opened on: following a link in it closes it.
  const [menuOpenOn, setMenuOpenOn] = useState<string | null>(null);
  const menuOpen = menuOpenOn === pathname;
  const menuButton = useRef<HTMLButtonElement>(null);
  const closeMenu = useCallback((returnFocus: boolean) => {
    setMenuOpenOn(null);
    if (returnFocus) menuButton.current?.focus();
  }, []);

  return (
    <div className="shell" data-menu={menuOpen ? 'open' : 'closed'}>
      <a
        className="skip-link"
        href={`#${MAIN_ID}`}
        onClick={(e) => {
          e.preventDefault();
          document.getElementById(MAIN_ID)?.focus();
        }}
      >
        Skip to main content
      </a>
      <Sidebar id={SIDEBAR_ID} open={menuOpen} onClose={closeMenu} cluster={shellCluster} namespaces={namespaces} userName={userName} userGroups={userGroups} />
      {menuOpen ? <div className="menu-backdrop" aria-hidden="true" onClick={() => closeMenu(false)} /> : null}
      <div className="shell-main">
        <header className="shell-bar">
          <button ref={menuButton} type="button" className="ghost menu-button" aria-expanded={menuOpen} aria-controls={SIDEBAR_ID} onClick={() => setMenuOpenOn(menuOpen ? null : pathname)}>
            <span className="menu-icon" aria-hidden="true" />
            Menu
          </button>
          <NamespacePicker cluster={cluster} namespaces={namespaces} />
          <div className="shell-bar-actions">
            <PageViewers userName={userName} />
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
        <main className="page" id={MAIN_ID} tabIndex={-1}>
          {children}
        </main>
      </div>
      <CommandPalette cluster={shellCluster} namespaces={namespaces} open={paletteOpen} onOpenChange={setPaletteOpen} />
      {diagnosticsOpen ? <DiagnosticsDrawer cluster={shellCluster} onClose={() => setDiagnosticsOpen(false)} /> : null}
    </div>
  );
}

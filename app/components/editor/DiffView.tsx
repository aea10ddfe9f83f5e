'use client';

import { unifiedMergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { yamlBasics } from '../detail/YamlEditor';

/** The draft against the live object, line by line (read-only; unchanged stretches folded). */
export function DiffView({ live, draft }: { live: string; draft: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: draft,
        extensions: [
          yamlBasics(),
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          EditorView.contentAttributes.of({ 'aria-label': 'Changes against the live object' }),
          unifiedMergeView({ original: live, mergeControls: false, syntaxHighlightDeletions: false, collapseUnchanged: { margin: 3, minSize: 6 } }),
        ],
      }),
    });
    return () => view.destroy();
  }, [live, draft]);
  return <div ref={host} className="yaml-editor yaml-diff" data-testid="yaml-diff" />;
}

'use client';

import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { useEffect, useRef } from 'react';

/** Colours from the page's theme variables, so both light and dark read well. */
const YAML_COLOURS = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--syn-key)' },
  { tag: [tags.string, tags.special(tags.string), tags.content], color: 'var(--syn-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--syn-atom)' },
  { tag: [tags.comment, tags.meta], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.punctuation, tags.separator, tags.squareBracket, tags.brace], color: 'var(--muted)' },
]);

/** The highlighting and keys every YAML view shares (the editor and the diff). */
export function yamlBasics(): Extension[] {
  return [lineNumbers(), highlightActiveLine(), history(), keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]), EditorView.lineWrapping, yaml(), syntaxHighlighting(YAML_COLOURS)];
}

/**
 * CodeMirror with YAML highlighting; read-only unless `editable`. The text is
 * the editor's own once created: `text` is read when the editor is made and
 * never again, so typing (which reports every change through `onChange`)
 * never rebuilds it — give the component a new `key` to load another text.
 * `extensions` (completion, lint) may change at any time without a rebuild.
 */
export function YamlEditor({ text, editable, onChange, label, extensions = NONE }: { text: string; editable: boolean; onChange?: (text: string) => void; label: string; extensions?: Extension[] }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const extra = useRef(new Compartment());
  const initial = useRef({ text, extensions });
  const changed = useRef(onChange);
  useEffect(() => {
    changed.current = onChange;
  }, [onChange]);
  useEffect(() => {
    if (!host.current) return;
    const created = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial.current.text,
        extensions: [
          yamlBasics(),
          EditorState.readOnly.of(!editable),
          EditorView.editable.of(editable),
          // Read-only, the text is not editable and so not focusable: give it a Tab stop, so keyboard users can scroll it.
          EditorView.contentAttributes.of(editable ? { 'aria-label': label } : { 'aria-label': label, tabindex: '0' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current?.(u.state.doc.toString());
          }),
          extra.current.of(initial.current.extensions),
        ],
      }),
    });
    view.current = created;
    return () => {
      view.current = null;
      created.destroy();
    };
  }, [editable, label]);
  useEffect(() => {
    view.current?.dispatch({ effects: extra.current.reconfigure(extensions) });
  }, [extensions]);
  return <div ref={host} className="yaml-editor" data-testid="yaml-editor" />;
}

const NONE: Extension[] = [];

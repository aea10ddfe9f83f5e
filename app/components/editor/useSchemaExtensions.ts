'use client';

import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import type { Extension } from '@codemirror/state';
import { useMemo } from 'react';
import useSWR from 'swr';
import { parseDocument } from 'yaml';
import type { KindSchema } from '@/lib/schema';
import { fieldsAt, lintYaml, pathAt } from './schemaTools';

async function fetchSchema(url: string): Promise<KindSchema | null> {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  // No schema (the cluster serves none, or not for this kind): the editor works without one.
  if (!res.ok) return null;
  return (await res.json()) as KindSchema;
}

function completeFields(schema: KindSchema) {
  return (context: CompletionContext): CompletionResult | null => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    // Only where a key can start: after indentation, or after a list item's dash.
    const m = /^(\s*(?:- +)?)([\w.-]*)$/.exec(before);
    if (!m || (!context.explicit && m[2] === '' && m[1].trim() === '')) return null;
    const text = context.state.doc.sliceString(0, context.pos - m[2].length);
    const fields = fieldsAt(schema, pathAt(text, text.length));
    if (fields.length === 0) return null;
    return {
      from: context.pos - m[2].length,
      options: fields.map((f) => ({ label: f.name, type: 'property', detail: f.type, info: f.info, apply: `${f.name}: ` })),
      validFor: /^[\w.-]*$/,
    };
  };
}

/** YAML syntax errors, then (when the draft parses) unknown fields and wrong types per the schema. */
function lintDraft(schema: KindSchema | null) {
  return (view: { state: { doc: { toString(): string; length: number } } }): Diagnostic[] => {
    const text = view.state.doc.toString();
    const doc = parseDocument(text);
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const from = Math.min(e.pos[0], text.length);
      return [{ from, to: Math.min(Math.max(e.pos[1], from + 1), text.length), severity: 'error', message: `Not valid YAML: ${e.message.split('\n')[0]}` }];
    }
    if (!schema) return [];
    return lintYaml(schema, text).map((p) => ({ from: p.from, to: Math.min(p.to, text.length), severity: 'error', source: 'schema', message: p.message }));
  };
}

/**
 * Completion of field names and inline checks of names and types for a
 * kind, from the OpenAPI schema the cluster serves (read as the person
 * through the portal). Without a schema, only YAML syntax is checked.
 */
export function useSchemaExtensions(schemaUrl: string, enabled: boolean): { extensions: Extension[]; schema: KindSchema | null | undefined } {
  const { data: schema } = useSWR(enabled ? schemaUrl : null, fetchSchema, { revalidateOnFocus: false, shouldRetryOnError: false });
  const extensions = useMemo(() => {
    if (!enabled) return [];
    return [lintGutter(), linter(lintDraft(schema ?? null), { delay: 300 }), ...(schema ? [autocompletion({ override: [completeFields(schema)], activateOnTyping: true })] : [])];
  }, [enabled, schema]);
  return { extensions, schema };
}

/**
 * The TraceQL editor: CodeMirror 6 with Grafana's TraceQL grammar for highlighting, completion
 * of scopes, intrinsics, attribute names and values from Vivace's tag APIs, the server's parse
 * error marked at its line and column, and Ctrl/Cmd+Enter to run.
 */
import {
  autocompletion,
  type Completion,
  type CompletionContext as CmContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, LRLanguage, syntaxHighlighting } from '@codemirror/language';
import { setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { parser } from '@grafana/lezer-traceql';
import { styleTags, tags as t } from '@lezer/highlight';
import { useEffect, useRef } from 'react';
import { tagNames, tagValues } from '../api';
import { completionContext, ENUM_VALUES, errorOffset, INTRINSICS, SCOPES } from './context';

const traceql = LRLanguage.define({
  name: 'traceql',
  parser: parser.configure({
    props: [
      styleTags({
        String: t.string,
        'Integer Float Duration': t.number,
        IntrinsicField: t.keyword,
        'AttributeField Identifier': t.propertyName,
        'Resource Span Event Link Instrumentation Parent': t.namespace,
        'FieldOp ComparisonOp ScalarOp And Or Gt Lt Desc Anc Pipe': t.operator,
        'Aggregate MetricsOperationBasicType MetricsOverTimeType MetricsAggregatorFunctionType':
          t.function(t.variableName),
        'LineComment BlockComment': t.comment,
        Static: t.atom,
      }),
    ],
  }),
});

const highlight = HighlightStyle.define([
  { tag: t.string, class: 'tq-string' },
  { tag: t.number, class: 'tq-number' },
  { tag: t.keyword, class: 'tq-keyword' },
  { tag: t.propertyName, class: 'tq-attribute' },
  { tag: t.namespace, class: 'tq-scope' },
  { tag: t.operator, class: 'tq-operator' },
  { tag: t.function(t.variableName), class: 'tq-function' },
  { tag: t.comment, class: 'tq-comment' },
  { tag: t.atom, class: 'tq-atom' },
]);

/** Completions at the cursor, from the grammar-free context and the tag APIs. */
async function complete(ctx: CmContext): Promise<CompletionResult | null> {
  const before = ctx.state.sliceDoc(0, ctx.pos);
  const c = completionContext(before);
  switch (c.kind) {
    case 'none':
      return null;
    case 'field': {
      if (!ctx.explicit && c.typed === '' && !/[{(]\s*$/.test(before)) return null;
      const options: Completion[] = [
        ...SCOPES.map((s) => ({ label: `${s}.`, type: 'namespace' })),
        { label: '.', type: 'namespace', detail: 'any scope' },
        ...INTRINSICS.map((i) => ({ label: i, type: 'keyword' })),
      ];
      return { from: c.from, options, validFor: /^[\w:.]*$/ };
    }
    case 'attribute': {
      const names = await tagNames(c.scope).catch(() => []);
      return {
        from: c.from,
        options: names.map((n) => ({ label: n, type: 'property' })),
        validFor: /^[\w.-]*$/,
      };
    }
    case 'value': {
      const known = ENUM_VALUES[c.field];
      if (known) return { from: c.from, options: known.map((v) => ({ label: v, type: 'enum' })) };
      const values = await tagValues(c.field).catch(() => []);
      return {
        from: c.from,
        options: values.map((v) => ({
          label: v.type === 'string' ? `"${v.value}"` : v.value,
          displayLabel: v.value,
          type: 'text',
        })),
      };
    }
  }
}

export interface TraceQLEditorProps {
  value: string;
  onChange: (text: string) => void;
  onRun: () => void;
  /** The server's message for the query last run, marked at its position when it names one. */
  error?: string;
}

export function TraceQLEditor({ value, onChange, onRun, error }: TraceQLEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The latest callbacks, for the editor created once.
  const callbacks = useRef({ onChange, onRun });
  callbacks.current = { onChange, onRun };

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          keymap.of([
            {
              key: 'Mod-Enter',
              run: () => {
                callbacks.current.onRun();
                return true;
              },
            },
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          traceql,
          syntaxHighlighting(highlight),
          autocompletion({ override: [complete], activateOnTyping: true }),
          placeholder('{ resource.service.name = "checkout" && status = error }'),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'TraceQL query' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // Created once; `value` changes from outside are applied below.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const text = v.state.doc.toString();
    const at = error === undefined ? undefined : errorOffset(error, text);
    v.dispatch(
      setDiagnostics(
        v.state,
        at === undefined || error === undefined
          ? []
          : [
              {
                from: at,
                to: Math.min(text.length, at + 1) || at,
                severity: 'error',
                message: error,
              },
            ],
      ),
    );
  }, [error]);

  return <div className="editor" ref={host} />;
}

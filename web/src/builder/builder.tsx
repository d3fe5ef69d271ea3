/**
 * The search builder: service, span name, status, duration range and attribute conditions (any
 * scope, with =, !=, =~, >, <, exists…), with names and values offered from the tag APIs. It
 * writes the TraceQL it runs, visibly, and hands it to the editor.
 */
import { useEffect, useState } from 'react';
import { tagNames, tagValues } from '../api';
import {
  buildQuery,
  EMPTY_BUILDER,
  type AttrCondition,
  type BuilderState,
  type Op,
  type Scope,
} from './build.js';

const SCOPES: Scope[] = ['span', 'resource', 'any', 'event', 'link', 'instrumentation'];
const OPS: Op[] = ['=', '!=', '=~', '!~', '>', '>=', '<', '<=', 'exists', 'missing'];

/** Values a tag takes, loaded once per tag. */
function useValues(load: () => Promise<string[]>, key: string): string[] {
  const [values, setValues] = useState<string[]>([]);
  useEffect(() => {
    let cancelled = false;
    load().then(
      (v) => !cancelled && setValues(v),
      () => !cancelled && setValues([]),
    );
    return () => {
      cancelled = true;
    };
  }, [key]);
  return values;
}

function AttrRow({
  a,
  index,
  onChange,
  onRemove,
}: {
  a: AttrCondition;
  index: number;
  onChange: (a: AttrCondition) => void;
  onRemove: () => void;
}) {
  const names = useValues(() => tagNames(a.scope === 'any' ? 'span' : a.scope), a.scope);
  const id = `builder-attr-${index}`;
  return (
    <div className="builder-row" role="group" aria-label={`Attribute condition ${index + 1}`}>
      <select
        aria-label="Scope"
        value={a.scope}
        onChange={(e) => onChange({ ...a, scope: e.target.value as Scope })}
      >
        {SCOPES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <input
        aria-label="Attribute"
        list={id}
        value={a.key}
        placeholder="http.status_code"
        onChange={(e) => onChange({ ...a, key: e.target.value })}
      />
      <datalist id={id}>
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
      <select
        aria-label="Operator"
        value={a.op}
        onChange={(e) => onChange({ ...a, op: e.target.value as Op })}
      >
        {OPS.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {a.op !== 'exists' && a.op !== 'missing' && (
        <input
          aria-label="Value"
          value={a.value}
          onChange={(e) => onChange({ ...a, value: e.target.value })}
        />
      )}
      <button type="button" aria-label="Remove condition" onClick={onRemove}>
        ×
      </button>
    </div>
  );
}

export function SearchBuilder({ onRun }: { onRun: (query: string) => void }) {
  const [s, setS] = useState<BuilderState>(EMPTY_BUILDER);
  const services = useValues(
    async () => (await tagValues('resource.service.name')).map((v) => v.value),
    'services',
  );
  const names = useValues(async () => (await tagValues('name')).map((v) => v.value), 'names');
  const query = buildQuery(s);
  const set = (over: Partial<BuilderState>) => setS((x) => ({ ...x, ...over }));
  return (
    <fieldset className="builder">
      <legend>Search builder</legend>
      <label>
        Service
        <select value={s.service} onChange={(e) => set({ service: e.target.value })}>
          <option value="">any</option>
          {services.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <label>
        Span name
        <input
          list="builder-names"
          value={s.spanName}
          onChange={(e) => set({ spanName: e.target.value })}
        />
        <datalist id="builder-names">
          {names.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      </label>
      <label>
        Status
        <select
          value={s.status}
          onChange={(e) => set({ status: e.target.value as BuilderState['status'] })}
        >
          <option value="">any</option>
          <option value="error">error</option>
          <option value="ok">ok</option>
          <option value="unset">unset</option>
        </select>
      </label>
      <label>
        Duration ≥
        <input
          className="short"
          placeholder="100ms"
          value={s.minDuration}
          onChange={(e) => set({ minDuration: e.target.value })}
        />
      </label>
      <label>
        ≤
        <input
          className="short"
          placeholder="2s"
          value={s.maxDuration}
          onChange={(e) => set({ maxDuration: e.target.value })}
        />
      </label>
      <div className="builder-attrs">
        {s.attrs.map((a, i) => (
          <AttrRow
            key={i}
            a={a}
            index={i}
            onChange={(next) => set({ attrs: s.attrs.map((x, k) => (k === i ? next : x)) })}
            onRemove={() => set({ attrs: s.attrs.filter((_, k) => k !== i) })}
          />
        ))}
        <button
          type="button"
          onClick={() =>
            set({ attrs: [...s.attrs, { scope: 'span', key: '', op: '=', value: '' }] })
          }
        >
          Add attribute condition
        </button>
      </div>
      <p className="builder-query">
        <code aria-label="Built query">{query}</code>
        <button type="button" className="primary" onClick={() => onRun(query)}>
          Run built query
        </button>
      </p>
    </fieldset>
  );
}

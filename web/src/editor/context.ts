/**
 * What the TraceQL editor can complete at the cursor, read from the text before it (pure): a
 * field (scopes and intrinsics), an attribute name of a scope, or a value of a field after a
 * comparison operator. Also where a server's parse error points.
 */

export type CompletionContext =
  | { kind: 'field'; from: number; typed: string }
  | { kind: 'attribute'; scope: string; from: number; typed: string }
  | { kind: 'value'; field: string; from: number; typed: string; quoted: boolean }
  | { kind: 'none' };

export const SCOPES = ['span', 'resource', 'event', 'link', 'instrumentation'] as const;

export const INTRINSICS = [
  'name',
  'status',
  'statusMessage',
  'kind',
  'duration',
  'rootName',
  'rootServiceName',
  'traceDuration',
  'span:id',
  'span:parentID',
  'trace:id',
  'event:name',
  'instrumentation:name',
  'nestedSetParent',
] as const;

/** Values an intrinsic takes, written as TraceQL takes them. */
export const ENUM_VALUES: Readonly<Record<string, readonly string[]>> = {
  status: ['error', 'ok', 'unset'],
  'span:status': ['error', 'ok', 'unset'],
  kind: ['server', 'client', 'producer', 'consumer', 'internal', 'unspecified'],
  'span:kind': ['server', 'client', 'producer', 'consumer', 'internal', 'unspecified'],
};

/** Open `{` not yet closed before `pos`, outside strings. */
function insideFilter(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
  }
  return depth > 0;
}

export function completionContext(before: string): CompletionContext {
  const end = before.length;
  if (!insideFilter(before)) return { kind: 'none' };
  const value = /([A-Za-z_][\w.:-]*)\s*(?:=|!=|=~|!~|>=|<=|>|<)\s*("?)([^"\s}]*)$/.exec(before);
  if (value) {
    const typed = value[3] ?? '';
    return {
      kind: 'value',
      field: value[1] as string,
      from: end - typed.length - (value[2] ? 1 : 0),
      typed,
      quoted: value[2] === '"',
    };
  }
  const attr = /(?:^|[^\w.:])(span|resource|event|link|instrumentation)\.([\w.-]*)$/.exec(before);
  if (attr) {
    const typed = attr[2] ?? '';
    return { kind: 'attribute', scope: attr[1] as string, from: end - typed.length, typed };
  }
  const field = /(?:[{(]|&&|\|\||!)\s*([\w:]*)$/.exec(before);
  if (field) {
    const typed = field[1] ?? '';
    return { kind: 'field', from: end - typed.length, typed };
  }
  return { kind: 'none' };
}

/** The offset a `parse error at line L, col C` message points at in `text`, if it names one. */
export function errorOffset(message: string, text: string): number | undefined {
  const m = /line (\d+), col (\d+)/.exec(message);
  if (!m) return undefined;
  const lines = text.split('\n');
  const line = Number(m[1]);
  const col = Number(m[2]);
  if (line < 1 || line > lines.length) return undefined;
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += (lines[i] as string).length + 1;
  return Math.min(text.length, offset + Math.max(0, col - 1));
}

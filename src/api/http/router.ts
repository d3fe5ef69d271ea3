/**
 * A small router over node:http: exact paths, `:param` segments and at most one `*param`, which
 * takes one or more whole segments with their slashes (`/api/v2/search/tag/*name/values`, for tag
 * names that contain `/`), per method.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Route pattern, for metrics (`/api/traces/:id`). */
  route: string;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

interface Route {
  methods: readonly string[];
  pattern: string;
  parts: readonly string[];
  handler: Handler;
}

export class Router {
  readonly #routes: Route[] = [];

  add(methods: readonly string[], pattern: string, handler: Handler): this {
    this.#routes.push({ methods, pattern, parts: pattern.split('/'), handler });
    return this;
  }

  /** The route and parameters for a path; `methodAllowed` is false when only the method is wrong. */
  match(method: string, path: string) {
    const segs = path.split('/');
    let pathMatched = false;
    for (const r of this.#routes) {
      const params = matchParts(r.parts, segs);
      if (params === undefined) continue;
      pathMatched = true;
      if (r.methods.includes(method)) return { route: r, params, methodAllowed: true };
    }
    return { route: undefined, params: {}, methodAllowed: !pathMatched };
  }
}

function matchParts(
  parts: readonly string[],
  segs: readonly string[],
): Record<string, string> | undefined {
  const rest = parts.findIndex((p) => p.startsWith('*'));
  if (rest >= 0) return matchRest(parts, segs, rest);
  if (parts.length !== segs.length) return undefined;
  return matchSame(parts, segs);
}

/** Segments against parts one to one. */
function matchSame(
  parts: readonly string[],
  segs: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    const s = segs[i] as string;
    if (p.startsWith(':')) params[p.slice(1)] = decodeSegment(s);
    else if (p !== s) return undefined;
  }
  return params;
}

/** Parts before and after the `*` part match as usual; it takes the segments in between (1 or more). */
function matchRest(
  parts: readonly string[],
  segs: readonly string[],
  at: number,
): Record<string, string> | undefined {
  const after = parts.length - at - 1;
  if (segs.length < parts.length) return undefined;
  const head = matchSame(parts.slice(0, at), segs.slice(0, at));
  const tail = matchSame(parts.slice(at + 1), segs.slice(segs.length - after));
  if (head === undefined || tail === undefined) return undefined;
  const taken = segs.slice(at, segs.length - after).join('/');
  return { ...head, ...tail, [(parts[at] as string).slice(1)]: decodeSegment(taken) };
}

/**
 * A path segment with its %-escapes decoded; a malformed escape (`%zz`) is kept as written, so
 * that the route's own validation answers 400 with the value rather than the router a 404.
 */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A TraceQL string literal of `s`. */
export function tqString(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * Token vocabulary. A token's `type` is its spelling for keywords and operators (`{`, `&&`,
 * `count`, `span.`, `trace:`) and an upper-case class name otherwise (`IDENTIFIER`, `STRING`,
 * `INTEGER`, `FLOAT`, `DURATION`, `END_ATTRIBUTE`, `$end`). Syntax errors name tokens this way,
 * as Tempo's do. `$error` carries a lexical error; the parser reports it when it reaches it.
 */

export interface Token {
  readonly type: string;
  /** Source text of the token ('' for END_ATTRIBUTE and $end). */
  readonly text: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in characters (code points). */
  readonly column: number;
  /** UTF-16 index of the first character in the input. */
  readonly start: number;
  /** UTF-16 index after the last character. */
  readonly end: number;
  /** STRING and IDENTIFIER: the decoded text. $error: the message. */
  readonly str?: string;
  /** INTEGER: the int64 value. DURATION: nanoseconds. */
  readonly big?: bigint;
  /** FLOAT: the value. */
  readonly num?: number;
}

/** The metrics functions (`{…} | rate()`). */
export const METRICS_FUNCTIONS: readonly string[] = [
  'rate',
  'count_over_time',
  'min_over_time',
  'max_over_time',
  'avg_over_time',
  'sum_over_time',
  'quantile_over_time',
  'histogram_over_time',
  'compare',
];

/** Words that are tokens of their own (Tempo's lexer map). Anything else is an IDENTIFIER. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'true',
  'false',
  'nil',
  'ok',
  'error',
  'unset',
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
  'duration',
  'childCount',
  'name',
  'status',
  'statusMessage',
  'kind',
  'rootName',
  'rootServiceName',
  'rootService',
  'traceDuration',
  'nestedSetLeft',
  'nestedSetRight',
  'nestedSetParent',
  'id',
  'traceID',
  'spanID',
  'parentID',
  'timeSinceStart',
  'version',
  'parent',
  'count',
  'avg',
  'max',
  'min',
  'sum',
  'by',
  'coalesce',
  'select',
  ...METRICS_FUNCTIONS,
  'topk',
  'bottomk',
  'with',
]);

/** Operators and punctuation, including the multi-character ones. */
export const OPERATORS: ReadonlySet<string> = new Set([
  ',',
  '.',
  '{',
  '}',
  '(',
  ')',
  '=',
  '!=',
  '=~',
  '!~',
  '>',
  '>=',
  '<',
  '<=',
  '+',
  '-',
  '/',
  '%',
  '*',
  '^',
  '&&',
  '||',
  '!',
  '|',
  '>>',
  '<<',
  '~',
  '!>',
  '!<',
  '!>>',
  '!<<',
  '&~',
  '&>',
  '&<',
  '&>>',
  '&<<',
]);

/** Scope prefixes that start an attribute name (`.foo`, `span.foo`, `parent.foo`, …). */
export const ATTRIBUTE_SCOPES: ReadonlySet<string> = new Set([
  '.',
  'span.',
  'resource.',
  'parent.',
  'event.',
  'link.',
  'instrumentation.',
]);

/** Prefixes of scoped intrinsics (`span:duration`, `trace:id`, …). */
export const INTRINSIC_SCOPES: ReadonlySet<string> = new Set([
  'trace:',
  'span:',
  'event:',
  'link:',
  'instrumentation:',
]);

/** Identifier + one character combinations that form a token (`span` + `.` → `span.`). */
export const SCOPE_TOKENS: ReadonlySet<string> = new Set([
  ...[...ATTRIBUTE_SCOPES].filter((s) => s !== '.'),
  ...INTRINSIC_SCOPES,
]);

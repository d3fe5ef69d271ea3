/**
 * TraceQL errors. Every message is meant for the person who wrote the query: it says what is
 * wrong and, where it helps, what is accepted. All of them are `invalid_request` (HTTP 400).
 */

import { VivaceError } from '../model/index.js';

/** Base class of every error the TraceQL front end throws. */
export class TraceQLError extends VivaceError {
  constructor(message: string) {
    super('invalid_request', message);
  }
}

/**
 * The text is not TraceQL. `line` and `column` are 1-based and count characters (code points);
 * the message reads like Tempo's: `parse error at line 1, col 3: syntax error: unexpected }`.
 */
export class TraceQLParseError extends TraceQLError {
  readonly line: number;
  readonly column: number;
  /** The message without the `parse error at line …, col …: ` prefix. */
  readonly detail: string;

  constructor(detail: string, line: number, column: number) {
    super(`parse error at line ${line}, col ${column}: ${detail}`);
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}

/** The query parses but is meaningless: mismatched types, a filter that is not a condition, … */
export class TraceQLValidationError extends TraceQLError {}

/** The query parses but uses something Tempo also rejects as not (yet) supported. */
export class TraceQLUnsupportedError extends TraceQLError {}

/** A logfmt logger to stderr, as Tempo's (`level=info ts=… msg="…"`). */
import type { LogLevel } from './config/index.js';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string, err?: unknown): void;
  error(msg: string, err?: unknown): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function line(level: LogLevel, msg: string, err?: unknown): string {
  let out = `level=${level} ts=${new Date().toISOString()} msg=${JSON.stringify(msg)}`;
  if (err !== undefined) {
    const e = err instanceof Error ? (err.stack ?? err.message) : JSON.stringify(err);
    out += ` err=${JSON.stringify(e)}`;
  }
  return out + '\n';
}

export function createLogger(
  level: LogLevel,
  write: (s: string) => void = (s) => void process.stderr.write(s),
): Logger {
  const on = (l: LogLevel) => ORDER[l] >= ORDER[level];
  const emit = (l: LogLevel, m: string, e?: unknown): void => {
    if (on(l)) write(line(l, m, e));
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m, e) => emit('warn', m, e),
    error: (m, e) => emit('error', m, e),
  };
}

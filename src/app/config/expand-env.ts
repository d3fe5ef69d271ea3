/**
 * Environment-variable expansion for `-config.expand-env=true`, done on the file's text before it is
 * parsed as YAML, as Tempo does with drone/envsubst.
 *
 * Supported: `${VAR}`; `${VAR:-default}` (also written `${VAR:=default}`, `${VAR=default}` or
 * `${VAR-default}`), where the default is used when VAR is unset or empty and may itself hold `${…}`;
 * `$$` for a literal `$`. An unset variable without a default becomes the empty string.
 * Like Tempo, a bare `$VAR` is left as it is (so a `$` in a password or regex survives), and the
 * other bash forms (`${#VAR}`, `${VAR^^}`, `${VAR/a/b}`, …) are errors.
 */

export interface ExpandEnvResult {
  readonly text: string;
  readonly errors: readonly string[];
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const DEFAULT_OPERATOR = /:-|:=|=|-/y;
const PREFIX = '-config.expand-env';

class Expander {
  readonly errors: string[] = [];
  #pos = 0;
  readonly #src: string;
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(src: string, env: Readonly<Record<string, string | undefined>>) {
    this.#src = src;
    this.#env = env;
  }

  /** Expands from the current position up to the end, or up to an unmatched `}` when nested. */
  expandUntil(nested: boolean): string {
    let out = '';
    while (this.#pos < this.#src.length) {
      const ch = this.#src[this.#pos];
      const next = this.#src[this.#pos + 1];
      if (nested && ch === '}') break;
      if (ch === '$' && next === '$') {
        out += '$';
        this.#pos += 2;
      } else if (ch === '$' && next === '{') {
        out += this.#substitution();
      } else {
        out += ch;
        this.#pos++;
      }
    }
    return out;
  }

  /** Reads one `${…}` starting at the current position and returns its value. */
  #substitution(): string {
    const start = this.#pos;
    this.#pos += 2;
    const name = this.#match(NAME);
    if (name === undefined) return this.#bad(start);
    const value = this.#env[name] ?? '';
    if (this.#src[this.#pos] === '}') {
      this.#pos++;
      return value;
    }
    if (this.#match(DEFAULT_OPERATOR) === undefined) return this.#bad(start);
    const fallback = this.expandUntil(true);
    if (this.#src[this.#pos] !== '}') {
      this.#error(start, `${JSON.stringify(this.#src.slice(start, start + 40))} has no closing }`);
      return this.#src.slice(start);
    }
    this.#pos++;
    return value === '' ? fallback : value;
  }

  #match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.#pos;
    const m = pattern.exec(this.#src);
    if (m) this.#pos += m[0].length;
    return m?.[0];
  }

  /** Reports an unsupported form and keeps its text as written, up to its `}` or the line's end. */
  #bad(start: number): string {
    const close = this.#src.indexOf('}', start);
    const lineEnd = this.#src.indexOf('\n', start);
    const end =
      close >= 0 && (lineEnd < 0 || close < lineEnd)
        ? close + 1
        : lineEnd >= 0
          ? lineEnd
          : this.#src.length;
    const text = this.#src.slice(start, end);
    this.#error(
      start,
      `bad substitution ${JSON.stringify(text)} (use \${VAR} or \${VAR:-default}; write $$ for a literal $)`,
    );
    this.#pos = end;
    return text;
  }

  #error(offset: number, message: string): void {
    const before = this.#src.slice(0, offset);
    const line = before.split('\n').length;
    const col = offset - before.lastIndexOf('\n');
    this.errors.push(`${PREFIX}: line ${line}, col ${col}: ${message}`);
  }
}

/**
 * Replaces environment variables in a config file's text.
 *
 * @example
 * expandEnv('path: ${DATA:-/var/vivace}/wal', { DATA: '/srv' }).text // 'path: /srv/wal'
 */
export function expandEnv(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): ExpandEnvResult {
  const expander = new Expander(text, env);
  const out = expander.expandUntil(false);
  return { text: out, errors: expander.errors };
}

/**
 * Checks every key of a config file against the catalogue: an unknown key is an error that names
 * the closest valid key; a known key Vivace does not read is a warning.
 */

import { closestMatch } from './closest.js';
import { isSection } from './key-tree.js';
import type { KeySection } from './key-tree.js';
import { describeValue, isMapping } from './values.js';

export interface KeyCatalogue {
  readonly keys: KeySection;
  /** Scalar keys Vivace reads: no warning. */
  readonly implemented: ReadonlySet<string>;
  /** Sections holding keys Vivace reads: a value there that is not a mapping is an error. */
  readonly implementedSections: ReadonlySet<string>;
  /** Warnings replacing the default one; on a section, given once and silencing its keys. */
  readonly notes: Readonly<Record<string, string>>;
}

export interface KeyProblems {
  readonly warnings: string[];
  readonly errors: string[];
}

const join = (prefix: string, key: string): string => (prefix === '' ? key : `${prefix}.${key}`);

/** `did you mean …?` for a typo at this level, or for a key that belongs one section deeper. */
function suggestion(key: string, section: KeySection, prefix: string): string | undefined {
  const close = closestMatch(key, Object.keys(section));
  if (close !== undefined) return join(prefix, close);
  const holder = Object.keys(section)
    .sort()
    .find((name) => {
      const child = section[name];
      return isSection(child) && child[key] !== undefined;
    });
  return holder === undefined ? undefined : join(join(prefix, holder), key);
}

class KeyWalker {
  readonly problems: KeyProblems = { warnings: [], errors: [] };
  readonly #catalogue: KeyCatalogue;

  constructor(catalogue: KeyCatalogue) {
    this.#catalogue = catalogue;
  }

  walk(value: Record<string, unknown>, section: KeySection, prefix: string, quiet: boolean): void {
    for (const [key, child] of Object.entries(value)) {
      const path = join(prefix, key);
      const node = section[key];
      if (node === undefined) {
        const guess = suggestion(key, section, prefix);
        this.problems.errors.push(`${path}: unknown key${guess ? `; did you mean ${guess}?` : ''}`);
      } else if (isSection(node)) {
        this.#visitSection(path, child, node, quiet);
      } else if (!quiet && !this.#catalogue.implemented.has(path)) {
        this.#warn(path);
      }
    }
  }

  #visitSection(path: string, value: unknown, node: KeySection, quiet: boolean): void {
    const note = this.#catalogue.notes[path];
    if (isMapping(value) || value === null) {
      if (note !== undefined && !quiet) this.problems.warnings.push(note);
      if (isMapping(value)) this.walk(value, node, path, quiet || note !== undefined);
    } else if (this.#catalogue.implementedSections.has(path)) {
      this.problems.errors.push(`${path}: expected a mapping, got ${describeValue(value)}`);
    } else if (!quiet) {
      this.#warn(path);
    }
  }

  #warn(path: string): void {
    this.problems.warnings.push(
      this.#catalogue.notes[path] ?? `${path}: accepted but not used by Vivace`,
    );
  }
}

/**
 * Checks the keys of a parsed config file, in file order.
 *
 * @example
 * checkKeys({ ingester: { max_block_byte: 1 } }, catalogue).errors
 * // ['ingester.max_block_byte: unknown key; did you mean ingester.max_block_bytes?']
 */
export function checkKeys(root: Record<string, unknown>, catalogue: KeyCatalogue): KeyProblems {
  const walker = new KeyWalker(catalogue);
  walker.walk(root, catalogue.keys, '', false);
  return walker.problems;
}

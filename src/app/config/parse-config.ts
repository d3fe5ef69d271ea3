/**
 * Reads a Tempo-compatible tempo.yaml into a VivaceConfig, collecting every problem rather than
 * stopping at the first. Pure: the caller reads the file and passes the environment.
 */

import { parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import { CONFIG_KEYS, IMPLEMENTED_KEYS, IMPLEMENTED_SECTIONS, KEY_NOTES } from './catalogue.js';
import { checkKeys } from './check-keys.js';
import { checkOverridesFormat, checkPorts, checkWalSync } from './checks.js';
import { baseConfig, defaultConfig } from './defaults.js';
import { expandEnv } from './expand-env.js';
import { applyFields } from './fields.js';
import type { ConfigDraft } from './fields.js';
import { isSection } from './key-tree.js';
import { readReceivers } from './receivers.js';
import type { ParseConfigOptions, ParseConfigResult, VivaceConfig } from './types.js';
import { describeValue, isMapping } from './values.js';

const CATALOGUE = {
  keys: CONFIG_KEYS,
  implemented: IMPLEMENTED_KEYS,
  implementedSections: IMPLEMENTED_SECTIONS,
  notes: KEY_NOTES,
};

const OVERRIDES_KEYS = new Set(
  isSection(CONFIG_KEYS.overrides) ? Object.keys(CONFIG_KEYS.overrides) : [],
);

function yamlMessage(kind: string, e: YAMLError): string {
  const text =
    e.code === 'MULTIPLE_DOCS'
      ? 'the file holds more than one YAML document; Vivace reads one'
      : e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
  const pos = e.linePos?.[0];
  return pos
    ? `YAML ${kind} at line ${pos.line}, col ${pos.col}: ${text}`
    : `YAML ${kind}: ${text}`;
}

interface YamlRead {
  readonly root?: Record<string, unknown>;
  readonly warnings: string[];
  readonly errors: string[];
}

function readYaml(text: string): YamlRead {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  const warnings = doc.warnings.map((w) => yamlMessage('warning', w));
  const errors = doc.errors.map((e) => yamlMessage('syntax error', e));
  if (errors.length > 0) return { warnings, errors };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return { warnings, errors: [`YAML error: ${e instanceof Error ? e.message : String(e)}`] };
  }
  if (value === null || value === undefined) return { root: {}, warnings, errors };
  if (isMapping(value)) return { root: value, warnings, errors };
  return {
    warnings,
    errors: [`the file must hold a mapping of keys, got ${describeValue(value)}`],
  };
}

/** A `${VAR}` left in the file usually means `-config.expand-env=true` was forgotten. */
function unexpandedHint(text: string): string[] {
  const m = /\$\{[A-Za-z_][A-Za-z0-9_]*/.exec(text);
  if (!m) return [];
  const line = text.slice(0, m.index).split('\n').length;
  return [
    `line ${line}: ${m[0]}} is kept as written; run with -config.expand-env=true to expand environment variables`,
  ];
}

function readRoot(root: Record<string, unknown>): ParseConfigResult {
  const keys = checkKeys(root, CATALOGUE);
  const draft = baseConfig() as ConfigDraft;
  const fieldErrors = applyFields(root, draft);
  const receivers = readReceivers(root);
  draft.receivers = receivers.receivers;
  const overrides = checkOverridesFormat(root, OVERRIDES_KEYS);
  const config: VivaceConfig = draft;
  return {
    config,
    warnings: [
      ...keys.warnings,
      ...receivers.warnings,
      ...overrides.warnings,
      ...checkWalSync(root, config),
    ],
    errors: [
      ...keys.errors,
      ...fieldErrors,
      ...receivers.errors,
      ...overrides.errors,
      ...checkPorts(config),
    ],
  };
}

/**
 * Reads a config file's text. `text === undefined` means no config file: the result is
 * `defaultConfig()`. The config is usable only when `errors` is empty; `warnings` name the keys that
 * Vivace accepts but does not use, and deprecated forms.
 *
 * @example
 * const { config, errors } = parseConfig('ingester:\n  max_block_duration: 5m\n', { expandEnv: false, env: {} });
 * config.ingester.maxBlockDurationMs // 300000
 */
export function parseConfig(text: string | undefined, opts: ParseConfigOptions): ParseConfigResult {
  if (text === undefined) return { config: defaultConfig(), warnings: [], errors: [] };
  const expanded = opts.expandEnv ? expandEnv(text, opts.env) : { text, errors: [] };
  const yaml = readYaml(expanded.text);
  const warnings = [...(opts.expandEnv ? [] : unexpandedHint(text)), ...yaml.warnings];
  if (yaml.root === undefined) {
    return { config: baseConfig(), warnings, errors: [...expanded.errors, ...yaml.errors] };
  }
  const result = readRoot(yaml.root);
  return {
    config: result.config,
    warnings: [...warnings, ...result.warnings],
    errors: [...expanded.errors, ...yaml.errors, ...result.errors],
  };
}

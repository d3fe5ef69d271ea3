/**
 * Command-line arguments, parsed the way Tempo's (Go `flag`) are: `-name=value`, `--name=value`,
 * `-name value` for flags that take a value, and `-name` alone or `-name=false` for booleans.
 * Pure: the caller passes `process.argv.slice(2)` and runs the command it gets back.
 */

import { closestMatch, parseDurationMs } from '../app/config/index.js';
import { InvalidRequestError } from '../model/index.js';

/** The commands that have flags of their own. */
export type CliCommandName = 'serve' | 'check-config' | 'demo';

export type CliCommand =
  | { readonly kind: 'serve'; readonly configFile?: string; readonly expandEnv: boolean }
  | { readonly kind: 'check-config'; readonly configFile?: string; readonly expandEnv: boolean }
  | {
      readonly kind: 'demo';
      /** Base URL of an OTLP/HTTP receiver; spans go to `<target>/v1/traces`. */
      readonly target: string;
      readonly traces?: number;
      readonly ratePerSecond?: number;
      readonly durationMs?: number;
      /** Sent as `X-Scope-OrgID`. */
      readonly tenant?: string;
    }
  | { readonly kind: 'help'; readonly command?: CliCommandName }
  | { readonly kind: 'version' };

export const DEFAULT_DEMO_TARGET = 'http://localhost:4318';

interface FlagSpec {
  /** `BOOL` for a boolean flag, which needs no value; otherwise what the value is. */
  readonly value: string;
  readonly help: string;
}

type FlagTable = Readonly<Record<string, FlagSpec>>;

const CONFIG_FLAGS: FlagTable = {
  'config.file': {
    value: 'PATH',
    help: 'tempo.yaml to read; without it every implemented receiver (OTLP gRPC and HTTP) is on at its default port, Jaeger and Zipkin not yet',
  },
  'config.expand-env': {
    value: 'BOOL',
    help: 'replace ${VAR} and ${VAR:-default} in the config file first',
  },
  'config.verify': { value: 'BOOL', help: 'check the config file and exit, like check-config' },
  target: {
    value: 'all',
    help: "accepted as Tempo's; Vivace always runs every component in one process",
  },
};

const FLAGS: Readonly<Record<CliCommandName, FlagTable>> = {
  serve: CONFIG_FLAGS,
  'check-config': CONFIG_FLAGS,
  demo: {
    target: {
      value: 'URL',
      help: `OTLP/HTTP base URL to send to (default ${DEFAULT_DEMO_TARGET})`,
    },
    traces: { value: 'N', help: 'how many traces to send' },
    rate: { value: 'N', help: 'traces per second' },
    duration: { value: 'DURATION', help: 'how long to send, e.g. 30s or 5m' },
    tenant: { value: 'ID', help: 'tenant id, sent as X-Scope-OrgID' },
  },
};

const COMMANDS: Readonly<Record<string, string>> = {
  serve: 'run the server (the default)',
  'check-config': 'read the config file, print its warnings and errors, and exit',
  demo: 'send demo traces to a running Vivace over OTLP/HTTP',
  help: "print this help, or a command's (help demo)",
  version: 'print the version',
};

const GLOBAL_FLAGS = ['h', 'help', 'version'];

function usageHint(command?: string): string {
  return command === 'check-config' || command === 'demo'
    ? `(run "vivace help ${command}" for usage)`
    : '(run "vivace help" for usage)';
}

function fail(message: string, command?: string): never {
  throw new InvalidRequestError(`${message} ${usageHint(command)}`);
}

/** Names of flags that take a value in any command: needed to find the command word. */
const VALUE_FLAGS = new Set(
  Object.values(FLAGS).flatMap((table) =>
    Object.entries(table)
      .filter(([, spec]) => spec.value !== 'BOOL')
      .map(([name]) => name),
  ),
);

interface Flag {
  readonly name: string;
  readonly value?: string;
}

/** Splits `-name`, `--name=value` into its parts; undefined for an argument that is not a flag. */
function splitFlag(arg: string): Flag | undefined {
  if (!arg.startsWith('-') || arg === '-') return undefined;
  const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
  const eq = body.indexOf('=');
  return eq < 0 ? { name: body } : { name: body.slice(0, eq), value: body.slice(eq + 1) };
}

interface Scanned {
  readonly flags: Flag[];
  readonly positionals: string[];
  /** The bare boolean flag just before each positional, to hint at `-flag=value`. */
  readonly after: (string | undefined)[];
}

/** Sorts arguments into flags (with their values) and positionals; `--` ends the flags. */
function scan(argv: readonly string[]): Scanned {
  const out: Scanned = { flags: [], positionals: [], after: [] };
  let bareFlag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    const flag = splitFlag(arg);
    if (flag === undefined) {
      out.positionals.push(arg);
      out.after.push(bareFlag);
    } else if (flag.value === undefined && VALUE_FLAGS.has(flag.name)) {
      if (i + 1 >= argv.length) fail(`flag needs a value: -${flag.name}`);
      out.flags.push({ name: flag.name, value: argv[++i] ?? '' });
    } else {
      out.flags.push(flag);
    }
    bareFlag =
      flag !== undefined && flag.value === undefined && !VALUE_FLAGS.has(flag.name)
        ? flag.name
        : undefined;
  }
  return out;
}

const ALL_COMMANDS = ['serve', 'check-config', 'demo', 'help', 'version'] as const;
type CommandWord = (typeof ALL_COMMANDS)[number];

/** The command word: the first argument that is neither a flag nor a flag's value. */
function commandOf(scanned: Scanned): CommandWord {
  const word = scanned.positionals[0];
  if (word === undefined) return 'serve';
  const known = ALL_COMMANDS.find((c) => c === word);
  if (known !== undefined) return known;
  if (boolHint(scanned, 0) !== '') checkPositionals(scanned, 0, 'serve');
  const guess = closestMatch(word, ALL_COMMANDS);
  return fail(`unknown command "${word}"${guess ? `; did you mean ${guess}?` : ''}`);
}

// Go's strconv.ParseBool.
const GO_TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

function boolValue(flag: Flag, command: string): boolean {
  if (flag.value === undefined || GO_TRUE.includes(flag.value)) return true;
  if (GO_FALSE.includes(flag.value)) return false;
  return fail(`invalid value "${flag.value}" for -${flag.name}: use true or false`, command);
}

function unknownFlag(name: string, command: string, table: FlagTable): never {
  const owner = (Object.keys(FLAGS) as CliCommandName[]).find((c) => FLAGS[c][name] !== undefined);
  if (owner !== undefined)
    fail(`flag -${name} is not valid for ${command}, only for ${owner}`, command);
  const guess = closestMatch(name, [...Object.keys(table), ...GLOBAL_FLAGS]);
  return fail(`unknown flag -${name}${guess ? `; did you mean -${guess}?` : ''}`, command);
}

/** The command's flags as name → value (booleans as 'true'/'false'), checked against its table. */
function flagValues(flags: readonly Flag[], command: CliCommandName): Map<string, string> {
  const table = FLAGS[command];
  const values = new Map<string, string>();
  for (const flag of flags) {
    const spec = table[flag.name];
    if (spec === undefined) unknownFlag(flag.name, command, table);
    const value = spec.value === 'BOOL' ? String(boolValue(flag, command)) : (flag.value ?? '');
    values.set(flag.name, value);
  }
  return values;
}

function checkTarget(value: string | undefined, command: string): void {
  if (value === undefined || value === 'all') return;
  fail(
    `invalid value "${value}" for -target: Vivace runs every component in one process; use -target=all or leave it out`,
    command,
  );
}

function configCommand(command: 'serve' | 'check-config', values: Map<string, string>): CliCommand {
  checkTarget(values.get('target'), command);
  const file = values.get('config.file');
  const kind = values.get('config.verify') === 'true' ? 'check-config' : command;
  return {
    kind,
    ...(file ? { configFile: file } : {}),
    expandEnv: values.get('config.expand-env') === 'true',
  };
}

const TENANT_ID = /^[A-Za-z0-9!\-_.*'()]{1,150}$/;

function demoNumber(
  values: Map<string, string>,
  name: string,
  pattern: RegExp,
  accepted: string,
): number | undefined {
  const text = values.get(name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (pattern.test(text) && n > 0 && Number.isFinite(n)) return n;
  return fail(`invalid value "${text}" for -${name}: use ${accepted}`, 'demo');
}

function demoTarget(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return text;
  return fail(
    `invalid value "${text}" for -target: use an http:// or https:// URL such as ${DEFAULT_DEMO_TARGET}`,
    'demo',
  );
}

function demoDuration(values: Map<string, string>): number | undefined {
  const text = values.get('duration');
  if (text === undefined) return undefined;
  const ms = parseDurationMs(text);
  if (ms !== undefined && ms > 0) return ms;
  return fail(
    `invalid value "${text}" for -duration: use a duration greater than 0, such as 30s or 5m`,
    'demo',
  );
}

function demoTenant(values: Map<string, string>): string | undefined {
  const tenant = values.get('tenant');
  if (tenant === undefined || (TENANT_ID.test(tenant) && tenant !== '.' && tenant !== '..'))
    return tenant;
  return fail(
    `invalid value "${tenant}" for -tenant: use 1 to 150 letters, digits or ! - _ . * ' ( )`,
    'demo',
  );
}

function demoCommand(values: Map<string, string>): CliCommand {
  const traces = demoNumber(values, 'traces', /^\d+$/, 'a whole number greater than 0');
  const ratePerSecond = demoNumber(
    values,
    'rate',
    /^\d+(\.\d+)?$/,
    'a number of traces per second greater than 0, such as 10',
  );
  const durationMs = demoDuration(values);
  const tenant = demoTenant(values);
  return {
    kind: 'demo',
    target: demoTarget(values.get('target') ?? DEFAULT_DEMO_TARGET),
    ...(traces !== undefined ? { traces } : {}),
    ...(ratePerSecond !== undefined ? { ratePerSecond } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(tenant !== undefined ? { tenant } : {}),
  };
}

function helpCommand(topic: string | undefined): CliCommand {
  if (topic === undefined) return { kind: 'help' };
  if (topic === 'serve' || topic === 'check-config' || topic === 'demo')
    return { kind: 'help', command: topic };
  return fail(`no help for "${topic}": use serve, check-config or demo`);
}

/** Go's boolean flags take no separate value: `-config.expand-env true` leaves `true` behind. */
function boolHint(scanned: Scanned, index: number): string {
  const word = scanned.positionals[index] ?? '';
  const flag = scanned.after[index];
  const isBool = [...GO_TRUE, ...GO_FALSE].includes(word);
  return flag !== undefined && isBool ? ` (write -${flag}=${word})` : '';
}

function checkPositionals(scanned: Scanned, allowed: number, command: string): void {
  const extra = scanned.positionals[allowed];
  if (extra === undefined) return;
  fail(`unexpected argument "${extra}"${boolHint(scanned, allowed)}`, command);
}

/** `-version` and `version` take no other flag and no command. */
function versionCommand(scanned: Scanned, command: CommandWord): CliCommand {
  if (command !== 'serve' && command !== 'version')
    fail(`-version cannot be used with ${command}`, command);
  const other = scanned.flags.find((f) => f.name !== 'version');
  if (other !== undefined) fail(`-${other.name} cannot be used with version`);
  checkPositionals(scanned, 1, 'version');
  return { kind: 'version' };
}

const hasFlag = (scanned: Scanned, ...names: string[]): boolean =>
  scanned.flags.some((f) => names.includes(f.name));

/**
 * Parses the arguments after `vivace`. Throws InvalidRequestError, whose message ends with a usage
 * hint, on an unknown command or flag (naming the closest known one) or an invalid value.
 *
 * @example
 * parseArgs(['-config.file=/etc/tempo.yaml', '-config.expand-env'])
 * // { kind: 'serve', configFile: '/etc/tempo.yaml', expandEnv: true }
 */
export function parseArgs(argv: readonly string[]): CliCommand {
  const scanned = scan(argv);
  const [word, topic] = scanned.positionals;
  const command = commandOf(scanned);
  if (hasFlag(scanned, 'h', 'help')) {
    return command === 'check-config' || command === 'demo'
      ? { kind: 'help', command }
      : { kind: 'help' };
  }
  if (command === 'version' || hasFlag(scanned, 'version')) return versionCommand(scanned, command);
  if (command === 'help') {
    if (scanned.flags[0] !== undefined) fail(`-${scanned.flags[0].name} cannot be used with help`);
    checkPositionals(scanned, 2, 'help');
    return helpCommand(topic);
  }
  checkPositionals(scanned, word === undefined ? 0 : 1, command);
  const values = flagValues(scanned.flags, command);
  return command === 'demo' ? demoCommand(values) : configCommand(command, values);
}

function flagLines(table: FlagTable): string[] {
  const rows = Object.entries(table).map(
    ([name, spec]) =>
      [spec.value === 'BOOL' ? `-${name}` : `-${name}=${spec.value}`, spec.help] as const,
  );
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`);
}

/** The help text, for all commands or for one. */
export function formatUsage(command?: CliCommandName): string {
  const tail = 'Flags start with - or --; a value follows = or comes as the next argument.';
  if (command !== undefined) {
    const call = command === 'serve' ? 'vivace' : `vivace ${command}`;
    return [
      `Usage: ${call} [flags]`,
      '',
      'Flags:',
      ...flagLines(FLAGS[command]),
      '',
      tail,
      '',
    ].join('\n');
  }
  const commands = Object.entries(COMMANDS).map(([name, help]) => `  ${name.padEnd(14)}${help}`);
  return [
    'Usage: vivace [command] [flags]',
    '',
    'With no command, vivace runs the server.',
    '',
    'Commands:',
    ...commands,
    '',
    'Flags of the server and of check-config:',
    ...flagLines(FLAGS.serve),
    '',
    'Flags of demo:',
    ...flagLines(FLAGS.demo),
    '',
    tail,
    '',
  ].join('\n');
}

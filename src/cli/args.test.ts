import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequestError } from '../model/index.js';
import { formatUsage, parseArgs } from './args.js';
import type { CliCommand } from './args.js';

const USAGE = '(run "vivace help" for usage)';
const DEMO_USAGE = '(run "vivace help demo" for usage)';
const CHECK_USAGE = '(run "vivace help check-config" for usage)';

const serve = (extra: Partial<Extract<CliCommand, { kind: 'serve' }>> = {}): CliCommand => ({
  kind: 'serve',
  expandEnv: false,
  ...extra,
});

const ok: Array<{ argv: string[]; want: CliCommand }> = [
  { argv: [], want: serve() },
  { argv: ['serve'], want: serve() },
  { argv: ['-config.file=/etc/tempo.yaml'], want: serve({ configFile: '/etc/tempo.yaml' }) },
  { argv: ['--config.file=/etc/tempo.yaml'], want: serve({ configFile: '/etc/tempo.yaml' }) },
  { argv: ['-config.file', 'tempo.yaml'], want: serve({ configFile: 'tempo.yaml' }) },
  { argv: ['--config.file', 'tempo.yaml'], want: serve({ configFile: 'tempo.yaml' }) },
  { argv: ['-config.file='], want: serve() },
  { argv: ['-config.file=a.yaml', '-config.file=b.yaml'], want: serve({ configFile: 'b.yaml' }) },
  { argv: ['-config.expand-env'], want: serve({ expandEnv: true }) },
  { argv: ['-config.expand-env=true'], want: serve({ expandEnv: true }) },
  { argv: ['--config.expand-env=false'], want: serve() },
  { argv: ['-config.expand-env=1'], want: serve({ expandEnv: true }) },
  { argv: ['-config.expand-env=F'], want: serve() },
  {
    argv: ['-target=all', '-config.file=/etc/tempo.yaml', '-config.expand-env=true'],
    want: serve({ configFile: '/etc/tempo.yaml', expandEnv: true }),
  },
  { argv: ['-target', 'all'], want: serve() },
  {
    argv: ['check-config', '-config.file=t.yaml', '-config.expand-env'],
    want: { kind: 'check-config', configFile: 't.yaml', expandEnv: true },
  },
  {
    argv: ['-config.file', 't.yaml', 'check-config'],
    want: { kind: 'check-config', configFile: 't.yaml', expandEnv: false },
  },
  { argv: ['check-config'], want: { kind: 'check-config', expandEnv: false } },
  {
    argv: ['-config.file=t.yaml', '-config.verify'],
    want: { kind: 'check-config', configFile: 't.yaml', expandEnv: false },
  },
  { argv: ['-config.verify=false'], want: serve() },
  { argv: ['demo'], want: { kind: 'demo', target: 'http://localhost:4318' } },
  {
    argv: [
      'demo',
      '-target=https://vivace.example:4318',
      '-traces=100',
      '-rate=2.5',
      '-duration=1m',
      '-tenant=team-a',
    ],
    want: {
      kind: 'demo',
      target: 'https://vivace.example:4318',
      traces: 100,
      ratePerSecond: 2.5,
      durationMs: 60_000,
      tenant: 'team-a',
    },
  },
  {
    argv: ['demo', '--target', 'http://localhost:14318', '--traces', '3'],
    want: { kind: 'demo', target: 'http://localhost:14318', traces: 3 },
  },
  {
    argv: ['demo', '-duration=1h30m'],
    want: { kind: 'demo', target: 'http://localhost:4318', durationMs: 5_400_000 },
  },
  { argv: ['help'], want: { kind: 'help' } },
  { argv: ['help', 'demo'], want: { kind: 'help', command: 'demo' } },
  { argv: ['help', 'serve'], want: { kind: 'help', command: 'serve' } },
  { argv: ['-h'], want: { kind: 'help' } },
  { argv: ['--help'], want: { kind: 'help' } },
  { argv: ['-help'], want: { kind: 'help' } },
  { argv: ['demo', '-h'], want: { kind: 'help', command: 'demo' } },
  {
    argv: ['check-config', '--help', '-nonsense'],
    want: { kind: 'help', command: 'check-config' },
  },
  { argv: ['version'], want: { kind: 'version' } },
  { argv: ['--version'], want: { kind: 'version' } },
  { argv: ['-version'], want: { kind: 'version' } },
  { argv: ['--', 'demo'], want: { kind: 'demo', target: 'http://localhost:4318' } },
];

const bad: Array<{ argv: string[]; message: string }> = [
  {
    argv: ['chek-config'],
    message: `unknown command "chek-config"; did you mean check-config? ${USAGE}`,
  },
  { argv: ['start'], message: `unknown command "start" ${USAGE}` },
  {
    argv: ['-config.fil=x'],
    message: `unknown flag -config.fil; did you mean -config.file? ${USAGE}`,
  },
  {
    argv: ['--config.expand_env'],
    message: `unknown flag -config.expand_env; did you mean -config.expand-env? ${USAGE}`,
  },
  { argv: ['-verison'], message: `unknown flag -verison; did you mean -version? ${USAGE}` },
  { argv: ['-mem-ballast-size-mbs=10'], message: `unknown flag -mem-ballast-size-mbs ${USAGE}` },
  { argv: ['-traces=3'], message: `flag -traces is not valid for serve, only for demo ${USAGE}` },
  {
    argv: ['demo', '-config.file=t.yaml'],
    message: `flag -config.file is not valid for demo, only for serve ${DEMO_USAGE}`,
  },
  {
    argv: ['demo', '-trace=3'],
    message: `unknown flag -trace; did you mean -traces? ${DEMO_USAGE}`,
  },
  { argv: ['-config.file'], message: `flag needs a value: -config.file ${USAGE}` },
  {
    argv: ['-config.expand-env', 'true'],
    message: `unexpected argument "true" (write -config.expand-env=true) ${USAGE}`,
  },
  {
    argv: ['check-config', '-config.expand-env', 'false'],
    message: `unexpected argument "false" (write -config.expand-env=false) ${CHECK_USAGE}`,
  },
  {
    argv: ['check-config', 'tempo.yaml'],
    message: `unexpected argument "tempo.yaml" ${CHECK_USAGE}`,
  },
  {
    argv: ['-config.expand-env=yes'],
    message: `invalid value "yes" for -config.expand-env: use true or false ${USAGE}`,
  },
  {
    argv: ['-target=querier'],
    message: `invalid value "querier" for -target: Vivace runs every component in one process; use -target=all or leave it out ${USAGE}`,
  },
  {
    argv: ['demo', '-target=localhost:4318'],
    message: `invalid value "localhost:4318" for -target: use an http:// or https:// URL such as http://localhost:4318 ${DEMO_USAGE}`,
  },
  {
    argv: ['demo', '-traces=0'],
    message: `invalid value "0" for -traces: use a whole number greater than 0 ${DEMO_USAGE}`,
  },
  {
    argv: ['demo', '-traces=1.5'],
    message: `invalid value "1.5" for -traces: use a whole number greater than 0 ${DEMO_USAGE}`,
  },
  {
    argv: ['demo', '-rate=fast'],
    message: `invalid value "fast" for -rate: use a number of traces per second greater than 0, such as 10 ${DEMO_USAGE}`,
  },
  {
    argv: ['demo', '-duration=30'],
    message: `invalid value "30" for -duration: use a duration greater than 0, such as 30s or 5m ${DEMO_USAGE}`,
  },
  {
    argv: ['demo', '-duration=0s'],
    message: `invalid value "0s" for -duration: use a duration greater than 0, such as 30s or 5m ${DEMO_USAGE}`,
  },
  {
    argv: ['demo', '-tenant=a|b'],
    message: `invalid value "a|b" for -tenant: use 1 to 150 letters, digits or ! - _ . * ' ( ) ${DEMO_USAGE}`,
  },
  {
    argv: ['demo', '-tenant=..'],
    message: `invalid value ".." for -tenant: use 1 to 150 letters, digits or ! - _ . * ' ( ) ${DEMO_USAGE}`,
  },
  {
    argv: ['help', 'dmeo'],
    message: `no help for "dmeo": use serve, check-config or demo ${USAGE}`,
  },
  { argv: ['help', 'demo', 'x'], message: `unexpected argument "x" ${USAGE}` },
  { argv: ['help', '-config.file=x'], message: `-config.file cannot be used with help ${USAGE}` },
  {
    argv: ['version', '-config.file=x'],
    message: `-config.file cannot be used with version ${USAGE}`,
  },
  { argv: ['demo', '-version'], message: `-version cannot be used with demo ${DEMO_USAGE}` },
  { argv: ['version', 'now'], message: `unexpected argument "now" ${USAGE}` },
];

describe('parseArgs', () => {
  for (const { argv, want } of ok) {
    it(JSON.stringify(argv), () => assert.deepEqual(parseArgs(argv), want));
  }
  for (const { argv, message } of bad) {
    it(`${JSON.stringify(argv)} fails`, () => {
      assert.throws(
        () => parseArgs(argv),
        (e: unknown) => {
          assert.ok(e instanceof InvalidRequestError);
          assert.equal(e.message, message);
          return true;
        },
      );
    });
  }
});

describe('formatUsage', () => {
  it('lists the commands and every flag', () => {
    assert.equal(
      formatUsage(),
      `Usage: vivace [command] [flags]

With no command, vivace runs the server.

Commands:
  serve         run the server (the default)
  check-config  read the config file, print its warnings and errors, and exit
  demo          send demo traces to a running Vivace over OTLP/HTTP
  help          print this help, or a command's (help demo)
  version       print the version

Flags of the server and of check-config:
  -config.file=PATH   tempo.yaml to read; without it every implemented receiver (OTLP gRPC and HTTP) is on at its default port, Jaeger and Zipkin not yet
  -config.expand-env  replace \${VAR} and \${VAR:-default} in the config file first
  -config.verify      check the config file and exit, like check-config
  -target=all         accepted as Tempo's; Vivace always runs every component in one process

Flags of demo:
  -target=URL         OTLP/HTTP base URL to send to (default http://localhost:4318)
  -traces=N           how many traces to send
  -rate=N             traces per second
  -duration=DURATION  how long to send, e.g. 30s or 5m
  -tenant=ID          tenant id, sent as X-Scope-OrgID

Flags start with - or --; a value follows = or comes as the next argument.
`,
    );
  });
  it('describes one command', () => {
    assert.equal(
      formatUsage('check-config'),
      `Usage: vivace check-config [flags]

Flags:
  -config.file=PATH   tempo.yaml to read; without it every implemented receiver (OTLP gRPC and HTTP) is on at its default port, Jaeger and Zipkin not yet
  -config.expand-env  replace \${VAR} and \${VAR:-default} in the config file first
  -config.verify      check the config file and exit, like check-config
  -target=all         accepted as Tempo's; Vivace always runs every component in one process

Flags start with - or --; a value follows = or comes as the next argument.
`,
    );
  });
});

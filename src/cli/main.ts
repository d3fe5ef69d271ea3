/** The `vivace` command. */
import { VERSION } from '../app/version.js';
import { VivaceError } from '../model/index.js';
import { formatUsage, parseArgs } from './args.js';
import { checkConfig } from './commands/check-config.js';
import { demo } from './commands/demo.js';
import { serve } from './commands/serve.js';

const out = (line: string) => void process.stdout.write(line + '\n');
const err = (line: string) => void process.stderr.write(line + '\n');

export async function main(argv: readonly string[]): Promise<number> {
  let cmd;
  try {
    cmd = parseArgs(argv);
  } catch (e) {
    if (e instanceof VivaceError) {
      err(e.message);
      return 2;
    }
    throw e;
  }
  switch (cmd.kind) {
    case 'serve':
      return serve(cmd.configFile, cmd.expandEnv, err);
    case 'check-config':
      return checkConfig(cmd.configFile, cmd.expandEnv, out);
    case 'demo':
      return demo(cmd, out);
    case 'help':
      out(formatUsage(cmd.command));
      return 0;
    case 'version':
      out(`vivace ${VERSION}`);
      return 0;
  }
}

/** Reads the config file named on the command line (or none) and parses it. */
import { readFile } from 'node:fs/promises';
import { parseConfig, type ParseConfigResult } from '../../app/config/index.js';

export async function loadConfig(
  configFile: string | undefined,
  expandEnv: boolean,
): Promise<ParseConfigResult> {
  let text: string | undefined;
  if (configFile !== undefined) {
    try {
      text = await readFile(configFile, 'utf8');
    } catch (err) {
      const reason =
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      return {
        config: parseConfig(undefined, { expandEnv: false, env: {} }).config,
        warnings: [],
        errors: [`cannot read config file ${configFile}: ${reason}`],
      };
    }
  }
  return parseConfig(text, { expandEnv, env: process.env });
}

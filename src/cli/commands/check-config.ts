/** `vivace check-config -config.file=PATH`: every problem listed; exit 1 when there is an error. */
import { loadConfig } from './load-config.js';

export async function checkConfig(
  configFile: string | undefined,
  expandEnv: boolean,
  out: (line: string) => void,
): Promise<number> {
  const { warnings, errors } = await loadConfig(configFile, expandEnv);
  for (const w of warnings) out(`warning: ${w}`);
  for (const e of errors) out(`error: ${e}`);
  const name = configFile ?? '(built-in defaults)';
  if (errors.length > 0) {
    out(`${name}: ${errors.length} error(s), ${warnings.length} warning(s)`);
    return 1;
  }
  out(`${name}: valid (${warnings.length} warning(s))`);
  return 0;
}

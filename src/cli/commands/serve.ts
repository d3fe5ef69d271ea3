/** `vivace` (serve): loads the config, starts every component, stops cleanly on SIGTERM/SIGINT. */
import { createLogger } from '../../app/log.js';
import { startVivace } from '../../app/vivace.js';
import { loadConfig } from './load-config.js';

export async function serve(
  configFile: string | undefined,
  expandEnv: boolean,
  err: (line: string) => void,
): Promise<number> {
  const { config, warnings, errors } = await loadConfig(configFile, expandEnv);
  if (errors.length > 0) {
    for (const e of errors) err(`error: ${e}`);
    err(`not starting: the config has ${errors.length} error(s)`);
    return 1;
  }
  const log = createLogger(config.server.logLevel);
  for (const w of warnings) log.warn(`config: ${w}`);
  const app = await startVivace(config, { log });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info(`received ${signal}, shutting down`);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve();
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  await app.stop();
  return 0;
}

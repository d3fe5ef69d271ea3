/** The `vivace` command: `main` runs it; `parseArgs` and `formatUsage` read and describe its flags. */

export { main } from './main.js';
export { formatUsage, parseArgs } from './args.js';
export type { CliCommand } from './args.js';

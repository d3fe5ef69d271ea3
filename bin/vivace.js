#!/usr/bin/env node
// Runs the TypeScript sources through tsx: no build step, nothing generated to commit.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(
      `vivace: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);

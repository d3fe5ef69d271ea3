#!/usr/bin/env node
// Builds the web UI (web/ → web/dist) with Vite; `npm ci` runs it (postinstall) and so may
// `npm run build:web`. Without Vite (an install that omits dev dependencies, such as the
// Dockerfile's runtime stage, which copies a built web/dist instead) it says so and does nothing.
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..', 'web');
let vite;
try {
  vite = await import('vite');
} catch {
  const built = existsSync(path.join(root, 'dist', 'index.html'));
  console.log(
    `vivace: Vite is not installed; the web UI is ${built ? 'already built' : 'not built'}.`,
  );
  process.exit(0);
}
await vite.build({ root, logLevel: 'warn', configFile: path.join(root, 'vite.config.ts') });
console.log('vivace: web UI built into web/dist');

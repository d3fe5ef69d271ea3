// Worker bootstrap: the sources are TypeScript, run through tsx (as bin/vivace.js does).
import { register } from 'tsx/esm/api';

register();
await import('./encode-worker.ts');

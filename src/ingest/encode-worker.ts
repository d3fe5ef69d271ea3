/** Worker thread body: runs encode jobs posted by the EncodePool. */
import { parentPort } from 'node:worker_threads';
import { runEncodeJob, type EncodeJob } from './encode-job.js';

parentPort?.on('message', (msg: { id: number; job: EncodeJob }) => {
  const result = runEncodeJob(msg.job);
  const transfer = result.ok ? [result.encoded.text.buffer as ArrayBuffer] : [];
  parentPort?.postMessage({ id: msg.id, result }, transfer);
});

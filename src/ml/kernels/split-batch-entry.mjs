// Worker entry of every split-batch kernel: worker threads do not inherit the main thread's
// TypeScript loader, so register tsx here, then run the kernel's worker module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';
register();
await import(workerData.module);

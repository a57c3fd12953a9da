// `node --import <this file>` (NODE_OPTIONS, which child processes inherit): the test kinds join the
// registry of the process before its entry runs: `mizan` (bin/mizan.mjs) and its trainer jobs.
import { register } from 'tsx/esm/api';

register();
await import('./register.ts');

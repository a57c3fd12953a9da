// Worker entry: worker threads do not inherit the main thread's TypeScript loader, so register tsx here.
import { register } from 'tsx/esm/api';
register();
await import('./patchtst-encoder-worker.ts');

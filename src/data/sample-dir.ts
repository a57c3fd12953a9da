import { fileURLToPath } from 'node:url';

/** The bundled sample, resolved from this file (not the cwd) so `npx mizan` works anywhere. */
export const DEFAULT_SAMPLE_DIR = fileURLToPath(new URL('../../data/sample/', import.meta.url));

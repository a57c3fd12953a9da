/** Absolute paths of the repository, so synth works from any working directory. */
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const repoPath = (relative: string): string => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

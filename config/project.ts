// Where this repository's files are, whether the code runs from source (TypeScript through tsx, in development and
// the tests) or compiled (`npm run build`: JavaScript in dist/, which the commands and the stack run).

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** True when this module is the compiled one in dist/. */
export const compiled = /[/\\]dist[/\\]config$/.test(here);

/** The repository's root (where package.json and .entra-saga/ are). */
export const projectRoot = resolve(here, compiled ? '../..' : '..');

/** A module of this repository in the form that is running: `workflows/index` → workflows/index.ts or dist/workflows/index.js. */
export function modulePath(module: string): string {
  return compiled ? join(projectRoot, 'dist', `${module}.js`) : join(projectRoot, `${module}.ts`);
}

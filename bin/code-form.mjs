// Which form of this repository's code a command runs: the compiled build (dist/, `npm run build`) when it is there
// and newer than every source file, else the TypeScript itself through tsx — so a command never runs a build older
// than the code beside it. Plain JavaScript: it decides before any TypeScript can be loaded.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDirs = [
  'activities',
  'client',
  'codec',
  'common',
  'config',
  'devstack',
  'emulator',
  'graph',
  'scripts',
  'worker',
  'workflows',
];

/** The newest modification time of the build's sources (ms). */
function newestSource() {
  let newest = 0;
  for (const dir of sourceDirs) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.(ts|mjs)$/.test(entry.name))
        newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** True when dist/ holds a build at least as new as the sources. */
export function builtAndCurrent() {
  const stamp = join(root, 'dist/workflow-bundle.json');
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource();
}

/**
 * The URL of a module of this repository (`client/main`) in the form to run; registers tsx for the source form.
 * @param {string} module
 * @returns {Promise<string>}
 */
export async function entryModule(module) {
  // ENTRA_SAGA_CODE_FORM=build|source chooses the form outright (the benchmarks compare the two).
  const form = process.env.ENTRA_SAGA_CODE_FORM ?? (builtAndCurrent() ? 'build' : 'source');
  if (form === 'build') return new URL(`../dist/${module}.js`, import.meta.url).href;
  const { register } = await import('tsx/esm/api');
  register();
  return new URL(`../${module}.ts`, import.meta.url).href;
}

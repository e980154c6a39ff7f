// The production form (`npm run build`): the worker runs compiled code with the workflow bundle the build made, and
// refuses, at start and with the fix in the message, a bundle that is missing or was made from other workflow code.

import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtAndCurrent } from '../../bin/code-form.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const copies: string[] = [];

beforeAll(() => {
  // `npm test` builds first; a run of this file alone builds when the sources are newer than dist/.
  if (!builtAndCurrent()) {
    const build = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(build.status, build.stderr).toBe(0);
  }
}, 120_000);
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the build, as a deployment would hold it, that a test may alter. */
function deployedCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'entra-saga-build-'));
  copies.push(dir);
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  return dir;
}

function startWorker(dir: string) {
  return spawnSync(process.execPath, [join(dir, 'dist/worker/main.js')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: '127.0.0.1:1' },
    timeout: 30_000,
  });
}

describe('the production build', () => {
  it('answers --help from the compiled CLI', () => {
    const help = spawnSync(process.execPath, [join(root, 'bin/entra-saga.mjs'), '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^entra-saga — /);
  });

  it('refuses to start with a workflow bundle made from other workflow code, saying how to fix it', () => {
    const dir = deployedCopy();
    appendFileSync(join(dir, 'dist/workflows/saga.js'), '\n// changed after the build\n');
    const worker = startWorker(dir);
    expect(worker.status).toBe(2);
    expect(worker.stderr).toMatch(
      /workflow bundle dist\/workflow-bundle\.js was built on .* from other workflow code than this worker's .*run `npm run build`/,
    );
  });

  it('refuses to start without its workflow bundle', () => {
    const dir = deployedCopy();
    rmSync(join(dir, 'dist/workflow-bundle.js'));
    const worker = startWorker(dir);
    expect(worker.status).toBe(2);
    expect(worker.stderr).toMatch(/workflow bundle dist\/workflow-bundle\.js is missing: run `npm run build`/);
  });

  it('passes the bundle check of an unaltered build, then needs its settings', () => {
    const worker = startWorker(deployedCopy());
    expect(worker.stderr).not.toMatch(/workflow bundle/);
    expect(worker.stderr).toMatch(/AZURE_TENANT_ID is not set and no local Graph emulator was found/);
  });
});

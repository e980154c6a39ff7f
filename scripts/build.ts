// `npm run build`: the production form. Compiles the product's code to JavaScript (tsconfig.build.json), bundles its
// workflows once, with the failure converter the payload codec needs (dist/workflow-bundle.js), and records which
// compiled code the bundle was made from (dist/workflow-bundle.json; worker/workflow-bundle.ts checks it at every
// worker start). The build is made beside dist/ and swapped in whole, so that a command starting meanwhile never
// meets half a build; when dist/ is already newer than every source, nothing is done (`--force` builds anyway).

import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { builtAndCurrent } from '../bin/code-form.mjs';
import { projectRoot } from '../config/project.js';
import type { BundleManifest, workflowSourceDigest as digestOf } from '../worker/workflow-bundle.js';

const dist = join(projectRoot, 'dist');
const next = join(projectRoot, 'dist.next');
const log = (line: string) => console.error(`[build] ${line}`);

function compile(): void {
  rmSync(next, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(projectRoot, 'tsconfig.build.json'), '--outDir', next], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the TypeScript compiler failed (see above)');
}

async function bundle(): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(next, 'workflows/index.js'),
    failureConverterPath: join(next, 'codec/failure-converter.js'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: (m) => log(m), error: (m) => log(m) },
  });
  writeFileSync(join(next, 'workflow-bundle.js'), code);
  return code.length;
}

/** Swaps the new build in, then writes the manifest: the build counts as made only once the manifest is there. */
async function install(): Promise<BundleManifest> {
  const old = join(projectRoot, 'dist.old');
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
  // The digest is computed by the compiled module, over the compiled code: what a worker started from dist/ checks.
  const { workflowSourceDigest } = (await import(join(dist, 'worker/workflow-bundle.js'))) as {
    workflowSourceDigest: typeof digestOf;
  };
  const manifest: BundleManifest = { ...workflowSourceDigest(), builtAt: new Date().toISOString() };
  writeFileSync(join(dist, 'workflow-bundle.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (builtAndCurrent() && !process.argv.includes('--force')) {
  log('dist/ is newer than every source: nothing to build');
} else {
  const started = Date.now();
  compile();
  const size = await bundle();
  const manifest = await install();
  log(
    `dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s; workflow bundle ${(size / 1024).toFixed(0)} KiB ` +
      `from ${manifest.modules.length} modules (digest ${manifest.sourceDigest.slice(0, 12)})`,
  );
}

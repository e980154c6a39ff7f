// The prebuilt workflow bundle of the production build. `npm run build` compiles the code to dist/ and bundles the
// workflows once (bundleWorkflowCode), as Temporal recommends for production workers: no webpack at every start. The
// bundle's manifest records a digest of the compiled workflow code it was made from; a worker running compiled code
// checks it at start and refuses a bundle made from other code — a worker whose workflow code and bundle disagree
// would make nondeterministic decisions.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { compiled, modulePath, projectRoot } from '../config/project.js';

const bundlePath = join(projectRoot, 'dist/workflow-bundle.js');
const manifestPath = join(projectRoot, 'dist/workflow-bundle.json');

/** What the build writes beside the bundle. */
export interface BundleManifest {
  /** sha256 of the compiled modules the bundle was made from (workflows, and all they import from this repository). */
  sourceDigest: string;
  /** The modules, relative to the repository. */
  modules: string[];
  builtAt: string;
}

/** The bundle's entry points: the workflows, and the failure converter the data converter loads by path. */
function bundleEntries(): string[] {
  return [modulePath('workflows/index'), modulePath('codec/failure-converter')];
}

/** The modules of this repository that the entries import, directly or not (packages are the SDK's concern). */
function moduleClosure(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, specifier] of code.matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), specifier as string);
      // Compiled code names .js files; from source, the .js of an import names the .ts beside it.
      visit(existsSync(target) ? target : target.replace(/\.js$/, '.ts'));
    }
  };
  entries.forEach(visit);
  return [...seen].sort();
}

/** The digest of the code a bundle is made from, and which modules it covers. */
export function workflowSourceDigest(entries = bundleEntries()): { sourceDigest: string; modules: string[] } {
  const modules = moduleClosure(entries);
  const hash = createHash('sha256');
  for (const file of modules)
    hash.update(relative(projectRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  return { sourceDigest: hash.digest('hex'), modules: modules.map((m) => relative(projectRoot, m)) };
}

/**
 * The prebuilt bundle for a worker running compiled code, checked against that code; undefined when the worker runs
 * from source (development and tests bundle at start). Throws a ConfigError naming the fix when it is missing or
 * stale.
 */
export function prebuiltWorkflowBundle(): { codePath: string } | undefined {
  if (!compiled) return undefined;
  if (!existsSync(bundlePath) || !existsSync(manifestPath)) {
    throw new ConfigError('workflow bundle', `${relative(projectRoot, bundlePath)} is missing: run \`npm run build\``);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BundleManifest;
  const { sourceDigest } = workflowSourceDigest();
  if (manifest.sourceDigest !== sourceDigest) {
    throw new ConfigError(
      'workflow bundle',
      `${relative(projectRoot, bundlePath)} was built on ${manifest.builtAt} from other workflow code than this worker's ` +
        `(digest ${manifest.sourceDigest.slice(0, 12)}, the code's ${sourceDigest.slice(0, 12)}): run \`npm run build\` ` +
        'so that the bundle and the worker are one build',
    );
  }
  return { codePath: bundlePath };
}

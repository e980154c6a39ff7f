// The code a benchmark measured: the commit, and whether files outside bench/ differed from it. The saga changes
// under tuning, so a figure is only comparable with another taken on the same revision.

import { execFileSync } from 'node:child_process';
import { repoRoot } from './emulator-process.js';

export function codeRevision(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const changed = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench')
      .split('\n')
      .filter(Boolean);
    return changed.length ? `${commit} with uncommitted changes to ${changed.length} file(s)` : commit;
  } catch {
    return 'unknown revision (not a git checkout)';
  }
}

// The bootstrap and the dev-server module under a bad environment: each problem gives a message that says what is
// wrong and what to do, and a non-zero exit.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../devstack/ports.js';
import { startTemporalDevServer } from '../../devstack/temporal-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runBootstrap(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [join(root, 'scripts/bootstrap.mjs')], { cwd: root, env, encoding: 'utf8' });
}

describe('bootstrap', () => {
  it('is quick and silent when everything is installed, and downloads nothing again', () => {
    const result = runBootstrap(process.env);
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(/installing/);
  });

  it('refuses a TEMPORAL_CLI_PATH that points at a missing file, saying what to do', () => {
    const result = runBootstrap({ ...process.env, TEMPORAL_CLI_PATH: '/nonexistent/temporal' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/TEMPORAL_CLI_PATH points at \/nonexistent\/temporal, which does not exist/);
    expect(result.stderr).toMatch(/unset it/);
  });

  it('refuses a TEMPORAL_CLI_PATH that is not a working Temporal CLI', () => {
    const result = runBootstrap({ ...process.env, TEMPORAL_CLI_PATH: '/bin/false' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/does not run as the Temporal CLI/);
  });

  it('explains what is missing when there is neither a Temporal CLI nor Python', () => {
    // A copy of the resolver in an empty project, with a PATH that holds only node.
    const project = mkdtempSync(join(tmpdir(), 'entra-saga-bare-'));
    temps.push(project);
    mkdirSync(join(project, 'devstack'));
    mkdirSync(join(project, 'bin'));
    copyFileSync(join(root, 'devstack/temporal-cli.mjs'), join(project, 'devstack/temporal-cli.mjs'));
    symlinkSync(process.execPath, join(project, 'bin/node'));
    const script =
      "import('./devstack/temporal-cli.mjs').then((m) => { try { m.ensureTemporalCli({ install: true }); } " +
      'catch (e) { console.error(e.message); process.exit(1); } })';
    const result = spawnSync(join(project, 'bin/node'), ['-e', script], {
      cwd: project,
      env: { PATH: join(project, 'bin'), HOME: project },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /Temporal CLI was not found and cannot be installed: Python 3 with pip is not available/,
    );
    expect(result.stderr).toMatch(/TEMPORAL_CLI_PATH/);
  });
});

describe('dev server', () => {
  let blocker: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
    blocker = undefined;
  });

  it('refuses a port in use before starting anything, naming the port and the setting', async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port)),
    );
    const error = await startTemporalDevServer({ port }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toMatch(new RegExp(`port ${port} .* already in use.*TEMPORAL_DEV_PORT`));
  });

  it('stops exactly the process it started', async () => {
    const server = await startTemporalDevServer({ port: 0 });
    const guardPid = server.process.pid!;
    const serverPids = childPids(guardPid);
    expect(serverPids.length).toBe(1);
    await server.stop();
    for (const pid of [guardPid, ...serverPids]) expect(alive(pid)).toBe(false);
  });

  it('leaves no server behind when its owner is SIGKILLed', async () => {
    const owner = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `
        const { startTemporalDevServer } = await import(${JSON.stringify(join(root, 'devstack/temporal-server.ts'))});
        const s = await startTemporalDevServer({ port: 0 });
        const { execSync } = await import('node:child_process');
        console.log(execSync('pgrep -P ' + s.process.pid).toString().trim());
        process.kill(process.pid, 'SIGKILL');
      `,
      ],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    const serverPid = Number(owner.stdout.trim().split('\n').pop());
    expect(serverPid).toBeGreaterThan(0);
    await waitUntil(() => !alive(serverPid), 15_000);
    expect(alive(serverPid)).toBe(false);
  });
});

function childPids(pid: number): number[] {
  const out = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return out ? out.split('\n').map(Number) : [];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

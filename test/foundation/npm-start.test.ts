// `npm start` end to end (scripts/start.ts, on free ports and a scratch stack folder): the tutorial runs, every step
// is printed with the Web UI link, it exits 0, and no process it started is left — also after Ctrl-C.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { dataConverterFor } from '../../codec/aes-gcm-codec.js';
import { readKeyFile } from '../../codec/keys.js';
import { freePort } from '../../devstack/ports.js';
import { startTemporalDevServer } from '../../devstack/temporal-server.js';
import { EmulatorControl } from '../../emulator/control/client.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function stackEnv(): Promise<NodeJS.ProcessEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'entra-saga-start-'));
  dirs.push(dir);
  return {
    ...process.env,
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    ENTRA_SAGA_EMULATOR_PORT: String(await freePort()),
    ENTRA_SAGA_CODEC_PORT: String(await freePort()),
    ENTRA_SAGA_STACK_DIR: dir,
  };
}

/** Processes whose command line mentions the scratch folder or the ports: what the stack started. */
function leftovers(env: NodeJS.ProcessEnv): string[] {
  const out = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  const marks = [
    env.ENTRA_SAGA_STACK_DIR,
    `--port ${env.TEMPORAL_DEV_PORT}`,
    `--port ${env.ENTRA_SAGA_EMULATOR_PORT}`,
    `--port ${env.ENTRA_SAGA_CODEC_PORT}`,
  ];
  return out.split('\n').filter((line) => marks.some((m) => m && line.includes(m)) && !line.includes(' ps -eo'));
}

function runStart(
  env: NodeJS.ProcessEnv,
  onOutput?: (text: string, child: ReturnType<typeof spawn>) => void,
  script = 'scripts/start.ts',
  args: string[] = [],
) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, script), ...args], {
    cwd: root,
    env,
    detached: true,
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      output += chunk;
      onOutput?.(output, child);
    });
  }
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output })),
  );
}

describe('npm start', () => {
  it('runs the tutorial end to end, prints every step and the Web UI link, exits 0, leaves nothing running', async () => {
    const env = await stackEnv();
    const { code, output } = await runStart(env);
    expect(output).toMatch(/provision\/general\/marketing-campaign\/requestor1@contoso\.onmicrosoft\.com: completed/);
    for (const step of [
      'preflight',
      'createUser',
      'createGroup',
      'addGroupToCatalog',
      'findCatalogResource',
      'findMemberRole',
      'createAccessPackage',
      'addRoleScope',
      'createPolicy',
      'requestAssignment',
      'awaitDelivery',
      'verify',
      'teardown',
    ]) {
      expect(output).toMatch(new RegExp(`✓ ${step} done`));
    }
    expect(output).toMatch(
      new RegExp(`Web UI: http://localhost:${env.TEMPORAL_UI_PORT}/namespaces/default/workflows/`),
    );
    expect(code).toBe(0);
    expect(leftovers(env)).toEqual([]);

    // The run stays in the stack's SQLite file: a server started on it (as `npm run stack` does) finds it by its
    // search attributes, and its result decrypts with the stack's key.
    const server = await startTemporalDevServer({ port: 0, dbFile: join(env.ENTRA_SAGA_STACK_DIR!, 'temporal.db') });
    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({
        connection,
        dataConverter: dataConverterFor(readKeyFile(join(env.ENTRA_SAGA_STACK_DIR!, 'codec-keys.json'))),
      });
      const runs = [];
      for await (const run of client.workflow.list({
        query:
          'AccessPackageName = "Marketing Campaign" AND RequestorUpn = "requestor1@contoso.onmicrosoft.com" AND ProvisioningOutcome = "completed"',
      }))
        runs.push(run);
      expect(runs).toHaveLength(1);
      const result = (await client.workflow.getHandle(runs[0]!.workflowId).result()) as {
        outcome: string;
        tornDown: boolean;
      };
      expect(result).toMatchObject({ outcome: 'completed', tornDown: true });
    } finally {
      await connection.close();
      await server.stop();
    }
  }, 180_000);

  it('stops the whole stack on Ctrl-C', async () => {
    const env = await stackEnv();
    let interrupted = false;
    const { code } = await runStart(env, (output, child) => {
      if (!interrupted && /createUser/.test(output)) {
        interrupted = true;
        process.kill(-child.pid!, 'SIGINT'); // the terminal sends SIGINT to the whole foreground group
      }
    });
    expect(interrupted).toBe(true);
    expect(code).not.toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(leftovers(env)).toEqual([]);
  }, 180_000);
});

describe('npm run stack', () => {
  it("passes the emulator's profile flags through, and stops everything on Ctrl-C", async () => {
    const env = await stackEnv();
    let config: Record<string, unknown> | undefined;
    let asked = false;
    const { output } = await runStart(
      env,
      (text, child) => {
        if (asked || !/Ctrl-C stops everything/.test(text)) return;
        asked = true;
        const control = new EmulatorControl(
          `https://127.0.0.1:${env.ENTRA_SAGA_EMULATOR_PORT}`,
          readFileSync(join(env.ENTRA_SAGA_STACK_DIR!, 'emulator/ca.pem'), 'utf8'),
        );
        void control
          .configure({})
          .then((answer) => (config = answer as Record<string, unknown>))
          .finally(() => {
            void control.close();
            process.kill(-child.pid!, 'SIGINT');
          });
      },
      'scripts/stack.ts',
      ['--latency-ms', '37', '--consistency-lag-ms', '800', '--delivery-delay-ms', '2500'],
    );
    expect(output).toMatch(/profile +--latency-ms 37 --delivery-delay-ms 2500 --consistency-lag-ms 800/);
    expect(config).toMatchObject({ latencyMs: 37, consistencyLagMs: 800, deliveryDelayMs: 2500 });
    await new Promise((r) => setTimeout(r, 500));
    expect(leftovers(env)).toEqual([]);
  }, 180_000);

  it('refuses a flag that is not a profile flag, naming the ones it takes', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/stack.ts'), '--bogus', '1'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--bogus'; the flags are --latency-ms, --delivery-delay-ms/);
  });
});

// The CLI rides through Temporal being unreachable: the dev server is restarted on its SQLite file while `run` and
// `result` follow a run, stopped for good under a short reconnect timeout, and a start's answer is lost on the way.
// The CLI reports only outcomes it read from Temporal, says on stderr when it lost and regained the connection, and
// exits 3 naming the timeout when Temporal does not come back. The worker runs as its own process, connected to the
// same server, and has to reconnect by itself for the runs to finish.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../client/connect.js';
import { runCommand } from '../../client/commands/run.js';
import { ExitCode } from '../../client/exit-codes.js';
import { ProvisioningStage } from '../../common/search-attributes.js';
import { provisioningWorkflowId } from '../../common/workflow-id.js';
import type { ManagedProcess } from '../../devstack/managed-process.js';
import { freePort } from '../../devstack/ports.js';
import { type TemporalDevServer, startTemporalDevServer } from '../../devstack/temporal-server.js';
import { type CliResult, type CliWatch, cli } from '../support/cli.js';
import { createTestCodec } from '../support/codec.js';
import { type TestEmulator, startTestEmulator } from '../support/emulator.js';
import { expectNothingLeaked } from '../support/leaks.js';
import { tutorialInput } from '../support/saga.js';
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy.js';
import { quietRuntime, uniqueId } from '../support/temporal.js';
import { startWorkerProcess } from '../support/worker-process.js';

const codec = createTestCodec();
const taskQueue = uniqueId('reconnect');
const stateDir = mkdtempSync(join(tmpdir(), 'entra-saga-reconnect-'));
const dbFile = join(stateDir, 'temporal.db');
let port: number;
let server: TemporalDevServer | undefined;
let emulator: TestEmulator;
let worker: ManagedProcess;
let env: NodeJS.ProcessEnv;

/** The test's own view of Temporal, to read what really happened (a fresh connection each time: servers restart). */
async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  try {
    return await fn(new Client({ connection, dataConverter: codec.dataConverter }));
  } finally {
    await connection.close();
  }
}

async function startServer(): Promise<void> {
  server = await startTemporalDevServer({ port, dbFile });
}

async function stopServer(): Promise<void> {
  await server?.stop();
  server = undefined;
}

beforeAll(async () => {
  quietRuntime();
  port = await freePort();
  await startServer();
  // Delivery takes 3 s: the run waits in AwaitingDelivery while Temporal goes away under it.
  emulator = await startTestEmulator({ deliveryDelayMs: 3000 });
  worker = await startWorkerProcess({
    ...emulator.env,
    ...codec.env,
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    ENTRA_SAGA_TASK_QUEUE: taskQueue,
  });
  env = {
    ...process.env,
    ...codec.env,
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    ENTRA_SAGA_TASK_QUEUE: taskQueue,
    ENTRA_SAGA_DOMAIN: 'contoso.onmicrosoft.com',
    ENTRA_SAGA_RECONNECT_TIMEOUT: '',
  };
});

afterAll(async () => {
  await worker?.stop();
  await emulator?.close();
  await stopServer();
  rmSync(stateDir, { recursive: true, force: true });
});

function requestor(): string[] {
  const id = uniqueId('rc');
  return ['--requestor-upn', `${id}@contoso.onmicrosoft.com`, '--package-name', `Package ${id}`, '--group-name', id];
}

/** Resolves once `text` has been written to the CLI's stdout (the non-terminal view prints "stage X" lines). */
function watchFor(pattern: RegExp): { stdout(text: string): void; seen: Promise<void> } {
  let written = '';
  let resolve: () => void = () => undefined;
  const seen = new Promise<void>((r) => (resolve = r));
  return {
    stdout(text) {
      written += text;
      if (pattern.test(written)) resolve();
    },
    seen,
  };
}

/** Resolves once the run's ProvisioningStage search attribute reads `stage`. */
async function untilStage(workflowId: string, stage: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    const current = await withClient(async (client) =>
      (await client.workflow.getHandle(workflowId).describe()).typedSearchAttributes.get(ProvisioningStage),
    ).catch(() => undefined);
    if (current === stage) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${workflowId} never reached ${stage}`);
}

const lostLine = () => new RegExp(`lost the connection to Temporal at 127\\.0\\.0\\.1:${port} \\(UNAVAILABLE`, 'g');
const backLine = () => new RegExp(`reconnected to Temporal at 127\\.0\\.0\\.1:${port} after \\d+ s`, 'g');

/** As many "reconnected" lines as "lost" lines, at least one: each outage announced, each return too. */
function expectLostAndRegained(result: CliResult): void {
  const lost = result.stderr.match(lostLine())?.length ?? 0;
  expect(lost, result.stderr).toBeGreaterThanOrEqual(1);
  expect(result.stderr.match(backLine())?.length ?? 0, result.stderr).toBe(lost);
}

describe('Temporal restarted under the CLI', () => {
  it('run follows its run through a restart and reports the real outcome with exit 0', async () => {
    const before = await emulator.control.objects();
    const stage = watchFor(/stage AwaitingDelivery/);
    const running = cli(['run', ...requestor()], env, stage);
    await stage.seen;
    await stopServer();
    await startServer();
    const result = await running;

    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    expect(result.stdout).toMatch(/: completed\n/);
    expect(result.stdout).toMatch(/✓ verify done/);
    expectLostAndRegained(result);
    // What Temporal holds agrees: the run completed, and the one worker process, never restarted, finished it.
    const workflowId = /workflow (provision\/\S+)/.exec(result.stdout)?.[1] ?? '';
    const description = await withClient((client) => client.workflow.getHandle(workflowId).describe());
    expect(description.status.name).toBe('COMPLETED');
    expect(worker.running).toBe(true);
    expectNothingLeaked(before, await emulator.control.objects());
  }, 180_000);

  it('result rides through a restart too, and --json keeps stdout one JSON object', async () => {
    const started = await cli(['start', ...requestor(), '--json'], env);
    expect(started.code, started.stderr).toBe(ExitCode.Ok);
    const workflowId = String(started.json().workflowId);
    const waiting = cli(['result', workflowId, '--json'], env);
    await untilStage(workflowId, 'AwaitingDelivery');
    await stopServer();
    await startServer();
    const result = await waiting;

    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    expect(result.json()).toMatchObject({ workflowId, status: 'completed' });
    expectLostAndRegained(result);
  }, 180_000);
});

describe('Temporal that does not come back', () => {
  it('exits 3 once the reconnect timeout has passed, naming it and claiming no outcome', async () => {
    const stage = watchFor(/stage AwaitingDelivery/);
    const running = cli(['run', ...requestor(), '--reconnect-timeout', '3'], env, stage);
    await stage.seen;
    await stopServer();
    let result: CliResult;
    try {
      result = await running;
    } finally {
      await startServer();
    }

    expect(result.code, result.stderr).toBe(ExitCode.CannotConnect);
    const workflowId = /workflow (provision\/\S+)/.exec(result.stdout)?.[1] ?? '';
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(lostLine());
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `Temporal at 127\\.0\\.0\\.1:${port} stayed unreachable since .* past the reconnect timeout of 3 s .*follow it with \`entra-saga result ${workflowId.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\``,
      ),
    );
    expect(result.stderr).not.toMatch(backLine());
    // No outcome printed: the stdout holds the steps seen before the loss, and no "<id>: completed|failed|…" line.
    expect(result.stdout).not.toMatch(/: (completed|compensated|failed|cancelled)\n/);

    // Temporal is back: the run went on without the CLI, and `result` reads its real outcome.
    const after = await cli(['result', workflowId, '--json'], env);
    expect(after.code, after.stderr).toBe(ExitCode.Ok);
    expect(after.json()).toMatchObject({ workflowId, status: 'completed' });
  }, 180_000);

  it('with --json, stdout is one JSON error naming the timeout and the run, without an outcome', async () => {
    const args = requestor();
    const waiting = cli(['run', ...args, '--json', '--reconnect-timeout', '2'], env);
    const workflowId = provisioningWorkflowId({
      catalogName: 'General',
      packageName: args[3]!,
      requestorUpn: args[1]!,
    });
    await untilStage(workflowId, 'AwaitingDelivery');
    await stopServer();
    let result: CliResult;
    try {
      result = await waiting;
    } finally {
      await startServer();
    }

    expect(result.code, result.stderr).toBe(ExitCode.CannotConnect);
    const out = result.json();
    expect(Object.keys(out).sort()).toEqual(['error', 'exitCode', 'status', 'workflowId']);
    expect(out).toMatchObject({ status: 'error', exitCode: ExitCode.CannotConnect, workflowId });
    expect(String(out.error)).toMatch(/past the reconnect timeout of 2 s/);
    expect(result.stderr).toMatch(lostLine());
    // The run went on without the CLI (and has cleaned up before the next test reads the directory).
    const after = await cli(['result', workflowId, '--json'], env);
    expect(after.json()).toMatchObject({ workflowId, status: 'completed' });
  }, 180_000);
});

describe('a start whose answer is lost', () => {
  it('is sent again unchanged: Temporal returns the run it started, even one that has ended, and no second run', async () => {
    const proxy = await startTcpProxy(`127.0.0.1:${port}`);
    const notices: string[] = [];
    let lost: () => void = () => undefined;
    const lostSeen = new Promise<void>((r) => (lost = r));
    const connected = await connect(
      { ...env, TEMPORAL_ADDRESS: proxy.address },
      {
        notify: (line) => {
          notices.push(line);
          if (/lost the connection/.test(line)) lost();
        },
      },
    );
    try {
      // A dry run: it ends within a second, while its start's answer is still lost.
      const input = tutorialInput({ dryRun: true });
      const workflowId = `${provisioningWorkflowId(input)}/dry-run`;
      let stdout = '';
      proxy.dropAnswers();
      const running = runCommand(
        connected,
        input,
        { json: true, wait: true },
        { write: (t) => void (stdout += t), isTTY: false },
      );
      let firstRunId = '';
      for (let i = 0; i < 600 && !firstRunId; i += 1) {
        const description = await withClient((client) => client.workflow.getHandle(workflowId).describe()).catch(
          () => undefined,
        );
        if (description?.status.name === 'COMPLETED') firstRunId = description.runId;
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(firstRunId).not.toBe('');
      proxy.cut();
      await lostSeen;
      proxy.forward();
      const code = await running;

      expect(code).toBe(ExitCode.Ok);
      expect(JSON.parse(stdout)).toMatchObject({ workflowId, runId: firstRunId, status: 'completed', dryRun: true });
      expect(notices.map((n) => n.replace(/ \(.*$/, ''))).toEqual([
        expect.stringMatching(/^entra-saga: lost the connection to Temporal at 127\.0\.0\.1:\d+$/),
        expect.stringMatching(/^entra-saga: reconnected to Temporal at 127\.0\.0\.1:\d+ after \d+ s$/),
      ]);
      // The latest run of the id is still the first: the retried start made no second one.
      const latest = await withClient((client) => client.workflow.getHandle(workflowId).describe());
      expect(latest.runId).toBe(firstRunId);
    } finally {
      await connected.close();
      await proxy.close();
    }
  }, 180_000);
});

/** Cuts the proxy once `pattern` shows on stdout, and forwards again once the CLI has said it lost the connection. */
function cutWhen(proxy: TcpProxy, pattern: RegExp): CliWatch {
  let written = '';
  let cut = false;
  return {
    stdout(text) {
      written += text;
      if (!cut && pattern.test(written)) {
        cut = true;
        proxy.cut();
      }
    },
    stderr(text) {
      if (cut && /lost the connection/.test(text)) proxy.forward();
    },
  };
}

describe('teardown, cancel and bulk through a connection cut for a while', () => {
  let proxy: TcpProxy;
  let viaProxy: NodeJS.ProcessEnv;
  beforeAll(async () => {
    proxy = await startTcpProxy(`127.0.0.1:${port}`);
    viaProxy = { ...env, TEMPORAL_ADDRESS: proxy.address };
  });
  afterAll(async () => proxy?.close());

  const lostViaProxy = () => new RegExp(`lost the connection to Temporal at ${proxy.address} \\(UNAVAILABLE`);
  const backViaProxy = () => new RegExp(`reconnected to Temporal at ${proxy.address} after \\d+ s`);

  async function holdingRun(): Promise<string> {
    const started = await cli(['start', ...requestor(), '--cleanup', 'hold', '--json'], env);
    expect(started.code, started.stderr).toBe(ExitCode.Ok);
    const workflowId = String(started.json().workflowId);
    await untilStage(workflowId, 'Holding');
    return workflowId;
  }

  it('teardown follows the holding run to its end', async () => {
    const before = await emulator.control.objects();
    const workflowId = await holdingRun();
    const result = await cli(['teardown', workflowId], viaProxy, cutWhen(proxy, /stage TearingDown/));
    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    expect(result.stdout).toMatch(/: completed\n/);
    expect(result.stderr).toMatch(lostViaProxy());
    expect(result.stderr).toMatch(backViaProxy());
    expectNothingLeaked(before, await emulator.control.objects());
  }, 120_000);

  it('cancel follows the rollback to its end', async () => {
    const before = await emulator.control.objects();
    const workflowId = await holdingRun();
    const result = await cli(['cancel', workflowId], viaProxy, cutWhen(proxy, /stage Compensating/));
    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    expect(result.stdout).toMatch(/: cancelled\n/);
    expect(result.stderr).toMatch(lostViaProxy());
    expect(result.stderr).toMatch(backViaProxy());
    expectNothingLeaked(before, await emulator.control.objects());
  }, 120_000);

  it('bulk follows its items to the report', async () => {
    const tag = uniqueId('rcbulk');
    const path = join(stateDir, `${tag}.yaml`);
    writeFileSync(
      path,
      `items:\n${['ana', 'ben'].map((p) => `  - { requestorUpn: ${p}-${tag}@contoso.onmicrosoft.com, packageName: "Pkg ${tag}" }`).join('\n')}\n`,
    );
    const result = await cli(['bulk', path], viaProxy, cutWhen(proxy, /: running\n/));
    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    expect(result.stdout).toMatch(/2 items: 2 completed, 0 running, 0 pending, 0 compensated, 0 failed\n/);
    expect(result.stderr).toMatch(lostViaProxy());
    expect(result.stderr).toMatch(backViaProxy());
  }, 120_000);
});

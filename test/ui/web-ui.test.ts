// What an on-call engineer sees in the Temporal Web UI, in a real (headless Debian) Chromium: a run started with the
// operator CLI is found in the workflows list by its AccessPackageName search attribute, the list shows its stage and
// outcome, and its page shows the Graph activities with their summaries and the CLI's summary and details.
// Screenshots go to test-artifacts/ (not committed).

import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import type { Browser } from 'playwright-core';
import { main } from '../../client/main.js';
import {
  artifactPath,
  configureListColumns,
  launchChromium,
  openFilteredList,
  userMetadata,
  scrollToTop,
  workflowListUrl,
  workflowRows,
} from '../../devstack/browser.js';
import { type SagaFixture, startSagaFixture } from '../support/saga.js';
import { uniqueId } from '../support/temporal.js';

let saga: SagaFixture;
let browser: Browser | undefined;
beforeAll(async () => {
  saga = await startSagaFixture();
});
afterAll(async () => {
  await browser?.close();
  await saga?.close();
});

/** Runs the CLI in-process as an operator would (`entra-saga run ... --json`) and returns its exit code and JSON. */
async function runCli(args: string[]): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = { write: (t: string) => void (stdout += t), isTTY: false };
  const err = { write: (t: string) => void (stderr += t), isTTY: false };
  const code = await main(['run', ...args, '--json'], out, err, {
    ...process.env,
    TEMPORAL_ADDRESS: saga.temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    ENTRA_SAGA_TASK_QUEUE: saga.taskQueue,
    ENTRA_SAGA_DOMAIN: 'contoso.onmicrosoft.com',
    TEMPORAL_UI_URL: inject('temporalUiUrl'),
    // This UI has no codec server: payloads in clear, so that it can show the summary and details
    // (test/security/codec-ui.test.ts covers the encrypted UI).
    ENTRA_SAGA_CODEC: 'off',
  });
  return { code, json: JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>, stderr };
}

/** The UI renders Markdown with typographic quotes: "x" shows as “x”. */
function typographic(text: string): string {
  return text.replace(/"([^"]*)"/g, '\u201c$1\u201d');
}

describe('the Temporal Web UI', () => {
  it('finds a finished run by its access package and shows its stage, outcome, activities, summary and details', async () => {
    const uiUrl = inject('temporalUiUrl');
    expect(uiUrl, 'global setup starts the dev server with its Web UI').toMatch(/^http:\/\//);
    const suffix = uniqueId('ui').slice(3);
    const upn = `webui.${suffix}@contoso.onmicrosoft.com`;
    const packageName = `Web UI check ${suffix}`;
    const groupName = `Web UI group ${suffix}`;

    const run = await runCli([
      '--requestor-upn',
      upn,
      '--package-name',
      packageName,
      '--group-name',
      groupName,
      '--cleanup',
      'now',
    ]);
    expect(run.stderr).toBe('');
    expect(run.json.status).toBe('completed');
    expect(run.code).toBe(0);
    const workflowId = String(run.json.workflowId);
    const summary = `Grant ${upn} "${packageName}" (group "${groupName}", catalog "General")`;

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1680, height: 1000 } });
    page.setDefaultTimeout(20_000);
    onTestFailed(async () => {
      await page.screenshot({ path: artifactPath('web-ui-failure.png') }).catch(() => undefined);
    });

    // The list, filtered by a search attribute exactly as typed in the UI's search box: only this run, with its
    // stage, outcome and requestor in the search-attribute columns.
    const query = `AccessPackageName="${packageName}"`;
    const listUrl = workflowListUrl(uiUrl, query);
    await openFilteredList(page, listUrl, workflowId);
    await page.getByRole('button', { name: `AccessPackageName = "${packageName}"`, exact: true }).waitFor();
    await configureListColumns(page, {
      remove: ['Run ID', 'Type', 'Start', 'End'],
      add: ['ProvisioningStage', 'ProvisioningOutcome', 'RequestorUpn'],
    });
    const row = await openFilteredList(page, listUrl, workflowId, ['completed', 'Done']);
    expect(await workflowRows(page).count()).toBe(1);
    expect(await row.innerText()).toContain(upn.toLowerCase());
    await expect(page.getByTestId('workflow-count').innerText()).resolves.toBe('1');
    await page.screenshot({ path: artifactPath('web-ui-list.png') });

    // Its page: the timeline names each Graph operation with its summary. It draws one page (100 events) of history,
    // newest first by default, so oldest first is where a run's forward steps always are.
    await row.getByRole('link', { name: workflowId, exact: true }).click();
    await page.getByRole('button', { name: 'Descending' }).click();
    for (const label of [
      `createUser • create user ${upn}`,
      `createGroup • create group "${groupName}"`,
      `createAccessPackage • create access package "${packageName}"`,
      `requestAssignment • adminAdd ${upn} to "${packageName}"`,
    ]) {
      await page.getByText(label, { exact: true }).first().waitFor();
    }
    await scrollToTop(page.getByRole('button', { name: 'Ascending' }));
    await page.screenshot({ path: artifactPath('web-ui-timeline.png') });

    // User metadata: the CLI's static summary and details, and the workflow's current details (served by the live
    // worker through the built-in metadata query).
    const [shownSummary, shownDetails, currentDetails] = await userMetadata(page, 3);
    expect(shownSummary).toBe(typographic(summary));
    expect(shownDetails).toContain(`Requestor: ${upn}`);
    expect(shownDetails).toContain(`Access package: ${packageName} in catalog General`);
    expect(currentDetails).toMatch(/^Stage: Done/);
    expect(currentDetails).toContain('createAccessPackage: done');
    expect(currentDetails).toContain(`accessPackage ${packageName}: undone`);
    await page.screenshot({ path: artifactPath('web-ui-run.png') });
  }, 120_000);

  it('fails with the install command, never skips, when Chromium is missing', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
      /not installed at \/nonexistent\/chromium.*apt-get install -y chromium/,
    );
  });
});

// The README's pictures: starts the local stack (in memory, on the default ports when free, else free ones; the
// TEMPORAL_DEV_PORT / TEMPORAL_UI_PORT / ENTRA_SAGA_EMULATOR_PORT settings win), runs the tutorial with the CLI as on
// a terminal plus two more runs, and screenshots in headless Debian Chromium:
//   docs/images/cli-progress.png   the terminal at the end of `npx entra-saga run`
//   docs/images/web-ui-list.png    the workflows list filtered by a search attribute, with the saga's columns
//   docs/images/web-ui-run.png     the tutorial run's summary, details and current details
//   docs/images/web-ui-timeline.png the tutorial run's Graph activities with their summaries
// Usage: npx tsx scripts/screenshots.ts

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { main } from '../client/main.js';
import { freePort, isPortFree } from '../devstack/ports.js';
import { startStack, type Stack } from '../devstack/stack.js';
import {
  configureListColumns,
  launchChromium,
  openFilteredList,
  openRunTab,
  userMetadata,
  scrollToTop,
  workflowListUrl,
} from '../devstack/browser.js';

const imagesDir = fileURLToPath(new URL('../docs/images/', import.meta.url));
const domain = 'contoso.onmicrosoft.com';

/** A port for the stack: none when the setting is in the environment (startStack reads it), else `preferred` if free. */
async function port(setting: string, preferred: number): Promise<number | undefined> {
  if (process.env[setting]?.trim()) return undefined;
  return (await isPortFree(preferred)) ? preferred : freePort();
}

/** Runs the CLI in-process against the stack; returns its exit code and everything it printed. */
async function cli(stack: Stack, argv: string[], tty = false): Promise<{ code: number; text: string }> {
  let text = '';
  const out = { write: (t: string) => void (text += t), isTTY: tty };
  const code = await main(argv, out, out, { ...process.env, ...stack.env });
  return { code, text };
}

/**
 * What a terminal shows after `raw`: the live view redraws itself with "cursor up N" (ESC [ N A) followed by "clear
 * below" (ESC [ 0 J); any other escape sequence is dropped.
 */
function finalScreen(raw: string): string[] {
  const lines: string[] = [];
  const addText = (text: string) => {
    if (text) lines.push(...text.replace(/\n$/, '').split('\n'));
  };
  const [first = '', ...sequences] = raw.split('\u001b');
  addText(first);
  for (const part of sequences) {
    const code = /^\[(\d*)(?:;\d*)*([A-Za-z])/.exec(part);
    if (code?.[2] === 'A') lines.splice(lines.length - Number(code[1] || 1));
    addText(part.slice(code?.[0].length ?? 0));
  }
  return lines;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One terminal line with the colours a terminal theme would give it. */
function colourLine(line: string): string {
  const html = escapeHtml(line);
  if (line.startsWith('$ ')) return `<span class="prompt">$</span> <span class="cmd">${html.slice(2)}</span>`;
  if (line.startsWith('stage ')) return `<span class="stage">${html}</span>`;
  if (/: completed$/.test(line)) return html.replace(/completed$/, '<span class="ok">completed</span>');
  if (/^\s+(created|cleaned up|rolled back|adopted.*):$/.test(line) || /^\s+Web UI:/.test(line))
    return `<span class="head">${html}</span>`;
  return html
    .replace(/^(\s+)✓/, '$1<span class="ok">✓</span>')
    .replace(/^(\s+)✗/, '$1<span class="bad">✗</span>')
    .replace(/^(\s+)…/, '$1<span class="run">…</span>')
    .replace(/( +[\d.]+s)( |$)/, '<span class="dim">$1</span>$2');
}

async function terminalPicture(browser: Browser, lines: string[], path: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 400 }, deviceScaleFactor: 1 });
  const body = lines.map(colourLine).join('\n');
  await page.setContent(`<!doctype html><meta charset="utf-8"><style>
    body { margin: 0; padding: 24px; background: #f4f4f5; font-family: 'DejaVu Sans Mono', 'Liberation Mono', monospace; }
    .window { display: inline-block; background: #1e1f26; border-radius: 8px; box-shadow: 0 6px 24px rgba(0,0,0,.25); }
    .bar { height: 30px; border-bottom: 1px solid #2f313a; padding-left: 14px; display: flex; align-items: center; gap: 8px; }
    .bar i { width: 12px; height: 12px; border-radius: 50%; display: inline-block; }
    .bar span { color: #8b8d98; font-size: 12px; margin-left: 12px; }
    pre { margin: 0; padding: 14px 20px 18px; color: #d4d4d8; font-size: 13.5px; line-height: 1.45; font-family: inherit; }
    .prompt { color: #4ade80; } .cmd { color: #f4f4f5; font-weight: bold; } .stage { color: #7dd3fc; }
    .ok { color: #4ade80; } .bad { color: #f87171; } .run { color: #facc15; } .dim { color: #8b8d98; } .head { color: #c4b5fd; }
  </style>
  <div class="window">
    <div class="bar"><i style="background:#ff5f57"></i><i style="background:#febc2e"></i><i style="background:#28c840"></i>
      <span>entra-saga</span></div>
    <pre>${body}</pre>
  </div>`);
  await page.locator('.window').screenshot({ path });
  await page.close();
}

/** The list of every run of the tenant's requestors, with the saga's search attributes as columns. */
async function listPicture(
  page: Page,
  uiUrl: string,
  runs: { workflowId: string; expect: string[] }[],
  path: string,
): Promise<void> {
  const url = workflowListUrl(uiUrl, `RequestorDomain="${domain}"`);
  await openFilteredList(page, url, runs[0]!.workflowId);
  await configureListColumns(page, {
    remove: ['Run ID', 'Type', 'Start', 'End'],
    add: ['AccessPackageName', 'ProvisioningStage', 'ProvisioningOutcome'],
  });
  for (const run of runs) await openFilteredList(page, url, run.workflowId, run.expect);
  const table = page.getByTestId('workflows-summary-configurable-table-row').last();
  const box = await table.boundingBox();
  const width = page.viewportSize()?.width ?? 1400;
  await page.screenshot({
    path,
    clip: { x: 0, y: 0, width, height: Math.ceil((box?.y ?? 400) + (box?.height ?? 0) + 24) },
  });
}

async function runPictures(page: Page, uiUrl: string, workflowId: string, dir: string): Promise<void> {
  await openFilteredList(page, workflowListUrl(uiUrl, `RequestorDomain="${domain}"`), workflowId);
  await page.getByRole('link', { name: workflowId, exact: true }).click();
  await userMetadata(page, 3);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(dir, 'web-ui-run.png') });

  await openRunTab(page, 'Timeline');
  await page.getByRole('button', { name: 'Descending' }).click();
  await page.getByText('createAccessPackage •', { exact: false }).first().waitFor();
  await scrollToTop(page.getByRole('button', { name: 'Ascending' }));
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(dir, 'web-ui-timeline.png') });
}

async function makePictures(stack: Stack, browser: Browser): Promise<void> {
  mkdirSync(imagesDir, { recursive: true });
  const uiUrl = stack.temporal.uiUrl ?? '';

  // A run that holds its access, one that keeps what it created, and the tutorial followed on a terminal.
  const hold = await cli(stack, [
    'start',
    '--requestor-upn',
    `adele.vance@${domain}`,
    '--package-name',
    'Finance Reports',
    '--group-name',
    'Finance',
    '--cleanup',
    'hold',
    '--json',
  ]);
  const keep = await cli(stack, [
    'run',
    '--requestor-upn',
    `megan.bowen@${domain}`,
    '--package-name',
    'Sales Tools',
    '--group-name',
    'Sales',
    '--cleanup',
    'keep',
    '--json',
  ]);
  const tutorial = await cli(stack, ['run'], true);
  if (hold.code !== 0 || keep.code !== 0 || tutorial.code !== 0) {
    throw new Error(`a CLI run failed:\n${hold.text}\n${keep.text}\n${tutorial.text}`);
  }
  const idOf = (text: string) => String((JSON.parse(text.trim()) as { workflowId: string }).workflowId);
  const tutorialId = /^(provision\/\S+): completed$/m.exec(tutorial.text)?.[1] ?? '';

  await terminalPicture(
    browser,
    ['$ npx entra-saga run', ...finalScreen(tutorial.text)],
    join(imagesDir, 'cli-progress.png'),
  );

  // The list is wider than the run's page: the workflow ids take room and the search-attribute columns follow.
  const listPage = await browser.newPage({ viewport: { width: 1680, height: 700 }, deviceScaleFactor: 1 });
  listPage.setDefaultTimeout(30_000);
  await listPicture(
    listPage,
    uiUrl,
    [
      { workflowId: tutorialId, expect: ['Done', 'completed'] },
      { workflowId: idOf(keep.text), expect: ['Done', 'completed'] },
      { workflowId: idOf(hold.text), expect: ['Holding'] },
    ],
    join(imagesDir, 'web-ui-list.png'),
  );
  const page = await browser.newPage({ viewport: { width: 1400, height: 960 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(30_000);
  await runPictures(page, uiUrl, tutorialId, imagesDir);
}

const dir = mkdtempSync(join(tmpdir(), 'entra-saga-screenshots-'));
let stack: Stack | undefined;
let browser: Browser | undefined;
try {
  browser = await launchChromium();
  process.stdout.write('starting the local stack\n');
  stack = await startStack({
    temporalPort: await port('TEMPORAL_DEV_PORT', 7233),
    uiPort: await port('TEMPORAL_UI_PORT', 8233),
    emulatorPort: await port('ENTRA_SAGA_EMULATOR_PORT', 8443),
    dir,
    persist: false,
  });
  await makePictures(stack, browser);
  process.stdout.write(
    `wrote cli-progress.png, web-ui-list.png, web-ui-run.png, web-ui-timeline.png in ${imagesDir}\n`,
  );
} catch (error) {
  process.stderr.write(`screenshots: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
}

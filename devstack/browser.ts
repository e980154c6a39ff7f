// Headless Debian Chromium driven by playwright-core, and the few Temporal Web UI (2.54) pages an operator uses to
// find and read a provisioning run. Shared by the Web UI tests and `scripts/screenshots.ts`. Never downloads a browser.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';

/** Where tests write screenshots (gitignored). */
const artifactsDir = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

// Without the background-networking flags Chromium keeps calling home, which a closed network answers slowly.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Debian's Chromium, or fails saying how to install it. */
export async function launchChromium(executablePath = chromiumPath): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}; the Web UI test needs Debian's package: ` +
        '`sudo apt-get update && sudo apt-get install -y chromium` (no browser is ever downloaded by the tests)',
    );
  }
  return chromium.launch({ executablePath, args: chromiumArgs, timeout: 60_000 });
}

export function artifactPath(name: string): string {
  mkdirSync(artifactsDir, { recursive: true });
  return join(artifactsDir, name);
}

/**
 * The Web UI's workflows list of `namespace` filtered by a visibility query, as typed in its search box. Write
 * `Name="a b"` without spaces around `=`: with them, UI 2.54's filter chip shows only the value's first word.
 */
export function workflowListUrl(uiUrl: string, query: string, namespace = 'default'): string {
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

/** The list's rows (one per run). */
export function workflowRows(page: Page): Locator {
  return page.getByTestId('workflows-summary-configurable-table-row');
}

/** The row of one run, by its workflow id. */
function workflowRow(page: Page, workflowId: string): Locator {
  return workflowRows(page).filter({ has: page.getByRole('link', { name: workflowId, exact: true }) });
}

/**
 * Opens the filtered list and reloads until the run's row shows `expectText` (visibility is eventually consistent:
 * the last search-attribute upsert may land a moment after the run closed).
 */
export async function openFilteredList(
  page: Page,
  url: string,
  workflowId: string,
  expectText: string[] = [],
  timeoutMs = 30_000,
): Promise<Locator> {
  const deadline = Date.now() + timeoutMs;
  await page.goto(url);
  for (;;) {
    const row = workflowRow(page, workflowId);
    try {
      await row.waitFor({ timeout: 5_000 });
      const text = await row.innerText();
      if (expectText.every((t) => text.includes(t))) return row;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`the row of ${workflowId} at ${url} never showed ${expectText.join(', ')}`);
    await page.waitForTimeout(1_000);
    await page.reload();
  }
}

/**
 * Sets up the list's columns through the table's "Configure Columns" drawer, as an operator would (the UI keeps the
 * choice in the browser): `add` appends columns such as custom search attributes, `remove` hides built-in ones.
 */
export async function configureListColumns(page: Page, columns: { add?: string[]; remove?: string[] }): Promise<void> {
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  for (const name of columns.remove ?? []) {
    const remove = page.getByRole('button', { name: `Remove ${name} column`, exact: true });
    if (await remove.count()) await remove.click();
  }
  for (const name of columns.add ?? []) {
    const add = page.getByRole('button', { name: `Add ${name} column`, exact: true });
    if (await add.count()) await add.click();
  }
  await page.getByRole('button', { name: 'Close Workflows Table configuration' }).click();
  for (const name of columns.add ?? []) await page.getByTestId(`workflows-summary-table-header-cell-${name}`).waitFor();
}

/** Scrolls the page's own scrolling container so that `target` is at the top of the viewport. */
export async function scrollToTop(target: Locator): Promise<void> {
  // Typed by hand: the project's lib has no DOM types.
  type Scrollable = { scrollIntoView(options: { block: 'start' }): void };
  await target.evaluate((element: Scrollable) => element.scrollIntoView({ block: 'start' }));
}

/** Opens one tab of a run's page ("Timeline", "Event History", "User Metadata", "Search Attributes", …). */
export async function openRunTab(page: Page, tab: string): Promise<void> {
  await page
    .getByRole('tab', { name: new RegExp(`^${tab}`) })
    .first()
    .click();
}

/**
 * The text of the Markdown blocks on a run's "User Metadata" tab (summary, details, current details, in page order).
 * The UI renders each in its own iframe (`/render?content=…`), so the page's own text never contains them. The
 * current details are the answer to a query the UI sends the worker when the tab opens; on a busy machine the query
 * can expire before the worker has replayed the run, and the UI leaves the block empty without asking again — so an
 * empty block is read again after reloading the page, up to three times.
 */
export async function userMetadata(page: Page, atLeast: number): Promise<string[]> {
  for (let attempt = 1; ; attempt += 1) {
    await openRunTab(page, 'User Metadata');
    const frames = page.locator('iframe[title="output"]');
    await frames.nth(atLeast - 1).waitFor();
    const texts: string[] = [];
    for (let i = 0; i < (await frames.count()); i++) {
      const body = frames.nth(i).contentFrame().locator('body');
      await body.locator('*').first().waitFor();
      // The frame exists before its Markdown is rendered into it.
      await body
        .filter({ hasText: /\S/ })
        .waitFor({ timeout: 10_000 })
        .catch(() => undefined);
      texts.push((await body.innerText()).trim());
    }
    if (texts.every((text) => text !== '') || attempt === 3) return texts;
    await page.reload();
  }
}

// POST /_emulator/sites {url, title?}: adds a SharePoint Online site collection to the tenant, as if created in
// SharePoint (the emulator has no SharePoint API). The URL must be https://<tenant>.sharepoint.com/sites/<name> (or
// /teams/<name>) and new; the title defaults to <name>. Each problem is a 400 naming the field.

import { randomUUID } from 'node:crypto';
import { isoTime } from '../clock.js';
import type { EmulatorContext } from '../context.js';
import { findSite, siteRoles } from '../graph/em/resource-kinds.js';
import { sharePointHost } from '../store/seed.js';
import type { SiteRecord } from '../store/state.js';

export class SiteError extends Error {
  override readonly name = 'SiteError';
}

function parseUrl(ctx: EmulatorContext, value: unknown): { url: string; name: string } {
  const host = sharePointHost(ctx.options.domain);
  const expected = `url must be a site URL such as ${host}/sites/Marketing`;
  if (typeof value !== 'string' || value.trim() === '') throw new SiteError(`${expected} (it is required)`);
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    throw new SiteError(`${expected}, got '${value}'`);
  }
  const match = /^\/(sites|teams)\/([^/]+)\/?$/.exec(parsed.pathname);
  if (parsed.origin.toLowerCase() !== host || !match || parsed.search || parsed.hash || parsed.username)
    throw new SiteError(`${expected}, got '${value}'`);
  return { url: `${host}/${match[1]}/${match[2]}`, name: decodeURIComponent(match[2]!) };
}

export function addSite(ctx: EmulatorContext, body: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(body))
    if (key !== 'url' && key !== 'title') throw new SiteError(`${key} is not a site field (use url, title)`);
  const { url, name } = parseUrl(ctx, body.url);
  const title = body.title ?? name;
  if (typeof title !== 'string' || title.trim() === '' || title.length > 255)
    throw new SiteError('title must be a non-empty string of at most 255 characters');
  if (findSite(ctx.store.state.sites, url)) throw new SiteError(`url: a site ${url} already exists`);
  const now = ctx.clock.now();
  const site: SiteRecord = { id: randomUUID(), createdAt: now, visibleAt: now, url, title: title.trim() };
  ctx.store.mutate((s) => s.sites.push(site));
  return siteJson(site);
}

export function siteJson(site: SiteRecord): Record<string, unknown> {
  return {
    id: site.id,
    url: site.url,
    title: site.title,
    createdDateTime: isoTime(site.createdAt),
    roles: siteRoles(site).map((r) => ({ originId: r.originId, displayName: r.displayName })),
  };
}

// The apps that may ask the token endpoint for tokens: the emulator's own registration (secret, certificate or public
// client flows) and apps registered through POST /applications, which have no credentials in the emulator and so
// may only use public client flows (device code, password), and only with `isFallbackPublicClient: true` — Entra's
// "Allow public client flows".

import type { EmulatorContext } from '../context.js';
import { identityDefaults } from '../options.js';

export interface ClientApp {
  appId: string;
  displayName: string;
  /** The emulator's own app: its secret and registered certificates authenticate it. */
  isEmulatorApp: boolean;
  /** May redeem public client grants (device code, password) without a client credential. */
  allowsPublicClientFlows: boolean;
}

export function findClientApp(ctx: EmulatorContext, clientId: string): ClientApp | undefined {
  const appId = clientId.toLowerCase();
  if (appId === ctx.options.clientId) {
    return { appId, displayName: identityDefaults.appDisplayName, isEmulatorApp: true, allowsPublicClientFlows: true };
  }
  const app = ctx.store.state.applications.find((a) => a.appId === appId && a.deletedAt === undefined);
  if (!app || app.visibleAt > ctx.clock.now()) return undefined;
  return {
    appId,
    displayName: app.displayName,
    isEmulatorApp: false,
    allowsPublicClientFlows: app.isFallbackPublicClient === true,
  };
}

// The device sign-in pages as HTML: plain forms (POST, each with its one-time flow token), no script, no external
// resources, one inline style sheet allowed by a per-response nonce. Every interpolated value is escaped by the
// `html` tag unless it is already SafeHtml, so a display name or an app name cannot inject markup.

import { randomBytes } from 'node:crypto';
import type { Reply } from '../server/exchange.js';

class SafeHtml {
  constructor(readonly text: string) {}
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => entities[c]!);
}

type Value = string | number | SafeHtml | readonly SafeHtml[] | undefined;

function fragment(value: Value): string {
  if (value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number') return escapeHtml(String(value));
  if (value instanceof SafeHtml) return value.text;
  return value.map((v) => v.text).join('');
}

/** A template whose values are escaped; arrays of fragments are joined. */
function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  return new SafeHtml(strings.reduce((text, part, i) => text + fragment(values[i - 1]) + part));
}

const style = `
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:440px;margin:8vh auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 16px}
p,li{font-size:15px;line-height:1.4}
label{display:block;font-size:15px;margin:12px 0 4px}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;font-size:15px;padding:6px 0;border:0;
border-bottom:1px solid #666;outline:none}
.error{color:#e81123}
.actions{margin-top:24px;text-align:right}
button{font-size:15px;padding:6px 24px;margin-left:8px;border:1px solid #0067b8;background:#0067b8;color:#fff}
button.secondary{background:#ccc;border-color:#ccc;color:#1b1b1b}
.note{color:#666;font-size:13px;margin-top:24px}
code{font-size:14px}
`;

interface PageContent {
  title: string;
  body: SafeHtml;
  status?: number;
}

function page({ title, body, status = 200 }: PageContent): Reply {
  const nonce = randomBytes(16).toString('base64');
  const document = html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title}</title>
        <style nonce="${nonce}">
          ${new SafeHtml(style)}
        </style>
      </head>
      <body>
        <main>
          ${body}
          <p class="note">Graph emulator — a local stand-in for Microsoft Entra sign-in.</p>
        </main>
      </body>
    </html> `;
  return {
    status,
    text: document.text,
    contentType: 'text/html; charset=utf-8',
    headers: {
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store, no-cache',
      Pragma: 'no-cache',
    },
  };
}

const errorLine = (message: string | undefined) =>
  message === undefined ? html`` : html`<p class="error" role="alert">${message}</p>`;

const flowField = (flowToken: string) => html`<input type="hidden" name="flowToken" value="${flowToken}" />`;

export function enterCodePage(flowToken: string, error?: string): Reply {
  return page({
    title: 'Enter code',
    body: html`<h1>Enter code</h1>
      <p>Enter the code displayed on your app or device.</p>
      ${errorLine(error)}
      <form method="post" action="/devicelogin">
        ${flowField(flowToken)}
        <label for="otc">Code</label>
        <input type="text" id="otc" name="otc" autocomplete="off" autofocus required />
        <div class="actions"><button type="submit">Next</button></div>
      </form>`,
  });
}

export function signInPage(flowToken: string, appName: string, username: string, error?: string): Reply {
  return page({
    title: 'Sign in to your account',
    body: html`<h1>Sign in</h1>
      <p>to continue to <strong>${appName}</strong></p>
      ${errorLine(error)}
      <form method="post" action="/devicelogin">
        ${flowField(flowToken)}
        <label for="login">Email or user principal name</label>
        <input type="text" id="login" name="login" value="${username}" autocomplete="username" required />
        <label for="passwd">Password</label>
        <input type="password" id="passwd" name="passwd" autocomplete="current-password" required />
        <div class="actions"><button type="submit">Sign in</button></div>
      </form>`,
  });
}

export interface Permission {
  name: string;
  description: string;
}

export function consentPage(flowToken: string, appName: string, userPrincipalName: string, permissions: Permission[]) {
  const items = permissions.map((p) => html`<li><strong>${p.description}</strong><br /><code>${p.name}</code></li>`);
  return page({
    title: 'Are you trying to sign in?',
    body: html`<h1>Are you trying to sign in to ${appName}?</h1>
      <p>Signed in as <strong>${userPrincipalName}</strong>.</p>
      <p>
        Only continue if you started this sign-in yourself, on an app or device you trust. ${appName} will have these
        permissions, which your organization has already granted to it:
      </p>
      <ul>
        ${items}
      </ul>
      <form method="post" action="/devicelogin">
        ${flowField(flowToken)}
        <div class="actions">
          <button type="submit" name="action" value="cancel" class="secondary">Cancel</button>
          <button type="submit" name="action" value="continue">Continue</button>
        </div>
      </form>`,
  });
}

export function adminApprovalPage(flowToken: string, appName: string, scopes: string[]): Reply {
  return page({
    title: 'Need admin approval',
    body: html`<h1>Need admin approval</h1>
      <p>
        <strong>${appName}</strong> needs permission to access resources in your organization that only an admin can
        grant. Please ask an admin to grant permission to this app before you can use it.
      </p>
      <p>Not granted: ${scopes.map((s) => html`<code>${s}</code> `)}</p>
      <form method="post" action="/devicelogin">
        ${flowField(flowToken)}
        <div class="actions">
          <button type="submit" name="action" value="cancel" class="secondary">
            Return to the application without granting consent
          </button>
        </div>
      </form>`,
  });
}

export function finishedPage(appName: string, approved: boolean): Reply {
  return page({
    title: appName,
    body: approved
      ? html`<h1>${appName}</h1>
          <p>
            You have signed in to the <strong>${appName}</strong> application on your device. You may now close this
            window.
          </p>`
      : html`<h1>${appName}</h1>
          <p>
            You have declined to sign in to the <strong>${appName}</strong> application on your device. You may now
            close this window.
          </p>`,
  });
}

export function staleFormPage(): Reply {
  return page({
    status: 400,
    title: 'Start again',
    body: html`<h1>Start again</h1>
      <p class="error" role="alert">
        This page is out of date or was already submitted. For your security, start again.
      </p>
      <p><a href="/devicelogin">Enter the code again</a></p>`,
  });
}

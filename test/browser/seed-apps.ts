import { resolve } from 'node:path';
import { build, transform, type Message } from 'esbuild';
import { readSeedDocument, seedCodeBlock } from '../support/seed-document';
import type { AppServer } from './app-server';

const REPO_ROOT = resolve(__dirname, '..', '..');

/** Where the two browser examples live in the seed document. */
export const WEB_APP_SECTION = '#### PKCE Authorization Flow';
export const SPA_SECTION = '### React Implementation';

/** The placeholders in the seed code that a test replaces; nothing else in the code is changed. */
export const SEED_PLACEHOLDERS = {
  webClientId: "'your-client-id'",
  webRedirectUri: "'https://yourapp.com/oauth/callback'",
  authServerUrl: "'https://auth.yourcompany.com'",
  spaClientId: "'your-spa-client-id'",
  spaUserRequest: "apiRequest('/api/user')",
} as const;

export interface SeedApps {
  /** `oauth-client.ts`: class OAuth2Client plus its usage code. */
  webApp: string;
  /** `hooks/useOAuth.ts` (TSX): OAuthProvider, the example components and `Root`. */
  spa: string;
}

/** Extracts both examples from the seed document; throws when the document or a block is missing. */
export function readSeedApps(document: string = readSeedDocument()): SeedApps {
  const apps = {
    webApp: seedCodeBlock(WEB_APP_SECTION, 'typescript', document),
    spa: seedCodeBlock(SPA_SECTION, 'tsx', document),
  };
  expectIn(apps.webApp, 'class OAuth2Client', WEB_APP_SECTION);
  expectIn(apps.webApp, 'async function loadUserData', WEB_APP_SECTION);
  expectIn(apps.spa, 'export const OAuthProvider', SPA_SECTION);
  expectIn(apps.spa, 'const Root', SPA_SECTION);
  return apps;
}

function expectIn(code: string, fragment: string, section: string): void {
  if (!code.includes(fragment)) {
    throw new Error(`The seed code under "${section}" no longer contains "${fragment}"; the browser tests expect it`);
  }
}

/** A JavaScript string literal for `value`. */
function literal(value: string): string {
  return JSON.stringify(value);
}

/** Replaces every occurrence of each placeholder; throws when one is absent, so a changed seed fails loudly. */
export function substitute(
  code: string,
  label: string,
  replacements: ReadonlyArray<readonly [string, string]>,
): string {
  let result = code;
  for (const [placeholder, value] of replacements) {
    if (!result.includes(placeholder)) {
      throw new Error(`The ${label} seed code has no ${placeholder} to replace; has the seed document changed?`);
    }
    result = result.split(placeholder).join(value);
  }
  return result;
}

function describeBuildError(label: string, error: unknown): Error {
  const errors = (error as { errors?: Message[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    return new Error(`bundling the ${label} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const lines = errors.map((message) => {
    const at = message.location
      ? ` (${message.location.file}:${message.location.line}:${message.location.column})`
      : '';
    return `  ${message.text}${at}${message.location ? `\n    ${message.location.lineText}` : ''}`;
  });
  return new Error(`bundling the ${label} failed:\n${lines.join('\n')}`);
}

export interface WebAppSettings {
  clientId: string;
  /** The origin that serves the web app, e.g. http://127.0.0.1:40123. */
  appUrl: string;
  authServerUrl: string;
}

/**
 * The web app example as a classic script: its top-level `oauth` and `loadUserData` stay global, so a test
 * can call them. Its token, revocation and API requests use relative URLs, which the app server proxies.
 */
export async function buildWebAppScript(source: string, settings: WebAppSettings): Promise<string> {
  const code = substitute(source, 'web app (OAuth2Client)', [
    [SEED_PLACEHOLDERS.webClientId, literal(settings.clientId)],
    [SEED_PLACEHOLDERS.webRedirectUri, literal(`${settings.appUrl}/oauth/callback`)],
    [SEED_PLACEHOLDERS.authServerUrl, literal(settings.authServerUrl)],
  ]);
  try {
    const result = await transform(code, {
      loader: 'ts',
      target: 'es2022',
      sourcefile: 'oauth-client.ts',
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    return result.code;
  } catch (error) {
    throw describeBuildError('web app (OAuth2Client)', error);
  }
}

export interface SpaSettings {
  clientId: string;
  authServerUrl: string;
}

// Mounts the example's root component; appended to the seed module, whose imports are hoisted.
const SPA_ENTRY = `
import { createRoot as createGrantlineTestRoot } from 'react-dom/client';

const grantlineTestContainer = document.getElementById('root');
if (!grantlineTestContainer) throw new Error('the page has no #root element');
createGrantlineTestRoot(grantlineTestContainer).render(<Root />);
`;

/**
 * The React example bundled for the browser (React from the repository's node_modules). The SPA calls the
 * authorization server directly, its `/api/user` included, so every call is cross-origin.
 */
export async function buildSpaScript(source: string, settings: SpaSettings): Promise<string> {
  const userApi = `apiRequest(${literal(`${settings.authServerUrl}/api/user`)})`;
  const code = substitute(source, 'React SPA (OAuthProvider)', [
    [SEED_PLACEHOLDERS.spaClientId, literal(settings.clientId)],
    [SEED_PLACEHOLDERS.authServerUrl, literal(settings.authServerUrl)],
    [SEED_PLACEHOLDERS.spaUserRequest, userApi],
  ]);
  try {
    const result = await build({
      stdin: { contents: code + SPA_ENTRY, loader: 'tsx', resolveDir: REPO_ROOT, sourcefile: 'hooks/useOAuth.tsx' },
      absWorkingDir: REPO_ROOT,
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"development"' },
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    const output = result.outputFiles[0];
    if (!output) throw new Error('esbuild produced no output');
    return output.text;
  } catch (error) {
    throw describeBuildError('React SPA (OAuthProvider)', error);
  }
}

const WEB_APP_SCRIPT_PATH = '/oauth-client.js';
const SPA_SCRIPT_PATH = '/spa.js';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
  </head>
  <body>
${body}
  </body>
</html>
`;
}

const HTML = 'text/html; charset=utf-8';
const JAVASCRIPT = 'text/javascript; charset=utf-8';

/** Serves the web app: `/`, `/login`, `/oauth/callback` and `/dashboard`, each loading the script at the end. */
export function serveWebApp(server: AppServer, script: string): void {
  const scriptTag = `    <script src="${WEB_APP_SCRIPT_PATH}"></script>`;
  const loginButton = '    <button id="login-btn" type="button">Sign in with Grantline</button>';
  server.serve(WEB_APP_SCRIPT_PATH, { contentType: JAVASCRIPT, body: script });
  const pages: Record<string, string> = {
    '/': page('Web app', `    <h1>Web app</h1>\n${loginButton}\n${scriptTag}`),
    '/login': page('Web app: sign in', `    <h1>Sign in</h1>\n${loginButton}\n${scriptTag}`),
    '/oauth/callback': page('Web app: signing in', `    <h1>Signing in…</h1>\n${scriptTag}`),
    '/dashboard': page('Web app: dashboard', `    <h1>Dashboard</h1>\n${scriptTag}`),
  };
  for (const [path, html] of Object.entries(pages)) server.serve(path, { contentType: HTML, body: html });
}

/** Serves the SPA at `/` and at its redirect URI `/oauth/callback`. */
export function serveSpa(server: AppServer, script: string): void {
  server.serve(SPA_SCRIPT_PATH, { contentType: JAVASCRIPT, body: script });
  const html = page('SPA', `    <div id="root"></div>\n    <script src="${SPA_SCRIPT_PATH}"></script>`);
  for (const path of ['/', '/oauth/callback']) server.serve(path, { contentType: HTML, body: html });
}

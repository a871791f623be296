import { createHash } from 'node:crypto';
import type { AuthorizationResponse } from '@grantline/lib-oauth';
import { escapeHtml } from './escape';
import { renderHiddenFields } from './hidden-fields';
import { pageHeaders, renderLayout } from './layout';

const SUBMIT_SCRIPT = 'document.forms[0].submit();';
const SCRIPT_HASH = createHash('sha256').update(SUBMIT_SCRIPT, 'utf8').digest('base64');

/**
 * OAuth 2.0 Form Post Response Mode §2: the response parameters as hidden fields of a form that the
 * browser POSTs to the client's redirect URI at once; without JavaScript, the person presses Continue.
 */
export function renderFormPostPage(response: AuthorizationResponse): string {
  const body = `<h1>Returning to the application</h1>
<form method="post" action="${escapeHtml(response.redirectUri)}">
${renderHiddenFields(Object.fromEntries(response.parameters))}
<noscript><p>JavaScript is off; press Continue to return to the application.</p>
<div class="actions"><button type="submit" class="primary">Continue</button></div></noscript>
</form>
<script>${SUBMIT_SCRIPT}</script>`;
  return renderLayout({ title: 'Returning to the application', body });
}

/**
 * The page's headers: never cached (it carries a code), its one script allowed by hash, and its
 * form allowed to go to the redirect URI and nowhere else.
 */
export function formPostHeaders(response: AuthorizationResponse): Record<string, string> {
  return pageHeaders([`script-src 'sha256-${SCRIPT_HASH}'`, `form-action ${formActionSource(response.redirectUri)}`]);
}

/**
 * The redirect URI as a CSP source expression (CSP3 §2.3.1): scheme, host, port and path, with the
 * characters that would end a directive or a source list percent-encoded; the query is not part of it.
 * A private-use scheme (RFC 8252 §7.1) is named by its scheme alone.
 */
function formActionSource(redirectUri: string): string {
  const url = new URL(redirectUri);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return url.protocol;
  const path = url.pathname.replace(/;/g, '%3B').replace(/,/g, '%2C').replace(/\s/g, '');
  return `${url.origin}${path}`;
}

import { escapeHtml } from './escape';
import { renderHiddenFields } from './hidden-fields';
import { renderLayout } from './layout';

export interface UserCodeView {
  action: string;
  hidden: Record<string, string>;
  /** Prefilled from verification_uri_complete; the person still confirms it. */
  userCode?: string;
  error?: string;
}

const ERROR_ID = 'user-code-error';

/** RFC 8628 §3.3: where a person types the code their device shows. */
export function renderUserCodePage(view: UserCodeView): string {
  const invalid = view.error ? ` aria-invalid="true" aria-describedby="${ERROR_ID}"` : '';
  const alert = view.error ? `<p class="alert" id="${ERROR_ID}" role="alert">${escapeHtml(view.error)}</p>\n` : '';
  const body = `<h1>Connect a device</h1>
<p>Enter the code shown on the device you are setting up.</p>
${alert}<form method="post" action="${escapeHtml(view.action)}">
${renderHiddenFields(view.hidden)}
<div class="field">
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" class="user-code" value="${escapeHtml(view.userCode ?? '')}" placeholder="XXXX-XXXX" maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus${invalid}>
</div>
<div class="actions">
<button type="submit" class="primary">Continue</button>
</div>
</form>`;
  return renderLayout({ title: 'Connect a device', body });
}

/** The end of the device verification: nothing more to do in the browser. */
export function renderDeviceDonePage(view: { approved: boolean; clientName: string }): string {
  const client = escapeHtml(view.clientName);
  const body = view.approved
    ? `<h1>Device connected</h1>
<p>${client} can now use your account. Return to your device; it will continue by itself.</p>`
    : `<h1>Request denied</h1>
<p>${client} was not given access. You can close this window.</p>`;
  return renderLayout({ title: view.approved ? 'Device connected' : 'Request denied', body });
}

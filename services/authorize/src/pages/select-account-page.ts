import { escapeHtml } from './escape';
import { renderHiddenFields } from './hidden-fields';
import { renderLayout } from './layout';

export interface SelectAccountView {
  clientName: string;
  userName: string;
  userEmail: string;
  /** URL the choice is posted to. */
  action: string;
  /** The sealed interaction and CSRF token. */
  hidden: Record<string, string>;
}

/** OpenID Connect prompt=select_account: go on as the person signed in, or sign in as someone else. */
export function renderSelectAccountPage(view: SelectAccountView): string {
  const body = `<h1>Choose an account for ${escapeHtml(view.clientName)}</h1>
<form method="post" action="${escapeHtml(view.action)}">
${renderHiddenFields(view.hidden)}
<div class="actions">
<button type="submit" name="account" value="continue" class="primary">Continue as ${escapeHtml(view.userName)} (${escapeHtml(view.userEmail)})</button>
<button type="submit" name="account" value="switch">Use another account</button>
</div>
</form>`;
  return renderLayout({ title: `Choose an account for ${view.clientName}`, body });
}

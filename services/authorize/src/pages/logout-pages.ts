import { escapeHtml } from './escape';
import { renderHiddenFields } from './hidden-fields';
import { renderLayout } from './layout';

export interface SignOutConfirmView {
  action: string;
  hidden: Record<string, string>;
  /** The app that asked, when it is known. */
  clientName?: string;
}

/** RP-Initiated Logout 1.0 §2: asks before ending a session the request could not prove it holds. */
export function renderSignOutConfirmPage(view: SignOutConfirmView): string {
  const asker =
    view.clientName === undefined
      ? '<p>An app asked to sign you out.</p>'
      : `<p>${escapeHtml(view.clientName)} asked to sign you out.</p>`;
  const body = `<h1>Sign out of Grantline?</h1>
${asker}
<p class="muted">You will be signed out in this browser. Apps that end their sessions with yours are signed out too.</p>
<form method="post" action="${escapeHtml(view.action)}">
${renderHiddenFields(view.hidden)}
<div class="actions">
<button type="submit" class="primary" autofocus>Sign out</button>
</div>
</form>`;
  return renderLayout({ title: 'Sign out of Grantline?', body });
}

/** The end of a logout that has nowhere registered to return to. */
export function renderSignedOutPage(): string {
  const body = `<h1>You are signed out</h1>
<p>You can close this window.</p>`;
  return renderLayout({ title: 'You are signed out', body });
}

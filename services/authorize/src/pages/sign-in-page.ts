import { escapeHtml } from './escape';
import { renderHiddenFields } from './hidden-fields';
import { renderLayout } from './layout';

export interface SignInView {
  clientName: string;
  /** URL the form posts to. */
  action: string;
  /** Request parameters carried through the form as hidden inputs. */
  hidden: Record<string, string>;
  /** Email to prefill, typically after a failed attempt. */
  email?: string;
  /** Message shown in the alert region; marks the inputs invalid. */
  error?: string;
  /** For a client known by its metadata document: the host that document came from. */
  clientHost?: string;
}

const ERROR_ID = 'sign-in-error';

/** The sign-in form of the authorization endpoint. */
export function renderSignInPage(view: SignInView): string {
  const email = view.email ?? '';
  const invalid = view.error ? ` aria-invalid="true" aria-describedby="${ERROR_ID}"` : '';
  const alert = view.error ? `<p class="alert" id="${ERROR_ID}" role="alert">${escapeHtml(view.error)}</p>\n` : '';
  const focusEmail = email === '' ? ' autofocus' : '';
  const focusPassword = email === '' ? '' : ' autofocus';

  const host =
    view.clientHost === undefined
      ? ''
      : `<p class="client-host muted">An application from <strong class="host">${escapeHtml(view.clientHost)}</strong></p>\n`;
  const body = `<h1>Sign in to continue to ${escapeHtml(view.clientName)}</h1>
${host}${alert}<form method="post" action="${escapeHtml(view.action)}">
${renderHiddenFields(view.hidden)}
<div class="field">
<label for="email">Email</label>
<input type="email" id="email" name="email" value="${escapeHtml(email)}" autocomplete="username" autocapitalize="none" spellcheck="false" required${focusEmail}${invalid}>
</div>
<div class="field">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${focusPassword}${invalid}>
</div>
<div class="actions">
<button type="submit" class="primary">Sign in</button>
</div>
</form>`;

  return renderLayout({ title: `Sign in to ${view.clientName}`, body });
}

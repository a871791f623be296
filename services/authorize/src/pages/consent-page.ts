import { escapeHtml } from './escape';
import { renderHiddenFields } from './hidden-fields';
import { renderLayout } from './layout';
import { describeScopes } from './scope-descriptions';

export interface ConsentView {
  clientName: string;
  userName: string;
  userEmail: string;
  /** Requested scopes, as sent by the client. */
  scopes: readonly string[];
  /** The names of the resources (RFC 8707) the access is for; none for the account itself. */
  resources?: readonly string[];
  /** URL the decision is posted to. */
  action: string;
  /** Request parameters carried through the form as hidden inputs. */
  hidden: Record<string, string>;
  /** On the device verification page: the code the device shows, for the person to compare (RFC 8628 §5.4). */
  userCode?: string;
  /**
   * A native app (RFC 8252) receives the answer on the person's device: at links of its private-use
   * `scheme`, or (no scheme) at a loopback listener.
   */
  nativeApp?: { scheme?: string };
  /**
   * For a client known by its metadata document: the host that document came from. The name is
   * the client's own claim; the host is what Grantline checked.
   */
  clientHost?: string;
}

function renderNativeApp(clientNameHtml: string, app: ConsentView['nativeApp']): string {
  if (app === undefined) return '';
  const where =
    app.scheme === undefined
      ? 'It receives the answer on this device'
      : `It receives the answer at <code>${escapeHtml(app.scheme)}:</code> links`;
  return `<p class="native-app">${clientNameHtml} is an app on your device. ${where}; if you did not just start signing in from that app, choose Deny.</p>
`;
}

function renderClientHost(clientHost: string | undefined): string {
  if (clientHost === undefined) return '';
  return `<p class="client-host">This application identifies itself from <strong class="host">${escapeHtml(clientHost)}</strong>.
Its name is its own claim: allow it only if you expected an application from ${escapeHtml(clientHost)}.</p>
`;
}

function renderCodeCheck(userCode: string | undefined): string {
  if (userCode === undefined) return '';
  return `<p>Check that your device shows this code:</p>
<p class="user-code">${escapeHtml(userCode)}</p>
<p class="muted">If it does not, or you did not start this on a device of your own, choose Deny.</p>`;
}

function renderResources(clientNameHtml: string, resources: readonly string[] | undefined): string {
  if (resources === undefined || resources.length === 0) return '';
  const items = resources.map((name) => `<li><span class="resource-name">${escapeHtml(name)}</span></li>`);
  return `<h2 id="resources-heading">${clientNameHtml} will use this access only with:</h2>
<ul class="resources" aria-labelledby="resources-heading">
${items.join('\n')}
</ul>`;
}

function renderScopes(clientNameHtml: string, scopes: readonly string[]): string {
  if (scopes.length === 0) {
    return `<p>${clientNameHtml} asks for basic access only.</p>`;
  }
  const items = describeScopes(scopes).map(
    (scope) =>
      `<li><span class="scope-name">${escapeHtml(scope.name)}</span>` +
      `<span class="scope-description">${escapeHtml(scope.description)}</span></li>`,
  );
  return `<h2 id="scopes-heading">This will allow ${clientNameHtml} to:</h2>
<ul class="scopes" aria-labelledby="scopes-heading">
${items.join('\n')}
</ul>`;
}

/** The consent screen: the requested scopes and one form with Allow and Deny. */
export function renderConsentPage(view: ConsentView): string {
  const clientName = escapeHtml(view.clientName);

  const body = `<h1>${clientName} wants to access your account</h1>
${renderClientHost(view.clientHost)}<p class="muted">Signed in as <strong>${escapeHtml(view.userName)}</strong> (${escapeHtml(view.userEmail)})</p>
${renderNativeApp(clientName, view.nativeApp)}${renderCodeCheck(view.userCode)}${renderScopes(clientName, view.scopes)}
${renderResources(clientName, view.resources)}
<form method="post" action="${escapeHtml(view.action)}">
${renderHiddenFields(view.hidden)}
<div class="actions">
<button type="submit" name="decision" value="approve" class="primary">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`;

  return renderLayout({ title: `Allow ${view.clientName} to access your account?`, body });
}

import { escapeHtml } from './escape';
import { renderLayout } from './layout';

export interface ErrorView {
  title: string;
  message: string;
}

/**
 * A dead-end page for requests that cannot be sent back to the client (unknown client,
 * unregistered redirect URI). It deliberately contains no link to the client.
 */
export function renderErrorPage(view: ErrorView): string {
  const body = `<h1>${escapeHtml(view.title)}</h1>
<p>${escapeHtml(view.message)}</p>
<p class="muted">You can close this window and return to the app you came from.</p>`;

  return renderLayout({ title: view.title, body });
}

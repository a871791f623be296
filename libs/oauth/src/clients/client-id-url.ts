/**
 * Client identifier URLs (draft-ietf-oauth-client-id-metadata-document §3): a client that has
 * never been registered names itself by the https URL of its metadata document.
 */

/** The longest client identifier URL accepted; longer ones are refused before any fetch. */
const MAX_LENGTH = 2048;

/** Whether a client_id is meant as a metadata document's URL (and so is never a registered client's). */
export function isClientIdUrl(clientId: string): boolean {
  return clientId.startsWith('https://');
}

/**
 * Why a client_id cannot name a metadata document, or null when it can: https, a path other
 * than `/`, no fragment, no user info, no `.` or `..` segments, and written in the one form the
 * URL parser gives back (so two spellings never make two clients). A query is allowed.
 */
export function clientIdUrlRefusal(clientId: string): string | null {
  if (clientId.length > MAX_LENGTH) return `a client identifier URL is at most ${MAX_LENGTH} characters`;
  if (!isClientIdUrl(clientId) || !URL.canParse(clientId)) return 'a client identifier URL is an https URL';
  if (clientId.includes('#')) return 'a client identifier URL has no fragment';
  const url = new URL(clientId);
  if (url.username !== '' || url.password !== '') return 'a client identifier URL has no user info';
  if (hasDotSegment(clientId)) return 'a client identifier URL has no . or .. path segments';
  if (url.pathname === '/' || url.pathname === '') return 'a client identifier URL has a path';
  if (url.href !== clientId) return `a client identifier URL is written as ${url.href}`;
  return null;
}

/** The path of the URL as written (before any normalisation) has a `.` or `..` segment, encoded or not. */
function hasDotSegment(clientId: string): boolean {
  const afterScheme = clientId.slice('https://'.length);
  const slash = afterScheme.indexOf('/');
  if (slash === -1) return false;
  const path = afterScheme.slice(slash).split('?')[0] ?? '';
  return path
    .split('/')
    .map((segment) => segment.toLowerCase().replaceAll('%2e', '.'))
    .some((segment) => segment === '.' || segment === '..');
}

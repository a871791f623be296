import { randomUUID } from 'node:crypto';
import { authorize, codeExchange, FormBrowser, pkcePair, tokenRequest } from '@grantline/lib-testing';
import type { MetadataDocumentServer } from './metadata-document-server';
import type { GrantlineTestClient } from './oauth-test-client';
import { pollUntil } from './poll-until';

/** Registered for a loopback listener, which may use any port (RFC 8252 §7.3). */
const REGISTERED_REDIRECT = 'http://127.0.0.1/callback';
const REDIRECT = 'http://127.0.0.1:8765/callback';

/**
 * The settings a server under this contract runs with: documents on, the `read` scope for such
 * clients, a one-second cache floor (so a change shows within seconds), and a fetcher allowed to
 * reach the loopback document server and trusting its test CA.
 */
export function metadataDocumentSettings(documents: MetadataDocumentServer): Record<string, string> {
  return {
    GRANTLINE_CLIENT_METADATA_DOCUMENTS: 'true',
    GRANTLINE_CLIENT_METADATA_SCOPES: 'read',
    GRANTLINE_CLIENT_METADATA_CACHE_MIN: '1',
    GRANTLINE_FETCH_ALLOWED_HOSTS: '127.0.0.1',
    GRANTLINE_FETCH_CA_FILE: documents.certificates.caFile,
  };
}

/**
 * A client that has never been registered signs a person in with its client ID metadata
 * document (served over https on loopback), through the pages with PKCE; its tokens introspect
 * active and refresh. The document is fetched once for the whole flow, whichever services and
 * replicas serve it; a changed document is fetched again after its max-age; a document whose
 * client_id is not its URL is refused at both endpoints. Names are unique, so it can run
 * against a shared server.
 */
export async function checkClientMetadataDocuments(
  baseUrl: string,
  admin: GrantlineTestClient,
  documents: MetadataDocumentServer,
): Promise<void> {
  const suffix = randomUUID();
  const person = { email: `cimd-${suffix}@example.test`, name: 'Grace', password: 'correct horse battery' };
  await admin.registerUser(person);
  const gateway = await admin.registerClient({ name: `gateway ${suffix}` });
  const metadata = (await (await fetch(`${baseUrl}/.well-known/oauth-authorization-server`)).json()) as Record<
    string,
    unknown
  >;
  expect(metadata.client_id_metadata_document_supported).toBe(true);

  const path = `/clients/${suffix}.json`;
  const clientId = documents.url(path);
  const document = {
    client_id: clientId,
    client_name: 'Contract Editor',
    redirect_uris: [REGISTERED_REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
  };
  documents.serve(path, document, 'max-age=120');

  const browser = new FormBrowser(baseUrl);
  const flow = await authorize(browser, { clientId, redirectUri: REDIRECT, scope: 'read', ...person });
  expect(flow.pages).toEqual(['sign-in', 'consent']);
  const redeemed = await tokenRequest(baseUrl, codeExchange(flow, { clientId, redirectUri: REDIRECT }));
  expect(redeemed.status).toBe(200);
  const tokens = redeemed.body as { access_token: string; refresh_token: string };
  expect(await admin.introspect(tokens.access_token, gateway.client_id, gateway.client_secret)).toMatchObject({
    active: true,
    client_id: clientId,
    scope: 'read',
  });
  const refreshed = await tokenRequest(baseUrl, {
    grant_type: 'refresh_token',
    client_id: clientId,
    refresh_token: tokens.refresh_token,
  });
  expect(refreshed.status).toBe(200);
  // The authorize and token services (and each of their replicas) share one copy.
  expect(documents.fetches(path)).toBe(1);

  // The consent page names the host the identity comes from, beside the name the client claims.
  const consentUrl = (id: string) => {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: id,
      redirect_uri: REDIRECT,
      scope: 'read',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      prompt: 'consent',
    });
    return `/oauth/authorize?${query}`;
  };
  const consentPage = async () => (await browser.get(consentUrl(clientId))).text();
  const host = new URL(clientId).host;
  const page = await consentPage();
  expect(page).toContain(`<strong class="host">${host}</strong>`);
  expect(page).toContain('Contract Editor wants to access your account');

  // A changed document is fetched again once its max-age (here the one-second floor) is over.
  const changingPath = `/clients/${suffix}-changing.json`;
  const changingId = documents.url(changingPath);
  documents.serve(changingPath, { ...document, client_id: changingId }, 'max-age=1');
  const changingPage = async () => (await browser.get(consentUrl(changingId))).text();
  expect(await changingPage()).toContain('Contract Editor wants');
  documents.serve(changingPath, { ...document, client_id: changingId, client_name: 'Renamed Editor' }, 'max-age=1');
  expect(await pollUntil(changingPage, (html) => html.includes('Renamed Editor wants'), 10_000, 250)).toContain(
    'Renamed Editor wants',
  );
  expect(documents.fetches(changingPath)).toBeGreaterThanOrEqual(2);

  // A document that names another client_id: an error page (never a redirect), and invalid_client.
  const foreignPath = `/clients/${suffix}-foreign.json`;
  const foreignId = documents.url(foreignPath);
  documents.serve(foreignPath, { ...document, client_id: clientId });
  const refusedPage = await browser.get(consentUrl(foreignId));
  expect(refusedPage.status).toBe(400);
  expect(refusedPage.headers.get('location')).toBeNull();
  const refusedToken = await tokenRequest(baseUrl, {
    grant_type: 'refresh_token',
    client_id: foreignId,
    refresh_token: tokens.refresh_token,
  });
  expect(refusedToken.status).toBe(401);
  expect(refusedToken.body).toMatchObject({ error: 'invalid_client' });
}

/* eslint-disable no-restricted-syntax */
// Load test for Grantline's client-credentials path: issue a token, then introspect it.
//
//   k6 run -e CLIENT_ID=... -e CLIENT_SECRET=... k6/client-credentials.ts
//
// Environment: BASE_URL (default http://localhost:3000), CLIENT_ID, CLIENT_SECRET, SCOPE (default
// "read"), INTROSPECT_UNAUTHENTICATED=1 to introspect without client credentials (the server must run
// with GRANTLINE_INTROSPECTION_ALLOW_UNAUTHENTICATED=true, and then answers only `active`). Unauthenticated
// introspection is rate-limited per caller address (GRANTLINE_INTROSPECTION_UNAUTHENTICATED_LIMIT, 300 a
// minute by default) and every VU here shares one address, so raise that limit or expect 429s to fail the run.
import { check, fail } from 'k6';
import encoding from 'k6/encoding';
import http from 'k6/http';
import type { Options } from 'k6/options';

const BASE_URL = (__ENV.BASE_URL || 'http://localhost:3000').replace(/\/+$/, '');
const CLIENT_ID = __ENV.CLIENT_ID || '';
const CLIENT_SECRET = __ENV.CLIENT_SECRET || '';
const SCOPE = __ENV.SCOPE || 'read';
const INTROSPECT_UNAUTHENTICATED = __ENV.INTROSPECT_UNAUTHENTICATED === '1';

// Only loopback origins are accepted, so that a mistyped BASE_URL cannot put load on someone else's server.
if (!/^http:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/.test(BASE_URL)) {
  throw new Error(`BASE_URL must be a loopback http origin such as http://localhost:3000, got ${BASE_URL}`);
}
if (CLIENT_ID === '' || CLIENT_SECRET === '') {
  throw new Error('Set CLIENT_ID and CLIENT_SECRET (-e CLIENT_ID=... -e CLIENT_SECRET=...) to a registered client');
}

export const options: Options = {
  stages: [
    { duration: '30s', target: 10 },
    { duration: '1m', target: 50 },
    { duration: '2m', target: 100 },
    { duration: '30s', target: 0 },
  ],
  thresholds: {
    http_req_duration: ['p(95)<500'],
    http_req_failed: ['rate<0.02'],
  },
};

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

// RFC 6749 section 2.3.1: the id and secret are form-encoded before they are joined and base64-encoded.
const BASIC_AUTH = `Basic ${encoding.b64encode(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`)}`;
const INTROSPECTION_HEADERS: Record<string, string> = INTROSPECT_UNAUTHENTICATED
  ? FORM
  : { ...FORM, Authorization: BASIC_AUTH };

export default function (): void {
  const tokenResponse = http.post(
    `${BASE_URL}/oauth/token`,
    { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: SCOPE },
    { headers: FORM, tags: { endpoint: 'token' } },
  );
  const issued = check(tokenResponse, {
    'token: status 200': (r) => r.status === 200,
    'token: has access_token': (r) => r.status === 200 && typeof r.json('access_token') === 'string',
  });
  if (!issued) return;

  const accessToken = tokenResponse.json('access_token');
  if (typeof accessToken !== 'string') fail('the token response has no access_token');

  const introspection = http.post(
    `${BASE_URL}/oauth/introspect`,
    { token: accessToken, token_type_hint: 'access_token' },
    { headers: INTROSPECTION_HEADERS, tags: { endpoint: 'introspect' } },
  );
  check(introspection, {
    'introspect: status 200': (r) => r.status === 200,
    'introspect: token is active': (r) => r.status === 200 && r.json('active') === true,
  });
}

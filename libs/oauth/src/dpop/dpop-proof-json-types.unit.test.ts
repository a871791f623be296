import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { oauthFixture, TEST_ISSUER, type OAuthFixture } from '@grantline/lib-testing';
import { OAuthError } from '../errors';
import type { OAuthRequest } from '../http-types';
import { verifyDpopProof, type ProofExpectation } from './dpop-proof';

/**
 * RFC 9449 §4.3 with RFC 7515 §4.1 and RFC 7517 §4: every header member, jwk member and claim of a
 * proof, given each JSON type it must not have, is refused as invalid_dpop_proof (400 at the token
 * endpoint, 401 at a resource), never an exception that would become a 500.
 */
const TOKEN_URL = `${TEST_ISSUER}/oauth/token`;
const RESOURCE_URL = `${TEST_ISSUER}/api/user`;
const ACCESS_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.an-access-token.signature';
/** Caller text that must never reach a description or a log detail. */
const MARKER = 'caller-text-marker';

type Json = string | number | boolean | null | Json[] | { [member: string]: Json };
type Members = Record<string, unknown>;

const JSON_VALUES: Record<string, Json> = {
  string: MARKER,
  'empty string': '',
  number: 42,
  'negative fraction': -1.5,
  true: true,
  false: false,
  null: null,
  array: [MARKER],
  'empty array': [],
  object: { [MARKER]: MARKER },
  'nested object': { a: { b: [MARKER, 1, null] } },
};

/** Every JSON value except those of the member's own type. */
function wrongValues(...keep: string[]): [string, Json][] {
  return Object.entries(JSON_VALUES).filter(([type]) => !keep.includes(type));
}

const STRINGS = ['string', 'empty string'];
const NUMBERS = ['number', 'negative fraction'];
const HEADER_CASES: [string, Json][] = [
  ...['typ', 'alg'].flatMap((member) => wrongValues().map(([, value]): [string, Json] => [member, value])),
  ...wrongValues().map(([, value]): [string, Json] => ['jwk', value]),
  ...wrongValues(...STRINGS).map(([, value]): [string, Json] => ['kid', value]),
  // RFC 7515 §4.1.11: we understand no extension, so every crit is refused, without quoting its names.
  ...wrongValues().map(([, value]): [string, Json] => ['crit', value]),
];
const JWK_CASES: [string, Json][] = ['kty', 'crv', 'x', 'y', 'n', 'e', 'd', 'kid', 'use', 'alg'].flatMap((member) =>
  wrongValues(...STRINGS).map(([, value]): [string, Json] => [member, value]),
);
const CLAIM_CASES: [string, Json][] = [
  ...['jti', 'htm', 'htu', 'ath', 'nonce'].flatMap((member) =>
    wrongValues(...STRINGS).map(([, value]): [string, Json] => [member, value]),
  ),
  ...wrongValues(...NUMBERS).map(([, value]): [string, Json] => ['iat', value]),
];

describe('DPoP proofs with members of the wrong JSON type', () => {
  let fixture: OAuthFixture;
  let privateKey: KeyObject;
  let jwk: JWK;

  const now = () => Math.floor(fixture.clock.now().getTime() / 1000);
  const request = (method: string): OAuthRequest => ({
    method,
    headers: {},
    body: '',
    remoteAddress: '127.0.0.1',
    requestId: 'dpop-json-types-test',
  });
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  /** A proof with a header written by hand, signed by the proof's key: only the odd member is wrong. */
  function handMadeProof(header: Members): string {
    const input = `${encode({ typ: 'dpop+jwt', alg: 'ES256', jwk, ...header })}.${encode(claimsFor({}))}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }

  function claimsFor(claims: Members, resource = false): Members {
    const target = resource
      ? { htm: 'GET', htu: RESOURCE_URL, ath: createHash('sha256').update(ACCESS_TOKEN).digest('base64url') }
      : { htm: 'POST', htu: TOKEN_URL };
    return { jti: randomBytes(12).toString('base64url'), iat: now(), ...target, ...claims };
  }

  /** A proof signed by the key in its header, so checks after the signature are reached. */
  const signedProof = (claims: Members, resource = false) =>
    new SignJWT(claimsFor(claims, resource))
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(privateKey);

  async function refusalOf(proof: string, expected: ProofExpectation): Promise<unknown> {
    const method = expected.site === 'token' ? 'POST' : 'GET';
    try {
      await verifyDpopProof(fixture.context, request(method), proof, expected);
    } catch (error) {
      return error;
    }
    throw new Error('the proof was accepted');
  }

  function expectRefused(thrown: unknown, status: 400 | 401): void {
    expect(thrown).toBeInstanceOf(OAuthError);
    const refusal = thrown as OAuthError;
    expect({ error: refusal.error, status: refusal.status }).toEqual({ error: 'invalid_dpop_proof', status });
    // RFC 6749 §5.2 descriptions are ours; neither they nor the logged detail repeat the caller's text.
    expect(refusal.error_description).not.toContain(MARKER);
    expect(String(refusal.options.detail)).not.toContain(MARKER);
  }

  const AT_TOKEN: ProofExpectation = { site: 'token', path: '/oauth/token', nonceRequired: false };
  const AT_RESOURCE: ProofExpectation = { ...AT_TOKEN, site: 'resource', path: '/api/user', accessToken: ACCESS_TOKEN };

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey as KeyObject;
    jwk = await exportJWK(pair.publicKey);
  });

  beforeEach(async () => {
    fixture = await oauthFixture({ dpop: { proofWindowSeconds: 60, nonceRequired: false, noncePeriodSeconds: 300 } });
  });

  it.each([
    ['signed with jose', () => signedProof({})],
    ['written by hand', () => handMadeProof({})],
  ])('accepts the well-typed proof the cases below start from, %s', async (_name, build) => {
    await expect(verifyDpopProof(fixture.context, request('POST'), await build(), AT_TOKEN)).resolves.toEqual({
      jkt: expect.any(String),
    });
  });

  it.each(HEADER_CASES)('refuses header %s = %j with 400', async (member, value) => {
    expectRefused(await refusalOf(handMadeProof({ [member]: value }), AT_TOKEN), 400);
  });

  it.each(HEADER_CASES)('refuses header %s = %j at a resource with 401', async (member, value) => {
    expectRefused(await refusalOf(handMadeProof({ [member]: value }), AT_RESOURCE), 401);
  });

  it.each(JWK_CASES)('refuses jwk member %s = %j', async (member, value) => {
    expectRefused(await refusalOf(handMadeProof({ jwk: { ...jwk, [member]: value } }), AT_TOKEN), 400);
  });

  it.each([
    ['a JSON string as the whole header', MARKER],
    ['a JSON array as the whole header', [MARKER]],
    ['JSON null as the whole header', null],
  ])('refuses %s', async (_name, header) => {
    const proof = `${encode(header)}.${encode(claimsFor({}))}.c2ln`;
    expectRefused(await refusalOf(proof, AT_TOKEN), 400);
  });

  it.each(CLAIM_CASES)('refuses claim %s = %j with 400', async (member, value) => {
    expectRefused(await refusalOf(await signedProof({ [member]: value }), AT_TOKEN), 400);
  });

  it.each(CLAIM_CASES)('refuses claim %s = %j at a resource with 401', async (member, value) => {
    expectRefused(await refusalOf(await signedProof({ [member]: value }, true), AT_RESOURCE), 401);
  });
});

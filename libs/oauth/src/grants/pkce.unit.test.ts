import { createHash, randomBytes } from 'node:crypto';
import { isWellFormedChallenge, isWellFormedVerifier, verifierMatches } from './pkce';

/** Base64 with the URL-safe alphabet but its "=" padding kept, as a client without NO_PADDING makes it. */
function paddedBase64Url(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

describe('PKCE (RFC 7636)', () => {
  it('accepts a base64url verifier of 32 random bytes and its S256 challenge', () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    expect(isWellFormedVerifier(verifier)).toBe(true);
    expect(isWellFormedChallenge(challenge)).toBe(true);
    expect(verifierMatches(verifier, challenge)).toBe(true);
  });

  it('refuses a verifier that keeps its "=" padding (§4.1: unreserved characters only)', () => {
    const verifier = paddedBase64Url(randomBytes(32));
    expect(verifier).toMatch(/=$/);
    expect(isWellFormedVerifier(verifier)).toBe(false);
  });

  it('refuses a challenge that keeps its "=" padding (§4.2: base64url without padding, 43 characters)', () => {
    const challenge = paddedBase64Url(createHash('sha256').update('verifier').digest());
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(isWellFormedChallenge(challenge)).toBe(false);
  });
});

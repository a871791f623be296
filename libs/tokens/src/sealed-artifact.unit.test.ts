import { decodeProtectedHeader } from 'jose';
import { ArtifactSealer, type ArtifactKind } from './sealed-artifact';
import { generateSigningJwk, keyRingFromJwks } from './signing-keys';

const NOW = 1_800_000_000;
const payload = { gid: 'grant-1', sub: 'user-1', scope: 'read write', nested: { ok: true } };

/** Flips one character in the middle of a compact JWE part, keeping it valid base64url. */
function tamper(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const value = parts[part] ?? '';
  const at = Math.floor(value.length / 2);
  parts[part] = `${value.slice(0, at)}${value[at] === 'A' ? 'B' : 'A'}${value.slice(at + 1)}`;
  return parts.join('.');
}

describe('ArtifactSealer', () => {
  let sealer: ArtifactSealer;
  let oldJwk: Awaited<ReturnType<typeof generateSigningJwk>>;

  beforeAll(async () => {
    oldJwk = await generateSigningJwk('old');
    sealer = new ArtifactSealer(await keyRingFromJwks([oldJwk]));
  });

  it('opens what it sealed, with the expiry it was given', async () => {
    const sealed = await sealer.seal('refresh-token', payload, NOW + 60);
    expect(await sealer.open('refresh-token', sealed, NOW)).toEqual({ ...payload, exp: NOW + 60 });
  });

  it('seals as a compact JWE with direct A256GCM, naming the key and the kind', async () => {
    const sealed = await sealer.seal('authorization-code', payload, NOW + 60);
    expect(sealed.split('.')).toHaveLength(5);
    expect(sealed.split('.')[1]).toBe('');
    expect(decodeProtectedHeader(sealed)).toEqual({
      alg: 'dir',
      enc: 'A256GCM',
      kid: 'old',
      cty: 'authorization-code',
    });
  });

  it('keeps the payload secret', async () => {
    const sealed = await sealer.seal('session', { sub: 'user-visible-marker' }, NOW + 60);
    expect(sealed).not.toContain('user-visible-marker');
    for (const part of sealed.split('.')) {
      expect(Buffer.from(part, 'base64url').toString('latin1')).not.toContain('user-visible-marker');
    }
  });

  it('seals the same payload differently every time', async () => {
    const first = await sealer.seal('session', payload, NOW + 60);
    const second = await sealer.seal('session', payload, NOW + 60);
    expect(first).not.toBe(second);
  });

  it('uses the given expiry over an exp in the payload', async () => {
    const sealed = await sealer.seal('session', { ...payload, exp: NOW + 10_000 }, NOW + 60);
    expect(await sealer.open('session', sealed, NOW)).toMatchObject({ exp: NOW + 60 });
    expect(await sealer.open('session', sealed, NOW + 61)).toBeNull();
  });

  const kinds: ArtifactKind[] = ['authorization-code', 'refresh-token', 'session', 'interaction'];
  it.each(
    kinds.flatMap((sealedAs) => kinds.filter((kind) => kind !== sealedAs).map((openedAs) => [sealedAs, openedAs])),
  )('refuses %s opened as %s', async (sealedAs, openedAs) => {
    const sealed = await sealer.seal(sealedAs as ArtifactKind, payload, NOW + 60);
    expect(await sealer.open(openedAs as ArtifactKind, sealed, NOW)).toBeNull();
  });

  it('refuses an artifact whose kind was rewritten in its header', async () => {
    const sealed = await sealer.seal('session', payload, NOW + 60);
    const [, ...rest] = sealed.split('.');
    const header = Buffer.from(
      JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'old', cty: 'refresh-token' }),
    ).toString('base64url');
    expect(await sealer.open('refresh-token', [header, ...rest].join('.'), NOW)).toBeNull();
  });

  it.each([
    ['the protected header', 0],
    ['the initialisation vector', 2],
    ['the ciphertext', 3],
    ['the authentication tag', 4],
  ])('refuses an artifact with %s tampered with', async (_name, part) => {
    const sealed = await sealer.seal('authorization-code', payload, NOW + 60);
    expect(await sealer.open('authorization-code', tamper(sealed, part), NOW)).toBeNull();
  });

  it.each([
    ['garbage', 'not-sealed'],
    ['an empty string', ''],
    ['five empty parts', '....'],
    ['a JWS', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
  ])('refuses %s', async (_name, sealed) => {
    expect(await sealer.open('session', sealed, NOW)).toBeNull();
  });

  it('refuses an expired artifact, from the second of its expiry', async () => {
    const sealed = await sealer.seal('authorization-code', payload, NOW + 60);
    expect(await sealer.open('authorization-code', sealed, NOW + 59)).not.toBeNull();
    expect(await sealer.open('authorization-code', sealed, NOW + 60)).toBeNull();
    expect(await sealer.open('authorization-code', sealed, NOW + 3600)).toBeNull();
  });

  it('cannot be opened with another key ring, even one whose key has the same kid', async () => {
    const sealed = await sealer.seal('refresh-token', payload, NOW + 60);
    const stranger = new ArtifactSealer(await keyRingFromJwks([await generateSigningJwk('old')]));
    const unrelated = new ArtifactSealer(await keyRingFromJwks([await generateSigningJwk('other')]));
    expect(await stranger.open('refresh-token', sealed, NOW)).toBeNull();
    expect(await unrelated.open('refresh-token', sealed, NOW)).toBeNull();
  });

  it('opens with another sealer over the same keys (another replica)', async () => {
    const sealed = await sealer.seal('interaction', payload, NOW + 60);
    const replica = new ArtifactSealer(await keyRingFromJwks([oldJwk]));
    expect(await replica.open('interaction', sealed, NOW)).toEqual({ ...payload, exp: NOW + 60 });
  });

  describe('key rotation', () => {
    it('still opens what the old key sealed while it is in the ring, and seals with the new one', async () => {
      const before = await sealer.seal('refresh-token', payload, NOW + 60);
      const rotated = new ArtifactSealer(await keyRingFromJwks([await generateSigningJwk('new'), oldJwk]));
      expect(await rotated.open('refresh-token', before, NOW)).toEqual({ ...payload, exp: NOW + 60 });

      const after = await rotated.seal('refresh-token', payload, NOW + 60);
      expect(decodeProtectedHeader(after).kid).toBe('new');
      expect(await rotated.open('refresh-token', after, NOW)).not.toBeNull();
      expect(await sealer.open('refresh-token', after, NOW)).toBeNull();
    });

    it('no longer opens what a key sealed once it has left the ring', async () => {
      const before = await sealer.seal('refresh-token', payload, NOW + 60);
      const retired = new ArtifactSealer(await keyRingFromJwks([await generateSigningJwk('new')]));
      expect(await retired.open('refresh-token', before, NOW)).toBeNull();
    });
  });

  describe('a header member of the wrong JSON type (RFC 7516 §4.1)', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = { alg: 'dir', enc: 'A256GCM', kid: 'old', cty: 'session' };
    const values: unknown[] = [42, true, false, null, ['old'], { kid: 'old' }, { a: { b: [1, null] } }];

    it.each(['kid', 'cty', 'alg', 'enc'].flatMap((member) => values.map((value) => [member, value] as const)))(
      'opens nothing when %s is %j',
      async (member, value) => {
        const sealed = await sealer.seal('session', payload, NOW + 60);
        const [, ...rest] = sealed.split('.');
        const odd = [encode({ ...header, [member]: value }), ...rest].join('.');
        await expect(sealer.open('session', odd, NOW)).resolves.toBeNull();
      },
    );
  });
});

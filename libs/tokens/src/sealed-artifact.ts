import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import type { KeyRing, SigningKey } from './signing-keys';

/** What a sealed artifact is for; each kind has its own key, so one can never pass for another. */
export type ArtifactKind =
  'authorization-code' | 'refresh-token' | 'session' | 'interaction' | 'pushed-authorization-request';

/** RFC 7516 §4.1: the members of a sealed artifact's header we read, with their JSON types. */
const SealedHeaderSchema = z.looseObject({ kid: z.string(), cty: z.string() });
/** What we seal is an object with its expiry; anything else was not sealed by us. */
const SealedPayloadSchema = z.looseObject({ exp: z.number() });

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Opaque, self-contained artifacts (authorization codes, refresh tokens, the sign-in session,
 * a pending authorization request): JWE with direct A256GCM encryption under a key derived
 * from the signing key. Any replica that holds the key ring can open them, so no lookup is
 * needed to read one; their single use is enforced separately, by an atomic claim.
 */
export class ArtifactSealer {
  private readonly keys = new Map<string, Uint8Array>();

  constructor(private readonly ring: KeyRing) {}

  async seal(kind: ArtifactKind, payload: Record<string, unknown>, expiresAt: number): Promise<string> {
    const { active } = this.ring;
    return new CompactEncrypt(encoder.encode(JSON.stringify({ ...payload, exp: expiresAt })))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: active.kid, cty: kind })
      .encrypt(this.keyFor(active, kind));
  }

  /** The payload of an unexpired artifact of this kind that we sealed; null for anything else. */
  async open(kind: ArtifactKind, sealed: string, nowSeconds: number): Promise<Record<string, unknown> | null> {
    try {
      const header = SealedHeaderSchema.safeParse(decodeProtectedHeader(sealed));
      if (!header.success || header.data.cty !== kind) return null;
      const key = this.ring.byKid(header.data.kid);
      if (!key) return null;
      const { plaintext } = await compactDecrypt(sealed, this.keyFor(key, kind), {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      const payload = SealedPayloadSchema.safeParse(JSON.parse(decoder.decode(plaintext)));
      return payload.success && payload.data.exp > nowSeconds ? payload.data : null;
    } catch {
      return null;
    }
  }

  private keyFor(signingKey: SigningKey, kind: ArtifactKind): Uint8Array {
    const id = `${signingKey.kid}\u0000${kind}`;
    let key = this.keys.get(id);
    if (!key) {
      key = new Uint8Array(hkdfSync('sha256', signingKey.seed, 'grantline', `artifact:${kind}`, 32));
      this.keys.set(id, key);
    }
    return key;
  }
}

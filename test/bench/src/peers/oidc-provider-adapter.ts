/** What node-oidc-provider stores through an adapter: a JSON object per model instance. */
export type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string };

/** The adapter contract of node-oidc-provider: one instance per model name. */
export interface Adapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export type AdapterFactory = new (model: string) => Adapter;

/** Models whose instances belong to a grant and go when it is revoked. */
export const GRANT_MEMBERS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

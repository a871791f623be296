export interface ScopeDescription {
  name: string;
  description: string;
}

const KNOWN_SCOPES: ReadonlyMap<string, ScopeDescription> = new Map([
  ['read', { name: 'Read access', description: 'Read your data' }],
  ['write', { name: 'Write access', description: 'Create and change your data' }],
  ['openid', { name: 'Sign-in', description: 'Confirm who you are when you sign in to this app' }],
  ['profile', { name: 'Profile', description: 'See your name' }],
  ['email', { name: 'Email address', description: 'See your email address' }],
  ['offline_access', { name: 'Offline access', description: 'Stay signed in to this app when you are not using it' }],
  [
    'personal-access-tokens',
    {
      name: 'Personal access tokens',
      description: "Create long-lived tokens that act as you; they stop working when you remove this app's access",
    },
  ],
  ['admin', { name: 'Administration', description: 'Manage this authorization server, its apps and its users' }],
]);

/** A human name and description of a scope; unknown scopes get a generic description naming them. */
export function describeScope(scope: string): ScopeDescription {
  const known = KNOWN_SCOPES.get(scope);
  if (known) return { ...known };
  return { name: scope, description: `Use the permission "${scope}"` };
}

/** Describes each scope, in order. */
export function describeScopes(scopes: readonly string[]): ScopeDescription[] {
  return scopes.map(describeScope);
}

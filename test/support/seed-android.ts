import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { substitute } from '../browser/seed-apps';
import { expectSeedFragment, seedCodeBlock } from './seed-document';

export const ANDROID_SECTION = '### Android (Kotlin)';
/** The seed's file goes on with a usage Activity (AppCompat, lifecycleScope); only the client is run. */
const USAGE_MARKER = '// Usage in Activity';

/** One of the seed Android client's own bugs, and the smallest textual change that mends it. */
export interface SeedFix {
  name: string;
  bug: string;
  replacements: ReadonlyArray<readonly [string, string]>;
}

/**
 * (a) `Uri.Builder().authority(...)` percent-encodes the port's colon (`127.0.0.1%3A3000`) and the
 * scheme is fixed to https: take both from the server URL, already encoded.
 */
export const FIX_AUTHORITY: SeedFix = {
  name: 'scheme and encodedAuthority from authServerUrl',
  bug: 'the authorization URL is https://<host>%3A<port>/oauth/authorize',
  replacements: [
    [
      '.scheme("https")\n            .authority(Uri.parse(authServerUrl).authority)',
      '.scheme(Uri.parse(authServerUrl).scheme)\n            .encodedAuthority(Uri.parse(authServerUrl).encodedAuthority)',
    ],
  ],
};

/** (b) Base64 without NO_PADDING leaves `=` in the verifier and challenge, which RFC 7636 §4.1-4.2 forbid. */
export const FIX_PADDING: SeedFix = {
  name: 'Base64.NO_PADDING for the PKCE verifier and challenge',
  bug: 'the PKCE verifier and challenge end in "="',
  replacements: [
    [
      '}.let { Base64.encodeToString(it, Base64.URL_SAFE or Base64.NO_WRAP) }\n\n        val digest',
      '}.let { Base64.encodeToString(it, Base64.URL_SAFE or Base64.NO_WRAP or Base64.NO_PADDING) }\n\n        val digest',
    ],
    [
      'Base64.encodeToString(hash, Base64.URL_SAFE or Base64.NO_WRAP)',
      'Base64.encodeToString(hash, Base64.URL_SAFE or Base64.NO_WRAP or Base64.NO_PADDING)',
    ],
  ],
};

/** (c) A server URL ending in "/" gives `//oauth/token`. */
export const FIX_BASE_URL: SeedFix = {
  name: "authServerUrl.trimEnd('/') before /oauth/token",
  bug: 'a server URL with a trailing slash posts to //oauth/token',
  replacements: [['"$authServerUrl/oauth/token"', '"${authServerUrl.trimEnd(\'/\')}/oauth/token"']],
};

/** The variants the Robolectric test (test/android) runs, by the Kotlin package each is compiled into. */
export const ANDROID_VARIANTS: ReadonlyArray<{ pkg: string; fixes: readonly SeedFix[] }> = [
  { pkg: 'aswritten', fixes: [] },
  { pkg: 'fixedauthority', fixes: [FIX_AUTHORITY] },
  { pkg: 'fixedpadding', fixes: [FIX_AUTHORITY, FIX_PADDING] },
  { pkg: 'fixedbaseurl', fixes: [FIX_AUTHORITY, FIX_PADDING, FIX_BASE_URL] },
];

/** The seed's OAuthManager.kt (and its TokenResponse), without the usage Activity after it. */
export function androidSeedSource(): string {
  const block = seedCodeBlock(ANDROID_SECTION, 'kotlin');
  for (const fragment of [
    'class OAuthManager(',
    'CustomTabsIntent.Builder()',
    'data class TokenResponse',
    USAGE_MARKER,
  ]) {
    expectSeedFragment(block, fragment, ANDROID_SECTION);
  }
  return block.slice(0, block.indexOf(USAGE_MARKER));
}

/** The seed source with `fixes` applied (each must still find its text) in Kotlin package `pkg`. */
export function androidVariant(source: string, pkg: string, fixes: readonly SeedFix[]): string {
  const fixed = fixes.reduce(
    (code, fix) => substitute(code, `Android OAuthManager (${fix.name})`, fix.replacements),
    source,
  );
  return `package dev.grantline.seed.${pkg}\n\n${fixed}`;
}

/** Writes every variant under `dir`, one folder per package, for the Maven build's -Dseed.sources. */
export function writeAndroidVariants(source: string, dir: string): void {
  for (const { pkg, fixes } of ANDROID_VARIANTS) {
    mkdirSync(join(dir, pkg), { recursive: true });
    writeFileSync(join(dir, pkg, 'OAuthManager.kt'), androidVariant(source, pkg, fixes));
  }
}

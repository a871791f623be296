import type { JSONWebKeySet } from 'jose';
import type { RemoteFetcher } from '@grantline/lib-fetch';
import type { Clock } from '../clock';
import { IssuerKeys } from './issuer-keys';
import type { TrustedIssuer, TrustedIssuersDocument } from './trusted-issuers';

/** A trusted issuer with this replica's cache of its keys. */
export interface KnownIssuer {
  entry: TrustedIssuer;
  keys: IssuerKeys;
}

/** The issuers whose assertions the JWT bearer grant accepts, found by their exact `iss`. */
export class TrustedIssuerDirectory {
  private readonly issuers: ReadonlyMap<string, KnownIssuer>;

  constructor(document: TrustedIssuersDocument, fetcher: RemoteFetcher, clock: Clock) {
    this.issuers = new Map(
      document.issuers.map((entry) => {
        const source =
          entry.jwks === undefined ? { jwksUri: entry.jwks_uri as string } : { jwks: entry.jwks as JSONWebKeySet };
        return [entry.issuer, { entry, keys: new IssuerKeys(source, fetcher, clock) }];
      }),
    );
  }

  find(issuer: string): KnownIssuer | undefined {
    return this.issuers.get(issuer);
  }

  get size(): number {
    return this.issuers.size;
  }
}

/** No issuer is trusted: the grant refuses every assertion. */
export const NO_TRUSTED_ISSUERS: TrustedIssuersDocument = { issuers: [] };

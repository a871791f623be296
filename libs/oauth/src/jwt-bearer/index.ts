export {
  trustedIssuersDocumentSchema,
  trustedIssuerSchema,
  ASSERTION_ALGORITHMS,
  type TrustedIssuer,
  type TrustedIssuersDocument,
} from './trusted-issuers';
export { TrustedIssuerDirectory, NO_TRUSTED_ISSUERS, type KnownIssuer } from './trusted-issuer-directory';

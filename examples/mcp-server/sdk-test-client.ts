import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * A client of the MCP SDK as the tests drive it: it keeps what the SDK hands it and, instead of
 * opening a browser, remembers the authorization URL for the test to follow.
 */
export class KeepingClientProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  private verifier = '';
  private saved: OAuthTokens | undefined;

  constructor(
    readonly redirectUrl: string,
    readonly clientMetadata: OAuthClientMetadata,
    protected information?: OAuthClientInformationMixed,
  ) {}

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }
  tokens(): OAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
}

/** One that registers itself: the SDK saves what registration returned (RFC 7591). */
export class SelfRegisteringClientProvider extends KeepingClientProvider {
  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }
}

/**
 * One that was never registered: it names itself by the URL of its client ID metadata document,
 * and keeps the client information the SDK derives from that.
 */
export class MetadataDocumentClientProvider extends SelfRegisteringClientProvider {
  constructor(
    redirectUrl: string,
    clientMetadata: OAuthClientMetadata,
    readonly clientMetadataUrl: string,
  ) {
    super(redirectUrl, clientMetadata);
  }
}

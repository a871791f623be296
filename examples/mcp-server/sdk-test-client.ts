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

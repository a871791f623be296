/**
 * Thrown by a credential check when the proof does not hold; the message is for the logs only.
 * Anything else a check throws (a store or a fetch that failed) is not the client's fault and
 * keeps its own mapping.
 */
export class CredentialRefused extends Error {
  override readonly name = 'CredentialRefused';
}

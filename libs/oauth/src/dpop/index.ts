export { DPOP_ALGORITHMS, invalidDpopProof, useDpopNonce, type ProofSite } from './dpop-errors';
export { DpopNonces } from './dpop-nonce';
export {
  accessTokenHash,
  dpopHeaderOf,
  verifyDpopProof,
  type ProofExpectation,
  type VerifiedProof,
} from './dpop-proof';

/**
 * @freebird/node-verifier: Ed25519 through node:crypto (OpenSSL) for Node.js,
 * about 15x faster than the pure-JS reference, with the same verdicts; and
 * SHA-256 for message ids.
 */
export { nodeSha256 } from './node-sha256.ts'
export { createNodeSigner } from './node-signer.ts'
export {
  createNodeVerifier,
  createOpenSslVerifier,
  type NodeVerifierOptions,
} from './node-verifier.ts'

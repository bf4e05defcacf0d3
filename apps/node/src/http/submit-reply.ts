import { toHex } from '@freebird/protocol'
import type { IngestResult } from '../pipeline/ingest.ts'

/** Refusals that are the node's own trouble, not the message's: the client should retry. */
const RETRY_NOW = new Set(['node.verify_unavailable', 'store.unavailable'])

/** POST /v1/messages' answer to an ingest result: one mapping for both the route and the fast path. */
export function submitReply(result: IngestResult): { status: number; body: object } {
  if (result.status === 'stored' || result.status === 'duplicate') {
    return {
      status: result.status === 'stored' ? 201 : 200,
      body: { id: toHex(result.id), status: result.status },
    }
  }
  const status =
    result.code === 'too_large'
      ? 413
      : result.code === 'invalid.timestamp_future'
        ? 425
        : result.status === 'rejected'
          ? 422
          : RETRY_NOW.has(result.code)
            ? 503
            : 409
  return { status, body: { code: result.code, message: result.message } }
}

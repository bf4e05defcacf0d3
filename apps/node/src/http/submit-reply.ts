import { MAX_MESSAGE_BYTES, toHex } from '@freebird/protocol'
import type { IngestResult } from '../pipeline/ingest.ts'

/** What a client may make the node buffer for one POST /v1/messages (the pipeline judges the size itself). */
export const SUBMIT_BODY_LIMIT = 16 * MAX_MESSAGE_BYTES

/** Refusals that are the node's own trouble, not the message's: the client should retry. */
const RETRY_NOW = new Set(['node.verify_unavailable', 'store.unavailable'])

/** POST /v1/messages' answer to an ingest result: one mapping for the route and the submit lane. */
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

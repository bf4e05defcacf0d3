import type { IncomingMessage, ServerResponse } from 'node:http'
import { MAX_MESSAGE_BYTES } from '@freebird/protocol'
import type { HttpContext } from './context.ts'
import { submitReply } from './submit-reply.ts'

/** What a client may make the node buffer for one POST /v1/messages (the pipeline judges the size itself). */
export const SUBMIT_BODY_LIMIT = 16 * MAX_MESSAGE_BYTES

const MEDIA_TYPES = new Set(['application/octet-stream', 'application/cbor'])
const DIGITS = /^\d+$/

/**
 * POST /v1/messages is the node's hot path. A plain submission (our media
 * type, a Content-Length within the limit) is answered here, straight from
 * node:http: fastify's request and reply objects, hooks and serializer cost
 * about a fifth of the main thread and of the garbage per message at full
 * ingest. Anything else returns false and goes on to the fastify route,
 * which answers it with the API's usual errors.
 */
export function fastSubmit(
  ctx: HttpContext,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/messages') return false
    const type = request.headers['content-type']
    const length = request.headers['content-length']
    if (
      type === undefined ||
      !MEDIA_TYPES.has(type) ||
      length === undefined ||
      !DIGITS.test(length)
    )
      return false
    const size = Number(length)
    if (size > SUBMIT_BODY_LIMIT) return false
    const body = new Uint8Array(size)
    let filled = 0
    request.on('data', (chunk: Buffer) => {
      body.set(chunk, filled)
      filled += chunk.length
    })
    // A client that goes away mid-body never gets 'end': nothing was submitted.
    request.on('end', () => {
      ctx.ingest.submit(body, 'http').then(
        (result) => {
          const { status, body: answer } = submitReply(result)
          send(response, status, answer)
        },
        () => {
          ctx.metrics.messagesRefused.inc({
            outcome: 'rejected',
            code: 'http.internal',
            source: 'http',
          })
          send(response, 500, { code: 'http.internal', message: 'internal error' })
        },
      )
    })
    return true
  }
}

function send(response: ServerResponse, status: number, answer: object): void {
  const json = JSON.stringify(answer)
  // The flat header list skips node:http's per-header object handling.
  response.writeHead(status, [
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    String(Buffer.byteLength(json)),
  ])
  response.end(json)
}

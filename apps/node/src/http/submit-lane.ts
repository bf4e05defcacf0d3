import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { IngestResult } from '../pipeline/ingest.ts'
import type { HttpContext } from './context.ts'
import { parseSubmission } from './submit-parse.ts'
import { submitReply } from './submit-reply.ts'

/** Answers a connection may owe before the lane stops reading it (node:http has no such bound). */
const MAX_PENDING = 1024
/** A connection quiet for this long, or a request that takes longer to arrive, goes to node:http and its timeouts. */
const IDLE_MS = 5_000
const PARTIAL_MS = 10_000
const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  425: 'Too Early',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/**
 * The submit lane: POST /v1/messages without node:http. A client feeding a
 * node pipelines submissions on keep-alive connections; node:http writes each
 * answer with its own syscall, one after the other as each write completes,
 * and builds two objects per request: HTTP ingest was CPU-bound there, at
 * about 13,700 msg/s against 15,000 over libp2p. The lane parses such
 * requests itself and writes every answer that is ready in one write.
 *
 * It only reads requests it fully understands (see parseSubmission). At the
 * first one that is anything else, when the connection goes quiet, or when a
 * request is slow to arrive, it stops reading, writes the answers it owes,
 * and hands the connection, from the next request's first byte, to node:http
 * (so to fastify's routes, limits, timeouts and errors) for good.
 */
export function installSubmitLane(server: Server, ctx: HttpContext): { closeAll(): void } {
  const [http] = server.listeners('connection') as ((socket: Socket) => void)[]
  if (!http) throw new Error('node:http has no connection listener to hand over to')
  const lanes = new Set<Socket>()
  server.removeListener('connection', http)
  server.on('connection', (socket: Socket) => {
    lanes.add(socket)
    socket.once('close', () => lanes.delete(socket))
    lane(socket, ctx, () => {
      lanes.delete(socket)
      http.call(server, socket)
      // node:http reads new bytes straight from the handle; resuming first
      // replays, as 'data', the bytes the lane gave back with unshift().
      socket.resume()
    })
  })
  return {
    closeAll() {
      for (const socket of lanes) socket.destroy()
    },
  }
}

interface Slot {
  answer?: string
}

function lane(socket: Socket, ctx: HttpContext, handOver: () => void): void {
  let buffered: Buffer = Buffer.alloc(0)
  let partialSince = 0
  const slots: Slot[] = []
  let flushScheduled = false
  /** 'lane': reading; 'leaving': owes answers, then hands over; 'ending': the client is done sending. */
  let state: 'lane' | 'leaving' | 'ending' | 'gone' = 'lane'

  const stopReading = () => {
    socket.removeListener('data', onData)
    socket.removeListener('end', onEnd)
    socket.removeListener('timeout', onIdle)
    socket.setTimeout(0)
    socket.pause()
  }
  const leave = () => {
    if (state === 'gone') return
    if (state === 'lane') stopReading()
    state = 'leaving'
    if (slots.length > 0) return
    state = 'gone'
    socket.removeListener('drain', pump)
    socket.removeListener('error', onError)
    if (buffered.length > 0) socket.unshift(buffered)
    handOver()
  }
  const flush = () => {
    flushScheduled = false
    let out = ''
    while (slots[0]?.answer !== undefined) out += (slots.shift() as Slot).answer
    if (out.length > 0 && !socket.destroyed) socket.write(out)
    if (state === 'leaving') return leave()
    pump()
    if (state === 'ending' && slots.length === 0) socket.end()
  }
  const answer = (slot: Slot, result: IngestResult | undefined) => {
    const { status, body } = result
      ? submitReply(result)
      : { status: 500, body: { code: 'http.internal', message: 'internal error' } }
    const json = JSON.stringify(body)
    slot.answer =
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(json)}\r\n` +
      `Date: ${httpDate()}\r\nConnection: keep-alive\r\n\r\n${json}`
    // One write for all the answers that become ready in this turn of the event loop.
    if (!flushScheduled) {
      flushScheduled = true
      process.nextTick(flush)
    }
  }
  /** Parses what is buffered, as far as the bounds allow. */
  function pump(): void {
    if (state !== 'lane' && state !== 'ending') return
    for (;;) {
      if (slots.length >= MAX_PENDING || socket.writableNeedDrain) {
        socket.pause() // again after the next flush or 'drain'
        return
      }
      const request = parseSubmission(buffered)
      if (state === 'ending' && typeof request === 'string') {
        // Nothing more will come: a partial or other request cannot be answered.
        buffered = Buffer.alloc(0)
        return
      }
      if (request === 'more') {
        if (buffered.length === 0) partialSince = 0
        else if (partialSince === 0) partialSince = Date.now()
        else if (Date.now() - partialSince > PARTIAL_MS) {
          leave()
          return
        }
        socket.resume()
        return
      }
      if (request === 'other') {
        leave()
        return
      }
      partialSince = 0
      const body = buffered.subarray(request.bodyStart, request.end)
      buffered = buffered.subarray(request.end)
      const slot: Slot = {}
      slots.push(slot)
      ctx.ingest.submit(body, 'http').then(
        (result) => answer(slot, result),
        () => {
          ctx.metrics.messagesRefused.inc({
            outcome: 'rejected',
            code: 'http.internal',
            source: 'http',
          })
          answer(slot, undefined)
        },
      )
    }
  }
  function onData(chunk: Buffer): void {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
    pump()
  }
  function onEnd(): void {
    // Half-closed: answer what was asked (node:http would drop it), then close.
    stopReading()
    state = 'ending'
    pump()
    if (slots.length === 0) socket.end()
  }
  function onError(): void {
    socket.destroy()
  }
  function onIdle(): void {
    if (slots.length === 0) leave()
  }
  socket.on('data', onData)
  socket.on('end', onEnd)
  socket.on('drain', pump)
  socket.on('timeout', onIdle)
  socket.on('error', onError)
  socket.setTimeout(IDLE_MS)
}

let dateSecond = 0
let date = ''
/** The Date header, formatted once a second. */
function httpDate(): string {
  const now = Date.now()
  const second = Math.floor(now / 1000)
  if (second !== dateSecond) {
    dateSecond = second
    date = new Date(now).toUTCString()
  }
  return date
}

import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { IngestResult } from '../pipeline/ingest.ts'
import type { HttpContext } from './context.ts'
import { parseSubmission } from './submit-parse.ts'
import { submitReply } from './submit-reply.ts'

/** Answers a connection may owe before the lane stops reading it (node:http has no such bound). */
const MAX_PENDING = 1024
/** A request slower than this to arrive goes to node:http, with its own timeouts. */
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
 * first one that is anything else, or when a request is slow to arrive, it
 * stops reading, writes the answers it owes, and hands the connection, from
 * the next request's first byte, to node:http (so to fastify's routes,
 * limits, timeouts and errors) for good. A connection quiet for
 * keepAliveTimeout is closed, as node:http closes one.
 */
export function installSubmitLane(server: Server, ctx: HttpContext): { closeAll(): void } {
  const [http] = server.listeners('connection') as ((socket: Socket) => void)[]
  if (!http) throw new Error('node:http has no connection listener to hand over to')
  const lanes = new Set<Socket>()
  server.removeListener('connection', http)
  server.on('connection', (socket: Socket) => {
    lanes.add(socket)
    socket.once('close', () => lanes.delete(socket))
    lane(socket, ctx, server.keepAliveTimeout, () => {
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

const EMPTY = Buffer.alloc(0)

function lane(socket: Socket, ctx: HttpContext, keepAliveMs: number, handOver: () => void): void {
  /** Bytes received and not yet parsed: `head` joined, `tail` the chunks since (joined when needed). */
  let head: Buffer = EMPTY
  const tail: Buffer[] = []
  let size = 0
  /** Bytes the next request needs before parsing it again can progress. */
  let need = 0
  let partialSince = 0
  const slots: Slot[] = []
  let flushScheduled = false
  let ended = false
  /** 'lane': reading; 'leaving': owes answers, then hands over; 'ending': the client is done sending. */
  let state: 'lane' | 'leaving' | 'ending' | 'gone' = 'lane'

  const join = () => {
    if (tail.length === 0) return
    head =
      head.length === 0 && tail.length === 1 ? (tail[0] as Buffer) : Buffer.concat([head, ...tail])
    tail.length = 0
  }
  const take = (bytes: number) => {
    head = head.subarray(bytes)
    size -= bytes
  }
  const stopReading = () => {
    socket.removeListener('data', onData)
    socket.removeListener('timeout', onTimeout)
    socket.setTimeout(0)
    socket.pause()
  }
  const leave = () => {
    if (state === 'gone') return
    if (state === 'lane') stopReading()
    state = 'leaving'
    if (slots.length > 0) return
    state = 'gone'
    socket.removeListener('drain', afterWrite)
    socket.removeListener('error', onError)
    socket.removeListener('end', onEnd)
    // A connection already reset, or closed by the client, has nothing more to
    // answer (node:http would drop it too): handing it over would leak its parser.
    if (socket.destroyed) return
    if (ended || socket.readableEnded) {
      socket.end()
      return
    }
    join()
    if (head.length > 0) socket.unshift(head)
    handOver()
  }
  /** After answers were written or the write buffer drained: read on, or finish. */
  function afterWrite(): void {
    if (state === 'leaving') {
      leave()
      return
    }
    const blocked = pump()
    if (state === 'ending' && slots.length === 0 && !blocked) socket.end()
  }
  const flush = () => {
    flushScheduled = false
    let out = ''
    while (slots[0]?.answer !== undefined) out += (slots.shift() as Slot).answer
    if (out.length > 0 && !socket.destroyed) socket.write(out)
    afterWrite()
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
  /** Parses and submits what is buffered, as far as the bounds allow; true when a bound stopped it. */
  function pump(): boolean {
    if ((state !== 'lane' && state !== 'ending') || socket.destroyed) return false
    for (;;) {
      if (slots.length >= MAX_PENDING || socket.writableNeedDrain) {
        socket.pause() // until the next flush or 'drain'
        return true
      }
      join()
      const request = parseSubmission(head)
      if (state === 'ending' && (request === 'other' || 'need' in request)) {
        // Nothing more will come: a partial request cannot be completed, and
        // node:http drops what a half-closed connection asks.
        take(size)
        return false
      }
      if (request === 'other') {
        leave()
        return false
      }
      if ('need' in request) {
        need = request.need
        const partial = size > 0
        if (partial && partialSince === 0) partialSince = Date.now()
        if (!partial) partialSince = 0
        socket.setTimeout(partial ? PARTIAL_MS : keepAliveMs)
        socket.resume()
        return false
      }
      need = 0
      partialSince = 0
      const body = head.subarray(request.bodyStart, request.end)
      take(request.end)
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
    tail.push(chunk)
    size += chunk.length
    // A request still arriving: no join (copy) before its bytes are all here.
    if (size < need) {
      if (partialSince > 0 && Date.now() - partialSince > PARTIAL_MS) leave()
      return
    }
    pump()
  }
  function onEnd(): void {
    ended = true
    if (state !== 'lane') return
    // Half-closed: answer the requests that arrived whole, then close.
    stopReading()
    state = 'ending'
    afterWrite()
  }
  function onError(): void {
    socket.destroy()
  }
  function onTimeout(): void {
    if (slots.length > 0) return
    // Quiet with nothing pending: closed, as node:http closes an idle keep-alive
    // connection. Stuck mid-request: node:http takes it, with its own timeouts.
    if (size === 0) {
      stopReading()
      state = 'gone'
      socket.end()
    } else leave()
  }
  socket.on('data', onData)
  socket.on('end', onEnd)
  socket.on('drain', afterWrite)
  socket.on('timeout', onTimeout)
  socket.on('error', onError)
  socket.once('close', () => {
    state = 'gone'
  })
  socket.setTimeout(keepAliveMs)
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

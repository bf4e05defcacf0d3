import { connect, type Socket } from 'node:net'
import { createNodeSigner } from '@freebird/node-verifier'
import {
  buildPostAdd,
  MAX_MESSAGE_BYTES,
  parseNetworkId,
  SIGNATURE_BYTES,
  toHex,
} from '@freebird/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeProcess, splitResponses, waitFor } from './harness.ts'

// The submit lane (apps/node/src/http/submit-lane.ts) answers plain pipelined
// POST /v1/messages itself and hands anything else to node:http: the answers
// a client sees must be the same, in order, whichever side gives them.
const signer = createNodeSigner(new Uint8Array(32).fill(23))
let node: NodeProcess
let network: Uint8Array
let host: string
let port: number
let n = 0

beforeAll(async () => {
  node = await new NodeProcess().start()
  network = parseNetworkId((await node.info()).network)
  const url = new URL(node.url)
  host = url.hostname
  port = Number(url.port)
})
afterAll(async () => {
  await node?.stop()
})

const post = () => buildPostAdd({ text: `lane ${n++}` }, { network, signer })
const submit = (body: Uint8Array, headers = '') =>
  Buffer.concat([
    Buffer.from(
      `POST /v1/messages HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/octet-stream\r\n` +
        `${headers}Content-Length: ${body.length}\r\n\r\n`,
    ),
    body,
  ])
const raw = (text: string) => Buffer.from(text.replaceAll('\n', '\r\n'))
const count = async () => (await node.info()).messageCount

interface Answer {
  status: number
  body: unknown
  /** Who answered: node:http adds `Keep-Alive: timeout=...`, the lane does not. */
  by: 'lane' | 'node:http'
}
const stored = (m: { id: Uint8Array }, by: Answer['by'] = 'lane'): Answer => ({
  status: 201,
  body: { id: toHex(m.id), status: 'stored' },
  by,
})

/** Reads answers from `socket` until `count` arrived (or, with count Infinity, until it closes). */
async function answersOf(socket: Socket, count: number): Promise<Answer[]> {
  const answers: Answer[] = []
  let pending: Buffer = Buffer.alloc(0)
  for await (const chunk of socket) {
    const { responses, rest } = splitResponses(Buffer.concat([pending, chunk as Buffer]))
    pending = rest
    for (const { status, head, body } of responses) {
      answers.push({
        status,
        body: body.length > 0 ? JSON.parse(body.toString()) : '',
        by: /\r\nkeep-alive: timeout=/i.test(head) ? 'node:http' : 'lane',
      })
    }
    if (answers.length >= count) break
  }
  socket.destroy()
  return answers
}

/** Writes `parts` to one connection, back to back, and reads `count` answers. */
function exchange(parts: Buffer[], count: number): Promise<Answer[]> {
  const socket = connect(port, host)
  for (const part of parts) socket.write(part)
  return answersOf(socket, count)
}

describe('the submit lane', () => {
  it('answers a pipelined burst itself, in order, refusals in their places', async () => {
    const posts = Array.from({ length: 300 }, post)
    const parts = posts.map((p, i) => submit(i === 150 ? Uint8Array.of(0xff) : p.bytes))
    const answers = await exchange([Buffer.concat(parts)], 300)
    expect(answers).toHaveLength(300)
    answers.forEach((answer, i) => {
      if (i === 150)
        expect(answer).toEqual({
          status: 422,
          body: { code: 'invalid.encoding', message: expect.any(String) },
          by: 'lane',
        })
      else expect(answer).toEqual(stored(posts[i] as { id: Uint8Array }))
    })
  })

  it('takes requests split anywhere across writes', async () => {
    const [a, b] = [post(), post()]
    const bytes = Buffer.concat([submit(a.bytes), submit(b.bytes)])
    const cuts = [3, 40, bytes.length / 2 + 7, bytes.length - 1]
    const parts = [0, ...cuts].map((from, i) => bytes.subarray(from, cuts[i] ?? bytes.length))
    expect(await exchange(parts, 2)).toEqual([stored(a), stored(b)])
  })

  it('hands the connection to node:http at the first other request, after its own answers', async () => {
    const [a, b] = [post(), post()]
    const answers = await exchange(
      [
        Buffer.concat([
          submit(a.bytes),
          raw(`GET /v1/health HTTP/1.1\nHost: ${host}\n\n`),
          submit(b.bytes),
          raw(
            `POST /v1/messages HTTP/1.1\nHost: ${host}\nContent-Type: text/plain\nContent-Length: 2\n\nhi`,
          ),
        ]),
      ],
      4,
    )
    expect(answers).toEqual([
      stored(a),
      { status: 200, body: { status: 'ok' }, by: 'node:http' },
      stored(b, 'node:http'),
      {
        status: 415,
        body: { code: 'http.unsupported_media_type', message: expect.any(String) },
        by: 'node:http',
      },
    ])
  })

  it('leaves every request it does not fully understand to node:http, with the usual answers', async () => {
    const p = post()
    const cases: [string, Buffer, number, string?][] = [
      [
        'chunked',
        raw(
          `POST /v1/messages HTTP/1.1\nHost: ${host}\nContent-Type: application/octet-stream\nTransfer-Encoding: chunked\n\n0\n\n`,
        ),
        422,
        'invalid.encoding',
      ],
      ['a body past a message', submit(new Uint8Array(MAX_MESSAGE_BYTES + 1)), 413, 'too_large'],
      ['a body past the route limit', submit(new Uint8Array(64 * 1024 + 1)), 413, 'too_large'],
      [
        'no Host',
        raw(
          'POST /v1/messages HTTP/1.1\nContent-Type: application/octet-stream\nContent-Length: 1\n\nx',
        ),
        400,
      ],
      ['two Content-Lengths', submit(p.bytes, `Content-Length: ${p.bytes.length}\r\n`), 400],
      ['a length padded with a vertical tab', submit(Uint8Array.of(0xff), 'X-A: 1\x0b\r\n'), 400],
      [
        'a query string',
        raw(
          `POST /v1/messages?x=1 HTTP/1.1\nHost: ${host}\nContent-Type: application/octet-stream\nContent-Length: 1\n\nx`,
        ),
        422,
        'invalid.encoding',
      ],
      ['a header with a bare LF', submit(Uint8Array.of(0xff), 'X-Note: a\nb\r\n'), 400],
    ]
    for (const [name, bytes, status, code] of cases) {
      const [answer] = await exchange([bytes], 1)
      expect(answer?.status, name).toBe(status)
      // node:http closes the connection after a 400 or an over-limit body: no
      // Keep-Alive header then to tell who answered (the lane never closes).
      if (status === 422 || name === 'a body past a message')
        expect(answer?.by, name).toBe('node:http')
      if (code) expect((answer?.body as { code?: string } | undefined)?.code, name).toBe(code)
    }
    // Connection: close is node:http's to honour (its answer then has no Keep-Alive to tell by).
    expect(await exchange([submit(p.bytes, 'Connection: close\r\n')], 1)).toEqual([
      { ...stored(p), by: expect.any(String) },
    ])
  })

  it('answers what a half-closed connection asked, past its per-connection bound, then closes it', async () => {
    // 1,500 > the 1,024 answers a connection may owe: the lane stops reading and resumes.
    const posts = Array.from({ length: 1500 }, post)
    const before = await count()
    const socket = connect(port, host)
    socket.end(Buffer.concat(posts.map((p) => submit(p.bytes))))
    const answers = await answersOf(socket, Number.POSITIVE_INFINITY)
    expect(answers).toEqual(posts.map((p) => stored(p)))
    expect(await count()).toBe(before + 1500)
  })

  it('answers, in order, a half-closed connection whose next request is not its own, then closes', async () => {
    const p = post()
    const socket = connect(port, host)
    socket.end(Buffer.concat([submit(p.bytes), raw(`GET /v1/health HTTP/1.1\nHost: ${host}\n\n`)]))
    // The lane's answer comes first. The GET is answered by node:http when the
    // hand-over beat the FIN, and dropped (as node:http drops what a half-closed
    // connection asks) when it did not; either way the connection then closes.
    const answers = await answersOf(socket, Number.POSITIVE_INFINITY)
    expect(answers[0]).toEqual(stored(p))
    expect(answers.slice(1)).toEqual(
      answers.length > 1 ? [{ status: 200, body: { status: 'ok' }, by: 'node:http' }] : [],
    )
  })

  it('survives a client that resets mid-flight, and stores what it took', async () => {
    const before = await count()
    const posts = Array.from({ length: 50 }, post)
    for (const other of [raw(`GET /v1/health HTTP/1.1\nHost: ${host}\n\n`), Buffer.alloc(0)]) {
      const socket = connect(port, host)
      socket.write(Buffer.concat([...posts.map((p) => submit(p.bytes)), other]))
      await new Promise((resolve) => socket.once('connect', resolve))
      socket.resetAndDestroy()
    }
    // Whatever reached the node before the reset is stored; the node answers on.
    await waitFor(
      async () => (await fetch(`${node.url}/v1/health`)).ok,
      'the node to answer',
      5_000,
    )
    expect(await count()).toBeGreaterThanOrEqual(before)
    const p = post()
    expect(await exchange([submit(p.bytes)], 1)).toEqual([stored(p)])
  })

  it('counts its refusals like every HTTP refusal, and stores nothing for them', async () => {
    const forged = post()
    const tampered = new Uint8Array(forged.bytes)
    const at = tampered.length - SIGNATURE_BYTES + 1
    tampered[at] = (tampered[at] as number) ^ 1
    const labels = { outcome: 'rejected', code: 'invalid.signature', source: 'http' }
    const before = await node.metric('freebird_messages_refused_total', labels)
    const stored = await count()
    expect(await exchange([submit(tampered)], 1)).toEqual([
      {
        status: 422,
        body: { code: 'invalid.signature', message: expect.any(String) },
        by: 'lane',
      },
    ])
    expect(await node.metric('freebird_messages_refused_total', labels)).toBe(before + 1)
    expect(await node.has(toHex(forged.id))).toBe(false)
    expect(await count()).toBe(stored)
  })
})

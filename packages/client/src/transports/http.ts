import {
  decodeCanonical,
  encodeCanonical,
  formatAccount,
  messageBytesFromJson,
  toHex,
} from '@freebird/protocol'
import { ClientError } from '../errors.ts'
import type { NodeTransport, Query, SubmitAnswer } from './types.ts'

/** Reads an answer `{ messages }` or `{ error }` (PROTOCOL.md §13.4) from one node. */
export function messagesOf(node: string, bytes: Uint8Array): Uint8Array[] {
  let answer: unknown
  try {
    answer = decodeCanonical(bytes, 'answer')
  } catch (error) {
    throw new ClientError('client.node_lied', `${node} answered bytes that are not CBOR`, {
      node,
      cause: error,
    })
  }
  const { messages, error } = (answer ?? {}) as { messages?: unknown; error?: { code?: unknown } }
  if (error !== undefined) {
    throw new ClientError(
      'client.unavailable',
      `${node} refused the query (${String(error.code)})`,
      {
        node,
      },
    )
  }
  if (!Array.isArray(messages) || !messages.every((m) => m instanceof Uint8Array)) {
    throw new ClientError('client.node_lied', `${node} answered without a list of messages`, {
      node,
    })
  }
  return messages
}

/** A submit verdict from the node's CBOR or JSON answer. */
export function submitAnswerOf(node: string, value: unknown): SubmitAnswer {
  const a = (value ?? {}) as { status?: unknown; id?: unknown; code?: unknown; message?: unknown }
  if ((a.status === 'stored' || a.status === 'duplicate') && a.id !== undefined) {
    return { status: a.status, id: a.id instanceof Uint8Array ? toHex(a.id) : String(a.id) }
  }
  if (typeof a.code === 'string') {
    return { status: 'refused', code: a.code, message: String(a.message ?? '') }
  }
  throw new ClientError('client.node_lied', `${node} answered a submission without a verdict`, {
    node,
  })
}

/** Server-Sent Events lines to the `data` of each event. */
async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let buffer = ''
  let data = ''
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true })
    let end = buffer.indexOf('\n')
    while (end >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, '')
      buffer = buffer.slice(end + 1)
      if (line === '') {
        if (data !== '') yield data
        data = ''
      } else if (line.startsWith('data:')) {
        data += line.slice(line[5] === ' ' ? 6 : 5)
      }
      end = buffer.indexOf('\n')
    }
  }
}

/**
 * A node's HTTP API (docs/openapi.json) as a transport: `fetch` only, so it
 * runs in browsers and Node alike. Queries go to `POST /v1/query` in CBOR,
 * subscriptions read `GET /v1/events`.
 *
 * @example
 * ```ts
 * const client = createClient({ nodes: [httpTransport('http://127.0.0.1:8787')], signer })
 * ```
 */
export function httpTransport(url: string): NodeTransport {
  const base = url.endsWith('/') ? url : `${url}/`
  const call = async (path: string, init: RequestInit, signal?: AbortSignal) => {
    try {
      return await fetch(new URL(path, base), { ...init, ...(signal ? { signal } : {}) })
    } catch (error) {
      throw new ClientError('client.unavailable', `${url}: ${(error as Error).message}`, {
        node: url,
        cause: error,
      })
    }
  }
  const json = async (response: Response): Promise<unknown> => {
    try {
      return await response.json()
    } catch (error) {
      throw new ClientError('client.node_lied', `${url} answered with invalid JSON`, {
        node: url,
        cause: error,
      })
    }
  }
  const failed = (response: Response) =>
    new ClientError('client.unavailable', `${url} answered HTTP ${response.status}`, { node: url })

  return {
    name: url,
    async network(signal) {
      const response = await call('v1/info', {}, signal)
      if (!response.ok) throw failed(response)
      const network = ((await json(response)) as { network?: unknown }).network
      if (typeof network !== 'string') {
        throw new ClientError('client.node_lied', `${url} did not say its network`, { node: url })
      }
      return network
    },
    async submit(bytes, signal) {
      const response = await call(
        'v1/messages',
        {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body: bytes as Uint8Array<ArrayBuffer>,
        },
        signal,
      )
      if (response.status >= 500) throw failed(response)
      return submitAnswerOf(url, await json(response))
    },
    async query(query, signal) {
      const response = await call(
        'v1/query',
        {
          method: 'POST',
          headers: { 'content-type': 'application/cbor' },
          body: encodeCanonical(query as Query) as Uint8Array<ArrayBuffer>,
        },
        signal,
      )
      if (!response.ok) throw failed(response)
      return messagesOf(url, new Uint8Array(await response.arrayBuffer()))
    },
    async subscribe(filter, onMessage, signal) {
      const params = new URLSearchParams()
      if (filter.authors) params.set('authors', filter.authors.map(formatAccount).join(','))
      if (filter.types) params.set('types', filter.types.join(','))
      if (filter.parent) params.set('parent', toHex(filter.parent))
      if (filter.since !== undefined) params.set('since', String(filter.since))
      const response = await call(`v1/events?${params}`, {}, signal)
      if (!response.ok || !response.body) throw failed(response)
      try {
        for await (const data of sseData(response.body)) {
          const bytes = (JSON.parse(data) as { bytes?: unknown }).bytes
          if (typeof bytes === 'string') onMessage(messageBytesFromJson({ bytes }))
        }
      } catch (error) {
        if (signal.aborted) return
        throw new ClientError('client.unavailable', `${url}: the event stream broke`, {
          node: url,
          cause: error,
        })
      }
      if (!signal.aborted) {
        throw new ClientError('client.unavailable', `${url} ended the event stream`, { node: url })
      }
    },
  }
}

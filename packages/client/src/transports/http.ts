import {
  decodeCanonical,
  encodeCanonical,
  formatAccount,
  fromHex,
  messageBytesFromJson,
  toHex,
} from '@freebird/protocol'
import { ClientError } from '../errors.ts'
import type {
  BalanceAnswer,
  CertificateAnswer,
  LedgerPage,
  NodeTransport,
  OrderAnswer,
  Query,
  SubmitAnswer,
} from './types.ts'

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

/** A refusal `{ code, message }` (HTTP or the ledger protocol's `{ error }`), if that is what `value` is. */
export function refusalOf(value: unknown): { code: string; message: string } | undefined {
  const a = (value ?? {}) as { code?: unknown; message?: unknown }
  return typeof a.code === 'string' ? { code: a.code, message: String(a.message ?? '') } : undefined
}

/** Bytes a node sent as hex text or as a CBOR byte string. */
export function bytesOf(node: string, value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value
  if (typeof value === 'string') {
    try {
      return fromHex(value)
    } catch {
      // Reported below.
    }
  }
  throw new ClientError('client.node_lied', `${node} answered without ${what}`, { node })
}

/** A balance answer: decimal text (it may be below zero for a moment), next seq, attestation bytes. */
export function balanceOf(node: string, value: unknown): BalanceAnswer {
  const a = (value ?? {}) as { balance?: unknown; nextSeq?: unknown; attestation?: unknown }
  if (
    typeof a.balance !== 'string' ||
    !/^-?[0-9]{1,40}$/.test(a.balance) ||
    typeof a.nextSeq !== 'number' ||
    !Number.isSafeInteger(a.nextSeq) ||
    a.nextSeq < 0
  ) {
    throw new ClientError('client.node_lied', `${node} answered a malformed balance`, { node })
  }
  return {
    balance: BigInt(a.balance),
    nextSeq: a.nextSeq,
    ...(a.attestation === undefined
      ? {}
      : { attestation: bytesOf(node, a.attestation, 'attestation bytes') }),
  }
}

/** Certificate bytes from a list (CBOR byte strings, or TransferJson with hex `certificate`). */
export function certificatesOf(node: string, list: unknown): Uint8Array[] {
  if (!Array.isArray(list)) {
    throw new ClientError('client.node_lied', `${node} answered without a list of transfers`, {
      node,
    })
  }
  return list.map((item) =>
    item instanceof Uint8Array
      ? item
      : bytesOf(node, (item as { certificate?: unknown } | null)?.certificate, 'a certificate'),
  )
}

const pageQuery = (page: LedgerPage) => {
  const params = new URLSearchParams()
  if (page.limit !== undefined) params.set('limit', String(page.limit))
  if (page.before !== undefined) params.set('before', String(page.before))
  const text = params.toString()
  return text ? `?${text}` : ''
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
  const octets = (bytes: Uint8Array): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes as Uint8Array<ArrayBuffer>,
  })
  /** A 2xx answer's JSON; any other status is `client.unavailable` with the node's code, if it gave one. */
  const ledgerJson = async (response: Response): Promise<unknown> => {
    if (response.ok) return json(response)
    const refusal = refusalOf(await response.json().catch(() => undefined))
    throw new ClientError(
      'client.unavailable',
      `${url} answered HTTP ${response.status}${refusal ? ` (${refusal.code})` : ''}`,
      { node: url },
    )
  }

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
      const response = await call('v1/messages', octets(bytes), signal)
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
    async genesis(signal) {
      const response = await call('v1/genesis', {}, signal)
      if (!response.ok) throw failed(response)
      return new Uint8Array(await response.arrayBuffer())
    },
    async order(bytes, signal): Promise<OrderAnswer> {
      const response = await call('v1/ledger/orders', octets(bytes), signal)
      if (response.status >= 500) throw failed(response)
      const body = await json(response)
      if (response.ok) {
        return {
          status: 'voted',
          vote: bytesOf(url, (body as { vote?: unknown } | null)?.vote, 'a vote'),
        }
      }
      const refusal = refusalOf(body)
      if (!refusal) throw failed(response)
      return { status: 'refused', ...refusal }
    },
    async certificate(bytes, signal): Promise<CertificateAnswer> {
      const response = await call('v1/ledger/certificates', octets(bytes), signal)
      if (response.status >= 500) throw failed(response)
      const body = await json(response)
      if (response.ok) return { status: response.status === 201 ? 'stored' : 'duplicate' }
      const refusal = refusalOf(body)
      if (!refusal) throw failed(response)
      return { status: 'refused', ...refusal }
    },
    async balance(account, signal) {
      const response = await call(`v1/accounts/${formatAccount(account)}/balance`, {}, signal)
      return balanceOf(url, await ledgerJson(response))
    },
    async transfers(account, page, signal) {
      const path = `v1/accounts/${formatAccount(account)}/transfers${pageQuery(page)}`
      const body = await ledgerJson(await call(path, {}, signal))
      return certificatesOf(url, (body as { transfers?: unknown } | null)?.transfers)
    },
    async tips(post, page, signal) {
      const body = await ledgerJson(
        await call(`v1/posts/${toHex(post)}/tips${pageQuery(page)}`, {}, signal),
      )
      return certificatesOf(url, (body as { tips?: unknown } | null)?.tips)
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

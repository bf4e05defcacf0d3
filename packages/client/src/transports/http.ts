import { messageBytesFromJson } from '@freebird/protocol'
import { ClientError } from '../errors.ts'

/** What the client asks of one node. Answers are envelopes, which the client verifies itself. */
export interface NodeTransport {
  /** The node's address as given (URL or multiaddr), for reports. */
  readonly name: string
  /** The node's network id (32 hex characters). */
  network(signal?: AbortSignal): Promise<string>
  /** Submits an envelope; resolves with the node's verdict. */
  submit(bytes: Uint8Array, signal?: AbortSignal): Promise<SubmitAnswer>
  /** The envelope with that id, or undefined. */
  message(id: string, signal?: AbortSignal): Promise<Uint8Array | undefined>
  /** A post and its direct replies (envelopes), or undefined when the node lacks the post. */
  thread(id: string, signal?: AbortSignal): Promise<Uint8Array[] | undefined>
}

export type SubmitAnswer =
  | { status: 'stored' | 'duplicate'; id: string }
  | { status: 'refused'; code: string; message: string }

/**
 * A node's HTTP API (docs/openapi.json) as a transport: `fetch` only, so it
 * runs in browsers and Node alike.
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
  const bytesOf = (value: unknown): Uint8Array => {
    const text = (value as { bytes?: unknown } | null)?.bytes
    if (typeof text !== 'string') {
      throw new ClientError('client.node_lied', `${url} answered a message without its bytes`, {
        node: url,
      })
    }
    try {
      return messageBytesFromJson({ bytes: text })
    } catch (error) {
      throw new ClientError('client.node_lied', `${url} answered bytes that are not base64`, {
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
      const body = (await json(response)) as {
        id?: string
        status?: string
        code?: string
        message?: string
      }
      if (response.ok && (body.status === 'stored' || body.status === 'duplicate') && body.id) {
        return { status: body.status, id: body.id }
      }
      if (response.status >= 500) throw failed(response)
      return { status: 'refused', code: body.code ?? 'node.error', message: body.message ?? '' }
    },
    async message(id, signal) {
      const response = await call(`v1/messages/${id}`, {}, signal)
      if (response.status === 404) return undefined
      if (!response.ok) throw failed(response)
      return bytesOf(await json(response))
    },
    async thread(id, signal) {
      const response = await call(`v1/posts/${id}/thread`, {}, signal)
      if (response.status === 404) return undefined
      if (!response.ok) throw failed(response)
      const body = (await json(response)) as { post?: unknown; replies?: unknown }
      const replies = Array.isArray(body.replies) ? body.replies : []
      return [bytesOf(body.post), ...replies.map(bytesOf)]
    },
  }
}

/**
 * @freebird/client: the Freebird light client. It keeps the user's key and
 * signs locally, talks to one or more full nodes, and trusts none of them:
 * every message a node returns is verified here, reads are merged across
 * nodes, and a node that forges, withholds or serves stale views is reported.
 * This is the Node entry (libp2p over TCP and WebSockets); browsers get
 * index.browser.ts through the package's `browser` condition.
 */

import { type Client, createClientWith } from './client.ts'
import type { ClientOptions } from './context.ts'

export * from './exports.ts'
export { fileStore } from './store.node.ts'

/**
 * Creates a light client over one or more nodes, given as multiaddrs
 * (libp2p), HTTP URLs or transports. Reads go to `reads` nodes and are
 * verified and merged; writes are signed here and go to every node.
 *
 * @example
 * ```ts
 * import { createClient } from '@freebird/client'
 * import { createSigner, parseSecretKey } from '@freebird/protocol'
 *
 * const client = createClient({
 *   nodes: ['/ip4/127.0.0.1/tcp/7878/p2p/12D3Koo...', 'http://127.0.0.1:8788'],
 *   signer: createSigner(parseSecretKey(process.env.FREEBIRD_KEY!)),
 *   onWithheld: ({ node, ids }) => console.warn(`${node} withheld ${ids.length}`),
 * })
 * const { id } = await client.post({ text: 'hello' })
 * const { post } = await client.getThread(id)
 * await client.close()
 * ```
 */
export function createClient(options: ClientOptions): Client {
  // libp2p loads with the host, on first use: a client of HTTP nodes never loads it.
  return createClientWith(options, () =>
    import('./transports/host.node.ts').then((m) => m.createNodeHost()),
  )
}

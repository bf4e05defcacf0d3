/**
 * @freebird/client for browsers: the same API as the Node entry, with libp2p
 * over WebSockets only, so no Node module is pulled into a bundle.
 */

import { type Client, createClientWith } from './client.ts'
import type { ClientOptions } from './context.ts'

export * from './exports.ts'

/**
 * Creates a light client in a browser. Nodes are `/ws` (or `/wss`)
 * multiaddrs, HTTP URLs, or transports.
 *
 * @example
 * ```ts
 * import { createClient } from '@freebird/client'
 *
 * const client = createClient({ nodes: ['/ip4/127.0.0.1/tcp/7879/ws/p2p/12D3Koo...'], signer })
 * await client.post({ text: 'from a browser' })
 * ```
 */
export function createClient(options: ClientOptions): Client {
  // libp2p loads with the host, on first use: a client of HTTP nodes never loads it.
  return createClientWith(options, () =>
    import('./transports/host.browser.ts').then((m) => m.createBrowserHost()),
  )
}

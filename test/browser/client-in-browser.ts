/**
 * Runs in the page, not in Node: bundled for the browser by the test through
 * the `browser` condition of @freebird/client, so the client reaches the node
 * with libp2p over WebSockets from a real browser, and nothing else.
 */

import { createClient } from '@freebird/client'
import { createSigner, formatAccount, generateKeyPair } from '@freebird/protocol'

export interface BrowserRun {
  userAgent: string
  account: string
  /** The id (hex) the client computed for the post it signed. */
  id: string
  /** Nodes that stored the post, as the client names them (its transports). */
  stored: string[]
  /** The transports the client built from its options, by name. */
  transports: string[]
  /** What getPost and getThread read back, verified by the client. */
  read: { id: string; author: string; text: string; removed: boolean }
  thread: { id: string; text: string; replies: number; withheld: number; faults: number }
}

/** Signs a post with a fresh key, sends it to `node` and reads it back, all in the page. */
export async function run(node: string, text: string): Promise<BrowserRun> {
  const keys = generateKeyPair()
  const client = createClient({ nodes: [node], signer: createSigner(keys.secretKey) })
  try {
    const posted = await client.post({ text })
    const read = await client.getPost(posted.id)
    if (!read.post) throw new Error(`getPost(${posted.id}) returned a ${read.message.data.type}`)
    const thread = await client.getThread(posted.id)
    return {
      userAgent: navigator.userAgent,
      account: formatAccount(keys.publicKey),
      id: posted.id,
      stored: posted.stored,
      transports: client.context.nodes.map((n) => n.name),
      read: {
        id: read.post.id,
        author: read.post.author,
        text: read.post.text,
        removed: read.removed,
      },
      thread: {
        id: thread.post.id,
        text: thread.post.text,
        replies: thread.replies.length,
        withheld: thread.withheld.length,
        faults: thread.faults.length,
      },
    }
  } finally {
    await client.close()
  }
}

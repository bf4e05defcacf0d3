/**
 * A steady social workload for chaos runs: several accounts post, reply,
 * react, unreact, follow, unfollow, set profile fields and remove their own
 * posts, each message submitted over HTTP to a random running devnet node.
 * A message counts as acknowledged only when a node answered 201 (its batch
 * is on disk); one whose node died mid-request is retried on another node.
 */
import { randomBytes } from 'node:crypto'
import type { DevnetNode } from '@freebird/node'
import { createNodeSigner } from '@freebird/node-verifier'
import {
  buildFollowAdd,
  buildFollowRemove,
  buildPostAdd,
  buildPostRemove,
  buildProfileSet,
  buildReactionAdd,
  buildReactionRemove,
  type Message,
  type Signer,
  toHex,
} from '@freebird/protocol'

export interface Acked {
  /** Every acknowledged message id (hex) with its type. */
  messages: Map<string, Message['data']['type']>
  /** Posts removed by an acknowledged root-signed post.remove: gone from every node for good. */
  removedPosts: Set<string>
  /** Live (not removed) acknowledged posts. */
  posts: string[]
  accounts: Uint8Array[]
}

export class Workload {
  readonly acked: Acked
  readonly #signers: Signer[]
  readonly #network: Uint8Array
  readonly #nodes: () => DevnetNode[]
  readonly #ownPosts = new Map<Signer, Uint8Array[]>()
  #running = false
  #loop: Promise<void> | undefined
  #retries = 0
  #lastTimestamp = 0

  constructor(network: Uint8Array, nodes: () => DevnetNode[], accounts = 6) {
    this.#network = network
    this.#nodes = nodes
    this.#signers = Array.from({ length: accounts }, () => createNodeSigner(randomBytes(32)))
    for (const s of this.#signers) this.#ownPosts.set(s, [])
    this.acked = {
      messages: new Map(),
      removedPosts: new Set(),
      posts: [],
      accounts: this.#signers.map((s) => s.publicKey),
    }
  }

  /** Submissions that had to be retried on another node (their first node died or was down). */
  get retries(): number {
    return this.#retries
  }

  /** Starts submitting about `perSecond` messages per second until `pause()`. */
  resume(perSecond = 40): void {
    if (this.#running) return
    this.#running = true
    this.#loop = (async () => {
      while (this.#running) {
        const started = Date.now()
        await this.step()
        const wait = 1000 / perSecond - (Date.now() - started)
        if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      }
    })()
  }

  /** Stops after the message in flight is acknowledged. */
  async pause(): Promise<void> {
    this.#running = false
    await this.#loop
  }

  /** One random social action, submitted until a node acknowledges it. */
  async step(): Promise<void> {
    const signer = pick(this.#signers)
    const own = this.#ownPosts.get(signer) as Uint8Array[]
    const posts = this.acked.posts
    const other = pick(this.#signers.filter((s) => s !== signer)).publicKey
    // Strictly increasing timestamps: LWW pairs (follow/unfollow, like/unlike) have an order.
    this.#lastTimestamp = Math.max(Date.now(), this.#lastTimestamp + 1)
    const options = { network: this.#network, signer, timestamp: this.#lastTimestamp }
    const target = () => fromHex(pick(posts))
    const roll = Math.random()
    let message: Message
    if (posts.length === 0 || roll < 0.35) {
      message = buildPostAdd({ text: `post ${randomBytes(6).toString('hex')}` }, options)
    } else if (roll < 0.5) {
      message = buildPostAdd(
        { text: `reply ${randomBytes(6).toString('hex')}`, parent: target() },
        options,
      )
    } else if (roll < 0.65) {
      message = buildReactionAdd(
        { kind: pick(['like', 'repost'] as const), target: target() },
        options,
      )
    } else if (roll < 0.7) {
      message = buildReactionRemove({ kind: 'like', target: target() }, options)
    } else if (roll < 0.8) {
      message = buildFollowAdd({ target: other }, options)
    } else if (roll < 0.85) {
      message = buildFollowRemove({ target: other }, options)
    } else if (roll < 0.92) {
      message = buildProfileSet(
        { field: pick(['name', 'bio'] as const), value: randomBytes(4).toString('hex') },
        options,
      )
    } else if (own.length > 0) {
      const victim = own.splice(Math.floor(Math.random() * own.length), 1)[0] as Uint8Array
      message = buildPostRemove({ target: victim }, options)
    } else {
      message = buildPostAdd({ text: 'post' }, options)
    }
    await this.#submit(message)
    const id = toHex(message.id)
    this.acked.messages.set(id, message.data.type)
    if (message.data.type === 'post.add') {
      posts.push(id)
      own.push(message.id)
    } else if (message.data.type === 'post.remove') {
      const removed = toHex((message as Message<'post.remove'>).data.body.target)
      this.acked.removedPosts.add(removed)
      posts.splice(posts.indexOf(removed), 1)
    }
  }

  async #submit(message: Message): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const running = this.#nodes().filter((n) => n.running)
      if (running.length > 0) {
        const node = pick(running)
        try {
          const response = await fetch(`${node.url}/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/octet-stream' },
            body: message.bytes,
            signal: AbortSignal.timeout(5_000),
          })
          // 200: a duplicate, stored already (an earlier attempt reached a node before it died).
          if (response.status === 201 || response.status === 200) return
          const body = (await response.json().catch(() => ({}))) as { code?: string }
          // 503: the node is starting or stopping. Anything else is a bug in the workload or node.
          if (response.status !== 503)
            throw new Error(
              `${node.name} refused a valid ${message.data.type}: ${response.status} ${body.code}`,
            )
        } catch (error) {
          if ((error as Error).message.includes('refused a valid')) throw error
          // The node died mid-request or is restarting: the message may or may not be stored there.
        }
      }
      this.#retries++
      if (attempt > 200) throw new Error('no node acknowledged a message for 200 attempts')
      await new Promise((r) => setTimeout(r, 50))
    }
  }
}

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)] as T
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

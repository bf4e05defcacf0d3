import { type GetPostResult, getPost } from './actions/get-post.ts'
import { type GetThreadResult, getThread } from './actions/get-thread.ts'
import { type PostArgs, post, reply } from './actions/post.ts'
import type { SubmitResult } from './actions/submit.ts'
import { type ClientContext, type ClientOptions, createContext } from './context.ts'

/** A light client: every action signs locally or verifies what nodes answer. */
export interface Client {
  readonly context: ClientContext
  post(args: PostArgs): Promise<SubmitResult>
  reply(args: { parent: string; text: string; mentions?: string[] }): Promise<SubmitResult>
  getPost(id: string): Promise<GetPostResult>
  getThread(id: string): Promise<GetThreadResult>
}

/**
 * Creates a light client over one or more nodes. It trusts none of them:
 * reads go to several and are verified and merged; writes go to all.
 *
 * @example
 * ```ts
 * import { createClient } from '@freebird/client'
 * import { createSigner } from '@freebird/protocol'
 *
 * const client = createClient({
 *   nodes: ['http://127.0.0.1:8701', 'http://127.0.0.1:8702'],
 *   signer: createSigner(secretKey),
 *   onWithheld: ({ node, ids }) => console.warn(`${node} withheld ${ids.length}`),
 * })
 * const { id } = await client.post({ text: 'hello' })
 * const { post, replies } = await client.getThread(id)
 * ```
 */
export function createClient(options: ClientOptions): Client {
  const context = createContext(options)
  return {
    context,
    post: (args) => post(context, args),
    reply: (args) => reply(context, args),
    getPost: (id) => getPost(context, id),
    getThread: (id) => getThread(context, id),
  }
}

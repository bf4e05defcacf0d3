import type { ClientContext } from '../context.ts'
import { post } from './post.ts'
import type { SubmitResult } from './submit.ts'

export interface ReplyArgs {
  /** Id (hex) of the post replied to. */
  parent: string
  text: string
  mentions?: string[]
}

/**
 * Signs a reply to a post and submits it.
 *
 * @example
 * ```ts
 * await client.reply({ parent: postId, text: 'agreed' })
 * ```
 */
export async function reply(ctx: ClientContext, args: ReplyArgs): Promise<SubmitResult> {
  return post(ctx, args)
}

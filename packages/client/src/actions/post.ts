import { buildPostAdd, fromHex, ID_BYTES, parseAccount } from '@freebird/protocol'
import type { ClientContext } from '../context.ts'
import { ClientError } from '../errors.ts'
import { type SubmitResult, submitMessage } from './submit.ts'

export interface PostArgs {
  text: string
  /** Id (hex) of the post this replies to. */
  parent?: string
  /** Accounts (`fb1...`) mentioned. */
  mentions?: string[]
}

/**
 * Signs a post locally and submits it to every node.
 *
 * @example
 * ```ts
 * const client = createClient({ nodes: ['http://127.0.0.1:8787'], signer })
 * const { id, stored } = await client.post({ text: 'hello, Freebird' })
 * ```
 */
export async function post(ctx: ClientContext, args: PostArgs): Promise<SubmitResult> {
  const signer = ctx.signer
  if (!signer) throw new ClientError('client.invalid_request', 'posting needs a signer')
  const network = await ctx.network()
  let message: ReturnType<typeof buildPostAdd>
  try {
    message = buildPostAdd(
      {
        text: args.text,
        ...(args.parent ? { parent: fromHex(args.parent, ID_BYTES) } : {}),
        ...(args.mentions ? { mentions: args.mentions.map(parseAccount) } : {}),
      },
      { network, signer },
    )
  } catch (error) {
    throw new ClientError('client.invalid_request', (error as Error).message, { cause: error })
  }
  return submitMessage(ctx, message)
}

/**
 * Signs a reply to a post and submits it.
 *
 * @example
 * ```ts
 * await client.reply({ parent: postId, text: 'agreed' })
 * ```
 */
export function reply(
  ctx: ClientContext,
  args: { parent: string; text: string; mentions?: string[] },
): Promise<SubmitResult> {
  return post(ctx, args)
}

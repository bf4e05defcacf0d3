import { buildPostAdd } from '@freebird/protocol'
import { accountArg, idArg } from '../args.ts'
import type { ClientContext } from '../context.ts'
import { signAndSubmit } from './sign.ts'
import type { SubmitResult } from './submit.ts'

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
 * const client = createClient({ nodes: ['/ip4/127.0.0.1/tcp/7878/p2p/12D3Koo...'], signer })
 * const { id, stored } = await client.post({ text: 'hello, Freebird' })
 * ```
 */
export async function post(ctx: ClientContext, args: PostArgs): Promise<SubmitResult> {
  const parent = args.parent === undefined ? undefined : idArg(args.parent)
  const mentions = args.mentions?.map(accountArg)
  return signAndSubmit(ctx, (options) =>
    buildPostAdd(
      { text: args.text, ...(parent ? { parent } : {}), ...(mentions ? { mentions } : {}) },
      options,
    ),
  )
}

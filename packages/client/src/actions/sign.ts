import type { BuildOptions, Message } from '@freebird/protocol'
import type { ClientContext } from '../context.ts'
import { ClientError } from '../errors.ts'
import { type SubmitResult, submitMessage } from './submit.ts'

/**
 * Builds a message with the client's signer for the client's account (an app
 * key signs for its root account), then submits it to every node. A body the
 * protocol refuses is `client.invalid_request`, before anything is sent.
 */
export async function signAndSubmit(
  ctx: ClientContext,
  build: (options: BuildOptions) => Message,
): Promise<SubmitResult> {
  const signer = ctx.signer
  if (!signer) throw new ClientError('client.invalid_request', 'writing needs a signer')
  const network = await ctx.network()
  let message: Message
  try {
    message = build({ network, signer, ...(ctx.account ? { author: ctx.account } : {}) })
  } catch (error) {
    throw new ClientError('client.invalid_request', (error as Error).message, { cause: error })
  }
  return submitMessage(ctx, message)
}

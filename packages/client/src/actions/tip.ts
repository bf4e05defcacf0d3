import type { ClientContext } from '../context.ts'
import { ClientError } from '../errors.ts'
import { getPost } from './get-post.ts'
import { type TransferResult, transfer } from './transfer.ts'

/**
 * Tips a post: a transfer of kind `tip` to the post's author with `ref` the
 * post id, so nodes count it in the post's certified tip total. The post is
 * read and verified first: its author (the account, also when an app key
 * signed the post) is the recipient. A removed post is not tipped.
 *
 * @example
 * ```ts
 * const { id } = await client.tip('5f3a...post id', 100n)
 * const { total } = await client.getTips('5f3a...post id')
 * ```
 */
export async function tip(
  ctx: ClientContext,
  postId: string,
  amount: bigint | number | string,
  options: { memo?: string } = {},
): Promise<TransferResult> {
  const { post, removed } = await getPost(ctx, postId)
  if (!post) throw new ClientError('client.invalid_request', `${postId} is not a post`)
  if (removed) throw new ClientError('client.invalid_request', `post ${postId} was removed`)
  return transfer(ctx, {
    to: post.author,
    amount,
    kind: 'tip',
    ref: postId,
    ...(options.memo !== undefined ? { memo: options.memo } : {}),
  })
}

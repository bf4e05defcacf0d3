import {
  formatAccount,
  type Message,
  messageToJson,
  PROFILE_FIELD_LIMITS,
} from '@freebird/protocol'
import type { FastifyInstance } from 'fastify'
import { followKey, profileKey } from '../store/keys.ts'
import type { HttpContext } from './context.ts'
import { HttpError } from './errors.ts'
import { accountParam, beforeParam, idParam, limitParam } from './params.ts'

interface ListQuery {
  limit?: string
  before?: string
}

/** Reads by account and the thread of a post. Every message carries its bytes. */
export function accountRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const json = (bytes: Uint8Array) => messageToJson(ctx.store.decode(bytes))

  app.get<{ Params: { account: string }; Querystring: ListQuery }>(
    '/v1/accounts/:account/posts',
    async (request) => {
      const author = accountParam(request.params.account)
      const limit = limitParam(request.query.limit, 50, 500)
      const posts = await ctx.store.postsBy(author, limit, beforeParam(request.query.before))
      return { account: formatAccount(author), posts: posts.map(json) }
    },
  )

  app.get<{ Params: { account: string } }>('/v1/accounts/:account/profile', async (request) => {
    const author = accountParam(request.params.account)
    const fields: Record<string, { value: string; message: ReturnType<typeof json> }> = {}
    for (const field of Object.keys(PROFILE_FIELD_LIMITS)) {
      const bytes = await ctx.store.winner(profileKey(author, field))
      if (!bytes) continue
      const m = ctx.store.decode(bytes) as Message<'profile.set'>
      fields[field] = { value: m.data.body.value, message: json(bytes) }
    }
    return { account: formatAccount(author), fields }
  })

  app.get<{ Params: { account: string }; Querystring: ListQuery }>(
    '/v1/accounts/:account/following',
    async (request) => {
      const author = accountParam(request.params.account)
      const targets = await ctx.store.followingOf(
        author,
        limitParam(request.query.limit, 500, 5000),
      )
      const following = []
      for (const target of targets) {
        const bytes = await ctx.store.winner(followKey(author, target))
        if (bytes) following.push({ account: formatAccount(target), message: json(bytes) })
      }
      return { account: formatAccount(author), following }
    },
  )

  app.get<{ Params: { account: string }; Querystring: ListQuery }>(
    '/v1/accounts/:account/followers',
    async (request) => {
      const target = accountParam(request.params.account)
      const authors = await ctx.store.followersOf(
        target,
        limitParam(request.query.limit, 500, 5000),
      )
      return { account: formatAccount(target), followers: authors.map(formatAccount) }
    },
  )

  app.get<{ Params: { id: string }; Querystring: { limit?: string } }>(
    '/v1/posts/:id/thread',
    async (request) => {
      const id = idParam(request.params.id)
      const limit = limitParam(request.query.limit, 200, 1000)
      const root = await ctx.store.getMessage(id)
      if (!root) throw new HttpError(404, 'http.not_found', 'no post with that id')
      const node = async (bytes: Uint8Array) => {
        const m = ctx.store.decode(bytes)
        return {
          id: m.id,
          json: {
            ...messageToJson(m),
            reactions: await ctx.store.reactionCounts(m.id),
            // Certified tips to the post, in base units (GET /v1/posts/:id/tips has the certificates).
            tips: (ctx.ledger?.state.tipsOf(m.id) ?? 0n).toString(),
          },
        }
      }
      // Breadth-first over replies, up to `limit` posts in all; each lists its parent.
      const replies = []
      let frontier = [id]
      while (frontier.length > 0 && replies.length < limit) {
        const next: Uint8Array[] = []
        for (const parent of frontier) {
          for (const bytes of await ctx.store.repliesOf(parent, limit - replies.length)) {
            const reply = await node(bytes)
            replies.push(reply.json)
            next.push(reply.id)
            if (replies.length >= limit) break
          }
        }
        frontier = next
      }
      return { post: (await node(root)).json, replies }
    },
  )
}

/**
 * Reads a node's whole social state through its HTTP API, as an app would:
 * every account's posts, profile, following and followers, and every post's
 * thread with its reaction counts. Two nodes that converged answer the same.
 */
import type { DevnetNode } from '@freebird/node'
import { formatAccount } from '@freebird/protocol'
import type { Acked } from './workload.ts'

async function get(node: DevnetNode, path: string): Promise<unknown> {
  const response = await fetch(`${node.url}${path}`, { signal: AbortSignal.timeout(10_000) })
  if (!response.ok && response.status !== 404)
    throw new Error(`${node.name} ${path}: ${response.status}`)
  return response.status === 404 ? null : response.json()
}

/** Runs `fn` over `items` with `limit` in flight. */
async function each<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: limit }, worker))
  return out
}

/** The node's social state as one JSON text. */
export async function socialState(node: DevnetNode, acked: Acked): Promise<string> {
  const accounts = await each(acked.accounts.map(formatAccount), 4, async (a) => ({
    posts: await get(node, `/v1/accounts/${a}/posts?limit=500`),
    profile: await get(node, `/v1/accounts/${a}/profile`),
    following: await get(node, `/v1/accounts/${a}/following?limit=5000`),
    followers: await get(node, `/v1/accounts/${a}/followers?limit=5000`),
  }))
  const threads = await each(acked.posts, 16, (id) =>
    get(node, `/v1/posts/${id}/thread?limit=1000`),
  )
  return JSON.stringify({ accounts, threads })
}

/** Acknowledged messages a node does not have (removed posts are expected to be gone). */
export async function missingOn(node: DevnetNode, acked: Acked): Promise<string[]> {
  const ids = [...acked.messages.keys()].filter((id) => !acked.removedPosts.has(id))
  const present = await each(ids, 32, async (id) => {
    const response = await fetch(`${node.url}/v1/messages/${id}`, {
      signal: AbortSignal.timeout(10_000),
    })
    await response.body?.cancel()
    return response.status === 200
  })
  return ids.filter((_, i) => !present[i])
}

/** Removed posts a node still serves (a root-signed removal deletes them everywhere). */
export async function resurrectedOn(node: DevnetNode, acked: Acked): Promise<string[]> {
  const ids = [...acked.removedPosts]
  const present = await each(ids, 32, async (id) => {
    const response = await fetch(`${node.url}/v1/messages/${id}`, {
      signal: AbortSignal.timeout(10_000),
    })
    await response.body?.cancel()
    return response.status === 200
  })
  return ids.filter((_, i) => present[i])
}

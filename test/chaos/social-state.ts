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

/** Which of `ids` the node serves (GET /v1/messages/:id answers 200). */
async function servedBy(node: DevnetNode, ids: string[]): Promise<boolean[]> {
  return each(ids, 32, async (id) => {
    const response = await fetch(`${node.url}/v1/messages/${id}`, {
      signal: AbortSignal.timeout(10_000),
    })
    await response.body?.cancel()
    return response.status === 200
  })
}

/** Acknowledged messages a node does not have (removed posts are expected to be gone). */
export async function missingOn(node: DevnetNode, acked: Acked): Promise<string[]> {
  const ids = [...acked.messages.keys()].filter((id) => !acked.removedPosts.has(id))
  const served = await servedBy(node, ids)
  return ids.filter((_, i) => !served[i])
}

/** Removed posts a node still serves (a root-signed removal deletes them everywhere). */
export async function resurrectedOn(node: DevnetNode, acked: Acked): Promise<string[]> {
  const ids = [...acked.removedPosts]
  const served = await servedBy(node, ids)
  return ids.filter((_, i) => served[i])
}

/**
 * Everything that must hold once a devnet converged after chaos: one
 * stateRoot, one social state, every acknowledged message on every node and
 * no removed post anywhere. Returns what is wrong (nothing, when all holds).
 */
export async function endStateProblems(nodes: DevnetNode[], acked: Acked): Promise<string[]> {
  const problems: string[] = []
  const infos = await Promise.all(nodes.map((n) => n.info()))
  if (new Set(infos.map((i) => i.stateRoot)).size !== 1)
    problems.push(`stateRoots differ: ${infos.map((i) => i.stateRoot.slice(0, 8)).join(' ')}`)
  const states = await Promise.all(nodes.map((n) => socialState(n, acked)))
  nodes.forEach((n, i) => {
    if (states[i] !== states[0])
      problems.push(`${n.name} answers another social state than ${nodes[0]?.name}`)
  })
  for (const node of nodes) {
    const missing = await missingOn(node, acked)
    if (missing.length > 0)
      problems.push(
        `${node.name} lacks ${missing.length} acknowledged messages: ${missing.slice(0, 3).join(', ')}`,
      )
    const back = await resurrectedOn(node, acked)
    if (back.length > 0)
      problems.push(
        `${node.name} serves ${back.length} removed posts: ${back.slice(0, 3).join(', ')}`,
      )
  }
  return problems
}

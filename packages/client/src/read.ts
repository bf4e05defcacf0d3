import type { ClientContext, NodeFault } from './context.ts'
import { ClientError } from './errors.ts'
import type { NodeTransport } from './transports/types.ts'

export interface Answer<T> {
  node: NodeTransport
  value: T
}

export interface ReadOutcome<T> {
  answers: Answer<T>[]
  /** Nodes whose answer did not verify (never used). */
  faults: NodeFault[]
  /** Nodes that could not be reached or failed. */
  failed: string[]
}

/**
 * Asks `ctx.reads` nodes at once. A node that fails, times out or lies is
 * replaced by the next node (failover), until `reads` answers are in or every
 * node was tried. `ask` verifies what the node sent and throws
 * `client.node_lied` when it does not verify.
 */
export async function readFrom<T>(
  ctx: ClientContext,
  ask: (node: NodeTransport, signal: AbortSignal) => Promise<T>,
  reads = ctx.reads,
): Promise<ReadOutcome<T>> {
  const queue = ctx.order()
  const outcome: ReadOutcome<T> = { answers: [], faults: [], failed: [] }
  const worker = async () => {
    for (let node = queue.shift(); node; node = queue.shift()) {
      try {
        outcome.answers.push({ node, value: await ask(node, AbortSignal.timeout(ctx.timeoutMs)) })
        ctx.report(node, true)
        return
      } catch (error) {
        ctx.report(node, false)
        if (error instanceof ClientError && error.code === 'client.node_lied') {
          const fault: NodeFault = { node: node.name, code: error.code, message: error.message }
          outcome.faults.push(fault)
          ctx.onFault?.(fault)
        } else {
          outcome.failed.push(node.name)
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(reads, queue.length) }, worker))
  return outcome
}

/** The error for a read no node answered, naming a lying node when one did. */
export function noAnswer(outcome: ReadOutcome<unknown>): ClientError {
  const lie = outcome.faults[0]
  if (lie) return new ClientError('client.node_lied', lie.message, { node: lie.node })
  return new ClientError('client.unavailable', `no node answered (${outcome.failed.join(', ')})`)
}

/** Reports a fault that is found after the answers are in (stale or unauthorized). */
export function fault(
  ctx: ClientContext,
  faults: NodeFault[],
  node: string,
  code: NodeFault['code'],
  message: string,
): void {
  if (faults.some((f) => f.node === node && f.message === message)) return
  const f: NodeFault = { node, code, message }
  faults.push(f)
  ctx.onFault?.(f)
}

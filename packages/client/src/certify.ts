import { compareBytes, toHex } from '@freebird/protocol'
import {
  buildCertificate,
  type Certificate,
  checkVote,
  decodeVote,
  type LedgerParams,
  type TransferOrder,
  type Vote,
} from '@freebird/protocol/ledger'
import type { ClientContext, NodeFault } from './context.ts'
import { ClientError } from './errors.ts'
import { lied } from './ledger-reads.ts'
import type { NodeTransport } from './transports/types.ts'

/** A node's refusal of an order, as it said it (refusals are not signed: they are hints, not proofs). */
export interface Refusal {
  node: string
  code: string
  message: string
}

export type Certification =
  | { ok: true; certificate: Certificate }
  | {
      ok: false
      /** Vote weight gathered (votes are signed: each is a validator's lock on this order). */
      weight: number
      refusals: Refusal[]
      /** Nodes that could not be reached, timed out or failed. */
      failed: string[]
      faults: NodeFault[]
    }

/** Codes of nodes that do not vote at all (not a validator, no ledger): no refusal. */
const NOT_VOTERS = new Set(['ledger.not_validator', 'ledger.no_ledger'])
/** A validator behind on the sender's certificates is asked again this many times. */
const WRONG_SEQ_RETRIES = 6

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Sends a signed order to every node at once and gathers the validators'
 * votes, each verified here (a committee member's signature on this order).
 * Resolves with the certificate as soon as the votes reach the quorum by
 * weight (later answers are not awaited), or with what was gathered once
 * every node answered. A validator that answers `ledger.wrong_seq` has not
 * applied the sender's previous certificate yet: `previous` gives it, it is
 * pushed to that validator, and the order is sent again (with backoff).
 */
export function certify(
  ctx: ClientContext,
  params: LedgerParams,
  order: TransferOrder,
  previous: () => Promise<Certificate | undefined>,
): Promise<Certification> {
  const votes = new Map<string, Vote>()
  let weight = 0
  const refusals: Refusal[] = []
  const failed: string[] = []
  const faults: NodeFault[] = []
  let done = false
  const weightOf = (key: Uint8Array) =>
    params.committee.find((v) => compareBytes(v.key, key) === 0)?.weight ?? 0

  return new Promise((resolve) => {
    let outstanding = ctx.nodes.length
    const ask = async (node: NodeTransport) => {
      for (let attempt = 0; !done; attempt++) {
        let answer: Awaited<ReturnType<NodeTransport['order']>>
        try {
          answer = await node.order(order.bytes, AbortSignal.timeout(ctx.timeoutMs))
          ctx.report(node, true)
        } catch (error) {
          ctx.report(node, false)
          if (error instanceof ClientError && error.code === 'client.node_lied') {
            lied(ctx, faults, node.name, error.message)
          } else failed.push(node.name)
          return
        }
        if (answer.status === 'voted') {
          let vote: Vote
          try {
            vote = decodeVote(answer.vote)
            checkVote(vote, order.id, params)
          } catch (error) {
            const code = (error as { code?: string }).code ?? 'ledger.encoding'
            lied(
              ctx,
              faults,
              node.name,
              `${node.name} answered a vote that does not verify (${code})`,
            )
            return
          }
          const who = toHex(vote.validator)
          if (!votes.has(who)) {
            votes.set(who, vote)
            weight += weightOf(vote.validator)
          }
          if (!done && weight >= params.quorum) {
            done = true
            resolve({ ok: true, certificate: buildCertificate(order, [...votes.values()], params) })
          }
          return
        }
        if (NOT_VOTERS.has(answer.code)) return
        if (answer.code === 'ledger.wrong_seq' && attempt < WRONG_SEQ_RETRIES) {
          const last = await previous()
          if (last && last.order.data.seq === order.data.seq - 1) {
            await node.certificate(last.bytes, AbortSignal.timeout(ctx.timeoutMs)).catch(() => {})
          }
          // Gossip and sync bring it older certificates meanwhile.
          await delay(50 * 2 ** attempt)
          continue
        }
        refusals.push({ node: node.name, code: answer.code, message: answer.message })
        return
      }
    }
    const settle = () => {
      if (--outstanding > 0 || done) return
      done = true
      resolve({ ok: false, weight, refusals, failed, faults })
    }
    if (outstanding === 0) settle()
    for (const node of ctx.nodes) {
      void ask(node)
        .catch(() => failed.push(node.name))
        .finally(settle)
    }
  })
}

/**
 * Pushes a certificate to every node. Resolves with the nodes that accepted
 * it (stored it, or had it) as soon as one did, or once every node answered;
 * the pushes to the other nodes go on in the background (`close` awaits
 * them), so the transfer reaches every node the client knows even though
 * the caller does not wait for the slowest.
 */
export function pushCertificate(ctx: ClientContext, certificate: Certificate): Promise<string[]> {
  const accepted: string[] = []
  return new Promise((resolve) => {
    let outstanding = ctx.nodes.length
    if (outstanding === 0) resolve([])
    for (const node of ctx.nodes) {
      const push = node
        .certificate(certificate.bytes, AbortSignal.timeout(ctx.timeoutMs))
        .then(
          (answer) => {
            ctx.report(node, true)
            if (answer.status !== 'refused') {
              accepted.push(node.name)
              resolve([...accepted])
            }
          },
          () => ctx.report(node, false),
        )
        .finally(() => {
          if (--outstanding === 0) resolve([...accepted])
        })
      ctx.background(push)
    }
  })
}

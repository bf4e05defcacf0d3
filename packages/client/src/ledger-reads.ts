import { equalBytes, toHex } from '@freebird/protocol'
import {
  attestedBalance,
  type BalanceAttestation,
  type BalanceStatement,
  type Certificate,
  decodeBalanceAttestation,
  decodeCertificate,
  type LedgerParams,
  LedgerState,
} from '@freebird/protocol/ledger'
import type { ClientContext, NodeFault } from './context.ts'
import { ClientError } from './errors.ts'
import type { LedgerPage, NodeTransport } from './transports/types.ts'

/** Reports a node that served something that does not verify. */
export function lied(ctx: ClientContext, faults: NodeFault[], node: string, message: string): void {
  const fault: NodeFault = { node, code: 'client.node_lied', message }
  faults.push(fault)
  ctx.onFault?.(fault)
}

export interface Attested {
  /** What a quorum (by weight) of validators' verified attestations agree on, if they do. */
  statement?: BalanceStatement
  /** Every verified attestation received (at most one per validator). */
  attestations: BalanceAttestation[]
  /** Nodes that answered at all. */
  answered: number
  faults: NodeFault[]
}

/**
 * Asks every node for the account's balance and keeps the validators'
 * signed attestations that verify (network, committee member, signature,
 * this account). Resolves as soon as attestations from a quorum by weight
 * agree, or once every node answered or timed out.
 */
export function attest(
  ctx: ClientContext,
  params: LedgerParams,
  account: Uint8Array,
): Promise<Attested> {
  const result: Attested = { attestations: [], answered: 0, faults: [] }
  return new Promise((resolve) => {
    let outstanding = ctx.nodes.length
    let done = false
    const ask = async (node: NodeTransport) => {
      let answer: Awaited<ReturnType<NodeTransport['balance']>>
      try {
        answer = await node.balance(account, AbortSignal.timeout(ctx.timeoutMs))
        ctx.report(node, true)
      } catch (error) {
        ctx.report(node, false)
        if (error instanceof ClientError && error.code === 'client.node_lied') {
          lied(ctx, result.faults, node.name, error.message)
        }
        return
      }
      result.answered++
      if (!answer.attestation || done) return
      let attestation: BalanceAttestation
      try {
        attestation = decodeBalanceAttestation(answer.attestation, params)
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'ledger.encoding'
        lied(
          ctx,
          result.faults,
          node.name,
          `${node.name} served an attestation that does not verify (${code})`,
        )
        return
      }
      if (!equalBytes(attestation.account, account)) {
        lied(ctx, result.faults, node.name, `${node.name} attested another account's balance`)
        return
      }
      const who = toHex(attestation.validator)
      if (result.attestations.some((a) => toHex(a.validator) === who)) return
      result.attestations.push(attestation)
      const statement = attestedBalance(result.attestations, params)
      if (statement) {
        done = true
        resolve({ ...result, statement })
      }
    }
    if (outstanding === 0) resolve(result)
    for (const node of ctx.nodes) {
      void ask(node).finally(() => {
        if (--outstanding === 0 && !done) {
          done = true
          resolve(result)
        }
      })
    }
  })
}

/**
 * Certificates a node served for a list, each verified here (the order's
 * signature, a quorum of votes) and checked to belong to the list (`belongs`
 * says why not): anything else is the node's lie, `client.node_lied`.
 */
export function verifyCertificates(
  node: string,
  params: LedgerParams,
  list: Uint8Array[],
  belongs: (c: Certificate) => string | undefined,
): Certificate[] {
  return list.map((bytes) => {
    let c: Certificate
    try {
      c = decodeCertificate(bytes, params)
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'ledger.encoding'
      throw new ClientError(
        'client.node_lied',
        `${node} served a certificate that does not verify (${code})`,
        { node, cause: error },
      )
    }
    const why = belongs(c)
    if (why) throw new ClientError('client.node_lied', `${node} served ${why}`, { node })
    return c
  })
}

/** Most pages (of `PAGE` certificates) read from one node for one list. */
const MAX_PAGES = 20
const PAGE = 500

/**
 * Every certificate of a list (`fetch` pages it, newest first) from one node,
 * each verified here; `belongs` says why one is not in the list (the node
 * lied). Pages go back by timestamp; a page boundary inside one millisecond
 * is read again, and duplicates are dropped.
 */
export async function verifiedList(
  ctx: ClientContext,
  params: LedgerParams,
  node: NodeTransport,
  fetch: (page: LedgerPage, signal: AbortSignal) => Promise<Uint8Array[]>,
  belongs: (c: Certificate) => string | undefined,
  stop?: (c: Certificate) => boolean,
): Promise<Certificate[]> {
  const found = new Map<string, Certificate>()
  let before: number | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = await fetch(
      { limit: PAGE, ...(before !== undefined ? { before } : {}) },
      AbortSignal.timeout(ctx.timeoutMs),
    )
    let oldest = Number.POSITIVE_INFINITY
    let newest = 0
    for (const c of verifyCertificates(node.name, params, list, belongs)) {
      found.set(toHex(c.order.id), c)
      oldest = Math.min(oldest, c.order.data.timestamp)
      newest = Math.max(newest, c.order.data.timestamp)
      if (stop?.(c)) return [...found.values()]
    }
    if (list.length < PAGE) break
    // Next page: strictly older, or (when the page spans several ms) the oldest ms again.
    before = oldest === newest ? oldest : oldest + 1
  }
  return [...found.values()]
}

/** Why a certificate is not a transfer from or to `account`, if it is not. */
export const involving = (account: Uint8Array) => (c: Certificate) =>
  equalBytes(c.order.data.from, account) || equalBytes(c.order.data.to, account)
    ? undefined
    : 'a transfer of other accounts'

export interface LowerBound {
  balance: bigint
  nextSeq: number
  /** Verified certificates it counts. */
  certificates: Certificate[]
  faults: NodeFault[]
}

/**
 * The account's balance as the client can prove it: its genesis allocation
 * plus every verified certificate paying it, minus every verified
 * certificate it signed, over the certificates of every node that answered
 * (and `known` ones). Nodes can withhold incoming certificates, so it is a
 * lower bound; never below 0. Throws `client.unavailable` if no node answered.
 */
export async function lowerBound(
  ctx: ClientContext,
  params: LedgerParams,
  account: Uint8Array,
  known: Certificate[] = [],
): Promise<LowerBound> {
  const faults: NodeFault[] = []
  const all = new Map<string, Certificate>(known.map((c) => [toHex(c.order.id), c]))
  let answered = 0
  await Promise.all(
    ctx.nodes.map(async (node) => {
      try {
        const list = await verifiedList(
          ctx,
          params,
          node,
          (page, signal) => node.transfers(account, page, signal),
          involving(account),
        )
        ctx.report(node, true)
        answered++
        for (const c of list) all.set(toHex(c.order.id), c)
      } catch (error) {
        ctx.report(node, false)
        if (error instanceof ClientError && error.code === 'client.node_lied') {
          lied(ctx, faults, node.name, error.message)
        }
      }
    }),
  )
  if (answered === 0 && known.length === 0) {
    throw new ClientError('client.unavailable', 'no node served the account’s transfers', {
      cause: faults,
    })
  }
  const state = new LedgerState(params)
  const certificates = [...all.values()].sort((a, b) => a.order.data.seq - b.order.data.seq)
  for (const c of certificates) state.apply(c)
  const a = state.account(account)
  // A sent certificate past a gap is credited to its recipient but not yet debited: count it as spent.
  let balance = a.balance
  for (const c of state.pending()) {
    if (equalBytes(c.order.data.from, account) && c.order.data.kind !== 'reward') {
      balance -= c.order.data.amount
    }
  }
  return { balance: balance < 0n ? 0n : balance, nextSeq: a.nextSeq, certificates, faults }
}

/** A verified certificate of `account`'s order at `seq`, from any node, if one serves it. */
export async function certifiedAt(
  ctx: ClientContext,
  params: LedgerParams,
  account: Uint8Array,
  seq: number,
): Promise<Certificate | undefined> {
  const at = (c: Certificate) => equalBytes(c.order.data.from, account) && c.order.data.seq === seq
  const found = await Promise.all(
    ctx.nodes.map(async (node) => {
      try {
        const list = await verifiedList(
          ctx,
          params,
          node,
          (page, signal) => node.transfers(account, page, signal),
          involving(account),
          at,
        )
        return list.find(at)
      } catch {
        return undefined
      }
    }),
  )
  return found.find((c) => c !== undefined)
}

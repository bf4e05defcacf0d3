import { equalBytes, formatAccount, fromHex, networkIdFromGenesis, toHex } from '@freebird/protocol'
import {
  type Certificate,
  decodeCertificate,
  decodeTransferOrder,
  type LedgerGenesis,
  type LedgerParams,
  ledgerParams,
  type TransferKind,
  type TransferOrder,
} from '@freebird/protocol/ledger'
import type { ClientContext } from './context.ts'
import { ClientError } from './errors.ts'

export { type LedgerSession, ledgerSession } from './ledger-session.ts'

/**
 * The ledger's parameters (committee, quorum, allocations, issuer), from the
 * genesis file of the client's network: the first node whose genesis bytes
 * hash to the network id the client is on gives them; a node that serves
 * another genesis is reported as lying.
 */
export function ledgerParamsOf(ctx: ClientContext): Promise<LedgerParams> {
  const session = ctx.ledger
  session.params ??= learnParams(ctx).catch((error: unknown) => {
    session.params = undefined
    throw error
  })
  return session.params
}

async function learnParams(ctx: ClientContext): Promise<LedgerParams> {
  const network = await ctx.network()
  let bytes: Uint8Array
  try {
    bytes = await Promise.any(
      ctx.nodes.map(async (node) => {
        const genesis = await node.genesis(AbortSignal.timeout(ctx.timeoutMs))
        if (!equalBytes(networkIdFromGenesis(genesis), network)) {
          const message = `${node.name} served the genesis of another network`
          ctx.onFault?.({ node: node.name, code: 'client.node_lied', message })
          throw new ClientError('client.node_lied', message, { node: node.name })
        }
        return genesis
      }),
    )
  } catch (error) {
    throw new ClientError('client.unavailable', 'no node served the network genesis', {
      cause: error,
    })
  }
  let genesis: LedgerGenesis
  try {
    genesis = JSON.parse(new TextDecoder().decode(bytes)) as LedgerGenesis
    return ledgerParams(genesis, network)
  } catch (error) {
    // The bytes hash to the network id: this is the network's own genesis, and it has no usable ledger.
    throw new ClientError('client.refused', `the network's genesis has no valid ledger`, {
      reason: 'ledger.no_ledger',
      cause: error,
    })
  }
}

/** Runs `fn` after every earlier transfer of `account` (hex) settled: one order at a time per account. */
export function serially<T>(ctx: ClientContext, account: string, fn: () => Promise<T>): Promise<T> {
  const queues = ctx.ledger.queues
  const run = (queues.get(account) ?? Promise.resolve()).then(fn, fn)
  const tail = run.catch(() => {})
  queues.set(account, tail)
  void tail.then(() => {
    if (queues.get(account) === tail) queues.delete(account)
  })
  return run
}

/** A certified transfer as the client shows it; `certificate` is the verified proof. */
export interface TransferView {
  /** The order id (hex). */
  id: string
  from: string
  to: string
  /** Base units. */
  amount: bigint
  seq: number
  kind: TransferKind
  /** The post id (hex) of a tip, or another 32-byte id. */
  ref?: string
  memo?: string
  /** When the sender signed it (ms). */
  timestamp: number
  /** The certificate's bytes (CBOR): the signed order and a quorum of votes. */
  certificate: Uint8Array
}

export const toTransferView = (c: Certificate): TransferView => {
  const d = c.order.data
  return {
    id: toHex(c.order.id),
    from: formatAccount(d.from),
    to: formatAccount(d.to),
    amount: d.amount,
    seq: d.seq,
    kind: d.kind,
    ...(d.ref ? { ref: toHex(d.ref) } : {}),
    ...(d.memo !== undefined ? { memo: d.memo } : {}),
    timestamp: d.timestamp,
    certificate: c.bytes,
  }
}

/** Newest first: (timestamp, id) descending. */
export const newestCertificateFirst = (a: Certificate, b: Certificate): number =>
  b.order.data.timestamp - a.order.data.timestamp ||
  (toHex(b.order.id) < toHex(a.order.id) ? -1 : toHex(b.order.id) > toHex(a.order.id) ? 1 : 0)

/** An amount argument: a bigint, a safe integer or a decimal string of base units, at least 1. */
export function amountArg(amount: bigint | number | string): bigint {
  let value: bigint | undefined
  if (typeof amount === 'bigint') value = amount
  else if (typeof amount === 'number' && Number.isSafeInteger(amount)) value = BigInt(amount)
  else if (typeof amount === 'string' && /^[0-9]{1,20}$/.test(amount)) value = BigInt(amount)
  if (value === undefined || value < 1n) {
    throw new ClientError(
      'client.invalid_request',
      `not an amount: ${String(amount)} (a whole number of base units, at least 1)`,
    )
  }
  return value
}

// ------------------------------------------------------------------ persisted records

/**
 * The store's records, JSON under `freebird/ledger/<network hex>/<account>/`:
 * `pending`: { v: 1, id, seq, order } — the signed order (hex CBOR), written
 *   before it is sent anywhere and deleted once it is certified;
 * `last`: { v: 1, id, seq, certificate } — the account's last certificate
 *   this client formed (hex CBOR), its own record of the next seq.
 */
export interface PendingRecord {
  v: 1
  id: string
  seq: number
  order: string
}

export interface LastRecord {
  v: 1
  id: string
  seq: number
  certificate: string
}

const keyOf = (params: LedgerParams, account: Uint8Array, what: 'pending' | 'last') =>
  `freebird/ledger/${toHex(params.network)}/${formatAccount(account)}/${what}`

const unreadable = (what: string, error: unknown) =>
  new ClientError('client.invalid_request', `the store's ${what} record is unreadable`, {
    cause: error,
  })

/** The pending order of `account`, if the store holds one (checked: this network, this sender). */
export async function loadPending(
  ctx: ClientContext,
  params: LedgerParams,
  account: Uint8Array,
): Promise<TransferOrder | undefined> {
  const text = await ctx.store.get(keyOf(params, account, 'pending'))
  if (text === undefined) return undefined
  let order: TransferOrder
  try {
    const record = JSON.parse(text) as PendingRecord
    order = decodeTransferOrder(fromHex(record.order), params.network)
  } catch (error) {
    throw unreadable('pending order', error)
  }
  if (!equalBytes(order.data.from, account)) {
    throw unreadable('pending order', new Error('the order is from another account'))
  }
  return order
}

export async function savePending(
  ctx: ClientContext,
  params: LedgerParams,
  order: TransferOrder,
): Promise<void> {
  const record: PendingRecord = {
    v: 1,
    id: toHex(order.id),
    seq: order.data.seq,
    order: toHex(order.bytes),
  }
  await ctx.store.set(keyOf(params, order.data.from, 'pending'), JSON.stringify(record))
}

export const clearPending = (ctx: ClientContext, params: LedgerParams, account: Uint8Array) =>
  ctx.store.delete(keyOf(params, account, 'pending'))

/** The account's last certificate this client knows (memory, else the store), verified. */
export async function loadLast(
  ctx: ClientContext,
  params: LedgerParams,
  account: Uint8Array,
): Promise<Certificate | undefined> {
  const hex = toHex(account)
  const known = ctx.ledger.last.get(hex)
  if (known) return known
  const text = await ctx.store.get(keyOf(params, account, 'last'))
  if (text === undefined) return undefined
  let certificate: Certificate
  try {
    const record = JSON.parse(text) as LastRecord
    certificate = decodeCertificate(fromHex(record.certificate), params)
  } catch (error) {
    throw unreadable('last certificate', error)
  }
  if (!equalBytes(certificate.order.data.from, account)) {
    throw unreadable('last certificate', new Error('the certificate is from another account'))
  }
  ctx.ledger.last.set(hex, certificate)
  return certificate
}

/** Records a certificate of the account's as its last one, unless the record is at a later seq. */
export async function saveLast(
  ctx: ClientContext,
  params: LedgerParams,
  certificate: Certificate,
): Promise<void> {
  const from = certificate.order.data.from
  const known = await loadLast(ctx, params, from).catch(() => undefined)
  if (known && known.order.data.seq >= certificate.order.data.seq) return
  const record: LastRecord = {
    v: 1,
    id: toHex(certificate.order.id),
    seq: certificate.order.data.seq,
    certificate: toHex(certificate.bytes),
  }
  await ctx.store.set(keyOf(params, from, 'last'), JSON.stringify(record))
  ctx.ledger.last.set(toHex(from), certificate)
}

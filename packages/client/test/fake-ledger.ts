/**
 * In-memory validators for the client's ledger tests: each keeps the
 * protocol's LedgerState, votes the way a node's validator does (locks per
 * (from, seq), the same vote again for the same order, refusals with the
 * ledger's codes), applies pushed certificates, attests balances and lists
 * transfers and tips. Options make one lag, lie or fall silent.
 */
import {
  compareBytes,
  createSigner,
  equalBytes,
  formatAccount,
  LedgerError,
  type Message,
  networkIdFromGenesis,
  type Signer,
  toHex,
  utf8,
} from '@freebird/protocol'
import {
  type Certificate,
  decodeCertificate,
  decodeTransferOrder,
  encodeVote,
  type LedgerParams,
  LedgerState,
  ledgerGenesisFields,
  ledgerParams,
  signBalance,
  signVote,
} from '@freebird/protocol/ledger'
import { ClientError, type LedgerPage, type OrderAnswer } from '../src/index.ts'
import { alice, bob, carol, type FakeNode, fakeNode } from './fake-node.ts'

export const validators: Signer[] = [11, 12, 13, 14].map((n) =>
  createSigner(new Uint8Array(32).fill(n)),
)
export const issuer = createSigner(new Uint8Array(32).fill(20))
export const ALLOCATION = 1_000n

/** A genesis with 4 validators of weight 1 (quorum 3); alice and bob hold 1,000 each, carol nothing. */
export const genesisBytes = utf8(
  JSON.stringify({
    network: 'client ledger tests',
    ...ledgerGenesisFields({
      committee: validators.map((v, i) => ({ key: v.publicKey, weight: 1, peerId: `peer${i}` })),
      allocations: [alice, bob].map((s) => ({ account: s.publicKey, amount: ALLOCATION })),
      issuer: issuer.publicKey,
      supplyCap: 1_000_000n,
    }),
  }),
)
export const ledgerNetwork = networkIdFromGenesis(genesisBytes)
export const LEDGER_NETWORK = toHex(ledgerNetwork)
export const params: LedgerParams = ledgerParams(
  JSON.parse(new TextDecoder().decode(genesisBytes)),
  ledgerNetwork,
)
export { alice, bob, carol }

export interface LedgerNodeOptions {
  /** The node's validator key (none: a node that keeps the ledger but does not vote). */
  validator?: Signer
  /** Posts it serves (for tips). */
  messages?: Message[]
  /** Answers balances without an attestation. */
  noAttestation?: boolean
  /** Drops pushed certificates (it never applies them). */
  dropCertificates?: boolean
  /** Rewrites the vote bytes it answers. */
  vote?: (honest: Uint8Array) => Uint8Array
  /** Serves these certificate bytes as the transfers of any account. */
  transfers?: (honest: Uint8Array[]) => Uint8Array[]
  /** Serves another genesis. */
  genesis?: Uint8Array
}

export interface LedgerNode extends FakeNode {
  readonly state: LedgerState
  /** Orders it was sent (bytes), in order. */
  readonly orders: Uint8Array[]
  /** Certificates pushed to it (bytes), in order. */
  readonly pushed: Uint8Array[]
  /** Applies a certificate as if gossip brought it. */
  apply(bytes: Uint8Array): void
}

const newestFirst = (a: Certificate, b: Certificate) =>
  b.order.data.timestamp - a.order.data.timestamp || compareBytes(b.order.id, a.order.id)

function paged(list: Certificate[], page: LedgerPage): Uint8Array[] {
  return list
    .filter((c) => page.before === undefined || c.order.data.timestamp < page.before)
    .sort(newestFirst)
    .slice(0, page.limit ?? 50)
    .map((c) => c.bytes)
}

export function ledgerNode(name: string, options: LedgerNodeOptions = {}): LedgerNode {
  const social = fakeNode(name, options.messages ?? [], { network: ledgerNetwork })
  const state = new LedgerState(params)
  const locks = new Map<string, Uint8Array>()
  const certificates = new Map<string, Certificate>()
  const check = () => {
    if (social.down) throw new ClientError('client.unavailable', `${name} is down`, { node: name })
  }
  const refused = (error: LedgerError): OrderAnswer => ({
    status: 'refused',
    code: error.code,
    message: error.message,
  })
  const apply = (bytes: Uint8Array) => {
    const c = decodeCertificate(bytes, params)
    const result = state.apply(c)
    if (result.status === 'conflict') {
      return {
        status: 'refused' as const,
        code: 'ledger.conflicting_certificate',
        message: 'conflict',
      }
    }
    certificates.set(toHex(c.order.id), c)
    return { status: result.status === 'duplicate' ? ('duplicate' as const) : ('stored' as const) }
  }
  const node: LedgerNode = Object.assign(social, {
    state,
    orders: [] as Uint8Array[],
    pushed: [] as Uint8Array[],
    apply: (bytes: Uint8Array) => {
      apply(bytes)
    },
    async genesis() {
      check()
      return options.genesis ?? genesisBytes
    },
    async order(bytes: Uint8Array): Promise<OrderAnswer> {
      check()
      node.orders.push(bytes)
      const validator = options.validator
      if (!validator) return refused(new LedgerError('ledger.not_validator', 'not a validator'))
      let order: ReturnType<typeof decodeTransferOrder>
      try {
        order = decodeTransferOrder(bytes, ledgerNetwork)
      } catch (error) {
        return refused(error as LedgerError)
      }
      const { from, seq } = order.data
      const slot = `${toHex(from)}/${seq}`
      const vote = () => {
        const honest = encodeVote(signVote(order.id, validator))
        return { status: 'voted' as const, vote: options.vote ? options.vote(honest) : honest }
      }
      const held = state.slot(from, seq) ?? locks.get(slot)
      if (held) {
        if (equalBytes(held, order.id)) return vote()
        return refused(new LedgerError('ledger.conflicting_order', `another order holds ${slot}`))
      }
      const why = state.checkOrder(order)
      if (why) return refused(why)
      locks.set(slot, order.id)
      return vote()
    },
    async certificate(bytes: Uint8Array) {
      check()
      node.pushed.push(bytes)
      if (options.dropCertificates) return { status: 'stored' as const }
      return apply(bytes)
    },
    async balance(account: Uint8Array) {
      check()
      const a = state.account(account)
      return {
        balance: a.balance,
        nextSeq: a.nextSeq,
        ...(options.validator && !options.noAttestation
          ? {
              attestation: signBalance(
                { network: ledgerNetwork, account, balance: a.balance, nextSeq: a.nextSeq },
                options.validator,
              ).bytes,
            }
          : {}),
      }
    },
    async transfers(account: Uint8Array, page: LedgerPage) {
      check()
      const honest = paged(
        [...certificates.values()].filter(
          (c) => equalBytes(c.order.data.from, account) || equalBytes(c.order.data.to, account),
        ),
        page,
      )
      return options.transfers ? options.transfers(honest) : honest
    },
    async tips(post: Uint8Array, page: LedgerPage) {
      check()
      return paged(
        [...certificates.values()].filter(
          (c) =>
            c.order.data.kind === 'tip' && !!c.order.data.ref && equalBytes(c.order.data.ref, post),
        ),
        page,
      )
    },
  })
  return node
}

/** Four validators A-D, in committee order. */
export const committee = (options: (i: number) => LedgerNodeOptions = () => ({})) =>
  validators.map((validator, i) => ledgerNode('ABCD'[i] as string, { validator, ...options(i) }))

export const ALICE = formatAccount(alice.publicKey)
export const BOB = formatAccount(bob.publicKey)
export const CAROL = formatAccount(carol.publicKey)

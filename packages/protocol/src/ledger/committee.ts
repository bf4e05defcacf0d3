import { formatAccount, parseAccount } from '../account.ts'
import { toHex } from '../bytes.ts'
import { LedgerError } from '../errors.ts'
import { MAX_COMMITTEE } from '../limits.ts'

export interface Validator {
  key: Uint8Array
  weight: number
  /** The libp2p peer id of the validator's node, where orders are sent. */
  peerId: string
}

/** The ledger a genesis file defines: who votes, who holds what, who may mint. */
export interface LedgerParams {
  network: Uint8Array
  committee: Validator[]
  totalWeight: number
  /** Smallest weight that makes a certificate: more than two thirds of the total (2f+1 of 3f+1). */
  quorum: number
  /** Account (hex key) to its genesis balance. */
  allocations: Map<string, bigint>
  /** The account that mints rewards, if any. */
  issuer?: Uint8Array
  /** Most the issuer may mint, in all (0 without an issuer). */
  supplyCap: bigint
}

/** The genesis file's ledger fields, as JSON (accounts and keys in text form, amounts as decimal strings). */
export interface LedgerGenesis {
  committee?: { validator: string; weight: number; peerId: string }[]
  allocations?: { account: string; amount: string }[]
  issuer?: string
  supplyCap?: string
}

/** Weight a certificate needs: total - f with f = floor((total - 1) / 3) faulty. */
export const quorumOf = (totalWeight: number): number =>
  totalWeight - Math.floor((totalWeight - 1) / 3)

const DECIMAL = /^(0|[1-9][0-9]{0,38})$/

const invalid = (why: string) => new LedgerError('ledger.encoding', `genesis: ${why}`)

function accountOf(text: unknown, where: string): Uint8Array {
  try {
    return parseAccount(text as string)
  } catch {
    throw invalid(`${where} is not an account (fb1...)`)
  }
}

/**
 * Reads and checks the ledger's part of a genesis file. Throws LedgerError
 * `ledger.encoding` naming the field at fault. A genesis without a committee
 * has no ledger (an empty committee: every order is refused).
 */
export function ledgerParams(genesis: LedgerGenesis, network: Uint8Array): LedgerParams {
  const committee: Validator[] = []
  const seen = new Set<string>()
  const members = genesis.committee ?? []
  if (!Array.isArray(members)) throw invalid('"committee" must be a list')
  if (members.length > MAX_COMMITTEE) throw invalid(`more than ${MAX_COMMITTEE} validators`)
  members.forEach((m, i) => {
    const key = accountOf(m?.validator, `committee[${i}].validator`)
    if (!Number.isSafeInteger(m.weight) || m.weight < 1 || m.weight > 1_000_000)
      throw invalid(`committee[${i}].weight must be an integer from 1 to 1000000`)
    if (typeof m.peerId !== 'string' || m.peerId === '')
      throw invalid(`committee[${i}].peerId must be a peer id`)
    if (seen.has(toHex(key))) throw invalid(`committee[${i}] repeats a validator`)
    seen.add(toHex(key))
    committee.push({ key, weight: m.weight, peerId: m.peerId })
  })
  const allocations = new Map<string, bigint>()
  const list = genesis.allocations ?? []
  if (!Array.isArray(list)) throw invalid('"allocations" must be a list')
  list.forEach((a, i) => {
    const key = toHex(accountOf(a?.account, `allocations[${i}].account`))
    if (typeof a.amount !== 'string' || !DECIMAL.test(a.amount))
      throw invalid(`allocations[${i}].amount must be a whole number of base units, as a string`)
    if (allocations.has(key)) throw invalid(`allocations[${i}] repeats an account`)
    allocations.set(key, BigInt(a.amount))
  })
  let issuer: Uint8Array | undefined
  let supplyCap = 0n
  if (genesis.issuer !== undefined) {
    issuer = accountOf(genesis.issuer, 'issuer')
    if (typeof genesis.supplyCap !== 'string' || !DECIMAL.test(genesis.supplyCap))
      throw invalid('an issuer needs "supplyCap": a whole number of base units, as a string')
    supplyCap = BigInt(genesis.supplyCap)
  } else if (genesis.supplyCap !== undefined) {
    throw invalid('"supplyCap" without an "issuer"')
  }
  const totalWeight = committee.reduce((sum, v) => sum + v.weight, 0)
  return {
    network,
    committee,
    totalWeight,
    quorum: totalWeight === 0 ? Number.POSITIVE_INFINITY : quorumOf(totalWeight),
    allocations,
    ...(issuer ? { issuer } : {}),
    supplyCap,
  }
}

/** The genesis JSON fields for a ledger (what `freebird genesis` writes). */
export function ledgerGenesisFields(parts: {
  committee?: Validator[]
  allocations?: { account: Uint8Array; amount: bigint }[]
  issuer?: Uint8Array
  supplyCap?: bigint
}): LedgerGenesis {
  return {
    ...(parts.committee
      ? {
          committee: parts.committee.map((v) => ({
            validator: formatAccount(v.key),
            weight: v.weight,
            peerId: v.peerId,
          })),
        }
      : {}),
    ...(parts.allocations
      ? {
          allocations: parts.allocations.map((a) => ({
            account: formatAccount(a.account),
            amount: a.amount.toString(),
          })),
        }
      : {}),
    ...(parts.issuer
      ? { issuer: formatAccount(parts.issuer), supplyCap: (parts.supplyCap ?? 0n).toString() }
      : {}),
  }
}

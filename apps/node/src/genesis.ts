import { readFileSync } from 'node:fs'
import { formatNetworkId, networkIdFromGenesis, parseAccount, utf8 } from '@freebird/protocol'
import { CliError } from './cli-error.ts'

/** A validator of the token ledger: its vote key, its voting weight and its node's peer id. */
export interface CommitteeMember {
  /** The validator's Ed25519 public key in account text form (fb1...). */
  validator: string
  weight: number
  peerId: string
}

/** Tokens an account holds at genesis, in integer base units (a decimal string: amounts exceed 2^53). */
export interface Allocation {
  account: string
  amount: string
}

/**
 * A network is defined by its genesis file; its id is derived from the file's
 * exact bytes, so every node with the same file is on the same network and a
 * changed byte is another network.
 */
export interface Genesis {
  freebird: 1
  /** Human name of the network. */
  network: string
  createdAt: string
  /** The ledger's validators (the token-ledger issue votes with them). */
  committee?: CommitteeMember[]
  allocations?: Allocation[]
}

export interface LoadedGenesis {
  genesis: Genesis
  bytes: Uint8Array
  networkId: Uint8Array
  /** 32 hex characters; appears in protocol ids and gossip topics. */
  networkIdText: string
}

/** Built in: the local development network a node joins without --genesis. */
export const DEV_GENESIS = `${JSON.stringify({ freebird: 1, network: 'local-dev', createdAt: '2026-01-01T00:00:00.000Z' }, null, 2)}\n`

export interface GenesisParts {
  createdAt?: Date
  committee?: CommitteeMember[]
  allocations?: Allocation[]
}

export function makeGenesis(network: string, parts: GenesisParts = {}): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(network)) {
    throw new CliError(
      'genesis.invalid_name',
      'network name: 1-63 of a-z, 0-9 and "-", starting with a letter or digit',
    )
  }
  const genesis: Genesis = {
    freebird: 1,
    network,
    createdAt: (parts.createdAt ?? new Date()).toISOString(),
    ...(parts.committee ? { committee: parts.committee } : {}),
    ...(parts.allocations ? { allocations: parts.allocations } : {}),
  }
  const text = `${JSON.stringify(genesis, null, 2)}\n`
  parseGenesis(utf8(text))
  return text
}

const invalid = (why: string) => new CliError('genesis.invalid', `genesis file: ${why}`)

function checkAccount(text: unknown, where: string): void {
  try {
    parseAccount(text as string)
  } catch {
    throw invalid(`${where} is not an account (fb1...)`)
  }
}

/** Shape checks for the ledger's parts; the ledger itself gives them meaning. */
function checkLedgerParts(genesis: Genesis): void {
  const { committee, allocations } = genesis
  if (committee !== undefined) {
    if (!Array.isArray(committee)) throw invalid('"committee" must be a list')
    const seen = new Set<string>()
    committee.forEach((m, i) => {
      checkAccount(m?.validator, `committee[${i}].validator`)
      if (!Number.isSafeInteger(m.weight) || m.weight < 1)
        throw invalid(`committee[${i}].weight must be a positive integer`)
      if (typeof m.peerId !== 'string' || m.peerId === '')
        throw invalid(`committee[${i}].peerId must be a peer id`)
      if (seen.has(m.validator)) throw invalid(`committee[${i}] repeats a validator`)
      seen.add(m.validator)
    })
  }
  if (allocations !== undefined) {
    if (!Array.isArray(allocations)) throw invalid('"allocations" must be a list')
    allocations.forEach((a, i) => {
      checkAccount(a?.account, `allocations[${i}].account`)
      if (typeof a.amount !== 'string' || !/^(0|[1-9][0-9]{0,38})$/.test(a.amount))
        throw invalid(`allocations[${i}].amount must be a whole number of base units, as a string`)
    })
  }
}

export function parseGenesis(bytes: Uint8Array): LoadedGenesis {
  let genesis: Genesis
  try {
    genesis = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    throw new CliError('genesis.invalid', 'the genesis file is not JSON')
  }
  if (genesis?.freebird !== 1 || typeof genesis.network !== 'string') {
    throw new CliError(
      'genesis.invalid',
      'the genesis file needs "freebird": 1 and a "network" name',
    )
  }
  checkLedgerParts(genesis)
  const networkId = networkIdFromGenesis(bytes)
  return { genesis, bytes, networkId, networkIdText: formatNetworkId(networkId) }
}

export function loadGenesis(file?: string): LoadedGenesis {
  if (!file) return parseGenesis(utf8(DEV_GENESIS))
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw new CliError(
      'genesis.unreadable',
      `cannot read genesis file ${file}: ${(error as Error).message}`,
    )
  }
  return parseGenesis(bytes)
}

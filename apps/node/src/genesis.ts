import { readFileSync } from 'node:fs'
import { formatNetworkId, LedgerError, networkIdFromGenesis, utf8 } from '@freebird/protocol'
import { type LedgerGenesis, type LedgerParams, ledgerParams } from '@freebird/protocol/ledger'
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
 * changed byte is another network. The ledger's fields are read by the
 * protocol's ledgerParams, the one reader shared with light clients.
 */
export interface Genesis extends LedgerGenesis {
  freebird: 1
  /** Human name of the network. */
  network: string
  createdAt: string
  /** The ledger's validators (the token-ledger issue votes with them). */
  committee?: CommitteeMember[]
  allocations?: Allocation[]
  /** The account that may mint rewards (account text). */
  issuer?: string
  /** Most the issuer may mint in all, in base units (decimal string); only with an issuer. */
  supplyCap?: string
}

export interface LoadedGenesis {
  genesis: Genesis
  bytes: Uint8Array
  networkId: Uint8Array
  /** 32 hex characters; appears in protocol ids and gossip topics. */
  networkIdText: string
  /** The ledger the genesis defines (an empty committee when it has none). */
  ledger: LedgerParams
}

/** Built in: the local development network a node joins without --genesis. */
export const DEV_GENESIS = `${JSON.stringify({ freebird: 1, network: 'local-dev', createdAt: '2026-01-01T00:00:00.000Z' }, null, 2)}\n`

export interface GenesisParts {
  createdAt?: Date
  committee?: CommitteeMember[]
  allocations?: Allocation[]
  issuer?: string
  supplyCap?: string
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
    ...(parts.issuer !== undefined ? { issuer: parts.issuer } : {}),
    ...(parts.supplyCap !== undefined ? { supplyCap: parts.supplyCap } : {}),
  }
  const text = `${JSON.stringify(genesis, null, 2)}\n`
  parseGenesis(utf8(text))
  return text
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
  const networkId = networkIdFromGenesis(bytes)
  let ledger: LedgerParams
  try {
    ledger = ledgerParams(genesis, networkId)
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'ledger.encoding')
      throw new CliError('genesis.invalid', error.message)
    throw error
  }
  return { genesis, bytes, networkId, networkIdText: formatNetworkId(networkId), ledger }
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

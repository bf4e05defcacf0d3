import { readFileSync } from 'node:fs'
import { formatNetworkId, networkIdFromGenesis, utf8 } from '@freebird/protocol'
import { CliError } from './cli-error.ts'

/**
 * A network is defined by its genesis file; its id is derived from the file's
 * exact bytes, so every node with the same file is on the same network and a
 * changed byte is another network. (The ledger adds committee and allocations.)
 */
export interface Genesis {
  freebird: 1
  /** Human name of the network. */
  network: string
  createdAt: string
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

export function makeGenesis(network: string, createdAt = new Date()): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(network)) {
    throw new CliError(
      'genesis.invalid_name',
      'network name: 1-63 of a-z, 0-9 and "-", starting with a letter or digit',
    )
  }
  const genesis: Genesis = { freebird: 1, network, createdAt: createdAt.toISOString() }
  return `${JSON.stringify(genesis, null, 2)}\n`
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

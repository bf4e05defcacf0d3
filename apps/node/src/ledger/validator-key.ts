import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createNodeSigner } from '@freebird/node-verifier'
import { equalBytes, formatAccount, type Signer } from '@freebird/protocol'
import type { LedgerParams } from '@freebird/protocol/ledger'
import { CliError } from '../cli-error.ts'
import { readKeyFile } from '../commands/key-file.ts'

/**
 * This node's validator signer: from --validator-key, or DATA/validator.key
 * when that exists. A key that is not in the genesis committee is an error
 * when given explicitly (a misconfigured validator should not start), and
 * means "not a validator" when it is only the default file.
 */
export function loadValidator(
  file: string | undefined,
  data: string,
  params: LedgerParams,
): Signer | undefined {
  const path = file ?? join(data, 'validator.key')
  if (!file && !existsSync(path)) return undefined
  const signer = createNodeSigner(readKeyFile(path))
  const member = params.committee.some((v) => equalBytes(v.key, signer.publicKey))
  if (member) return signer
  if (file)
    throw new CliError(
      'config.invalid',
      `validator key ${formatAccount(signer.publicKey)} is not in the genesis committee`,
    )
  return undefined
}

import { readFileSync, writeFileSync } from 'node:fs'
import {
  formatAccount,
  formatSecretKey,
  keyPairFromSecretKey,
  parseSecretKey,
} from '@freebird/protocol'
import { CliError } from '../cli-error.ts'

/** A key file: JSON { account, secretKey } readable by its owner only. */
export function writeKeyFile(file: string, secretKey: Uint8Array): string {
  const { publicKey } = keyPairFromSecretKey(secretKey)
  const account = formatAccount(publicKey)
  const text = `${JSON.stringify({ account, secretKey: formatSecretKey(secretKey) }, null, 2)}\n`
  try {
    writeFileSync(file, text, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    throw new CliError('key.unwritable', `cannot write ${file}: ${(error as Error).message}`)
  }
  return account
}

export function readKeyFile(file: string): Uint8Array {
  let parsed: { secretKey?: unknown }
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new CliError(
      'key.unreadable',
      `cannot read key file ${file}: ${(error as Error).message}`,
    )
  }
  if (typeof parsed.secretKey !== 'string') {
    throw new CliError('key.invalid', `${file} has no "secretKey"`)
  }
  return parseSecretKey(parsed.secretKey)
}

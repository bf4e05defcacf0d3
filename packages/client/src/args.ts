import { fromHex, ID_BYTES, parseAccount } from '@freebird/protocol'
import { ClientError } from './errors.ts'

/** Parses an argument, turning the protocol's parse error into `client.invalid_request`. */
function parsed<T>(what: string, text: string, parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    throw new ClientError('client.invalid_request', `not ${what}: ${text}`, { cause: error })
  }
}

/** A message id argument (hex). */
export const idArg = (id: string) => parsed('a message id', id, () => fromHex(id, ID_BYTES))

/** An account argument (`fb1...`). */
export const accountArg = (account: string) =>
  parsed('an account', account, () => parseAccount(account))

/** An Ed25519 public key argument (hex, 32 bytes). */
export const keyArg = (key: string) => parsed('a public key', key, () => fromHex(key, 32))

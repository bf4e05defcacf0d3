import {
  decodeMessage,
  equalBytes,
  hasValidSignature,
  type Message,
  ValidationError,
} from '@freebird/protocol'
import { ClientError } from './errors.ts'

/**
 * Checks one envelope a node answered: it decodes on this network, its id is
 * computed here from its bytes, and its signature verifies (the protocol's
 * reference rule, noble: the same in browsers). Anything else is the node's
 * lie, reported with the node. Every read action runs it on every message.
 *
 * @example
 * ```ts
 * const message = verifyEnvelope('my-node', bytes, parseNetworkId(networkHex))
 * console.log(toHex(message.id), message.data.type)
 * ```
 */
export function verifyEnvelope(
  node: string,
  bytes: Uint8Array,
  network: Uint8Array,
  expectedId?: Uint8Array,
): Message {
  let message: Message
  try {
    message = decodeMessage(bytes, { network })
  } catch (error) {
    const code = error instanceof ValidationError ? error.code : 'invalid.encoding'
    throw new ClientError(
      'client.node_lied',
      `${node} served a message that is not valid (${code})`,
      {
        node,
        cause: error,
      },
    )
  }
  if (expectedId && !equalBytes(message.id, expectedId)) {
    throw new ClientError(
      'client.node_lied',
      `${node} served another message than the one asked for`,
      {
        node,
      },
    )
  }
  if (!hasValidSignature(message)) {
    throw new ClientError(
      'client.node_lied',
      `${node} served a message whose signature does not verify`,
      {
        node,
      },
    )
  }
  return message
}

/** Every envelope of one node's answer, verified; the first that fails condemns the answer. */
export function verifyAll(node: string, list: Uint8Array[], network: Uint8Array): Message[] {
  return list.map((bytes) => verifyEnvelope(node, bytes, network))
}

/** A node's lie about what a message is (wrong type, author or target for the question asked). */
export function misplaced(node: string, what: string): ClientError {
  return new ClientError('client.node_lied', `${node} answered ${what}`, { node })
}

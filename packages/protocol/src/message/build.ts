import type { Signer } from '../keys.ts'
import { PROTOCOL_VERSION } from '../limits.ts'
import { sortScope } from './body.ts'
import { decodeMessageData, encodeEnvelope, encodeMessageData } from './codec.ts'
import { computeMessageId } from './id.ts'
import type { Message, MessageBodies, MessageData, MessageType } from './types.ts'
import { checkMessageData } from './validate.ts'

export interface BuildOptions {
  network: Uint8Array
  /** Signs the message id: the author's root key or one of its delegated keys. */
  signer: Signer
  /** The account the message is from. Default: the signer's public key (a root-signed message). */
  author?: Uint8Array
  /** Milliseconds since the Unix epoch. Default: Date.now(). */
  timestamp?: number
}

/**
 * Builds, checks and signs a message. Throws ValidationError if the result
 * would not be valid (the future-timestamp limit aside: that depends on the
 * receiver's clock). Delegated-key authorization is the receiver's to check.
 */
export function buildMessage<T extends MessageType>(
  type: T,
  body: MessageBodies[T],
  options: BuildOptions,
): Message<T> {
  const author = options.author ?? options.signer.publicKey
  const data = {
    version: PROTOCOL_VERSION,
    network: options.network,
    type,
    author,
    timestamp: options.timestamp ?? Date.now(),
    body,
  } as MessageData<T>
  checkMessageData(data as MessageData, options.signer.publicKey, options.network)
  const dataBytes = encodeMessageData(data as MessageData)
  const id = computeMessageId(options.signer.publicKey, dataBytes)
  const signature = options.signer.sign(id)
  const signer = Uint8Array.from(options.signer.publicKey)
  const bytes = encodeEnvelope({ data: dataBytes, signer, signature })
  // The message holds what the bytes say (decoded), not the caller's objects:
  // no aliasing, and text is exactly what every receiver will read.
  const decoded = decodeMessageData(dataBytes) as MessageData<T>
  return { id, data: decoded, dataBytes, signer, signature, bytes } as Message<T>
}

/** Sets one profile field (LWW per field). */
export const buildProfileSet = (body: MessageBodies['profile.set'], options: BuildOptions) =>
  buildMessage('profile.set', body, options)

/** A post, or a reply when `parent` is set. */
export const buildPostAdd = (body: MessageBodies['post.add'], options: BuildOptions) => {
  // Empty lists have no encoding (the field is omitted); accept them from callers.
  const { text, parent, mentions, embeds } = body
  return buildMessage(
    'post.add',
    {
      text,
      ...(parent ? { parent } : {}),
      ...(mentions?.length ? { mentions } : {}),
      ...(embeds?.length ? { embeds } : {}),
    },
    options,
  )
}

/** Removes one of the author's posts forever. */
export const buildPostRemove = (body: MessageBodies['post.remove'], options: BuildOptions) =>
  buildMessage('post.remove', body, options)

export const buildReactionAdd = (body: MessageBodies['reaction.add'], options: BuildOptions) =>
  buildMessage('reaction.add', body, options)

export const buildReactionRemove = (
  body: MessageBodies['reaction.remove'],
  options: BuildOptions,
) => buildMessage('reaction.remove', body, options)

export const buildFollowAdd = (body: MessageBodies['follow.add'], options: BuildOptions) =>
  buildMessage('follow.add', body, options)

export const buildFollowRemove = (body: MessageBodies['follow.remove'], options: BuildOptions) =>
  buildMessage('follow.remove', body, options)

/** Authorizes a delegated app key (root key only). `scope` defaults to ['social']. */
export const buildSignerAdd = (
  body: Omit<MessageBodies['signer.add'], 'scope'> & {
    scope?: MessageBodies['signer.add']['scope']
  },
  options: BuildOptions,
) =>
  buildMessage(
    'signer.add',
    { key: body.key, expiresAt: body.expiresAt, scope: sortScope(body.scope ?? ['social']) },
    options,
  )

/** Revokes a delegated key forever, and with it every message it signed (root key only). */
export const buildSignerRemove = (body: MessageBodies['signer.remove'], options: BuildOptions) =>
  buildMessage('signer.remove', body, options)

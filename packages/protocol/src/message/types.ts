import type { PROFILE_FIELD_LIMITS, REACTION_KINDS, SIGNER_SCOPES } from '../limits.ts'

/** Every message type, as it appears on the wire. */
export const MESSAGE_TYPES = [
  'profile.set',
  'post.add',
  'post.remove',
  'reaction.add',
  'reaction.remove',
  'follow.add',
  'follow.remove',
  'signer.add',
  'signer.remove',
] as const

export type MessageType = (typeof MESSAGE_TYPES)[number]
export type ProfileField = keyof typeof PROFILE_FIELD_LIMITS
export type ReactionKind = (typeof REACTION_KINDS)[number]
export type SignerScope = (typeof SIGNER_SCOPES)[number]

/** A link or a quoted post attached to a post: exactly one of the two keys. */
export type Embed = { url: string } | { post: Uint8Array }

export interface ProfileSetBody {
  field: ProfileField
  value: string
}
export interface PostAddBody {
  text: string
  /** Id of the post this one replies to. */
  parent?: Uint8Array
  /** Accounts mentioned (unique, at most MAX_MENTIONS). */
  mentions?: Uint8Array[]
  embeds?: Embed[]
}
export interface PostRemoveBody {
  /** Id of the author's own post to remove. */
  target: Uint8Array
}
export interface ReactionBody {
  kind: ReactionKind
  /** Id of the post reacted to. */
  target: Uint8Array
}
export interface FollowBody {
  /** Account followed. */
  target: Uint8Array
}
export interface SignerAddBody {
  /** Delegated Ed25519 public key. */
  key: Uint8Array
  /** The key signs only messages with timestamp < expiresAt (ms). */
  expiresAt: number
  /** What the key may sign: sorted, unique, non-empty. */
  scope: SignerScope[]
}
export interface SignerRemoveBody {
  key: Uint8Array
}

/** The body of each message type. */
export interface MessageBodies {
  'profile.set': ProfileSetBody
  'post.add': PostAddBody
  'post.remove': PostRemoveBody
  'reaction.add': ReactionBody
  'reaction.remove': ReactionBody
  'follow.add': FollowBody
  'follow.remove': FollowBody
  'signer.add': SignerAddBody
  'signer.remove': SignerRemoveBody
}

/**
 * The signed part of a message. With the default type parameter it is a union
 * discriminated by `type`, so `if (data.type === 'post.add') data.body.text`.
 */
export type MessageData<T extends MessageType = MessageType> = T extends MessageType
  ? {
      version: number
      network: Uint8Array
      type: T
      author: Uint8Array
      timestamp: number
      body: MessageBodies[T]
    }
  : never

/** A decoded, checked message with the exact bytes it came in. */
export type Message<T extends MessageType = MessageType> = T extends MessageType
  ? {
      /** SHA-256 over the id domain tag and `dataBytes`. */
      id: Uint8Array
      data: MessageData<T>
      /** The exact signed bytes (deterministic CBOR of `data`). */
      dataBytes: Uint8Array
      /** Public key that signed: the author, or a delegated key. */
      signer: Uint8Array
      signature: Uint8Array
      /** The exact envelope bytes, to store and forward unchanged. */
      bytes: Uint8Array
    }
  : never

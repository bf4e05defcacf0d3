import { equalBytes, utf8Length } from '../bytes.ts'
import { ValidationError } from '../errors.ts'
import {
  ID_BYTES,
  MAX_EMBED_URL_BYTES,
  MAX_EMBEDS,
  MAX_MENTIONS,
  MAX_POST_TEXT_BYTES,
  MAX_TIMESTAMP_MS,
  PROFILE_FIELD_LIMITS,
  PUBLIC_KEY_BYTES,
  REACTION_KINDS,
  SIGNER_SCOPES,
} from '../limits.ts'
import { isWeakPublicKey } from '../signature.ts'
import {
  expectArray,
  expectBytes,
  expectFields,
  expectInteger,
  expectString,
  isPlainObject,
} from './shape.ts'
import type { MessageData, MessageType } from './types.ts'

type Check = (body: unknown, data: { author: Uint8Array; timestamp: number }) => void

const checkTarget = (size: number, what: string) => (body: unknown) => {
  const b = expectFields(body, ['target'], [], 'invalid.body', 'body')
  expectBytes(b.target, size, 'invalid.body', what)
}

const checkReaction: Check = (body) => {
  const b = expectFields(body, ['kind', 'target'], [], 'invalid.body', 'body')
  const kind = expectString(b.kind, 'invalid.body', 'kind')
  if (!(REACTION_KINDS as readonly string[]).includes(kind)) {
    throw new ValidationError(
      'invalid.reaction_kind',
      `unknown reaction kind "${kind}" (one of ${REACTION_KINDS.join(', ')})`,
    )
  }
  expectBytes(b.target, ID_BYTES, 'invalid.body', 'target (post id)')
}

const checkPostAdd: Check = (body) => {
  const b = expectFields(body, ['text'], ['parent', 'mentions', 'embeds'], 'invalid.body', 'body')
  const text = expectString(b.text, 'invalid.body', 'text')
  const length = utf8Length(text)
  if (length > MAX_POST_TEXT_BYTES) {
    throw new ValidationError(
      'invalid.text_length',
      `text is ${length} UTF-8 bytes; the limit is ${MAX_POST_TEXT_BYTES}`,
    )
  }
  if (b.parent !== undefined) expectBytes(b.parent, ID_BYTES, 'invalid.body', 'parent (post id)')
  if (b.mentions !== undefined) {
    const mentions = expectArray(b.mentions, MAX_MENTIONS, 'invalid.mentions', 'mentions')
    mentions.forEach((m, i) => {
      const key = expectBytes(m, PUBLIC_KEY_BYTES, 'invalid.mentions', `mentions[${i}]`)
      for (let j = 0; j < i; j++) {
        if (equalBytes(key, mentions[j] as Uint8Array)) {
          throw new ValidationError('invalid.mentions', `mentions[${i}] repeats mentions[${j}]`)
        }
      }
    })
  }
  if (b.embeds !== undefined) {
    const embeds = expectArray(b.embeds, MAX_EMBEDS, 'invalid.embeds', 'embeds')
    embeds.forEach((e, i) => {
      if (!isPlainObject(e) || Object.keys(e).length !== 1) {
        throw new ValidationError('invalid.embeds', `embeds[${i}] must be {url} or {post}`)
      }
      if (Object.hasOwn(e, 'url')) {
        const url = expectString(e.url, 'invalid.embeds', `embeds[${i}].url`)
        const n = utf8Length(url)
        if (n === 0 || n > MAX_EMBED_URL_BYTES) {
          throw new ValidationError(
            'invalid.embeds',
            `embeds[${i}].url must be 1..${MAX_EMBED_URL_BYTES} UTF-8 bytes`,
          )
        }
      } else if (Object.hasOwn(e, 'post')) {
        expectBytes(e.post, ID_BYTES, 'invalid.embeds', `embeds[${i}].post`)
      } else {
        throw new ValidationError('invalid.embeds', `embeds[${i}] must be {url} or {post}`)
      }
    })
  }
  if (length === 0 && b.embeds === undefined) {
    throw new ValidationError('invalid.empty_post', 'a post needs text or at least one embed')
  }
}

const checkProfileSet: Check = (body) => {
  const b = expectFields(body, ['field', 'value'], [], 'invalid.body', 'body')
  const field = expectString(b.field, 'invalid.body', 'field')
  if (!Object.hasOwn(PROFILE_FIELD_LIMITS, field)) {
    throw new ValidationError(
      'invalid.profile_field',
      `unknown profile field "${field}" (one of ${Object.keys(PROFILE_FIELD_LIMITS).join(', ')})`,
    )
  }
  const limit = PROFILE_FIELD_LIMITS[field as keyof typeof PROFILE_FIELD_LIMITS]
  const value = expectString(b.value, 'invalid.body', 'value')
  if (utf8Length(value) > limit) {
    throw new ValidationError(
      'invalid.profile_value',
      `profile ${field} is longer than ${limit} UTF-8 bytes`,
    )
  }
}

function checkSignerKey(key: Uint8Array, author: Uint8Array): void {
  if (equalBytes(key, author)) {
    throw new ValidationError(
      'invalid.signer_key',
      'the root key cannot be its own delegated signer',
    )
  }
  if (isWeakPublicKey(key)) {
    throw new ValidationError(
      'invalid.signer_key',
      'delegated key is of small order or not a point',
    )
  }
}

const checkSignerAdd: Check = (body, data) => {
  const b = expectFields(body, ['key', 'expiresAt', 'scope'], [], 'invalid.body', 'body')
  const key = expectBytes(b.key, PUBLIC_KEY_BYTES, 'invalid.body', 'key')
  checkSignerKey(key, data.author)
  const expiresAt = expectInteger(b.expiresAt, 0, MAX_TIMESTAMP_MS, 'invalid.body', 'expiresAt')
  if (expiresAt <= data.timestamp) {
    throw new ValidationError('invalid.signer_expiry', 'expiresAt must be after the timestamp')
  }
  const scope = expectArray(b.scope, SIGNER_SCOPES.length, 'invalid.signer_scope', 'scope')
  scope.forEach((s, i) => {
    if (typeof s !== 'string' || !(SIGNER_SCOPES as readonly string[]).includes(s)) {
      throw new ValidationError(
        'invalid.signer_scope',
        `scope[${i}] must be one of ${SIGNER_SCOPES.join(', ')}`,
      )
    }
    // Sorted and unique: a set has one encoding.
    if (i > 0 && (scope[i - 1] as string) >= s) {
      throw new ValidationError('invalid.signer_scope', 'scope must be sorted and without repeats')
    }
  })
}

const checkSignerRemove: Check = (body) => {
  const b = expectFields(body, ['key'], [], 'invalid.body', 'body')
  expectBytes(b.key, PUBLIC_KEY_BYTES, 'invalid.body', 'key')
}

const CHECKS: Record<MessageType, Check> = {
  'profile.set': checkProfileSet,
  'post.add': checkPostAdd,
  'post.remove': checkTarget(ID_BYTES, 'target (post id)'),
  'reaction.add': checkReaction,
  'reaction.remove': checkReaction,
  'follow.add': checkTarget(PUBLIC_KEY_BYTES, 'target (account)'),
  'follow.remove': checkTarget(PUBLIC_KEY_BYTES, 'target (account)'),
  'signer.add': checkSignerAdd,
  'signer.remove': checkSignerRemove,
}

/** Checks a body against its type's rules; throws ValidationError. */
export function checkBody(data: Pick<MessageData, 'type' | 'author' | 'timestamp' | 'body'>): void {
  CHECKS[data.type](data.body, data)
}

/** Sorts a scope the one canonical way (builders accept any order). */
export function sortScope<T extends string>(scope: readonly T[]): T[] {
  return [...new Set(scope)].sort()
}

import type { ProfileField, ReactionKind, SignerScope } from '../message/types.ts'

/**
 * The social state as plain JSON: what two nodes with the same message set
 * must agree on. Accounts are in text form (`fb1...`), ids in hex; every list
 * and record is sorted, so equal states serialize to equal strings.
 */
export interface SocialView {
  /** Visible posts by id. */
  posts: Record<string, PostView>
  /** Removed posts: `author/postId` pairs, content gone, kept forever. */
  tombstones: string[]
  /** Visible replies of each post id, oldest first. */
  replies: Record<string, string[]>
  /** Reaction counts of each post id. */
  reactions: Record<string, Partial<Record<ReactionKind, number>>>
  /** Accounts each account follows. */
  following: Record<string, string[]>
  /** Profile fields of each account. */
  profiles: Record<string, Partial<Record<ProfileField, string>>>
  /** Delegated keys of each account (hex). */
  signers: Record<string, { active: SignerView[]; removed: string[] }>
}

export interface PostView {
  id: string
  author: string
  timestamp: number
  text: string
  parent?: string
  mentions?: string[]
  embeds?: ({ url: string } | { post: string })[]
}

export interface SignerView {
  key: string
  expiresAt: number
  scope: SignerScope[]
}

/** A copy of `record` with its keys in sorted order. */
export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {}
  for (const key of Object.keys(record).sort()) out[key] = record[key] as T
  return out
}

import { TopicValidatorResult } from '@libp2p/gossipsub'
import { describe, expect, it } from 'vitest'
import { verdictOf } from '../src/p2p/gossip.ts'

const id = new Uint8Array(32)

describe('gossip verdicts', () => {
  it('accepts stored messages, ignores what may be valid later, rejects the invalid', () => {
    expect(verdictOf({ status: 'stored', id })).toBe(TopicValidatorResult.Accept)
    expect(verdictOf({ status: 'duplicate', id })).toBe(TopicValidatorResult.Ignore)
    expect(verdictOf({ status: 'ignored', code: 'invalid.timestamp_future', message: '' })).toBe(
      TopicValidatorResult.Ignore,
    )
    expect(verdictOf({ status: 'rejected', code: 'invalid.signature', message: '' })).toBe(
      TopicValidatorResult.Reject,
    )
  })

  it('does not penalize a peer for a message only the signer set here refuses', () => {
    // The forwarding peer may not have the signer.remove yet.
    expect(
      verdictOf({ status: 'rejected', code: 'unauthorized.signer_removed', message: '' }),
    ).toBe(TopicValidatorResult.Ignore)
  })
})

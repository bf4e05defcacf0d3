import { SyncError } from '@freebird/protocol'
import { describe, expect, it } from 'vitest'
import { StreamError } from '../src/p2p/frames.ts'
import { SyncSessionError, toSessionError } from '../src/sync/errors.ts'
import { servedFault } from '../src/sync/responder.ts'

const id = new Uint8Array(32).fill(7)
const other = new Uint8Array(32).fill(8)
const codeOf = (error: Error | null) => (error instanceof SyncSessionError ? error.code : error)

describe('what counts against a sync peer', () => {
  it('an invalid or substituted message does; one refused for the signer set does not', () => {
    expect(codeOf(servedFault({ status: 'stored', id }, id))).toBeNull()
    expect(codeOf(servedFault({ status: 'duplicate', id }, id))).toBeNull()
    expect(
      codeOf(
        servedFault({ status: 'ignored', code: 'invalid.timestamp_future', message: '', id }, id),
      ),
    ).toBeNull()
    expect(
      codeOf(servedFault({ status: 'rejected', code: 'invalid.signature', message: '', id }, id)),
    ).toBe('sync.invalid_message')
    expect(
      codeOf(servedFault({ status: 'rejected', code: 'invalid.encoding', message: '' }, id)),
    ).toBe('sync.invalid_message')
    // An honest peer may lack the signer.remove that makes this invalid here.
    expect(
      codeOf(
        servedFault(
          { status: 'rejected', code: 'unauthorized.signer_removed', message: '', id },
          id,
        ),
      ),
    ).toBeNull()
    expect(codeOf(servedFault({ status: 'stored', id: other }, id))).toBe('sync.invalid_message')
  })

  it('maps stream and protocol failures to session codes, and says whose fault they are', () => {
    const cases: [unknown, string, boolean][] = [
      [new SyncError('sync.mode', 'x'), 'sync.mode', true],
      [new StreamError('stream.frame_too_large', 'x'), 'sync.frame_too_large', true],
      [new StreamError('stream.idle', 'x'), 'sync.timeout', true],
      [new Error('connection reset'), 'sync.closed', false],
    ]
    for (const [error, code, fault] of cases) {
      const e = toSessionError(error)
      expect([e.code, e.peerFault]).toEqual([code, fault])
    }
  })
})

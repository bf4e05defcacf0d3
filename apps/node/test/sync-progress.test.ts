import { describe, expect, it } from 'vitest'
import type { Logger } from '../src/logger.ts'
import { SyncProgress } from '../src/sync/progress.ts'
import type { SessionStats } from '../src/sync/session.ts'

const stats = (need: number, fetched: number): SessionStats => ({
  peer: '12D3KooWPeer',
  startedAt: Date.now() - 1000,
  rounds: 2,
  bytesSent: 0,
  bytesReceived: 0,
  have: 0,
  need,
  skipped: 0,
  fetched,
  pushed: 0,
  durationMs: 0,
})

function recorder() {
  const lines: { fields: Record<string, unknown>; msg: string }[] = []
  const log = {
    info: (fields: Record<string, unknown>, msg: string) => lines.push({ fields, msg }),
  }
  return { lines, log: log as unknown as Logger }
}

describe('SyncProgress', () => {
  it('logs a long catch-up, with its figures, at most every 2 s', () => {
    const { lines, log } = recorder()
    const progress = new SyncProgress(log, false)
    progress.update(stats(50_000, 1_000))
    progress.update(stats(50_000, 2_000))
    expect(lines).toHaveLength(1)
    expect(lines[0]?.msg).toBe('sync catching up')
    expect(lines[0]?.fields).toMatchObject({ fetched: 1_000, need: 50_000, rounds: 2 })
    progress.done(stats(50_000, 50_000))
  })

  it('stays quiet for a short session', () => {
    const { lines, log } = recorder()
    const progress = new SyncProgress(log, false)
    progress.update(stats(999, 0))
    progress.done(stats(999, 999))
    expect(lines).toEqual([])
  })
})

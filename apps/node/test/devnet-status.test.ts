import { describe, expect, it } from 'vitest'
import { renderStatus } from '../src/devnet/render.ts'
import { type Sample, StatusTracker } from '../src/devnet/status.ts'

const node = (name: string, messages: number, stateRoot: string, up = true) => ({
  name,
  up,
  pid: up ? 100 : null,
  peers: 2,
  messages,
  stateRoot,
})

/** Feeds one sample per second; `nodes(t)` describes the network at second t. */
function run(seconds: number, nodes: (t: number) => Sample['nodes'], syncIntervalMs = 5_000) {
  const tracker = new StatusTracker(syncIntervalMs)
  return Array.from({ length: seconds }, (_, t) => tracker.add({ at: t * 1000, nodes: nodes(t) }))
}

describe('devnet status', () => {
  it('computes each node ingest rate from its message count', () => {
    const statuses = run(6, (t) => [node('a', 100 * t, `r${t}`), node('b', 100 * t, `r${t}`)])
    expect(statuses.at(-1)?.nodes[0]?.ingestRate).toBeCloseTo(100)
    expect(statuses.at(-1)?.converged).toBe(true)
  })

  it('raises the alert when a node stays behind for longer than the sync interval, and clears it', () => {
    // b stops receiving at t=2 and catches up at t=12.
    const statuses = run(14, (t) => [
      node('a', 10 * t, `a${t}`),
      node('b', t < 2 ? 10 * t : t < 12 ? 20 : 10 * t, t < 2 || t >= 12 ? `a${t}` : 'stuck'),
    ])
    const alerts = statuses.map((s) => Boolean(s.alert))
    expect(alerts.slice(0, 7)).toEqual([false, false, false, false, false, false, false])
    expect(alerts[8]).toBe(true)
    expect(statuses[8]?.alert?.behind).toEqual(['b'])
    expect(alerts[13]).toBe(false)
  })

  it('does not raise it for a busy healthy network whose roots differ at each sample', () => {
    // Both nodes gain 100 msg/s; b is 30 messages behind a at every sample (in-flight gossip).
    const statuses = run(20, (t) => [node('a', 100 * t + 30, `a${t}`), node('b', 100 * t, `b${t}`)])
    expect(statuses.some((s) => s.alert)).toBe(false)
    expect(statuses.at(-1)?.converged).toBe(false)
  })

  it('raises it when roots differ on a quiet network (same count, different sets)', () => {
    const statuses = run(10, () => [node('a', 50, 'left'), node('b', 50, 'right')])
    expect(statuses[4]?.alert).toBeUndefined()
    expect(statuses[7]?.alert?.behind).toEqual([])
  })

  it('ignores nodes that are down', () => {
    const statuses = run(10, () => [node('a', 50, 'x'), node('b', 0, '', false)])
    expect(statuses.every((s) => s.converged && !s.alert)).toBe(true)
    const table = renderStatus(statuses.at(-1) as (typeof statuses)[number])
    expect(table).toMatch(/b\s+down/)
    expect(table).toContain('converged: 1 of 2 nodes')
  })
})

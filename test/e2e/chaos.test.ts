import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Devnet, startDevnet } from '@freebird/node'
import { parseNetworkId } from '@freebird/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { runChaos } from '../chaos/scenario.ts'
import { endStateProblems } from '../chaos/social-state.ts'
import { Workload } from '../chaos/workload.ts'

const dir = mkdtempSync(join(tmpdir(), 'freebird-chaos-'))
let devnet: Devnet | undefined
afterAll(async () => {
  await devnet?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('chaos: a 5-node devnet under faults', () => {
  it('converges to one stateRoot and one social state, with every acknowledged message, after kills, a partition and a wiped node', async () => {
    const log = (line: string) => console.log(`chaos ${line}`)
    devnet = await startDevnet({
      dir,
      nodes: 5,
      accounts: 0,
      basePort: 0,
      syncIntervalMs: 2_000,
      logLevel: 'warn',
    })
    const net = devnet
    const workload = new Workload(parseNetworkId(net.networkId), () => net.nodes)

    const episodes = await runChaos(net, workload, {
      kills: 3,
      downMs: 1_500,
      partitionMs: 8_000,
      rate: 40,
      log,
    })

    // The end state: every node holds the same set, answers the same social state,
    // has every acknowledged message, and none of the removed posts.
    expect(await endStateProblems(net.nodes, workload.acked)).toEqual([])
    const info = await net.nodes[0]?.info()
    const acked = workload.acked
    const types = new Map<string, number>()
    for (const type of acked.messages.values()) types.set(type, (types.get(type) ?? 0) + 1)
    log(
      `end: ${acked.messages.size} messages acknowledged (${[...types].map(([t, n]) => `${n} ${t}`).join(', ')}), ` +
        `${workload.retries} retried on another node; ${info?.messageCount} stored on each of 5 nodes; ` +
        `convergence after writes stopped / after repair: ${episodes.map((e) => `${e.convergedMs}/${e.sinceRepairMs} ms`).join(', ')}`,
    )
    // The workload really exercised every kind of message, and removals happened.
    expect(types.get('post.remove')).toBeGreaterThan(0)
    expect(types.get('reaction.add')).toBeGreaterThan(0)
    expect(types.get('follow.remove')).toBeGreaterThan(0)
    expect(episodes).toHaveLength(5)
  }, 300_000)
})

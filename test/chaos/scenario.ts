/**
 * Fault injection on a running devnet while a workload writes: SIGKILL and
 * restart random nodes, split the network in two and heal it, restart a node
 * with an empty store. After each fault the writes pause and the time until
 * every node has one stateRoot is measured. Every step is logged.
 */
import type { Devnet, DevnetNode } from '@freebird/node'
import type { Workload } from './workload.ts'

export interface Episode {
  fault: string
  /** Messages acknowledged while the fault lasted. */
  written: number
  /** From the end of the fault (writes paused) to one stateRoot on every node. */
  convergedMs: number
  /** From the repair (restart or heal; writes went on a little longer) to one stateRoot. */
  sinceRepairMs: number
}

export interface ChaosOptions {
  /** Kill/restart episodes (each: one node SIGKILLed, down for `downMs`, restarted). */
  kills: number
  downMs: number
  /** How long the network stays split (with writes on both sides and one kill inside). */
  partitionMs: number
  /** Writes per second during faults. */
  rate: number
  log: (line: string) => void
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T

export async function runChaos(
  devnet: Devnet,
  workload: Workload,
  o: ChaosOptions,
): Promise<Episode[]> {
  const started = Date.now()
  const at = () => `+${((Date.now() - started) / 1000).toFixed(1)} s`
  const episodes: Episode[] = []

  /** Runs a fault with writes going on, then pauses the writes and times convergence. */
  const episode = async (fault: string, inject: () => Promise<number>) => {
    const before = workload.acked.messages.size
    workload.resume(o.rate)
    const repairedAt = await inject()
    await workload.pause()
    const written = workload.acked.messages.size - before
    const convergedMs = await devnet.waitConverged({ timeoutMs: 90_000 })
    const sinceRepairMs = Date.now() - repairedAt
    episodes.push({ fault, written, convergedMs, sinceRepairMs })
    o.log(
      `${at()} ${fault}: ${written} messages acknowledged meanwhile; one stateRoot ${convergedMs} ms after the writes stopped (${sinceRepairMs} ms after the repair)`,
    )
  }

  /** Returns when the node was started again. */
  const killRestart = async (node: DevnetNode) => {
    const pid = node.pid
    await node.kill()
    o.log(`${at()} SIGKILL ${node.name} (pid ${pid})`)
    await sleep(o.downMs)
    const t = Date.now()
    await node.start()
    o.log(`${at()} restarted ${node.name} (pid ${node.pid}, healthy in ${Date.now() - t} ms)`)
    return t
  }

  for (let i = 0; i < o.kills; i++) {
    const node = pick(devnet.nodes)
    await episode(`kill/restart ${node.name}`, async () => {
      await sleep(o.downMs)
      const restarted = await killRestart(node)
      await sleep(o.downMs)
      return restarted
    })
  }

  const shuffled = [...devnet.nodes].sort(() => Math.random() - 0.5)
  const cut = Math.floor(shuffled.length / 2)
  const [left, right] = [shuffled.slice(0, cut), shuffled.slice(cut)]
  const names = (side: DevnetNode[]) => side.map((n) => n.name).join(',')
  await episode(`partition {${names(left)}} | {${names(right)}}`, async () => {
    await devnet.partition([left, right])
    // Split means no node keeps a connection across: each sees at most its own side.
    const splitAt = Date.now()
    for (;;) {
      const infos = await Promise.all(devnet.nodes.map((n) => n.info()))
      const across = infos.some((info, i) => {
        const side = left.includes(devnet.nodes[i] as DevnetNode) ? left : right
        return info.peers > side.length - 1
      })
      if (!across) break
      if (Date.now() - splitAt > 15_000) throw new Error('the partition did not split the network')
      await sleep(50)
    }
    o.log(
      `${at()} split the network: {${names(left)}} | {${names(right)}} (apart in ${Date.now() - splitAt} ms)`,
    )
    await sleep(o.partitionMs / 2)
    await killRestart(pick(devnet.nodes))
    await sleep(o.partitionMs / 2)
    const healed = Date.now()
    await devnet.heal()
    o.log(`${at()} healed the partition`)
    return healed
  })

  const wiped = pick(devnet.nodes)
  await episode(`restart ${wiped.name} with an empty store`, async () => {
    await sleep(o.downMs)
    await wiped.kill()
    o.log(`${at()} SIGKILL ${wiped.name}; its store deleted (keys kept)`)
    const t = Date.now()
    await wiped.restart({ wipe: true })
    o.log(`${at()} restarted ${wiped.name} empty (healthy in ${Date.now() - t} ms)`)
    await sleep(o.downMs)
    return t
  })
  return episodes
}

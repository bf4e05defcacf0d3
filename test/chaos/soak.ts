/**
 * The long chaos run (not in CI): the chaos test's faults over and over on a
 * 5-node devnet for FREEBIRD_SOAK_MINUTES (default 10), then the same end-state
 * checks. Prints every fault and convergence time; exits 1 on any problem.
 *   cd test && node chaos/soak.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDevnet } from '@freebird/node'
import { parseNetworkId } from '@freebird/protocol'
import { type Episode, runChaos } from './scenario.ts'
import { endStateProblems } from './social-state.ts'
import { Workload } from './workload.ts'

const minutes = Number(process.env.FREEBIRD_SOAK_MINUTES ?? 10)
const dir = mkdtempSync(join(tmpdir(), 'freebird-soak-'))
const devnet = await startDevnet({
  dir,
  nodes: 5,
  accounts: 0,
  basePort: 0,
  syncIntervalMs: 2_000,
  logLevel: 'warn',
})
const workload = new Workload(parseNetworkId(devnet.networkId), () => devnet.nodes)
const episodes: Episode[] = []
let problems: string[] = []
try {
  const end = Date.now() + minutes * 60_000
  for (let round = 1; Date.now() < end; round++) {
    console.log(`round ${round}`)
    episodes.push(
      ...(await runChaos(devnet, workload, {
        kills: 5,
        downMs: 2_000,
        partitionMs: 20_000,
        rate: 60,
        log: console.log,
      })),
    )
  }
  problems = await endStateProblems(devnet.nodes, workload.acked)
} finally {
  await devnet.stop()
  rmSync(dir, { recursive: true, force: true })
}
const times = episodes.map((e) => e.convergedMs).sort((a, b) => a - b)
console.log(
  `\n${episodes.length} faults, ${workload.acked.messages.size} messages acknowledged; convergence after writes stopped: ` +
    `median ${times[Math.floor(times.length / 2)]} ms, max ${times.at(-1)} ms`,
)
if (problems.length > 0) {
  console.error(`FAILED:\n  ${problems.join('\n  ')}`)
  process.exitCode = 1
} else {
  console.log('every node converged with every acknowledged message')
}

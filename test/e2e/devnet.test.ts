import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { DevnetRecord } from '@freebird/node'
import { afterAll, describe, expect, it } from 'vitest'
import { waitFor } from './harness.ts'

const BIN = fileURLToPath(new URL('../../apps/node/bin/freebird.js', import.meta.url))
const freebird = async (...args: string[]) =>
  (await promisify(execFile)(process.execPath, [BIN, ...args])).stdout.trim()
const dir = join(mkdtempSync(join(tmpdir(), 'freebird-devnet-')), 'net')
const running = new Set<ChildProcess>()
afterAll(() => {
  for (const child of running) child.kill('SIGKILL')
  rmSync(join(dir, '..'), { recursive: true, force: true })
})

interface Event {
  event: string
  nodes?: { name: string; messages: number; up: boolean }[]
  converged?: boolean
}

/** `freebird devnet --json` as a user runs it, with its events collected as they come. */
function devnet(...args: string[]) {
  const child = spawn(process.execPath, [BIN, 'devnet', '--dir', dir, '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  const events: Event[] = []
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) =>
    events.push(JSON.parse(line)),
  )
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child)
      resolve(code)
    }),
  )
  return { child, events, exited, stderr: () => stderr }
}

const record = () => JSON.parse(readFileSync(join(dir, 'devnet.json'), 'utf8')) as DevnetRecord
const alive = (pid: number | null) => {
  try {
    process.kill(pid as number, 0)
    return true
  } catch {
    return false
  }
}

/** A run of 9 free consecutive ports (3 nodes x TCP, WebSockets, HTTP). */
async function freeRange(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer()
      s.once('error', () => resolve(false))
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
    })
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 20_000)
    let ok = true
    for (let p = base; p < base + 9 && ok; p++) ok = await free(p)
    if (ok) return base
  }
}

describe('freebird devnet', () => {
  it('starts a network of node processes, stops them all on SIGTERM, restarts it with its data, and resets it', async () => {
    const base = await freeRange()
    const first = devnet('--nodes', '3', '--accounts', '2', '--base-port', String(base))
    await waitFor(() => first.events.some((e) => e.event === 'ready'), 'the devnet ready', 60_000)

    // devnet.json: consecutive ports, live pids, both transports, funded accounts with key files.
    const net = record()
    expect(net.pid).toBe(first.child.pid)
    expect(net.nodes.map((n) => n.ports)).toEqual(
      [0, 1, 2].map((i) => ({ tcp: base + 3 * i, ws: base + 3 * i + 1, http: base + 3 * i + 2 })),
    )
    for (const n of net.nodes) {
      expect(alive(n.pid)).toBe(true)
      expect(n.multiaddrs.tcp).toBe(`/ip4/127.0.0.1/tcp/${n.ports.tcp}/p2p/${n.peerId}`)
      expect(n.multiaddrs.ws).toBe(`/ip4/127.0.0.1/tcp/${n.ports.ws}/ws/p2p/${n.peerId}`)
      const info = (await (await fetch(`${n.http}/v1/info`)).json()) as {
        network: string
        peers: number
      }
      expect(info).toMatchObject({ network: net.networkId, peers: 2 })
    }
    expect(net.accounts).toHaveLength(2)
    for (const a of net.accounts) {
      expect(existsSync(a.keyFile)).toBe(true)
      expect(BigInt(a.balance)).toBeGreaterThan(0n)
    }
    // The genesis names the nodes' validator keys as the committee and funds the accounts.
    const genesis = JSON.parse(readFileSync(net.genesisFile, 'utf8'))
    expect(genesis.committee).toEqual(
      net.nodes.map((n) => ({ validator: n.validator, weight: 1, peerId: n.peerId })),
    )
    expect(genesis.allocations).toEqual(
      net.accounts.map((a) => ({ account: a.account, amount: a.balance })),
    )

    // A post through node-0 reaches node-2, read back over WebSockets; the status events show it.
    const [n0, , n2] = net.nodes
    const id = await freebird(
      'post',
      '--key',
      net.accounts[0]?.keyFile as string,
      '--node',
      n0?.http as string,
      'hello devnet',
    )
    await waitFor(
      async () => (await fetch(`${n2?.http}/v1/messages/${id}`)).ok,
      'the post on node-2',
    )
    const thread = JSON.parse(
      await freebird('thread', id, '--node', n2?.multiaddrs.ws as string, '--json'),
    )
    expect(JSON.stringify(thread)).toContain('hello devnet')
    await waitFor(
      () =>
        first.events.some(
          (e) => e.event === 'status' && e.converged && e.nodes?.every((n) => n.messages === 1),
        ),
      'a status event with the post on every node',
    )

    // SIGTERM: every node stops cleanly and the devnet exits 0 within 10 s.
    const stopping = Date.now()
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(Date.now() - stopping).toBeLessThan(10_000)
    for (const n of net.nodes) expect(alive(n.pid)).toBe(false)
    expect(first.events.at(-1)?.event).toBe('stopped')
    expect(record().pid).toBeNull()
    for (const n of net.nodes)
      expect(readFileSync(n.logFile, 'utf8')).toContain('"msg":"node stopped"')

    // The same dir: the same network, identities and data.
    const second = devnet()
    await waitFor(
      () => second.events.some((e) => e.event === 'ready'),
      'the devnet ready again',
      60_000,
    )
    const again = record()
    expect(again.networkId).toBe(net.networkId)
    expect(again.nodes.map((n) => n.peerId)).toEqual(net.nodes.map((n) => n.peerId))
    for (const n of again.nodes)
      expect(
        ((await (await fetch(`${n.http}/v1/info`)).json()) as { messageCount: number })
          .messageCount,
      ).toBe(1)
    // A second devnet on the same dir is refused while this one runs.
    await expect(freebird('devnet', '--dir', dir)).rejects.toMatchObject({
      stderr: expect.stringContaining('devnet.running'),
    })
    // Nor may --reset delete it under the running nodes.
    await expect(freebird('devnet', '--dir', dir, '--reset')).rejects.toMatchObject({
      stderr: expect.stringContaining('devnet.running'),
    })
    expect(existsSync(join(dir, 'genesis.json'))).toBe(true)

    // Killed outright, the devnet leaves no node behind: they notice their parent is gone.
    second.child.kill('SIGKILL')
    await second.exited
    await waitFor(
      () => again.nodes.every((n) => !alive(n.pid)),
      'every node to exit after its parent',
      15_000,
    )
    for (const n of again.nodes)
      expect(readFileSync(n.logFile, 'utf8')).toContain('"signal":"parent exited"')

    // Another node count is another network: refused without --reset.
    await expect(freebird('devnet', '--dir', dir, '--nodes', '4')).rejects.toMatchObject({
      stderr: expect.stringContaining('devnet.mismatch'),
    })

    // --reset: a new network, empty.
    const third = devnet('--reset', '--nodes', '2', '--accounts', '0', '--base-port', '0')
    await waitFor(
      () => third.events.some((e) => e.event === 'ready'),
      'the new devnet ready',
      60_000,
    )
    const fresh = record()
    expect(fresh.networkId).not.toBe(net.networkId)
    expect(fresh.nodes).toHaveLength(2)
    expect(
      ((await (await fetch(`${fresh.nodes[0]?.http}/v1/info`)).json()) as { messageCount: number })
        .messageCount,
    ).toBe(0)
    third.child.kill('SIGINT')
    expect(await third.exited).toBe(0)
  }, 180_000)
})

import { fileURLToPath } from 'node:url'
import {
  fromHex,
  type MessageJson,
  messageBytesFromJson,
  toHex,
  validateMessage,
} from '@freebird/protocol'
import { build, type Metafile } from 'esbuild'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeProcess } from '../e2e/harness.ts'
import { launchChromium } from './chromium.ts'

const entry = fileURLToPath(new URL('./client-in-browser.ts', import.meta.url))

describe('@freebird/client in a real browser (headless Chromium) against a node process', () => {
  let browser: Browser
  let bundle: string
  let metafile: Metafile
  let node: NodeProcess
  let ws: string

  beforeAll(async () => {
    // platform 'browser' with the `browser` condition: @freebird/client resolves to
    // dist/index.browser.js, and any Node built-in reachable from it fails the build
    // (nothing is marked external).
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      conditions: ['browser'],
      format: 'iife',
      globalName: 'freebird',
      write: false,
      metafile: true,
      logLevel: 'silent',
    })
    bundle = out.outputFiles[0]?.text ?? ''
    metafile = out.metafile
    // The harness listens on TCP only (its --listen replaces the node's default
    // TCP + WebSockets); a second --listen adds a WebSockets address for the browser.
    node = await new NodeProcess().start(['--listen', '/ip4/127.0.0.1/tcp/0/ws'])
    const found = node.multiaddrs.find((a) => a.includes('/ws/'))
    if (!found) throw new Error(`the node reports no /ws multiaddr: ${node.multiaddrs.join(' ')}`)
    ws = found
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await node?.stop()
    node?.remove()
  })

  it('bundles the browser entry, without the TCP transport', () => {
    const inputs = Object.keys(metafile.inputs)
    expect(inputs.some((i) => i.endsWith('packages/client/dist/index.browser.js'))).toBe(true)
    expect(inputs.filter((i) => i.endsWith('packages/client/dist/index.js'))).toEqual([])
    expect(inputs.filter((i) => i.includes('@libp2p/tcp') || i.includes('host.node'))).toEqual([])
  })

  it('posts over libp2p WebSockets from the page and reads the post back verified', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    const sockets: string[] = []
    page.on('websocket', (s) => sockets.push(s.url()))
    await page.setContent('<!doctype html><title>freebird</title>')
    await page.addScriptTag({ content: bundle })
    const text = `posted from a browser at ${Date.now()}`
    const result = await page.evaluate(
      ([address, t]) =>
        (
          globalThis as unknown as { freebird: typeof import('./client-in-browser.ts') }
        ).freebird.run(address, t),
      [ws, text] as const,
    )
    await page.close()

    expect(errors).toEqual([])
    expect(result.userAgent).toContain('HeadlessChrome')
    // The only transport is the node's /ws multiaddr, and the page opened a WebSocket to it.
    expect(result.transports).toEqual([ws])
    expect(result.stored).toEqual([ws])
    const port = /\/tcp\/(\d+)\/ws\//.exec(ws)?.[1]
    expect(sockets.length).toBeGreaterThan(0)
    expect(sockets.every((u) => u.startsWith(`ws://127.0.0.1:${port}`))).toBe(true)

    expect(result.id).toMatch(/^[0-9a-f]{64}$/)
    expect(result.account).toMatch(/^fb1/)
    expect(result.read).toEqual({ id: result.id, author: result.account, text, removed: false })
    expect(result.thread).toEqual({
      id: result.id,
      text,
      replies: 0,
      withheld: 0,
      faults: 0,
    })

    // The node stores the post the browser signed, byte for byte what the browser read.
    const response = await fetch(`${node.url}/v1/messages/${result.id}`)
    expect(response.status).toBe(200)
    const stored = (await response.json()) as MessageJson
    expect(stored).toMatchObject({
      id: result.id,
      type: 'post.add',
      author: result.account,
      body: { text },
    })
    const network = fromHex((await node.info()).network)
    const checked = validateMessage(messageBytesFromJson(stored), { network })
    expect(checked.ok && toHex(checked.message.id)).toBe(result.id)
  })
})

import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeProcess, waitFor } from './harness.ts'

const BIN = fileURLToPath(new URL('../../apps/node/bin/freebird.js', import.meta.url))
const run = async (...args: string[]) =>
  (await promisify(execFile)(process.execPath, [BIN, ...args])).stdout.trim()
const dir = mkdtempSync(join(tmpdir(), 'freebird-cli-'))
let node: NodeProcess | undefined
afterAll(async () => {
  await node?.stop()
  node?.remove()
  rmSync(dir, { recursive: true, force: true })
})

describe('the freebird CLI against a node process', () => {
  it('genesis -> node on that network -> keygen -> post and reply, seen on the event stream', async () => {
    const genesis = join(dir, 'genesis.json')
    const created = await run('genesis', '--out', genesis, '--network', 'cli-test')
    const networkId = /id\s+([0-9a-f]{32})/.exec(created)?.[1]
    node = await new NodeProcess().start(['--genesis', genesis])
    expect((await node.info()).network).toBe(networkId)

    const key = join(dir, 'me.key')
    const account = await run('keygen', '--out', key)
    expect(account).toMatch(/^fb1/)
    expect(statSync(key).mode & 0o777).toBe(0o600)

    // Listen to the node's Server-Sent Events while posting.
    const seen: string[] = []
    const controller = new AbortController()
    const events = await fetch(`${node.url}/v1/events`, { signal: controller.signal })
    const reader = (events.body as ReadableStream<Uint8Array>).getReader()
    const reading = (async () => {
      let text = ''
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
        if (done) return
        text += new TextDecoder().decode(value)
        for (const m of text.matchAll(/^id: ([0-9a-f]{64})$/gm))
          if (!seen.includes(m[1] as string)) seen.push(m[1] as string)
      }
    })()

    const id = await run('post', '--key', key, '--node', node.url, 'hello from the CLI')
    expect(id).toMatch(/^[0-9a-f]{64}$/)
    const replyId = await run('reply', '--key', key, '--node', node.url, id, 'and a reply')
    await waitFor(
      () => seen.includes(id) && seen.includes(replyId),
      'both messages on the event stream',
    )
    controller.abort()
    await reading

    const thread = (await (await fetch(`${node.url}/v1/posts/${id}/thread`)).json()) as {
      post: { author: string; body: { text: string } }
      replies: { id: string }[]
    }
    expect(thread.post.author).toBe(account)
    expect(thread.post.body.text).toBe('hello from the CLI')
    expect(thread.replies.map((r) => r.id)).toEqual([replyId])
  })

  it('client commands over libp2p and HTTP: follow, like, profile, feed and thread, with --json', async () => {
    const n = node as NodeProcess
    const libp2p = n.multiaddrs[0] as string
    const writerKey = join(dir, 'writer.key')
    const readerKey = join(dir, 'reader.key')
    const writer = await run('keygen', '--out', writerKey)
    const reader = await run('keygen', '--out', readerKey)
    const nodes = ['--node', libp2p, '--node', n.url]
    const id = await run('post', '--key', writerKey, ...nodes, 'from the client CLI')
    const posted = JSON.parse(
      await run('reply', '--key', readerKey, ...nodes, '--json', id, 'a reply'),
    )
    expect(posted.stored.sort()).toEqual([libp2p, n.url].sort())
    await run('like', '--key', readerKey, ...nodes, id)
    await run('follow', '--key', readerKey, ...nodes, writer)
    await run('profile', '--key', writerKey, ...nodes, '--name', 'Writer')

    const feed = JSON.parse(await run('feed', '--key', readerKey, ...nodes, '--json'))
    expect(feed.posts.map((p: { text: string }) => p.text)).toEqual(['from the client CLI'])
    expect(feed.withheld).toEqual([])
    expect(await run('feed', '--key', readerKey, '--node', libp2p)).toContain('from the client CLI')
    const thread = JSON.parse(await run('thread', ...nodes, '--json', id))
    expect(thread.post.author).toBe(writer)
    expect(thread.replies.map((r: { author: string }) => r.author)).toEqual([reader])
    expect(await run('profile', writer, '--node', libp2p)).toContain('name: Writer')
    await run('unfollow', '--key', readerKey, ...nodes, writer)
    expect(JSON.parse(await run('feed', '--key', readerKey, ...nodes, '--json')).posts).toEqual([])
  })

  it('refuses to start, in one line and promptly, on a port or data dir already in use', async () => {
    const port = new URL((node as NodeProcess).url).port
    const busyPort = await run(
      'node',
      '--data',
      join(dir, 'other'),
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--http',
      `127.0.0.1:${port}`,
    ).catch((e) => e)
    expect(busyPort.code).toBe(1)
    expect(busyPort.stderr.trim()).toMatch(/^freebird: .*\(node\.address_in_use\)$/)
    const busyLibp2p = await run(
      'node',
      '--data',
      join(dir, 'other'),
      '--listen',
      (node as NodeProcess).multiaddrs[0]?.replace(/\/p2p\/.*/, '') as string,
      '--http',
      '127.0.0.1:0',
    ).catch((e) => e)
    expect(busyLibp2p.code).toBe(1)
    expect(busyLibp2p.stderr.trim()).toMatch(/^freebird: [^\n]*\(node\.address_in_use\)$/)
    const busyData = await run(
      'node',
      '--data',
      (node as NodeProcess).dataDir,
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--http',
      '127.0.0.1:0',
    ).catch((e) => e)
    expect(busyData.code).toBe(1)
    expect(busyData.stderr.trim()).toMatch(/^freebird: .*\(node\.data_locked\)$/)
  })

  it('fails in one line with a code when the node refuses', async () => {
    const key = join(dir, 'me.key')
    const failure = await run(
      'post',
      '--key',
      key,
      '--node',
      (node as NodeProcess).url,
      'x'.repeat(1025),
    ).catch((e) => e)
    expect(failure.code).toBe(1)
    expect(failure.stderr.trim()).toMatch(/^freebird: .*\(invalid\.text_length\)$/)
  })
})

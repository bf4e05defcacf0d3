/**
 * Light-client figures (@freebird/client):
 *  (a) verification of a 100-post feed page on the noble path, the one a
 *      browser takes (verifyEnvelope: decode, id recomputed, signature
 *      checked with @noble/ed25519), on one core;
 *  (b) createClient -> first verified feed page (100 posts of 10 followed
 *      accounts) from a `freebird node` process on 127.0.0.1, a fresh client
 *      each run, over libp2p (TCP multiaddr) and over HTTP;
 *  (c) the minified, gzipped browser bundle of an app that uses createClient
 *      (esbuild, platform browser, ESM): all in one file; code-split as
 *      bundlers build import(), what a libp2p app loads (the token actions
 *      load on their first use); without the libp2p chunks it loads on first
 *      dial; against the 150 KB target, and what dominates.
 *   node bench/client.bench.ts
 * Env: FREEBIRD_BENCH_RUNS (20 runs per transport in (b), after one cold run),
 *      FREEBIRD_BENCH_PAGES (30 timed pages in (a)),
 *      FREEBIRD_BENCH_PARTS (verify,feed,bundle: the parts to run; `bundle`
 *      alone starts no node and uses little CPU).
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { createClient, verifyEnvelope } from '@freebird/client'
import { createNodeSigner } from '@freebird/node-verifier'
import {
  buildFollowAdd,
  buildPostAdd,
  createSigner,
  formatAccount,
  type Message,
  networkIdFromGenesis,
  parseNetworkId,
  type Signer,
  utf8,
} from '@freebird/protocol'
import { build, type Metafile, type Plugin } from 'esbuild'
import { measure } from './harness.ts'
import {
  envInt,
  fmt,
  type NodeProcess,
  percentile,
  stopNode,
  textOf,
  waitFor,
  withNodes,
  writeResults,
} from './node-helpers.ts'

const RUNS = envInt('FREEBIRD_BENCH_RUNS', 20)
const PAGES = envInt('FREEBIRD_BENCH_PAGES', 30)
const PARTS = new Set((process.env.FREEBIRD_BENCH_PARTS ?? 'verify,feed,bundle').split(','))
for (const part of PARTS) {
  if (!['verify', 'feed', 'bundle'].includes(part)) {
    throw new Error(`FREEBIRD_BENCH_PARTS: unknown part ${part} (verify, feed, bundle)`)
  }
}
const PAGE = 100
const FOLLOWED = 10
const POSTS_EACH = 20
const TARGET_KB = 150
/** Least time between two clients' starts in (b). */
const MIN_GAP_MS = 250
const ms = (x: number) => `${fmt(x, 1)} ms`
const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KB`

const seed = (n: number) => {
  const s = new Uint8Array(32)
  new DataView(s.buffer).setUint32(0, n)
  return s
}

// ------------------------------------------------------------------ (a) verify a feed page (noble)

function verifyPage() {
  const network = networkIdFromGenesis(utf8('freebird bench'))
  // 100 real signed posts of 10 authors, 200 bytes of text each, as a feed page brings them.
  const signers = Array.from({ length: FOLLOWED }, (_, i) => createSigner(seed(i + 1)))
  const now = Date.now()
  const page = Array.from(
    { length: PAGE },
    (_, i) =>
      buildPostAdd(
        { text: textOf(i) },
        { network, signer: signers[i % FOLLOWED] as Signer, timestamp: now - i },
      ).bytes,
  )
  const one = (bytes: Uint8Array) => {
    if (verifyEnvelope('bench', bytes, network).data.type !== 'post.add') {
      throw new Error('benchmark message did not verify as a post')
    }
  }
  // Per message, in the harness's windows (the first 300 ms warm up).
  const perMessage = measure('verifyEnvelope (noble), per message', (i) => {
    one(page[i % PAGE] as Uint8Array)
  })
  // Whole pages, timed one by one.
  const pageMs: number[] = []
  for (let p = 0; p < PAGES; p++) {
    const t = performance.now()
    for (const bytes of page) one(bytes)
    pageMs.push(performance.now() - t)
  }
  pageMs.sort((a, b) => a - b)
  return {
    name: 'verify a 100-post feed page (noble, one core)',
    messageBytes: page[0]?.length,
    msgsPerSec: perMessage.opsPerSec,
    msgsPerSecRange: perMessage.range,
    msPerPage: PAGE / (perMessage.opsPerSec / 1000),
    pagesTimed: PAGES,
    pageMs: { p50: percentile(pageMs, 50), p99: percentile(pageMs, 99), min: pageMs[0] },
  }
}

// ------------------------------------------------------------------ (b) createClient -> first feed page

interface Run {
  totalMs: number
  /** createClient -> the node's network known (libp2p: dial, noise, yamux, identify; HTTP: GET /v1/info). */
  connectMs: number
  /** Then: the feed and follow-list queries, every message verified and merged. */
  feedMs: number
}

/** One fresh client: createClient -> getFeed resolved; closed afterwards (not timed). */
async function firstPage(address: string, account: string, expected: Set<string>): Promise<Run> {
  const t0 = performance.now()
  const client = createClient({ nodes: [address], timeoutMs: 10_000 })
  try {
    // getFeed asks for the network first too (one shared promise): this only splits the time.
    await client.context.network()
    const t1 = performance.now()
    const page = await client.getFeed({ account, limit: PAGE })
    const t2 = performance.now()
    if (
      page.posts.length !== PAGE ||
      page.faults.length > 0 ||
      page.withheld.length > 0 ||
      !page.posts.every((p) => expected.has(p.id))
    ) {
      throw new Error(
        `${address}: a page of ${page.posts.length} posts, ${page.faults.length} faults, ${page.withheld.length} withheld`,
      )
    }
    return { totalMs: t2 - t0, connectMs: t1 - t0, feedMs: t2 - t1 }
  } finally {
    await client.close()
  }
}

function summary(runs: Run[]) {
  const of = (pick: (r: Run) => number) => {
    const sorted = runs.map(pick).sort((a, b) => a - b)
    return {
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      min: sorted[0] as number,
      max: sorted.at(-1) as number,
    }
  }
  return {
    runs: runs.length,
    totalMs: of((r) => r.totalMs),
    connectMs: of((r) => r.connectMs),
    feedMs: of((r) => r.feedMs),
  }
}

async function firstFeedPage() {
  return withNodes(async (start) => {
    const node: NodeProcess = await start()
    try {
      const network = parseNetworkId((await node.info()).network)
      const reader = createNodeSigner(seed(1_000_001))
      const followed = Array.from({ length: FOLLOWED }, (_, i) => createNodeSigner(seed(i + 1)))
      const base = Date.now() - 3_600_000
      const messages: Message[] = []
      const postIds = new Set<string>()
      followed.forEach((signer, a) => {
        for (let k = 0; k < POSTS_EACH; k++) {
          const m = buildPostAdd(
            { text: textOf(a * POSTS_EACH + k) },
            { network, signer, timestamp: base + k * FOLLOWED + a },
          )
          messages.push(m)
          postIds.add(Buffer.from(m.id).toString('hex'))
        }
        messages.push(
          buildFollowAdd(
            { target: signer.publicKey },
            { network, signer: reader, timestamp: base + a },
          ),
        )
      })
      for (const m of messages) {
        const answer = await node.submit(m.bytes)
        if (answer.status !== 201)
          throw new Error(`seeding: HTTP ${answer.status} ${answer.body.code}`)
      }
      await waitFor(
        async () => (await node.info()).messageCount >= messages.length,
        'the seeded messages stored',
      )
      const account = formatAccount(reader.publicKey)
      // The newest 100 of the 200 posts make the first page.
      const newest = new Set(
        messages
          .filter((m) => m.data.type === 'post.add')
          .sort((x, y) => y.data.timestamp - x.data.timestamp)
          .slice(0, PAGE)
          .map((m) => Buffer.from(m.id).toString('hex')),
      )
      const tcp = node.multiaddrs[0] as string
      const out = []
      for (const [transport, address] of [
        ['libp2p TCP', tcp],
        ['HTTP', node.url],
      ] as const) {
        // Clients start at most 4 a second: the node's libp2p refuses a 6th inbound
        // connection a second from one IP (its default inboundConnectionThreshold of 5).
        // Pacing happens between runs, outside the timed part.
        let last = Number.NEGATIVE_INFINITY
        const paced = async () => {
          const wait = last + MIN_GAP_MS - performance.now()
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
          last = performance.now()
          return firstPage(address, account, newest)
        }
        // The first client of the process also loads the modules (libp2p's, lazily): reported apart.
        const cold = await paced()
        const runs: Run[] = []
        for (let r = 0; r < RUNS; r++) runs.push(await paced())
        out.push({
          name: `createClient -> first verified feed page (${transport})`,
          transport,
          seeded: {
            followed: FOLLOWED,
            postsEach: POSTS_EACH,
            pageSize: PAGE,
            postIds: postIds.size,
          },
          coldRunMs: cold,
          ...summary(runs),
        })
      }
      return out
    } finally {
      console.log(`  node stopped: ${await stopNode(node)}`)
    }
  })
}

// ------------------------------------------------------------------ (c) browser bundle size

const here = fileURLToPath(new URL('.', import.meta.url))

/** Apps as a browser bundles them: each imports createClient and uses it. */
const APPS: Record<string, string> = {
  // Multiaddr nodes: libp2p over WebSockets.
  'app-libp2p': `
    import { createClient } from '@freebird/client'
    import { createSigner, generateKeyPair } from '@freebird/protocol'
    export async function run(node) {
      const client = createClient({ nodes: [node], signer: createSigner(generateKeyPair().secretKey) })
      const { id } = await client.post({ text: 'hello' })
      const page = await client.getFeed({ limit: 20 })
      await client.close()
      return [id, page.posts.map((p) => p.text)]
    }`,
  // HTTP URLs only: libp2p is never loaded (it is behind a dynamic import).
  'app-http': `
    import { createClient } from '@freebird/client'
    import { createSigner, generateKeyPair } from '@freebird/protocol'
    export async function run(url) {
      const client = createClient({ nodes: [url], signer: createSigner(generateKeyPair().secretKey) })
      const { id } = await client.post({ text: 'hello' })
      const page = await client.getFeed({ limit: 20 })
      await client.close()
      return [id, page.posts.map((p) => p.text)]
    }`,
}

/** The apps as virtual entry points, resolved from this folder (so from @freebird/tests). */
const apps: Plugin = {
  name: 'apps',
  setup(b) {
    b.onResolve({ filter: /^app-/ }, (a) => ({ path: a.path, namespace: 'app' }))
    b.onLoad({ filter: /.*/, namespace: 'app' }, (a) => ({
      contents: APPS[a.path] as string,
      loader: 'js',
      resolveDir: here,
    }))
  },
}

interface Chunk {
  file: string
  bytes: number
  gzipBytes: number
  /** Loaded with the page: the entry and what it imports statically (not behind import()). */
  initial: boolean
}

/** Browser bundle of one app: minified ESM; nothing external, so a Node built-in fails the build. */
async function bundle(app: string, splitting: boolean) {
  const outdir = mkdtempSync(join(tmpdir(), 'freebird-bundle-'))
  try {
    const out = await build({
      entryPoints: [app],
      plugins: [apps],
      bundle: true,
      platform: 'browser',
      conditions: ['browser'],
      format: 'esm',
      minify: true,
      treeShaking: true,
      splitting,
      outdir,
      write: false,
      metafile: true,
      logLevel: 'silent',
    })
    const meta = out.metafile
    // Metafile outputs are named relative to the working directory, output files absolutely.
    const base = (path: string) => path.slice(path.lastIndexOf('/') + 1)
    const outputs = new Map(Object.entries(meta.outputs).map(([name, o]) => [base(name), o]))
    // import() targets are entry points in the metafile too: the app's own is the initial one.
    const initial = new Set<string>()
    const visit = (name: string) => {
      if (initial.has(name)) return
      initial.add(name)
      for (const i of outputs.get(name)?.imports ?? []) {
        if (i.kind === 'import-statement') visit(base(i.path))
      }
    }
    for (const [name, o] of outputs) if (o.entryPoint?.endsWith(app)) visit(name)
    const chunks: Chunk[] = out.outputFiles
      .filter((f) => f.path.endsWith('.js'))
      .map((f) => ({
        file: base(f.path),
        bytes: f.contents.length,
        gzipBytes: gzipSync(f.contents).length,
        initial: initial.has(base(f.path)),
      }))
    return { chunks, meta, initial: (name: string) => initial.has(base(name)) }
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

/** A metafile input's package: `@scope/name` or `name` under node_modules, @freebird/<dir> in the workspace. */
function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/')
  if (at >= 0) {
    const [first, second] = input.slice(at + 'node_modules/'.length).split('/')
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? input)
  }
  const workspace = /(?:^|\/)(?:packages|apps)\/([^/]+)\//.exec(input)
  return workspace ? `@freebird/${workspace[1]}` : input
}

/** The inputs that put the most (minified) bytes in the given outputs, by package and by file. */
function contributors(meta: Metafile, outputs: (name: string) => boolean, top = 15) {
  const byFile = new Map<string, number>()
  for (const [name, output] of Object.entries(meta.outputs)) {
    if (!outputs(name)) continue
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      byFile.set(input, (byFile.get(input) ?? 0) + bytesInOutput)
    }
  }
  const byPackage = new Map<string, number>()
  for (const [input, bytes] of byFile) {
    byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytes)
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => ({ name, bytes }))
  return { byPackage: rank(byPackage), byFile: rank(byFile) }
}

async function bundleSize() {
  const sum = (chunks: Chunk[], pick: (c: Chunk) => number) =>
    chunks.reduce((t, c) => t + pick(c), 0)
  // One file: everything the libp2p app can load (import() inlined).
  const single = await bundle('app-libp2p', false)
  // Split: the entry chunk an HTTP-only app loads, the chunks import('libp2p'...)
  // loads on the first dial, and the token actions' chunk (on the first transfer).
  const split = await bundle('app-http', true)
  const isLedger = (c: Chunk) => c.file.startsWith('ledger-actions')
  const main = split.chunks.filter((c) => c.initial)
  const lazy = split.chunks.filter((c) => !c.initial && !isLedger(c))
  // What the libp2p app loads when built with code splitting (as bundlers do
  // for import()): everything but the token actions it never calls.
  const app = await bundle('app-libp2p', true)
  const loaded = app.chunks.filter((c) => !isLedger(c))
  const figures = {
    gzip: 'zlib default level',
    allInOne: {
      bytes: sum(single.chunks, (c) => c.bytes),
      gzipBytes: sum(single.chunks, (c) => c.gzipBytes),
    },
    libp2pAppSplit: {
      bytes: sum(loaded, (c) => c.bytes),
      gzipBytes: sum(loaded, (c) => c.gzipBytes),
      chunks: loaded.length,
      tokenActionsGzipBytes: sum(app.chunks.filter(isLedger), (c) => c.gzipBytes),
    },
    withoutLibp2p: {
      bytes: sum(main, (c) => c.bytes),
      gzipBytes: sum(main, (c) => c.gzipBytes),
    },
    initialChunks: main.length,
    libp2pChunks: {
      count: lazy.length,
      bytes: sum(lazy, (c) => c.bytes),
      gzipBytes: sum(lazy, (c) => c.gzipBytes),
    },
    splitChunks: split.chunks,
  }
  return {
    name: 'browser bundle of createClient (esbuild, minified ESM, gzip)',
    ...figures,
    target: {
      kb: TARGET_KB,
      allInOneMet: figures.allInOne.gzipBytes <= TARGET_KB * 1024,
      libp2pAppSplitMet: figures.libp2pAppSplit.gzipBytes <= TARGET_KB * 1024,
      withoutLibp2pMet: figures.withoutLibp2p.gzipBytes <= TARGET_KB * 1024,
    },
    /** Minified bytes (before gzip) each package and file puts in the bundle. */
    topContributors: contributors(single.meta, () => true),
    topContributorsWithoutLibp2p: contributors(split.meta, split.initial),
  }
}

// ------------------------------------------------------------------ run

console.log(`\nFreebird light client on ${cpus().length} cores (${cpus()[0]?.model})`)

const results: object[] = []

if (PARTS.has('verify')) {
  const verify = verifyPage()
  results.push(verify)
  console.log(`\n(a) verify a ${PAGE}-post feed page, noble (the browser's path), one core\n`)
  console.log(
    `  ${fmt(verify.msgsPerSec)} verified msg/s (${fmt(verify.msgsPerSecRange[0])}..${fmt(verify.msgsPerSecRange[1])}); ` +
      `${ms(verify.msPerPage)} per page; ${verify.pagesTimed} pages timed: p50 ${ms(verify.pageMs.p50)}, p99 ${ms(verify.pageMs.p99)}`,
  )
}

if (PARTS.has('feed')) {
  const feeds = await firstFeedPage()
  results.push(...feeds)
  console.log(
    `\n(b) createClient -> first verified feed page (${PAGE} posts of ${FOLLOWED} followed accounts), ` +
      `a fresh client per run, ${RUNS} runs (p99 of ${RUNS} runs is their slowest)\n`,
  )
  for (const f of feeds) {
    console.log(
      `  ${f.transport.padEnd(10)}  p50 ${ms(f.totalMs.p50)}, p99 ${ms(f.totalMs.p99)} ` +
        `(connect p50 ${ms(f.connectMs.p50)} + feed p50 ${ms(f.feedMs.p50)}); ` +
        `cold first client ${ms(f.coldRunMs.totalMs)}`,
    )
  }
}

if (PARTS.has('bundle')) {
  const size = await bundleSize()
  results.push(size)
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met')
  console.log(`\n(c) browser bundle of an app using createClient (minified ESM, gzip)\n`)
  console.log(
    `  everything, one file:       ${kb(size.allInOne.gzipBytes)} gzip (${fmt(size.allInOne.gzipBytes)} B; ` +
      `${kb(size.allInOne.bytes)} minified)   target <= ${TARGET_KB} KB: ${met(size.target.allInOneMet)}`,
  )
  console.log(
    `  libp2p app, code-split:     ${kb(size.libp2pAppSplit.gzipBytes)} gzip (${fmt(size.libp2pAppSplit.gzipBytes)} B) in ${size.libp2pAppSplit.chunks} chunks ` +
      `(${kb(size.libp2pAppSplit.bytes)} minified; +${kb(size.libp2pAppSplit.tokenActionsGzipBytes)} on the first token action)` +
      `   target <= ${TARGET_KB} KB: ${met(size.target.libp2pAppSplitMet)}`,
  )
  console.log(
    `  without libp2p (HTTP app):  ${kb(size.withoutLibp2p.gzipBytes)} gzip (${fmt(size.withoutLibp2p.gzipBytes)} B; ` +
      `${kb(size.withoutLibp2p.bytes)} minified)   target <= ${TARGET_KB} KB: ${met(size.target.withoutLibp2pMet)}`,
  )
  console.log(
    `  libp2p chunks (on dial):    ${kb(size.libp2pChunks.gzipBytes)} gzip in ${size.libp2pChunks.count} chunks ` +
      `(${kb(size.libp2pChunks.bytes)} minified)`,
  )
  console.log(`\n  top contributors, minified bytes before gzip (everything):`)
  for (const c of size.topContributors.byPackage) {
    console.log(`    ${c.name.padEnd(36)} ${kb(c.bytes).padStart(10)}`)
  }
  console.log(`\n  top contributors without libp2p:`)
  for (const c of size.topContributorsWithoutLibp2p.byPackage.slice(0, 8)) {
    console.log(`    ${c.name.padEnd(36)} ${kb(c.bytes).padStart(10)}`)
  }
}

writeResults('client', 'Freebird light client', results)

import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'

export interface Result {
  name: string
  /** Median of the windows. */
  opsPerSec: number
  /** Slowest and fastest window. */
  range: [number, number]
  ops: number
  target?: number
}

/**
 * Calls `fn(i)` with increasing i for `windows` timed windows of `seconds`
 * each, after a warm-up, and reports the median window: one slow window (GC,
 * the other core busy) does not decide the figure.
 */
export function measure(name: string, fn: (i: number) => void, windows = 5, seconds = 0.6): Result {
  let i = 0
  const warmUntil = performance.now() + 300
  while (performance.now() < warmUntil) fn(i++)
  const rates: number[] = []
  let total = 0
  for (let w = 0; w < windows; w++) {
    const start = performance.now()
    const end = start + seconds * 1000
    let ops = 0
    while (performance.now() < end) {
      for (let k = 0; k < 50; k++) fn(i++)
      ops += 50
    }
    rates.push(ops / ((performance.now() - start) / 1000))
    total += ops
  }
  rates.sort((a, b) => a - b)
  const median = rates[Math.floor(rates.length / 2)] as number
  return {
    name,
    ops: total,
    opsPerSec: median,
    range: [rates[0] as number, rates.at(-1) as number],
  }
}

/** Prints a table and writes test/bench/results/<file>.json. */
export function report(file: string, title: string, results: Result[]): void {
  const width = Math.max(...results.map((r) => r.name.length))
  console.log(`\n${title} (median of 5 windows; slowest..fastest)\n`)
  for (const r of results) {
    const fmt = (x: number) => Math.round(x).toLocaleString('en-US')
    const figure = fmt(r.opsPerSec).padStart(10)
    const spread = `(${fmt(r.range[0])}..${fmt(r.range[1])})`.padEnd(22)
    const target =
      r.target === undefined
        ? ''
        : `   target >= ${r.target.toLocaleString('en-US')}: ${r.opsPerSec >= r.target ? 'met' : 'NOT met'}`
    console.log(`  ${r.name.padEnd(width)}  ${figure} msg/s ${spread}${target}`.trimEnd())
  }
  writeResults(file, title, results)
}

/** Writes test/bench/results/<file>.json with the machine's description. */
export function writeResults(file: string, title: string, results: unknown): void {
  const out = new URL(`results/${file}.json`, import.meta.url)
  const machine = {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    node: process.version,
    openssl: process.versions.openssl,
  }
  writeFileSync(
    out,
    `${JSON.stringify({ title, date: new Date().toISOString(), machine, results }, null, 2)}\n`,
  )
  console.log(`\n  written to ${out.pathname}`)
}

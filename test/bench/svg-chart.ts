/**
 * A small dependency-free SVG chart for the benchmarks: histograms of one or
 * more series of numbers (e.g. latencies) drawn as outlined steps on a shared
 * axis, linear or logarithmic in x, with percentile markers and a legend.
 * Each series is normalised to percent of its own values, so series of
 * different sizes compare by shape.
 */

export interface ChartSeries {
  name: string
  values: ArrayLike<number>
  /** Vertical dashed lines in the series' colour, e.g. { label: 'p99', value: 42 }. */
  markers?: { label: string; value: number }[]
}

export interface HistogramOptions {
  title: string
  subtitle?: string
  xLabel: string
  series: ChartSeries[]
  /** Logarithmic x axis and bins (values <= 0 are left out). Default true. */
  logX?: boolean
  bins?: number
  width?: number
  height?: number
  /** Tick and marker labels (default: up to 3 significant digits). */
  format?: (x: number) => string
  /** Appended to the markers' values, e.g. ' ms'. */
  unit?: string
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b']
const MARGIN = { left: 64, right: 24, bottom: 56 }

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const r1 = (x: number) => Math.round(x * 10) / 10
const defaultFormat = (x: number) =>
  x >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(3)))

/** Tick values: 1-2-5 steps per decade (log) or about 6 round steps (linear). */
function ticks(lo: number, hi: number, log: boolean): number[] {
  const out: number[] = []
  if (log) {
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e
        if (v >= lo && v <= hi) out.push(Number(v.toPrecision(1)))
      }
    }
    return out
  }
  const raw = (hi - lo) / 6
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)))
  return out
}

/** An SVG document (a string) showing the histograms of `o.series`. */
export function histogramSvg(o: HistogramOptions): string {
  const log = o.logX ?? true
  const nBins = o.bins ?? 48
  const width = o.width ?? 880
  const height = o.height ?? 460
  const format = o.format ?? defaultFormat
  // Title, subtitle, then one legend row per series above the plot.
  const top = 56 + 16 * o.series.length
  const plotW = width - MARGIN.left - MARGIN.right
  const plotH = height - top - MARGIN.bottom
  const usable = (v: number) => Number.isFinite(v) && (!log || v > 0)

  // ---- x range and bins, shared by every series
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (const s of o.series)
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i] as number
      if (!usable(v)) continue
      lo = Math.min(lo, v)
      hi = Math.max(hi, v)
    }
  if (!(lo < hi)) {
    lo = log ? 1 : 0
    hi = log ? 10 : 1
  }
  if (log) {
    lo = 10 ** (Math.floor(Math.log10(lo) * 4) / 4)
    hi = 10 ** (Math.ceil(Math.log10(hi) * 4) / 4)
  }
  const t = (v: number) => (log ? Math.log10(v) : v)
  const x = (v: number) => MARGIN.left + ((t(v) - t(lo)) / (t(hi) - t(lo))) * plotW
  const binOf = (v: number) =>
    Math.min(nBins - 1, Math.floor(((t(v) - t(lo)) / (t(hi) - t(lo))) * nBins))
  const edge = (b: number) => {
    const u = t(lo) + ((t(hi) - t(lo)) * b) / nBins
    return log ? 10 ** u : u
  }
  const percents = o.series.map((s) => {
    const counts = new Array<number>(nBins).fill(0)
    let n = 0
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i] as number
      if (!usable(v)) continue
      const b = binOf(v)
      counts[b] = (counts[b] as number) + 1
      n++
    }
    return counts.map((c) => (n === 0 ? 0 : (100 * c) / n))
  })
  const yMax = Math.max(1, ...percents.flat()) * 1.08
  const y = (p: number) => top + plotH - (p / yMax) * plotH

  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">${xml(o.title)}</text>`,
  )
  if (o.subtitle)
    out.push(
      `<text x="${width / 2}" y="40" text-anchor="middle" fill="#555">${xml(o.subtitle)}</text>`,
    )

  // ---- axes, grid and tick labels
  const bottom = top + plotH
  for (const v of ticks(lo, hi, log)) {
    const px = r1(x(v))
    out.push(
      `<line x1="${px}" y1="${top}" x2="${px}" y2="${bottom}" stroke="#eee"/>`,
      `<text x="${px}" y="${bottom + 16}" text-anchor="middle">${xml(format(v))}</text>`,
    )
  }
  for (const p of ticks(0, yMax, false)) {
    const py = r1(y(p))
    out.push(
      `<line x1="${MARGIN.left}" y1="${py}" x2="${MARGIN.left + plotW}" y2="${py}" stroke="#eee"/>`,
      `<text x="${MARGIN.left - 6}" y="${py + 4}" text-anchor="end">${p}%</text>`,
    )
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 14}" text-anchor="middle">${xml(o.xLabel)}${log ? ' (log scale)' : ''}</text>`,
    `<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">% of the series per bin</text>`,
  )

  // ---- one outlined, lightly filled step curve per series
  percents.forEach((p, k) => {
    const color = COLORS[k % COLORS.length] as string
    let d = `M${r1(x(edge(0)))} ${r1(y(0))}`
    for (let b = 0; b < nBins; b++)
      d += ` L${r1(x(edge(b)))} ${r1(y(p[b] as number))} L${r1(x(edge(b + 1)))} ${r1(y(p[b] as number))}`
    d += ` L${r1(x(edge(nBins)))} ${r1(y(0))} Z`
    out.push(
      `<path d="${d}" fill="${color}" fill-opacity="0.12" stroke="${color}" stroke-width="1.5"/>`,
    )
  })

  // ---- markers: a dashed line each, labelled along the line (white halo over the bars)
  o.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length] as string
    for (const m of s.markers ?? []) {
      if (!usable(m.value) || m.value < lo || m.value > hi) continue
      const px = r1(x(m.value))
      out.push(
        `<line x1="${px}" y1="${top}" x2="${px}" y2="${bottom}" stroke="${color}" stroke-dasharray="4 3"/>`,
        `<text transform="translate(${px + 4} ${top + 6}) rotate(90)" fill="${color}" stroke="white" stroke-width="3" paint-order="stroke">${xml(`${m.label} ${format(m.value)}${o.unit ?? ''}`)}</text>`,
      )
    }
  })
  // ---- the legend, above the plot
  o.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length] as string
    const ly = 62 + 16 * k
    out.push(
      `<rect x="${MARGIN.left}" y="${ly - 9}" width="14" height="10" fill="${color}" fill-opacity="0.3" stroke="${color}"/>`,
      `<text x="${MARGIN.left + 20}" y="${ly}">${xml(s.name)}</text>`,
    )
  })
  out.push('</svg>')
  return `${out.join('\n')}\n`
}

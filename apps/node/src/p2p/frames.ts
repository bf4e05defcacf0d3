import { FreebirdError } from '@freebird/protocol'
import type { Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'

/** A stream broke a framing rule: a frame over the limit, or silence for too long. */
export class StreamError extends FreebirdError<'stream.frame_too_large' | 'stream.idle'> {
  override name = 'StreamError'
}

/** Aborts a stream that stays silent (nothing received) for `ms`: idle peers do not hold streams forever. */
export function idleTimeout(stream: Stream, ms: number): Stream {
  const expire = () => stream.abort(new StreamError('stream.idle', `nothing received for ${ms} ms`))
  let timer = setTimeout(expire, ms)
  stream.addEventListener('message', () => {
    clearTimeout(timer)
    timer = setTimeout(expire, ms)
  })
  stream.addEventListener('close', () => clearTimeout(timer), { once: true })
  return stream
}

/** Largest frame any Freebird stream protocol accepts (a query answer of many messages). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024

function varint(n: number): Uint8Array {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return Uint8Array.from(out)
}

/**
 * Resolves when the stream can take more data. (stream.onDrain() in
 * @libp2p/utils 7.4 resolves at once after the first drain, which would
 * leave writers with no backpressure at all.)
 */
function waitForDrain(stream: Stream, signal?: AbortSignal): Promise<void> {
  if (!stream.writableNeedsDrain) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose as never)
      signal?.removeEventListener('abort', onAbort)
    }
    const onDrain = () => {
      cleanup()
      resolve()
    }
    const onClose = (event: Event & { error?: Error }) => {
      cleanup()
      reject(event.error ?? new Error('stream closed while waiting to write'))
    }
    const onAbort = () => {
      cleanup()
      reject(signal?.reason)
    }
    if (signal?.aborted) return reject(signal.reason)
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose as never)
    signal?.addEventListener('abort', onAbort)
  })
}

/** Writes one unsigned-varint length-prefixed frame, waiting while the stream's send window is full. */
export async function writeFrame(
  stream: Stream,
  data: Uint8Array,
  signal?: AbortSignal,
): Promise<void> {
  await writeFrames(stream, [data], signal)
}

/** Writes several frames in one send (one socket write instead of one each). */
export async function writeFrames(
  stream: Stream,
  frames: Uint8Array[],
  signal?: AbortSignal,
): Promise<void> {
  const list = new Uint8ArrayList()
  for (const data of frames) list.append(varint(data.byteLength), data)
  if (!stream.send(list)) await waitForDrain(stream, signal)
}

/**
 * The frames of a stream as an async iterable, with backpressure: the stream
 * is paused while more than `highWaterMark` bytes wait to be consumed.
 * Ends when the remote closes its side; throws if the stream is reset or a
 * frame is larger than `maxFrameBytes`.
 */
export async function* readFrames(
  stream: Stream,
  maxFrameBytes = MAX_FRAME_BYTES,
  highWaterMark = 256 * 1024,
): AsyncGenerator<Uint8Array> {
  // While paused, yamux may still deliver the window it granted (up to 16 MiB).
  stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, 17 * 1024 * 1024)
  const decoder = new FrameDecoder(maxFrameBytes)
  const queue: Uint8Array[] = []
  let queued = 0
  let done = false
  let failure: unknown
  let wake: (() => void) | undefined
  const notify = () => {
    const w = wake
    wake = undefined
    w?.()
  }
  const onMessage = (event: { data: Uint8Array | Uint8ArrayList }) => {
    try {
      for (const bytes of decoder.push(
        event.data instanceof Uint8Array ? event.data : event.data.subarray(),
      )) {
        queue.push(bytes)
        queued += bytes.byteLength
      }
    } catch (error) {
      failure = error
      stream.abort(error as Error)
    }
    // Pausing inside a dispatch that resume() started would be undone: defer it.
    if (queued > highWaterMark) {
      queueMicrotask(() => {
        if (!done && queued > highWaterMark && stream.readStatus === 'readable') stream.pause()
      })
    }
    notify()
  }
  const onEnd = () => {
    done = true
    notify()
  }
  const onClose = (event: Event & { error?: Error }) => {
    if (event.error && failure === undefined) failure = event.error
    done = true
    notify()
  }
  stream.addEventListener('message', onMessage as never)
  stream.addEventListener('end', onEnd)
  stream.addEventListener('close', onClose as never)
  if (stream.readableEnded) done = true
  try {
    while (true) {
      const next = queue.shift()
      if (next) {
        queued -= next.byteLength
        if (queued < highWaterMark / 4 && stream.readStatus === 'paused') stream.resume()
        yield next
        continue
      }
      if (failure !== undefined) throw failure
      if (done) return
      await new Promise<void>((resolve) => {
        wake = resolve
      })
    }
  } finally {
    done = true
    stream.removeEventListener('message', onMessage as never)
    stream.removeEventListener('end', onEnd)
    stream.removeEventListener('close', onClose as never)
  }
}

/**
 * Splits a byte stream into varint-length-prefixed frames. Keeps the partial
 * frame as one contiguous buffer: a chunk list would be searched per byte.
 */
export class FrameDecoder {
  #pending: Uint8Array = new Uint8Array(0)
  readonly #max: number

  constructor(maxFrameBytes: number) {
    this.#max = maxFrameBytes
  }

  /** The complete frames that `chunk` finishes; throws on a frame over the limit. */
  push(chunk: Uint8Array): Uint8Array[] {
    let buf = chunk
    if (this.#pending.length > 0) {
      buf = new Uint8Array(this.#pending.length + chunk.length)
      buf.set(this.#pending)
      buf.set(chunk, this.#pending.length)
    }
    const frames: Uint8Array[] = []
    let at = 0
    for (;;) {
      let length = 0
      let shift = 1
      let i = at
      for (; i < buf.length && i < at + 8; i++) {
        const b = buf[i] as number
        length += (b & 0x7f) * shift
        shift *= 128
        if (b < 0x80) break
      }
      if (i >= buf.length) break // the length prefix is not complete yet
      if (i === at + 8 || length > this.#max)
        throw new StreamError('stream.frame_too_large', `frame larger than ${this.#max} bytes`)
      const start = i + 1
      if (start + length > buf.length) break
      frames.push(buf.subarray(start, start + length))
      at = start + length
    }
    // Copy the tail so a small partial frame does not pin a large chunk.
    this.#pending = new Uint8Array(buf.subarray(at))
    return frames
  }
}

// The Node entry's own file: the build's types leave Node out so the browser entry cannot use it.
/// <reference types="node" />
import { open, readFile, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { KeyValueStore } from './store.ts'

/**
 * A store in one JSON file (Node only: the Node entry exports it, the browser
 * entry does not): `{ "key": "value", ... }`. Every change rewrites the file
 * through a temporary file that is fsync'd and renamed over it, and the
 * directory is fsync'd, so a crash leaves either the old or the new content.
 * Writes of one store are serialized; a missing file is an empty store.
 * One process should own a file at a time (two would overwrite each other's
 * keys). Mode 0600: it holds signed orders.
 *
 * @example
 * ```ts
 * import { createClient, fileStore } from '@freebird/client'
 * const client = createClient({ nodes, signer, store: fileStore('./me.key.pending.json') })
 * ```
 */
export function fileStore(path: string): KeyValueStore {
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn)
    queue = run.catch(() => {})
    return run
  }
  const read = async (): Promise<Record<string, string>> => {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw error
    }
    const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new TypeError(`${path} is not a JSON object`)
    }
    return parsed as Record<string, string>
  }
  const write = async (data: Record<string, string>) => {
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
    const file = await open(temporary, 'w', 0o600)
    try {
      await file.writeFile(`${JSON.stringify(data, null, 2)}\n`)
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temporary, path)
    const dir = await open(dirname(path), 'r').catch(() => undefined)
    await dir
      ?.sync()
      .catch(() => {})
      .finally(() => dir.close())
  }
  const change = (fn: (data: Record<string, string>) => void) =>
    serial(async () => {
      const data = await read()
      fn(data)
      await write(data)
    })
  return {
    get: (key) => serial(async () => (await read())[key]),
    set: (key, value) =>
      change((data) => {
        data[key] = value
      }),
    delete: (key) =>
      change((data) => {
        delete data[key]
      }),
  }
}

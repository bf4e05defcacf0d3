/**
 * Where the client keeps what must survive a crash: the transfer order it
 * signed and has not seen certified yet (it is retried, never replaced by a
 * second order at the same seq), and its account's last certificate.
 * Values are JSON text; see pending.ts for the records.
 */

/**
 * A small async key-value store. `set` must be durable when it resolves: the
 * client sends a signed order only after `set` of its pending record resolved.
 *
 * @example
 * ```ts
 * const store: KeyValueStore = {
 *   get: async (key) => db.read(key),
 *   set: async (key, value) => db.writeAndSync(key, value),
 *   delete: async (key) => db.remove(key),
 * }
 * const client = createClient({ nodes, signer, store })
 * ```
 */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>
  set(key: string, value: string): Promise<void>
  delete(key: string): Promise<void>
}

/**
 * A store in memory: the default. It survives nothing; give a `fileStore`
 * (Node) or `localStorageStore` (browsers) to resume after a crash.
 *
 * @example
 * ```ts
 * const client = createClient({ nodes, signer, store: memoryStore() })
 * ```
 */
export function memoryStore(): KeyValueStore {
  const map = new Map<string, string>()
  return {
    get: async (key) => map.get(key),
    set: async (key, value) => {
      map.set(key, value)
    },
    delete: async (key) => {
      map.delete(key)
    },
  }
}

/** The part of the Web Storage API the store uses (`localStorage`, `sessionStorage`). */
export interface WebStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/**
 * A store in the browser's `localStorage` (or any Web Storage), its keys
 * under `prefix`. A write is on disk when the browser says so: a tab that
 * crashes right after `setItem` keeps it.
 *
 * @example
 * ```ts
 * import { createClient, localStorageStore } from '@freebird/client'
 * const client = createClient({ nodes, signer, store: localStorageStore() })
 * ```
 */
export function localStorageStore(
  prefix = 'freebird:',
  storage: WebStorage = (globalThis as { localStorage?: WebStorage }).localStorage as WebStorage,
): KeyValueStore {
  if (!storage) throw new TypeError('no localStorage here: pass a Web Storage')
  return {
    get: async (key) => storage.getItem(prefix + key) ?? undefined,
    set: async (key, value) => storage.setItem(prefix + key, value),
    delete: async (key) => storage.removeItem(prefix + key),
  }
}

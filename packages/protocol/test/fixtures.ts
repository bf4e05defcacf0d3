import { sha256 } from '@noble/hashes/sha2.js'
import { keyPairFromSecretKey, networkIdFromGenesis, utf8 } from '../src/index.ts'

export const NETWORK = networkIdFromGenesis(utf8('freebird unit tests'))
export const T0 = Date.UTC(2026, 0, 1)
export const key = (name: string) => keyPairFromSecretKey(sha256(utf8(`test key ${name}`)))
export const alice = key('alice')
export const bob = key('bob')
export const app = key('app')

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNodeVerifier } from '@freebird/node-verifier'
import { createSigner, formatAccount, utf8 } from '@freebird/protocol'
import { buildTransferOrder } from '@freebird/protocol/ledger'
import { Level } from 'level'
import { afterAll, expect, it, vi } from 'vitest'
import { parseGenesis } from '../src/genesis.ts'
import { Ledger } from '../src/ledger/ledger.ts'

const dir = mkdtempSync(join(tmpdir(), 'freebird-ledger-locks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const validator = createSigner(new Uint8Array(32).fill(1))
const alice = createSigner(new Uint8Array(32).fill(2))
const bob = createSigner(new Uint8Array(32).fill(3))
const log = { info() {}, debug() {}, warn() {}, error() {} } as never

/**
 * A vote goes out only after its lock is fsync'd. When the lock write fails
 * (a disk error: injected here, since a real disk will not fail on cue),
 * nothing is signed, and a retry must write the lock again, not find the
 * failed one in memory and sign on it: after a restart it would be gone.
 */
it('signs no vote whose lock did not reach the disk, even on a retry', async () => {
  const genesis = parseGenesis(
    utf8(
      JSON.stringify({
        freebird: 1,
        network: 'locks',
        committee: [{ validator: formatAccount(validator.publicKey), weight: 1, peerId: 'p' }],
        allocations: [{ account: formatAccount(alice.publicKey), amount: '100' }],
      }),
    ),
  )
  const open = () =>
    Ledger.open(join(dir, 'ledger'), {
      params: genesis.ledger,
      validator,
      locksPath: join(dir, 'locks'),
      verify: createNodeVerifier(),
      log,
    })
  const order = (amount: bigint) =>
    buildTransferOrder(
      { to: bob.publicKey, amount, seq: 0, kind: 'payment' },
      { network: genesis.networkId, signer: alice },
    )
  const first = order(5n)
  let ledger = await open()

  // Every synced batch fails while the disk is "broken": the first ask and its retries.
  const original = Level.prototype.batch
  const broken = vi.spyOn(Level.prototype, 'batch').mockImplementation(function (
    this: Level,
    ...args: unknown[]
  ) {
    const options = args[1] as { sync?: boolean } | undefined
    if (options?.sync) return Promise.reject(new Error('injected: disk failure')) as never
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never
  })
  const [a, b] = await Promise.allSettled([ledger.vote(first.bytes), ledger.vote(first.bytes)])
  expect(a.status).toBe('rejected')
  expect(b.status).toBe('rejected')
  await expect(ledger.vote(first.bytes)).rejects.toThrow('injected')
  broken.mockRestore()

  // The disk works again: another order at the same seq can be locked (none was voted),
  // and after a restart exactly that lock is on disk.
  const second = order(7n)
  expect((await ledger.vote(second.bytes)).length).toBeGreaterThan(0)
  await expect(ledger.vote(first.bytes)).rejects.toMatchObject({ code: 'ledger.conflicting_order' })
  await ledger.close()
  ledger = await open()
  expect((await ledger.lockedOrder(alice.publicKey, 0))?.id).toEqual(second.id)
  await expect(ledger.vote(first.bytes)).rejects.toMatchObject({ code: 'ledger.conflicting_order' })
  await ledger.close()
})

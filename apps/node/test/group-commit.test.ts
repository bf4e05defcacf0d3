import { describe, expect, it } from 'vitest'
import { GroupCommit } from '../src/ledger/group-commit.ts'

describe('group commit', () => {
  it('writes what arrives during a write as the next group, in order; a failed group fails only its own items', async () => {
    const groups: number[][] = []
    let release: () => void = () => {}
    const commit = new GroupCommit<number>(async (items) => {
      groups.push(items)
      if (groups.length === 1) await new Promise<void>((r) => (release = r))
      // The disk fails for the group holding 2.
      if (items.includes(2)) throw new Error('disk')
    })
    const first = commit.add(1)
    // While the first group is on its way, these queue for the next one.
    const later = [commit.add(2), commit.add(3)]
    await Promise.resolve()
    release()
    await first
    expect(await Promise.allSettled(later)).toMatchObject([
      { status: 'rejected' },
      { status: 'rejected' },
    ])
    await commit.add(4)
    await commit.idle()
    expect(groups).toEqual([[1], [2, 3], [4]])
  })
})

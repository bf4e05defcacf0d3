import {
  buildFollowAdd,
  buildFollowRemove,
  buildPostAdd,
  buildProfileSet,
  formatAccount,
  toHex,
} from '@freebird/protocol'
import { describe, expect, it } from 'vitest'
import { createClient, type NodeFault } from '../src/index.ts'
import { alice, bob, by, carol, dave, errorOf, fakeNode, NETWORK } from './fake-node.ts'

const ALICE = formatAccount(alice.publicKey)
const BOB = formatAccount(bob.publicKey)
const CAROL = formatAccount(carol.publicKey)
const DAVE = formatAccount(dave.publicKey)

const faultsOf = (list: NodeFault[]) => list.map((f) => [f.node, f.code])

describe('getProfile', () => {
  const oldName = buildProfileSet({ field: 'name', value: 'Al' }, by(alice, 10))
  const newName = buildProfileSet({ field: 'name', value: 'Alice' }, by(alice, 20))
  const bio = buildProfileSet({ field: 'bio', value: 'writes code' }, by(alice, 5))

  it('shows the newest value of each field and reports the node serving an older one', async () => {
    const seen: NodeFault[] = []
    const client = createClient({
      nodes: [fakeNode('A', [oldName, bio]), fakeNode('B', [oldName, newName, bio])],
      network: NETWORK,
      onFault: (f) => seen.push(f),
    })
    const profile = await client.getProfile(ALICE)
    expect(profile.account).toBe(ALICE)
    expect(profile.fields).toEqual({ name: 'Alice', bio: 'writes code' })
    expect(faultsOf(profile.faults)).toEqual([['A', 'client.node_stale']])
    expect(faultsOf(seen)).toEqual([['A', 'client.node_stale']])
    expect(profile.messages.map((m) => toHex(m.id)).sort()).toEqual(
      [toHex(newName.id), toHex(bio.id)].sort(),
    )
  })

  it('order of the nodes does not matter', async () => {
    const client = createClient({
      nodes: [fakeNode('B', [newName]), fakeNode('A', [oldName])],
      network: NETWORK,
    })
    const profile = await client.getProfile(ALICE)
    expect(profile.fields.name).toBe('Alice')
    expect(faultsOf(profile.faults)).toEqual([['A', 'client.node_stale']])
  })

  it('shows a field one node withholds, and reports that node', async () => {
    const client = createClient({
      nodes: [fakeNode('A', [newName, bio]), fakeNode('B', [newName])],
      network: NETWORK,
    })
    const profile = await client.getProfile(ALICE)
    expect(profile.fields).toEqual({ name: 'Alice', bio: 'writes code' })
    expect(profile.withheld).toEqual([{ node: 'B', ids: [toHex(bio.id)] }])
    expect(profile.faults).toEqual([])
  })

  it("refuses an answer holding another account's profile or another type", async () => {
    const bobs = buildProfileSet({ field: 'name', value: 'Mallory' }, by(bob, 30))
    const aPost = buildPostAdd({ text: 'not a profile' }, by(alice, 30))
    for (const extra of [bobs, aPost]) {
      const liar = fakeNode('liar', [newName], {
        answer: (q, honest) => (q.q === 'profile' ? [...honest, extra.bytes] : honest),
      })
      const client = createClient({
        nodes: [fakeNode('honest', [newName]), liar],
        network: NETWORK,
      })
      const profile = await client.getProfile(ALICE)
      expect(profile.fields).toEqual({ name: 'Alice' })
      expect(faultsOf(profile.faults)).toEqual([['liar', 'client.node_lied']])
    }
  })

  it('says client.invalid_request for something that is not an account', async () => {
    const client = createClient({ nodes: [fakeNode('A')], network: NETWORK })
    expect((await errorOf(client.getProfile('fb1nope'))).code).toBe('client.invalid_request')
  })
})

describe('getFollowing', () => {
  const followBob = buildFollowAdd({ target: bob.publicKey }, by(alice, 10))
  const followCarol = buildFollowAdd({ target: carol.publicKey }, by(alice, 11))
  const unfollowBob = buildFollowRemove({ target: bob.publicKey }, by(alice, 20))

  it("drops a follow another node's later unfollow beats, and reports the stale node", async () => {
    const seen: NodeFault[] = []
    const client = createClient({
      nodes: [
        fakeNode('A', [followBob, followCarol]),
        fakeNode('B', [followBob, followCarol, unfollowBob]),
      ],
      network: NETWORK,
      onFault: (f) => seen.push(f),
    })
    const view = await client.getFollowing(ALICE)
    expect(view.following).toEqual([CAROL])
    expect(view.messages.map((m) => toHex(m.id))).toEqual([toHex(followCarol.id)])
    expect(faultsOf(view.faults)).toEqual([['A', 'client.node_stale']])
    expect(faultsOf(seen)).toEqual([['A', 'client.node_stale']])
  })

  it('a follow after the unfollow counts again', async () => {
    const refollow = buildFollowAdd({ target: bob.publicKey }, by(alice, 30))
    const client = createClient({
      nodes: [fakeNode('A', [followBob, unfollowBob]), fakeNode('B', [refollow])],
      network: NETWORK,
    })
    const view = await client.getFollowing(ALICE)
    expect(view.following).toEqual([BOB])
    expect(faultsOf(view.faults)).toEqual([['A', 'client.node_stale']])
  })

  it('an unfollow and a follow at the same millisecond: the unfollow wins', async () => {
    const sameTime = buildFollowAdd({ target: bob.publicKey }, by(alice, 20))
    const client = createClient({
      nodes: [fakeNode('A', [sameTime]), fakeNode('B', [unfollowBob])],
      network: NETWORK,
    })
    expect((await client.getFollowing(ALICE)).following).toEqual([])
  })

  it("refuses a node that answers with someone else's follows", async () => {
    const davesFollow = buildFollowAdd({ target: dave.publicKey }, by(dave, 5))
    const liar = fakeNode('liar', [followBob], {
      answer: (q, honest) => (q.q === 'following' ? [...honest, davesFollow.bytes] : honest),
    })
    const client = createClient({
      nodes: [liar, fakeNode('honest', [followBob])],
      network: NETWORK,
    })
    const view = await client.getFollowing(ALICE)
    expect(view.following).toEqual([BOB])
    expect(view.following).not.toContain(DAVE)
    expect(faultsOf(view.faults)).toEqual([['liar', 'client.node_lied']])
  })
})

describe('getFollowers', () => {
  const aliceFollowsBob = buildFollowAdd({ target: bob.publicKey }, by(alice, 10))
  const carolFollowsBob = buildFollowAdd({ target: bob.publicKey }, by(carol, 10))
  const carolUnfollows = buildFollowRemove({ target: bob.publicKey }, by(carol, 20))

  it('merges followers, reporting the node that leaves one out', async () => {
    const client = createClient({
      nodes: [fakeNode('A', [aliceFollowsBob, carolFollowsBob]), fakeNode('B', [aliceFollowsBob])],
      network: NETWORK,
    })
    const view = await client.getFollowers(BOB)
    expect(view.followers).toEqual([ALICE, CAROL].sort())
    expect(view.withheld).toEqual([{ node: 'B', ids: [toHex(carolFollowsBob.id)] }])
  })

  it('refuses a follow of another account as a follower', async () => {
    const followsDave = buildFollowAdd({ target: dave.publicKey }, by(carol, 10))
    const liar = fakeNode('liar', [aliceFollowsBob], {
      answer: (q, honest) => (q.q === 'followers' ? [...honest, followsDave.bytes] : honest),
    })
    const client = createClient({
      nodes: [liar, fakeNode('honest', [aliceFollowsBob, carolFollowsBob, carolUnfollows])],
      network: NETWORK,
    })
    const view = await client.getFollowers(BOB)
    expect(view.followers).toEqual([ALICE])
    expect(faultsOf(view.faults)).toEqual([['liar', 'client.node_lied']])
  })

  it('drops a follower whose unfollow another node has, reporting the stale node', async () => {
    const client = createClient({
      nodes: [
        fakeNode('stale', [carolFollowsBob]),
        fakeNode('fresh', [carolFollowsBob, carolUnfollows]),
      ],
      network: NETWORK,
    })
    const view = await client.getFollowers(BOB)
    expect(view.followers).toEqual([])
    expect(view.withheld).toEqual([])
    expect(faultsOf(view.faults)).toEqual([['stale', 'client.node_stale']])
  })
})

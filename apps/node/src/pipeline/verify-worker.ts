import { parentPort } from 'node:worker_threads'
import { createNodeVerifier } from '@freebird/node-verifier'

// One batch in: n records of signer(32) || id(32) || signature(64). One out: n verdict bytes.
const verify = createNodeVerifier()
parentPort?.on('message', ({ seq, batch }: { seq: number; batch: Uint8Array }) => {
  const n = batch.length / 128
  const verdicts = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const at = i * 128
    verdicts[i] = verify(
      batch.subarray(at, at + 32),
      batch.subarray(at + 32, at + 64),
      batch.subarray(at + 64, at + 128),
    )
      ? 1
      : 0
  }
  parentPort?.postMessage({ seq, verdicts }, [verdicts.buffer])
})

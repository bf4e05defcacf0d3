import { formatAccount, formatSecretKey, generateKeyPair } from '@freebird/protocol'
import { Command } from 'commander'
import { writeKeyFile } from './key-file.ts'

/** `freebird keygen [--out FILE]`: a new account key pair. */
export function keygenCommand(): Command {
  return new Command('keygen')
    .description('generate a new account key pair (Ed25519)')
    .option(
      '--out <file>',
      'write it to a key file (owner-only permissions) instead of printing the secret',
    )
    .option('--json', 'print JSON')
    .action((options: { out?: string; json?: boolean }) => {
      const { secretKey, publicKey } = generateKeyPair()
      if (options.out) {
        const account = writeKeyFile(options.out, secretKey)
        process.stdout.write(
          options.json ? `${JSON.stringify({ account, file: options.out })}\n` : `${account}\n`,
        )
        return
      }
      const out = { account: formatAccount(publicKey), secretKey: formatSecretKey(secretKey) }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(out)}\n`)
      } else {
        process.stdout.write(
          `account     ${out.account}\nsecret key  ${out.secretKey}\n\nKeep the secret key private: it signs for the account.\n`,
        )
      }
    })
}

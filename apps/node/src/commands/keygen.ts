import { formatAccount, formatSecretKey, generateKeyPair } from '@freebird/protocol'
import { Command } from 'commander'

/** `freebird keygen`: a new account key pair. */
export function keygenCommand(): Command {
  return new Command('keygen')
    .description('generate a new account key pair (Ed25519)')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const { secretKey, publicKey } = generateKeyPair()
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

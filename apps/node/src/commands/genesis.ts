import { writeFileSync } from 'node:fs'
import { Command } from 'commander'
import { makeGenesis, parseGenesis } from '../genesis.ts'

/** `freebird genesis --out FILE --network NAME`: defines a new network. */
export function genesisCommand(): Command {
  return new Command('genesis')
    .description('write a genesis file: the definition (and so the id) of a network')
    .requiredOption('--out <file>', 'where to write it')
    .requiredOption('--network <name>', 'network name (a-z, 0-9, -)')
    .action((options: { out: string; network: string }) => {
      const text = makeGenesis(options.network)
      writeFileSync(options.out, text, { flag: 'wx' })
      const loaded = parseGenesis(new TextEncoder().encode(text))
      process.stdout.write(
        `network ${options.network}\nid      ${loaded.networkIdText}\nfile    ${options.out}\n`,
      )
    })
}

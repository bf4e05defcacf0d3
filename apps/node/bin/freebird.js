#!/usr/bin/env node
// Plain JS that any Node can parse, so an old Node gets one clear line, not a stack trace.
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(
    `freebird: Node.js >= 22 is required (this is ${process.version}); run it through \`npm start\` / \`pnpm freebird\` from the repository, which use the pinned Node 24, or install Node 22+\n`,
  )
  process.exit(1)
}
import('../dist/cli.js').then(
  // When the command is done, leave even if a stray handle would keep the process up.
  (cli) => cli.main(process.argv).then(() => setTimeout(() => process.exit(), 1000).unref()),
  (error) => {
    const missing = error?.code === 'ERR_MODULE_NOT_FOUND'
    process.stderr.write(
      missing
        ? 'freebird: not built yet; run `npm start` (or `pnpm build`) in the repository first\n'
        : `freebird: ${error?.stack ?? error}\n`,
    )
    process.exit(1)
  },
)

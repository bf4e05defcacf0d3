import { type AddressInfo, createServer, type Server } from 'node:net'
import { CliError } from '../cli-error.ts'

/** A devnet node listens on three ports: libp2p TCP, libp2p WebSockets, HTTP. */
export interface NodePorts {
  tcp: number
  ws: number
  http: number
}

export const DEFAULT_BASE_PORT = 7900
const HOST = '127.0.0.1'

/** Node i gets base + 3i (TCP), base + 3i + 1 (WebSockets), base + 3i + 2 (HTTP). */
export function consecutivePorts(base: number, nodes: number): NodePorts[] {
  if (!Number.isInteger(base) || base < 1 || base + 3 * nodes - 1 > 65_535) {
    throw new CliError(
      'devnet.invalid_port',
      `--base-port ${base}: ${nodes} nodes need ports ${base}..${base + 3 * nodes - 1}, within 1..65535`,
    )
  }
  return Array.from({ length: nodes }, (_, i) => ({
    tcp: base + 3 * i,
    ws: base + 3 * i + 1,
    http: base + 3 * i + 2,
  }))
}

function listenOn(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, HOST, () => server.close(() => resolve()))
  })
}

/** Ports the operating system has free now (for tests, which must not collide). */
export async function freePorts(nodes: number): Promise<NodePorts[]> {
  // All held open until all are chosen, so no port is handed out twice.
  const servers: Server[] = []
  const port = () =>
    new Promise<number>((resolve, reject) => {
      const server = createServer()
      servers.push(server)
      server.once('error', reject)
      server.listen(0, HOST, () => resolve((server.address() as AddressInfo).port))
    })
  try {
    const out: NodePorts[] = []
    for (let i = 0; i < nodes; i++)
      out.push({ tcp: await port(), ws: await port(), http: await port() })
    return out
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  }
}

/** Fails with one clear line if a port is taken, before any node is started. */
export async function checkFree(ports: NodePorts[]): Promise<void> {
  for (const p of ports) {
    for (const port of [p.tcp, p.ws, p.http]) {
      try {
        await listenOn(port)
      } catch (error) {
        throw new CliError(
          'devnet.port_in_use',
          `port ${port} on ${HOST} is in use (${(error as NodeJS.ErrnoException).code}); pick another --base-port`,
        )
      }
    }
  }
}

export function nodeAddresses(ports: NodePorts, peerId: string) {
  return {
    ports,
    multiaddrs: {
      tcp: `/ip4/${HOST}/tcp/${ports.tcp}/p2p/${peerId}`,
      ws: `/ip4/${HOST}/tcp/${ports.ws}/ws/p2p/${peerId}`,
    },
    http: `http://${HOST}:${ports.http}`,
  }
}

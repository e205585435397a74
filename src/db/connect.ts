// Finds the database: DATABASE_URL when set, else the embedded server on the
// data folder (the running one if there is one, else started here).
import type { Config } from '../config.ts'
import { startEmbedded } from './embedded.ts'

export type Connection = { url: string; embedded: boolean; stop: () => Promise<void> }

export async function connect(config: Config, log: (msg: string) => void = () => {}): Promise<Connection> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => {} }
  const server = await startEmbedded({ dataDir: config.dataDir, port: config.pgPort, log })
  return { url: server.url('tenfold'), embedded: server.owned, stop: server.stop }
}

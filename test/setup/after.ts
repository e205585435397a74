// tap `after`: stop the test server.
import { stopTestServer } from './pg.ts'
await stopTestServer()

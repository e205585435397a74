// The main flows at a phone viewport (390×844) in Debian's Chromium.
import t from 'tap'
import { runFlows } from './flows.ts'

await runFlows(t, 'phone')

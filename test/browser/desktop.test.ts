// The main flows at a desktop viewport (1280×800) in Debian's Chromium.
import t from 'tap'
import { runFlows } from './flows.ts'

await runFlows(t, 'desktop')

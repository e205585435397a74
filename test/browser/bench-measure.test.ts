// The measuring code of npm run bench:browser, on the demo data: it reads a
// largest contentful paint, an interaction's figures and the bytes received.
// No timing is asserted — only that the figures exist and are plausible.
import t from 'tap'
import { chromiumAvailable, login, newContext, startSite } from './support.ts'
import { INIT_SCRIPT, instrument, measureInteraction, measureNavigation } from '../../scripts/browser-measure.ts'

if (chromiumAvailable(t)) {
  t.test('the browser bench reads LCP, interaction to next paint, the result painted and wire bytes', async (t) => {
    const site = await startSite(t)
    const context = await newContext(site, 'desktop')
    await context.addInitScript(INIT_SCRIPT)
    const page = await context.newPage()
    await login(page, 'admin@example.org')
    const { takeBytes } = await instrument(page, { cpuRate: 1, network: null })
    const nav = await measureNavigation(page, '/people', takeBytes)
    t.ok(nav.lcpMs > 0, `an LCP was recorded (${nav.lcpMs} ms)`)
    t.ok(nav.bytes > 500, `bytes were counted (${nav.bytes})`)
    const box = page.locator('input[name=q]').first()
    await box.focus()
    const act = await measureInteraction(page, () => box.pressSequentially('Ma', { delay: 30 }), takeBytes)
    t.ok(Number.isFinite(act.inpMs) && act.inpMs >= 0, 'an INP figure (0 when under 16 ms)')
    t.ok(act.resultMs > 0, `the result was painted after the keys (${Math.round(act.resultMs)} ms)`)
    t.ok(act.bytes > 0, 'the search answer was counted')
    await context.close()
  })
}

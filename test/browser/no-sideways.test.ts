// Pages that pushed the whole page sideways, found by walking the demo in a browser: on a 390 px phone the
// board (its cards' visually hidden labels were placed against the page, outside the board's own scroller),
// the people list (a name with three tags; a 60-character email address, also at 1280 px), a supporter's
// page (a long email address) and the slate page (a national endorsement's long label, also at 1280 px),
// and the audit trail (a change's JSON on one line, 2,045 px at 1280, under a "When (UTC)" heading over New
// York times). The page itself must never scroll
// sideways: wide content scrolls or wraps inside its own box. Full-page screenshots in artifacts/screenshots/.
import t from 'tap'
import type { Page } from 'playwright-core'
import { audit } from '../../src/audit/audit.ts'
import { chromiumAvailable, login, newContext, screenshot, startSite, VIEWPORTS, type ViewportName } from './support.ts'

const ORGANIZER = 'organizer.boston@example.org'
const ADMIN = 'admin@example.org'

/** How far the page scrolls sideways, and the widest elements past the viewport's right edge. */
async function sideways(page: Page): Promise<{ extra: number; wide: string[] }> {
  return page.evaluate(() => {
    const cw = document.documentElement.clientWidth
    const wide: string[] = []
    for (const el of document.querySelectorAll('main *')) {
      const r = el.getBoundingClientRect()
      if (r.width > 0 && r.right > cw + 1 && wide.length < 3) wide.push(`${el.tagName}.${el.className}`)
    }
    return { extra: document.documentElement.scrollWidth - cw, wide }
  })
}

if (chromiumAvailable(t)) {
  t.setTimeout(240_000)
  const site = await startSite(t)
  // The Boston supporter with the longest email address (the organizer's chapter; another's answers 404).
  const person = await site.db
    .selectFrom('supporters as s')
    .innerJoin('memberships as m', 'm.chapter_id', 's.chapter_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('s.id')
    .where('u.email', '=', ORGANIZER)
    .where('s.email', 'is not', null)
    .where('s.deleted_at', 'is', null)
    .orderBy(({ fn }) => fn('length', ['s.email']), 'desc')
    .executeTakeFirstOrThrow()
  // A tired typist's record: a 60-character email address and a very long name.
  await site.db
    .updateTable('supporters')
    .set({
      name: 'Maria-Guadalupe Esperanza de los Santos Villanueva-Rodriguez y Castellanos',
      email: 'maria.guadalupe.esperanza.delossantos.villanueva@example.org',
    })
    .where('id', '=', person.id)
    .execute()
  const slate = await site.db.selectFrom('slates').select('id').where('is_current', '=', true).executeTakeFirstOrThrow()
  const pages = ['/board', '/people', `/people/${person.id}`, `/slates/${slate.id}`]
  // The audit trail with a filing's record: one long line of JSON (the admin's page).
  const admin = await site.db.selectFrom('users').select('id').where('email', '=', ADMIN).executeTakeFirstOrThrow()
  await audit(
    site.db,
    { actorId: admin.id, requestId: 'no-sideways' },
    {
      action: 'create',
      entity: 'filing',
      entityId: 1,
      after: {
        body: 'Executive board',
        drive_id: 13,
        filed_on: '2026-11-30',
        text_filed: '1400 characters',
        candidate_id: null,
        earliest_vote_on: '2026-12-07',
        resolution_version_id: 3,
      },
    },
  )

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    await t.test(`no page scrolls sideways at ${viewport} size`, async (t) => {
      const ctx = await newContext(site, viewport)
      const page = await ctx.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(String(e)))
      await login(page, ORGANIZER)
      for (const url of pages) {
        await page.goto(url)
        await page.waitForLoadState('load')
        t.equal(await page.locator('main h1').count(), 1, `${url} opens`)
        const { extra, wide } = await sideways(page)
        const past = extra > 0 ? ` (past the edge: ${wide})` : ''
        t.equal(extra, 0, `${url} fits ${VIEWPORTS[viewport].width} px${past}`)
        await screenshot(page, viewport, `no-sideways${url.replace(/\/\d+/g, '-id').replaceAll('/', '-')}`)
      }
      await ctx.clearCookies()
      await login(page, ADMIN)
      await page.goto('/audit')
      const head = await page.textContent('main thead')
      t.match(head, 'When (America/New_York)', 'the times’ zone is the one they are in')
      const { extra, wide } = await sideways(page)
      t.equal(extra, 0, `/audit fits ${VIEWPORTS[viewport].width} px${extra > 0 ? ` (past the edge: ${wide})` : ''}`)
      await screenshot(page, viewport, 'no-sideways-audit')
      t.same(errors, [], 'no script errors')
      await ctx.close()
    })
  }
}

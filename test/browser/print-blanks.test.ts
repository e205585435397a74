// A resolution printed before every detail is known: the page flags "[meeting.date]" on screen, but the
// sheet a worker-leader brings to the meeting shows a blank line to fill in by hand, never the placeholder
// (found walking the demo: Print on a drive with no vote date printed "[meeting.date]"). At 1280×800 and
// 390×844, with a screenshot of the print rendering in artifacts/screenshots/.
import t from 'tap'
import { chromiumAvailable, login, newContext, screenshot, startSite, VIEWPORTS, type ViewportName } from './support.ts'

const ORGANIZER = 'organizer.boston@example.org'
const PLACEHOLDER = /\[[a-z]+\.[a-z_]+\]/

if (chromiumAvailable(t)) {
  t.setTimeout(180_000)
  const site = await startSite(t)
  // A Boston drive with a local and no vote date yet: its meeting date is missing from the text.
  const drive = await site.db
    .selectFrom('drives as d')
    .innerJoin('chapters as c', 'c.id', 'd.chapter_id')
    .select('d.id')
    .where('c.name', '=', 'Boston')
    .where('d.local_id', 'is not', null)
    .where('d.vote_date', 'is', null)
    .where('d.deleted_at', 'is', null)
    .orderBy('d.id')
    .executeTakeFirstOrThrow()
  const resolution = await site.db
    .selectFrom('resolutions')
    .select('id')
    .where('slug', '=', 'democratize-endorsement-process')
    .executeTakeFirstOrThrow()

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    await t.test(`a missing detail prints as a blank at ${viewport} size`, async (t) => {
      const ctx = await newContext(site, viewport)
      const page = await ctx.newPage()
      await login(page, ORGANIZER)
      await page.goto(`/resolutions/${resolution.id}?drive=${drive.id}`)
      const text = page.locator('#resolution-text')
      t.match(await text.innerText(), PLACEHOLDER, 'on screen the missing detail is flagged by name')
      await page.emulateMedia({ media: 'print' })
      t.notMatch(await page.locator('body').innerText(), PLACEHOLDER, 'the printed text shows no placeholder')
      const blank = await page
        .locator('#resolution-text .merge-missing')
        .first()
        .evaluate((m) => getComputedStyle(m, '::after').content)
      t.match(blank, /^"_+"$/, 'a blank line to fill in stands in its place')
      await screenshot(page, viewport, 'print-blanks')
      await ctx.close()
    })
  }
}

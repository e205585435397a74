// What a person sees on the slate, the matrix and a resolution filled for a drive, at a desktop (1280×800)
// and a phone (390×844), on the demo data (issue 16):
// - item 11: the 10×10 picture is a grid of small squares, and the slate page keeps a sane height;
// - item 12: a matrix cell opens its detail in place as a fragment (one navigation bar on the page), and the
//   same address opened on its own is a full page;
// - item 4: a resolution filled for a drive whose local and candidate lack details asks for them in a small
//   form, and once they are given, neither the page nor its print shows a [placeholder].
import t from 'tap'
import type { Page } from 'playwright-core'
import { chromiumAvailable, login, newContext, screenshot, startSite, VIEWPORTS, type ViewportName } from './support.ts'
import { candidate, drive, local } from '../factories.ts'

const ORGANIZER = 'organizer.boston@example.org'
const PLACEHOLDER = /\[[a-z]+\.[a-z_]+\]|\{\{/

const navBars = (page: Page) => page.locator('header.topbar').count()

if (chromiumAvailable(t)) {
  t.setTimeout(280_000)
  const site = await startSite(t)
  const db = site.db
  const slate = await db.selectFrom('slates').select('id').where('is_current', '=', true).executeTakeFirstOrThrow()
  const boston = await db.selectFrom('chapters').select('id').where('slug', '=', 'boston').executeTakeFirstOrThrow()
  const model = await db
    .selectFrom('resolutions')
    .select('id')
    .where('title', '=', 'Endorse the local candidate')
    .executeTakeFirstOrThrow()

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    t.test(`${viewport}: the slate, the matrix and an adapted resolution`, async (t) => {
      const ctx = await newContext(site, viewport)
      t.teardown(() => ctx.close())
      const page = await ctx.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(String(e)))
      await login(page, ORGANIZER)

      await t.test('item 11: the 10×10 picture is a grid of squares, the page a sane height', async (t) => {
        await page.goto(`/slates/${slate.id}`)
        await page.waitForSelector('#goals-h')
        await screenshot(page, viewport, 'slate-goals')
        const height = await page.evaluate(() => document.documentElement.scrollHeight)
        const limit = viewport === 'desktop' ? 3500 : 8000
        t.ok(height < limit, `the slate page is ${height} px tall (under ${limit})`)
        const picture = await page
          .locator('.squares')
          .first()
          .evaluate((el) => {
            const sq = Array.from(el.querySelectorAll<HTMLElement>('.sq')).map((s) => s.getBoundingClientRect())
            return {
              count: sq.length,
              sizes: [...new Set(sq.map((r) => `${Math.round(r.width)}×${Math.round(r.height)}`))],
              rows: new Set(sq.map((r) => Math.round(r.top))).size,
              cols: new Set(sq.map((r) => Math.round(r.left))).size,
              height: el.getBoundingClientRect().height,
            }
          })
        t.ok(picture.count >= 10, `${picture.count} squares for the first candidate`)
        t.same(picture.sizes, ['14×14'], 'every square the same small size (won, projected and open alike)')
        t.equal(picture.cols, Math.min(10, picture.count), `squares side by side, ten to a row`)
        t.equal(picture.rows, Math.ceil(picture.count / 10), `in ${picture.rows} row(s), not one per square`)
        const width = await page.evaluate(() => document.documentElement.scrollWidth)
        t.ok(width <= VIEWPORTS[viewport].width, `the page is no wider than the screen (${width} px)`)
        t.ok(picture.height < 120, `the picture is ${Math.round(picture.height)} px tall`)
        t.ok((await page.locator('.sq-open').count()) > 0, 'still-open squares are drawn as squares too')
      })

      await t.test('item 12: a matrix cell opens in place as a fragment; on its own it is a page', async (t) => {
        await page.goto(`/slates/${slate.id}/matrix`)
        t.equal(await navBars(page), 1)
        const before = page.url()
        const link = page.locator('td.e a').first()
        const href = await link.getAttribute('href')
        const answered = page.waitForResponse((r) => r.url().includes('/matrix/cell?'))
        await link.click()
        const res = await answered
        t.equal(res.status(), 200)
        t.notMatch(await res.text(), /<header class="topbar"|<html/i, 'the answer is a fragment, not a page')
        await page.waitForFunction(() => (document.querySelector('#matrix-cell')?.textContent ?? '').trim() !== '')
        t.equal(page.url(), before, 'the matrix stays where it was')
        t.equal(await navBars(page), 1, 'one navigation bar on the page')
        t.equal(await page.locator('#matrix-cell h1').count(), 0, 'no page heading inside the matrix')
        t.match(await page.locator('#matrix-cell').innerText(), /Endorsed|endorsement/i)
        await screenshot(page, viewport, 'matrix-cell-open')
        // The same address opened on its own (a new tab, a bookmark): a full page.
        await page.goto(new URL(href!, before).toString())
        t.equal(await navBars(page), 1, 'a page with its navigation bar')
        t.equal(await page.locator('main h1').count(), 1, 'and its own heading')
        t.match(await page.locator('main').innerText(), /Matrix/, 'with the way back to the matrix')
        await screenshot(page, viewport, 'matrix-cell-page')
      })

      await t.test('item 4: missing details are asked in a small form; no [placeholder] printed', async (t) => {
        // A local with no designation and a candidate with no district: the model needs both.
        const who =
          viewport === 'desktop'
            ? { person: 'Dana Whitcombe', city: 'Somerville' }
            : { person: 'Lee Marchetti', city: 'Quincy' }
        const l = await local(db, { name: `${who.city} Library Workers`, chapter_id: boston.id })
        const c = await candidate(db, slate.id, {
          name: who.person,
          office: 'School Committee',
          chapter_id: boston.id,
        })
        const d = await drive(db, slate.id, l.id, { chapter_id: boston.id, candidate_id: c.id, asks: 'candidate' })
        await page.goto(`/resolutions/${model.id}?drive=${d.id}`)
        const before = await page.locator('#resolution-text').innerText()
        t.match(before, PLACEHOLDER, 'the missing details are marked in the text before they are given')
        const form = page.locator('form[action$="/adaptation/details"]')
        t.equal(await form.count(), 1, 'a small form asks for them')
        const asked = await form
          .locator('input:not([type=hidden])')
          .evaluateAll((is) => is.map((i) => (i as HTMLInputElement).name))
        t.ok(asked.includes('fill.candidate.district'), `it asks for the district (${asked.join(', ')})`)
        t.ok(asked.length <= 5, 'a small form: only what is missing')
        await screenshot(page, viewport, 'resolution-missing')
        const answers: Record<string, string> = {
          'fill.candidate.district': 'the whole city',
          'fill.local.designation': 'Local 8',
          'fill.meeting.date': '2027-02-09',
          'fill.meeting.body': 'the general membership meeting',
          'fill.union.name': 'Library Workers United',
          'fill.local.name': `${who.city} Library Workers`,
        }
        t.same(
          asked.filter((n) => !(n in answers)),
          [],
          'nothing unexpected asked',
        )
        for (const name of asked) await form.locator(`[name="${name}"]`).fill(answers[name]!)
        await Promise.all([page.waitForLoadState('load'), form.locator('button[type=submit]').click()])
        await page.waitForSelector('form[action$="/adaptation/details"]', { state: 'detached' })
        const text = await page.locator('#resolution-text').innerText()
        t.notMatch(text, PLACEHOLDER, 'no placeholder left in the text')
        t.notMatch(text, /\[[^\]]+\]/, 'nothing in brackets at all')
        t.match(text, 'the whole city', 'the district given is in the text')
        t.match(text, who.person)
        const adaptation = await db
          .selectFrom('resolution_adaptations')
          .select(['body', 'fields'])
          .where('drive_id', '=', d.id)
          .executeTakeFirstOrThrow()
        t.match(adaptation.body, 'the whole city', 'kept as the drive’s own text')
        // What is printed: the same text, still without a placeholder, the controls left out.
        await page.emulateMedia({ media: 'print' })
        const printed = await page.locator('body').innerText()
        t.notMatch(printed, PLACEHOLDER, 'the print has no placeholder')
        t.match(printed, 'the whole city')
        await screenshot(page, viewport, 'resolution-print')
        await page.emulateMedia({ media: 'screen' })
        await screenshot(page, viewport, 'resolution-adapted')
      })

      t.same(errors, [], 'no JavaScript errors')
    })
  }
}

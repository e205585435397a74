// Decisions and the drive's resolution in a real browser, at desktop and phone
// size (issue 16 items 3 and 7): from a drive page to its resolution filled in
// for it and back; a 0–0 counted vote refused with the message by the field;
// a decision on a drive not yet at the vote, and a move to Dropped, shown
// first and saved only when confirmed — with the keyboard alone (the confirm
// button has the focus; Enter confirms). Screenshots in artifacts/screenshots/.
import t from 'tap'
import type { Page } from 'playwright-core'
import { todayIn } from '../../src/drives/vote-dates.ts'
import {
  axe,
  chromiumAvailable,
  login,
  newContext,
  screenshot,
  seriousLines,
  startSite,
  VIEWPORTS,
  type ViewportName,
} from './support.ts'

const ORGANIZER = 'organizer.boston@example.org'

/** Waits for htmx's swap after a boosted navigation or form post. */
async function settled(page: Page) {
  await page.waitForLoadState('load')
  await page.waitForTimeout(150)
}

if (chromiumAvailable(t)) {
  t.setTimeout(300_000)
  const site = await startSite(t)
  const user = await site.db.selectFrom('users').select('id').where('email', '=', ORGANIZER).executeTakeFirstOrThrow()
  const chapter = await site.db
    .selectFrom('memberships as m')
    .innerJoin('chapters as c', 'c.id', 'm.chapter_id')
    .select(['c.id', 'c.time_zone'])
    .where('m.user_id', '=', user.id)
    .executeTakeFirstOrThrow()
  const today = todayIn(chapter.time_zone ?? 'UTC')
  // Active drives of the chapter still short of the vote, with a local and no filing yet: two per viewport.
  const drives = await site.db
    .selectFrom('drives as d')
    .innerJoin('locals as l', 'l.id', 'd.local_id')
    .select(['d.id', 'l.name'])
    .where('d.chapter_id', '=', chapter.id)
    .where('d.status', '=', 'active')
    .where('d.stage', 'in', ['identify', 'democratize', 'build_team'])
    .where('d.deleted_at', 'is', null)
    .where((w) => w.not(w.exists(w.selectFrom('filings as f').select('f.id').whereRef('f.drive_id', '=', 'd.id'))))
    .orderBy('d.id')
    .limit(4)
    .execute()
  const row = (id: number) =>
    site.db.selectFrom('drives').select(['stage', 'status', 'version']).where('id', '=', id).executeTakeFirstOrThrow()

  for (const [i, viewport] of (Object.keys(VIEWPORTS) as ViewportName[]).entries()) {
    await t.test(`decisions and the resolution link at ${viewport} size`, async (t) => {
      const voted = drives[2 * i]
      const dropped = drives[2 * i + 1]
      if (!voted || !dropped) return t.fail('the demo has four Boston drives short of the vote')
      const ctx = await newContext(site, viewport)
      const page = await ctx.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(String(e)))
      await login(page, ORGANIZER)

      await t.test('from the drive page to its resolution, filled in, and back', async (t) => {
        await page.goto(`/drives/${voted.id}`)
        await screenshot(page, viewport, 'decisions-drive-page')
        const link = page.locator('.page-head a', { hasText: 'Fill the resolution for this drive' })
        t.equal(await link.count(), 1, 'the header has the link')
        const box = await link.boundingBox()
        t.ok(box && box.x + box.width <= VIEWPORTS[viewport].width, 'the link is on the screen')
        await Promise.all([page.waitForURL(/\/resolutions\/\d+\?drive=/), link.click()])
        await settled(page)
        const url = new URL(page.url())
        t.equal(url.searchParams.get('drive'), String(voted.id), 'the resolution opens for this drive')
        t.equal(await page.locator('#drive').inputValue(), String(voted.id), 'the drive is pre-chosen')
        t.match(await page.textContent('#resolution-text'), voted.name.split(' ')[0]!, 'filled in for its local')
        await screenshot(page, viewport, 'decisions-resolution-filled')
        const back = page.locator('.crumbs a', { hasText: 'Back to the drive' })
        await Promise.all([page.waitForURL(new RegExp(`/drives/${voted.id}$`)), back.click()])
        await settled(page)
        t.match(await page.textContent('h1'), voted.name)
      })

      await t.test('a 0–0 counted vote is refused with the message by the field', async (t) => {
        const before = await row(voted.id)
        await page.click('#decision-form summary')
        await page.fill('#decision-held_on', today)
        await page.selectOption('#decision-choice', 'counted')
        await page.fill('#decision-votes_for', '0')
        await page.fill('#decision-votes_against', '0')
        await page.selectOption('#decision-threshold', 'majority_cast')
        const answer = page.waitForResponse((r) => r.url().endsWith(`/drives/${voted.id}/decisions`))
        await page.click('#decision-form button[type=submit]')
        t.equal((await answer).status(), 422)
        const message = page.locator('#decision-votes_for-err')
        await message.waitFor()
        t.match(await message.textContent(), '0 for and 0 against is not a result')
        t.equal(await page.locator('#decision-votes_for').getAttribute('aria-invalid'), 'true')
        await message.scrollIntoViewIfNeeded()
        await screenshot(page, viewport, 'decisions-zero-vote')
        t.same(await row(voted.id), before, 'the drive is unchanged')
      })

      await t.test('a decision on a drive not at the vote is confirmed with the keyboard', async (t) => {
        await page.fill('#decision-votes_for', '3')
        await page.fill('#decision-votes_against', '7')
        await page.locator('#decision-form button[type=submit]').focus()
        const answer = page.waitForResponse((r) => r.url().endsWith(`/drives/${voted.id}/decisions`))
        await page.keyboard.press('Enter')
        t.equal((await answer).status(), 200, 'the confirm step answers, nothing saved yet')
        await page.locator('#decision-confirm').waitFor()
        await settled(page)
        const text = await page.textContent('#decision-confirm')
        t.match(text, 'to “Hold the vote”')
        t.match(text, 'The drive ends as Lost')
        t.equal((await row(voted.id)).status, 'active', 'not ended before the confirmation')
        await screenshot(page, viewport, 'decisions-confirm')
        t.same(seriousLines(await axe(page)), [], 'the confirm step has no serious accessibility problem')
        // The confirm button has the focus; if a browser left it elsewhere, Tab reaches it.
        const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')
        for (let n = 0; n < 30 && (await focused()) !== 'Record it: the drive is lost'; n++)
          await page.keyboard.press('Tab')
        t.equal(await focused(), 'Record it: the drive is lost', 'the confirm button is reached by keyboard')
        const saved = page.waitForResponse((r) => r.url().endsWith(`/drives/${voted.id}/decisions`))
        await page.keyboard.press('Enter')
        t.equal((await saved).status(), 303)
        await settled(page)
        t.same(await row(voted.id).then((r) => [r.stage, r.status]), ['vote', 'lost'])
        const audit = await site.db
          .selectFrom('audit_log')
          .select('action')
          .where('entity', '=', 'decision')
          .where('chapter_id', '=', chapter.id)
          .orderBy('id', 'desc')
          .executeTakeFirst()
        t.equal(audit?.action, 'create', 'the decision is in the audit log')
        t.match(await page.textContent('body'), 'The resolution failed')
      })

      await t.test('ending a drive by a move shows what will happen, then ends it', async (t) => {
        await page.goto(`/drives/${dropped.id}`)
        await page.selectOption('#move-to', 'dropped')
        await page.fill('#move-reason', 'Browser test: the local merged into another')
        const answer = page.waitForResponse((r) => r.url().endsWith(`/drives/${dropped.id}/stage`))
        await page.click('.move-form button[type=submit]')
        t.equal((await answer).status(), 200)
        await page.locator('#end-confirm').waitFor()
        await settled(page)
        t.match(await page.textContent('h1'), `End the drive at ${dropped.name}?`)
        t.match(await page.textContent('#end-confirm'), 'The drive ends as Dropped')
        t.equal((await row(dropped.id)).status, 'active', 'not ended before the confirmation')
        await screenshot(page, viewport, 'decisions-end-confirm')
        const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')
        for (let n = 0; n < 30 && (await focused()) !== 'End the drive as Dropped'; n++)
          await page.keyboard.press('Tab')
        t.equal(await focused(), 'End the drive as Dropped')
        const saved = page.waitForResponse((r) => r.url().endsWith(`/drives/${dropped.id}/stage`))
        await page.keyboard.press('Enter')
        t.equal((await saved).status(), 303)
        await settled(page)
        t.equal((await row(dropped.id)).status, 'dropped')
        await screenshot(page, viewport, 'decisions-ended')
      })

      t.same(errors, [], 'no script errors')
      await ctx.close()
    })
  }
}

// The whip count in a real browser, at desktop and phone size: an organizer
// lists a body, sets reads and sees the projected tally change, adds who knows
// whom and sees the path to the undecided member, then records the vote and
// sees the decision agree with the projection's rule. Screenshots of the
// whip-count panel go to WHIP_SHOTS (default /tmp/h5-shots), outside the repo.
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import type { Page } from 'playwright-core'
import { todayIn } from '../../src/drives/vote-dates.ts'
import { whipCount } from '../../src/whip/tally.ts'
import { chromiumAvailable, login, newContext, startSite, VIEWPORTS, type ViewportName } from './support.ts'

const ORGANIZER = 'organizer.boston@example.org'
const SHOTS = process.env.WHIP_SHOTS ?? '/tmp/h5-shots'

async function submit(page: Page, form: string, button: string) {
  await Promise.all([page.waitForLoadState('load'), page.click(`${form} button:has-text("${button}")`)])
  await page.waitForLoadState('load')
}

if (chromiumAvailable(t)) {
  t.setTimeout(300_000)
  const site = await startSite(t)
  fs.mkdirSync(SHOTS, { recursive: true })
  const user = await site.db.selectFrom('users').select('id').where('email', '=', ORGANIZER).executeTakeFirstOrThrow()
  const chapter = await site.db
    .selectFrom('memberships')
    .select('chapter_id')
    .where('user_id', '=', user.id)
    .executeTakeFirstOrThrow()
  // Drives of the organizer's chapter with no deciding body yet, each with a supporter to know someone.
  const drives = await site.db
    .selectFrom('drives as d')
    .select('d.id')
    .where('d.chapter_id', '=', chapter.chapter_id)
    .where('d.status', '=', 'active')
    .where('d.local_id', 'is not', null)
    .where((w) =>
      w.not(w.exists(w.selectFrom('deciding_bodies as b').select('b.id').whereRef('b.drive_id', '=', 'd.id'))),
    )
    .where((w) => w.exists(w.selectFrom('supporters as s').select('s.id').whereRef('s.local_id', '=', 'd.local_id')))
    .orderBy('d.id')
    .limit(2)
    .execute()

  for (const [i, viewport] of (Object.keys(VIEWPORTS) as ViewportName[]).entries()) {
    await t.test(`the whip-count flow at ${viewport} size`, async (t) => {
      const drive = drives[i]
      if (!drive) return t.fail('the demo has a Boston drive without a body')
      const ctx = await newContext(site, viewport)
      const page = await ctx.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(String(e)))
      await login(page, ORGANIZER)
      await page.goto(`/drives/${drive.id}/whip`)

      await page.selectOption('#body-kind', 'roster')
      await page.fill('#body-name', 'Executive board')
      await page.selectOption('#body-threshold', 'majority_cast')
      await submit(page, '#body form', 'Save the body')
      t.match(await page.textContent('#whip-count'), 'Executive board')

      for (const [seat, name] of [
        ['President', 'Ann Alpha'],
        ['Secretary', 'Ben Beta'],
        ['Trustee', 'Cy Gamma'],
      ]) {
        await page.fill('#member-seat', seat!)
        await page.fill('#member-name', name!)
        await submit(page, '#members form[action$="/whip/members"]', 'Add member')
      }
      const member = (name: string) => page.locator('.whip-members > li', { hasText: name })
      const setRead = async (name: string, read: string) => {
        await member(name).locator('select[name=read]').selectOption(read)
        await Promise.all([page.waitForLoadState('load'), member(name).locator('button:has-text("Save read")').click()])
        await page.waitForLoadState('load')
      }
      await setRead('Ann Alpha', 'yes')
      await setRead('Ben Beta', 'no')
      t.match(await page.textContent('#whip-count'), 'We would lose today: 1 short', 'one yes, one no, one undecided')
      t.match(await page.textContent('#whip-count'), 'move Cy Gamma')

      await page.click('#paths summary')
      const cy = await page.locator('#rel-b option', { hasText: 'Cy Gamma' }).getAttribute('value')
      const someone = await page.locator('#rel-a option[value^="s"]').first().getAttribute('value')
      const friend = (await page.locator(`#rel-a option[value="${someone}"]`).textContent())!.split(' · ')[0]!.trim()
      await page.selectOption('#rel-a', someone!)
      await page.selectOption('#rel-b', cy!)
      await page.selectOption('#rel-kind', 'friend')
      await page.selectOption('#rel-strength', 'close')
      await submit(page, '#paths form', 'Add relationship')
      const paths = await page.textContent('#paths')
      t.match(paths, new RegExp(`${friend} talks to\\s+Cy Gamma`), 'the path to the undecided member shows')

      await setRead('Cy Gamma', 'leaning_yes')
      t.match(await page.textContent('#whip-count'), 'We would win today, by one vote', 'the tally follows the read')

      // Who knows whom from the supporter's own page: they also know Ann Alpha (htmx answers the panel alone).
      const friendId = someone!.slice(1)
      await page.goto(`/people/${friendId}`)
      const ann = await page.locator(`#knows-${friendId}-other option`, { hasText: 'Ann Alpha' }).getAttribute('value')
      await page.selectOption(`#knows-${friendId}-other`, ann!)
      await page.selectOption(`#knows-${friendId}-kind`, 'same_shift')
      await page.click('#person-relationships button:has-text("Add who they know")')
      await page.locator('#person-relationships .alert-ok').waitFor()
      const known = page.locator('#person-relationships')
      t.match(await known.textContent(), /Ann Alpha\s+Same shift · Knows/, 'the relationship is listed')
      t.match(await known.textContent(), 'President, Executive board', 'with the seat she holds')
      await known.scrollIntoViewIfNeeded()
      await known.screenshot({ path: path.join(SHOTS, `person-knows-${viewport}.png`) })
      const stored = await site.db
        .selectFrom('relationships')
        .select(['kind'])
        .where('a_supporter_id', '=', Number(friendId))
        .where('kind', '=', 'same_shift')
        .where('deleted_at', 'is', null)
        .execute()
      t.equal(stored.length, 1, 'stored once')

      // A structure test, and its supporters ticked off by keyboard: type a name, Tab to the row, Enter.
      await page.goto(`/drives/${drive.id}/whip`)
      await page.click('#tests summary:has-text("Start a structure test")')
      await page.fill('#test-name', 'Sign-on letter')
      await page.fill('#test-units', 'Days: 3\nNights: 2')
      await submit(page, '#tests form[action$="/whip/tests"]', 'Start test')
      await Promise.all([page.waitForURL(/\/ticks/), page.click('#tests a:has-text("Tick off who took part")')])
      // The list narrows as one types (htmx asks for the rows alone); wait for it before moving on.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'GET' && r.url().includes('/ticks?')),
        page.fill('#tick-q', friend.slice(0, 4)),
      ])
      const row = page.locator('.tick-row', { hasText: friend }).first()
      await row.waitFor()
      await page.waitForFunction(() => document.querySelectorAll('.tick-row').length >= 1)
      await page.focus('#tick-q')
      await page.keyboard.press('Tab')
      const focused = await page.evaluate(() => document.activeElement?.id ?? '')
      t.match(focused, /^tick-button-\d+$/, 'Tab goes from the name box to the first row')
      if (!/^tick-button-\d+$/.test(focused)) return ctx.close()
      await page.keyboard.press('Enter')
      await page.locator(`#${focused}[aria-pressed="true"]`).waitFor()
      t.equal(await page.evaluate(() => document.activeElement?.id ?? ''), focused, 'focus stays on the row')
      await page.screenshot({ path: path.join(SHOTS, `ticks-${viewport}.png`), fullPage: true })
      const ticked = await site.db
        .selectFrom('structure_test_participants as p')
        .innerJoin('structure_tests as s', 's.id', 'p.test_id')
        .select('p.supporter_id')
        .where('s.drive_id', '=', drive.id)
        .where('p.deleted_at', 'is', null)
        .execute()
      t.equal(ticked.length, 1, 'one supporter ticked off')
      await page.goto(`/drives/${drive.id}/whip`)
      t.match(await page.textContent('#tests'), '1 supporter ticked off so far')
      t.match(await page.textContent('#tests'), '1 of 5 (20%)', 'their tick counts toward the first unit')

      await page.goto(`/drives/${drive.id}`)
      const panel = page.locator('#whip-count')
      await panel.scrollIntoViewIfNeeded()
      await panel.screenshot({ path: path.join(SHOTS, `whip-panel-${viewport}.png`) })
      await page.screenshot({ path: path.join(SHOTS, `drive-page-${viewport}.png`), fullPage: true })
      t.match(await panel.textContent(), `${friend} talks to`)

      // Record the vote as the projection expects it: 2 for, 1 against under a majority of votes cast.
      await page.click('#decision-form summary')
      await page.fill('#decision-held_on', todayIn('America/New_York')) // the Boston chapter's today
      await page.fill('#decision-votes_for', '2')
      await page.fill('#decision-votes_against', '1')
      await page.selectOption('#decision-threshold', 'majority_cast')
      await Promise.all([page.waitForLoadState('load'), page.click('#decision-form button[type=submit]')])
      // A decision that ends the drive is shown first (issue 16 item 7): confirm it.
      const confirm = page.locator('#decision-confirm button[value=yes]')
      await confirm.waitFor()
      const saved = page.waitForResponse((r) => r.url().endsWith(`/drives/${drive.id}/decisions`))
      await confirm.click()
      t.equal((await saved).status(), 303, 'the confirmed decision is saved')
      await page.waitForLoadState('load')
      // A decision that ends the drive asks to be confirmed first (src/drives/endings.ts).
      if (await page.locator('#decision-confirm').count()) {
        await Promise.all([page.waitForLoadState('load'), page.click('#decision-confirm button[value=yes]')])
        await page.waitForLoadState('load')
      }
      const decision = await site.db
        .selectFrom('decisions')
        .select(['outcome'])
        .where('drive_id', '=', drive.id)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
      const projected = whipCount({ threshold: 'majority_cast' }, [
        { id: 1, name: 'A', read: 'yes' },
        { id: 2, name: 'B', read: 'no' },
        { id: 3, name: 'C', read: 'leaning_yes' },
      ]).cases.likely
      t.equal(decision.outcome, projected.wins ? 'adopted' : 'failed', 'the decision agrees with the projection')

      await page.goto(`/drives/${drive.id}/whip`)
      await page.screenshot({ path: path.join(SHOTS, `whip-page-${viewport}.png`), fullPage: true })
      t.same(errors, [], 'no script errors')
      await ctx.close()
    })
  }
}

// The board with a mouse and with the keyboard, at a desktop and a phone, on a chapter's own small board
// (most columns empty):
// - a card dragged by its title into the middle of an empty column moves the drive; while it is dragged the
//   columns it may go to are outlined, an empty one saying "Drop a card here" (the mouse is a mouse at the
//   phone size too: a touch drag scrolls the board there);
// - a move that needs a reason, by keyboard or by a drop, puts the focus in the reason field, and the focus
//   comes back to the moved card after;
// - "Move to" lists forward moves first; every column, the ends included, is on the screen or named above
//   the board.
import t from 'tap'
import type { Page } from 'playwright-core'
import { chromiumAvailable, login, newContext, screenshot, startSite, VIEWPORTS, type ViewportName } from './support.ts'
import { drive, local, PASSWORD, slate, world } from '../factories.ts'

const STAGES = ['identify', 'democratize', 'build_team', 'file_resolution', 'vote']

/** The point in the middle of what is on the screen of an element (its part inside the viewport). */
async function visibleMiddle(page: Page, selector: string) {
  return page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect()
    const left = Math.max(r.left, 0)
    const right = Math.min(r.right, window.innerWidth)
    const top = Math.max(r.top, 0)
    const bottom = Math.min(r.bottom, window.innerHeight)
    return { x: (left + right) / 2, y: (top + bottom) / 2, height: r.height, top: r.top, bottom: r.bottom }
  })
}

const activeCard = (page: Page) => page.evaluate(() => document.activeElement?.closest('.drive-card')?.id ?? null)

if (chromiumAvailable(t)) {
  t.setTimeout(240_000)
  const site = await startSite(t, { demo: false })
  const w = await world(site.db)
  const s = await slate(site.db, { name: 'Board test slate', is_current: true, election_date: '2027-11-02' })
  const drives: Record<string, number[]> = {}
  const make = async (viewport: ViewportName) => {
    // Per viewport: six drives at Identify (a tall column), one at Democratize with its process settled (it may
    // move on without a reason); Build teams, File, Vote and the ends are empty.
    const ids: number[] = []
    for (let i = 1; i <= 6; i++) {
      const l = await local(site.db, { name: `${viewport} Identify Local ${i}`, chapter_id: w.a.id })
      ids.push((await drive(site.db, s.id, l.id, { chapter_id: w.a.id, stage: 'identify' })).id)
    }
    const l = await local(site.db, { name: `${viewport} Democratize Local`, chapter_id: w.a.id })
    const d = await drive(site.db, s.id, l.id, { chapter_id: w.a.id, stage: 'democratize' })
    await site.db
      .updateTable('drives')
      .set({ process_skipped_reason: 'The local already decides by a membership vote' })
      .where('id', '=', d.id)
      .execute()
    ids.push(d.id)
    drives[viewport] = ids
  }
  const stageOf = async (id: number) =>
    site.db.selectFrom('drives').select(['stage', 'version']).where('id', '=', id).executeTakeFirstOrThrow()
  const history = async (id: number) =>
    site.db
      .selectFrom('stage_changes')
      .select(['to_stage', 'reason'])
      .where('drive_id', '=', id)
      .where('from_stage', 'is not', null)
      .orderBy('id')
      .execute()

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    t.test(`${viewport}: the board by mouse and by keyboard`, async (t) => {
      // Each viewport's drives are made just before its board is drawn, so the other viewport's moves are
      // not on it: filter by owner is not needed, the columns that start empty are empty.
      await site.db.updateTable('drives').set({ deleted_at: new Date() }).where('deleted_at', 'is', null).execute()
      await make(viewport)
      const democratize = drives[viewport]![6]!
      const keyboardId = drives[viewport]![0]!
      const ctx = await newContext(site, viewport)
      t.teardown(() => ctx.close())
      const page = await ctx.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(String(e)))
      await login(page, w.organizerA.email, PASSWORD)
      await page.goto('/board')
      await page.waitForSelector('[data-sortable-board][data-sortable-ready]')
      await screenshot(page, viewport, 'board-small')

      await t.test('every column is on the screen, or named with its count above the board', async (t) => {
        if (viewport === 'desktop') {
          for (const key of [...STAGES, 'won', 'lost', 'dropped']) {
            const box = (await page.locator(`#col-${key}`).boundingBox())!
            t.ok(box.x >= 0 && box.x + box.width <= VIEWPORTS.desktop.width, `${key} is inside the 1280 px screen`)
          }
          t.notOk(await page.locator('.board-jump').isVisible(), 'no column links needed')
        } else {
          const jump = page.locator('.board-jump')
          t.ok(await jump.isVisible(), 'the column links are shown above the board')
          t.match(await jump.innerText(), /Won\s*0[\s\S]*Lost\s*0[\s\S]*Dropped\s*0/, 'the ends are named')
        }
        t.equal(
          await page.locator('#cards-build_team .column-empty').innerText(),
          'No drives here',
          'an empty column says so',
        )
      })

      await t.test('"Move to" lists the forward moves first', async (t) => {
        const options = await page
          .locator(`#move-${keyboardId} option:not([value=""])`)
          .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
        t.same(options.slice(0, 4), ['democratize', 'build_team', 'file_resolution', 'vote'])
        t.ok(options.indexOf('dropped') > 3, 'the ends after the stages ahead')
      })

      await t.test('a card dragged by its title into the middle of an empty column moves there', async (t) => {
        const before = await stageOf(democratize)
        const title = page.locator(`#drive-${democratize} .card-title`)
        if (viewport === 'phone') {
          // The columns scroll sideways on a phone: the card's column first, the next one showing at the edge.
          await page
            .locator('#col-democratize')
            .evaluate((c) => c.scrollIntoView({ block: 'nearest', inline: 'start' }))
        }
        await title.scrollIntoViewIfNeeded()
        const from = (await title.boundingBox())!
        const column = await visibleMiddle(page, '#col-build_team')
        t.ok(column.height > 300, `the empty column is as tall as the board (${Math.round(column.height)} px)`)
        t.ok(column.x > 0 && column.x < VIEWPORTS[viewport].width, 'part of the column is on the screen')
        const response = page.waitForResponse(
          (r) => r.url().endsWith(`/drives/${democratize}/stage`) && r.request().method() === 'POST',
        )
        await page.mouse.move(from.x + 8, from.y + from.height / 2)
        await page.mouse.down()
        await page.mouse.move(from.x + 20, from.y + from.height / 2 + 12, { steps: 5 })
        await page.mouse.move(column.x, column.y, { steps: 20 })
        // While dragging, the empty column it may go to says so; Identify (backward is allowed) too; the
        // card's own column is left as it is.
        await page.waitForSelector('#board[data-dragging] #col-build_team[data-drop="ok"]')
        t.equal(await page.locator('#col-build_team .drop-hint').innerText(), 'Drop a card here', 'the hint is shown')
        t.notOk(await page.locator('#col-build_team .empty-note').isVisible(), 'in place of "No drives here"')
        t.equal(await page.locator('#col-identify').getAttribute('data-drop'), 'ok', 'a move back is allowed too')
        t.equal(await page.locator('#col-democratize').getAttribute('data-drop'), null, 'its own column')
        await screenshot(page, viewport, 'board-dragging', { fullPage: false })
        await page.mouse.up()
        const answer = await response
        t.equal(answer.status(), 303, 'the drop moved the drive (no reason needed: its checks are met)')
        await page.waitForURL(/moved=/)
        await page.waitForFunction(
          (id) => document.activeElement?.closest('.drive-card')?.id === `drive-${id}`,
          democratize,
        )
        t.equal(await page.locator(`#cards-build_team #drive-${democratize}`).count(), 1, 'the card is there')
        t.equal(await page.locator('#cards-build_team .column-empty').count(), 0, 'no "No drives here" now')
        const after = await stageOf(democratize)
        t.same([before.stage, after.stage], ['democratize', 'build_team'], 'the database says Build teams')
        t.ok(after.version > before.version)
        t.same(
          (await history(democratize)).map((h) => h.to_stage),
          ['build_team'],
          'the move is in the stage history',
        )
        await screenshot(page, viewport, 'board-dropped')
      })

      await t.test('a keyboard move that needs a reason: focus to the reason, then back to the card', async (t) => {
        await page.goto('/board')
        const select = page.locator(`#move-${keyboardId}`)
        await select.focus()
        await page.keyboard.press('ArrowDown')
        t.equal(await select.inputValue(), 'democratize', 'the first choice is the next stage')
        await page.keyboard.press('Tab')
        t.equal(
          await page.evaluate(() => document.activeElement?.textContent),
          'Move',
          'one Tab reaches the Move button',
        )
        const asked = page.waitForResponse((r) => r.url().endsWith(`/drives/${keyboardId}/stage`))
        await page.keyboard.press('Enter')
        t.equal((await asked).status(), 422, 'the move asks for a reason (no supporters yet)')
        await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'reason')
        t.pass('the focus is in the reason field, no Tab needed')
        await screenshot(page, viewport, 'board-move-reason')
        await page.keyboard.type('Keyboard test: the forum is set for next month')
        // From the reason field, the next Tab stops reach the move button.
        let tabs = 0
        while (tabs < 6 && (await page.evaluate(() => document.activeElement?.getAttribute('type'))) !== 'submit') {
          await page.keyboard.press('Tab')
          tabs++
        }
        t.ok(tabs <= 3, `${tabs} Tab(s) from the reason to the button`)
        const moved = page.waitForResponse(
          (r) => r.url().endsWith(`/drives/${keyboardId}/stage`) && r.request().method() === 'POST',
        )
        await page.keyboard.press('Enter')
        t.equal((await moved).status(), 303)
        await page.waitForFunction(
          (id) => document.activeElement?.closest('.drive-card')?.id === `drive-${id}`,
          keyboardId,
        )
        t.equal(await activeCard(page), `drive-${keyboardId}`, 'the focus is back on the moved card')
        t.equal(
          await page.locator('#cards-democratize .drive-card').first().getAttribute('id'),
          `drive-${keyboardId}`,
          'first in its new column',
        )
        const h = await history(keyboardId)
        t.same(
          h.map((x) => [x.to_stage, x.reason]),
          [['democratize', 'Keyboard test: the forum is set for next month']],
          'the database has the move and its reason',
        )
        await screenshot(page, viewport, 'board-keyboard-moved')
      })

      await t.test('a drop that needs a reason: focus to the reason, then back to the card', async (t) => {
        const id = drives[viewport]![1]!
        await page.goto('/board')
        await page.waitForSelector('[data-sortable-board][data-sortable-ready]')
        await page.locator('#board').evaluate((b) => {
          b.scrollLeft = 0
        })
        const title = page.locator(`#drive-${id} .card-title`)
        await title.scrollIntoViewIfNeeded()
        const from = (await title.boundingBox())!
        const column = await visibleMiddle(page, '#col-democratize')
        const asked = page.waitForResponse(
          (r) => r.url().endsWith(`/drives/${id}/stage`) && r.request().method() === 'POST',
        )
        await page.mouse.move(from.x + 8, from.y + from.height / 2)
        await page.mouse.down()
        await page.mouse.move(from.x + 20, from.y + from.height / 2 + 12, { steps: 5 })
        await page.mouse.move(column.x, column.y, { steps: 20 })
        await page.mouse.up()
        t.equal((await asked).status(), 422, 'the move asks for a reason (its exit checks are not met)')
        await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'reason')
        t.pass('the focus is in the reason field')
        await page.keyboard.type('Dragged: the first 1-on-1s are booked')
        const moved = page.waitForResponse(
          (r) => r.url().endsWith(`/drives/${id}/stage`) && r.request().method() === 'POST',
        )
        await page.locator('form:has([name=reason]) button[type=submit]').first().click()
        t.equal((await moved).status(), 303)
        await page.waitForFunction((id) => document.activeElement?.closest('.drive-card')?.id === `drive-${id}`, id)
        t.pass('the focus is back on the moved card')
        t.same(
          (await history(id)).map((x) => [x.to_stage, x.reason]),
          [['democratize', 'Dragged: the first 1-on-1s are booked']],
        )
      })

      t.same(errors, [], 'no JavaScript errors')
    })
  }
}

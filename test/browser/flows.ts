// The main flows in a real browser, at one viewport: log in, search the locals,
// open a local, move a drive on the board with the keyboard and (desktop) by
// dragging its card, import supporters from a CSV, the national review page, open the drive,
// fill a resolution and download it as .docx, open a share link logged out,
// the slate with its 10×10 goals and the matrix. Every main page gets a
// screenshot and an axe-core check (no serious or critical violations).
import type { Test } from 'tap'
import type { Page } from 'playwright-core'
import {
  axe,
  chromiumAvailable,
  login,
  newContext,
  screenshot,
  seriousLines,
  startSite,
  type Site,
  type ViewportName,
} from './support.ts'

const ORGANIZER = 'organizer.boston@example.org'

/** Screenshot and axe check: any serious or critical violation fails the flow. */
async function check(t: Test, page: Page, viewport: ViewportName, name: string, summary: string[]): Promise<void> {
  await page.waitForLoadState('load')
  await screenshot(page, viewport, name)
  const violations = await axe(page)
  const serious = seriousLines(violations)
  summary.push(
    `${name}: ${violations.length} violation(s), ${serious.length} serious/critical${violations.length ? ' [' + violations.map((v) => `${v.id}(${v.impact})`).join(', ') + ']' : ''}`,
  )
  t.same(serious, [], `${name} has no serious or critical accessibility violations`)
}

export async function runFlows(t: Test, viewport: ViewportName): Promise<void> {
  if (!chromiumAvailable(t)) return
  t.setTimeout(240_000)
  const site: Site = await startSite(t)
  const summary: string[] = []
  t.teardown(() => {
    // The per-page axe figures, for the report and the CI log.
    process.stderr.write(`axe results (${viewport}):\n  ${summary.join('\n  ')}\n`)
  })
  const ctx = await newContext(site, viewport)
  const page = await ctx.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))

  await t.test('an organizer logs in and lands on the dashboard', async (t) => {
    await page.goto('/login')
    await check(t, page, viewport, 'login', summary)
    await login(page, ORGANIZER)
    t.equal(new URL(page.url()).pathname, '/')
    t.match(await page.textContent('body'), 'Omar Organizer')
    await check(t, page, viewport, 'dashboard', summary)
  })

  await t.test('typing in the locals search updates the rows without a page load', async (t) => {
    await page.goto('/locals')
    await check(t, page, viewport, 'locals', summary)
    const before = await page.locator('#locals-rows tr').count()
    await page.evaluate(() => {
      ;(window as unknown as { marker: number }).marker = 42
    })
    await page.fill('#q', 'Teachers')
    await page.waitForFunction((n) => document.querySelectorAll('#locals-rows tr').length !== n, before)
    const rows = await page.locator('#locals-rows tr').allTextContents()
    t.ok(rows.length > 0 && rows.length < before, `fewer rows (${rows.length} of ${before})`)
    t.ok(
      // A local matches by its own name or by its national union's full name (American Federation of Teachers).
      rows.every((r) => /Teachers|AFT/i.test(r)),
      'every row matches the search',
    )
    t.equal(
      await page.evaluate(() => (window as unknown as { marker?: number }).marker),
      42,
      'the page was not reloaded',
    )
    t.match(page.url(), /q=Teachers/, 'the search is in the address bar')
  })

  await t.test('an organizer opens a local', async (t) => {
    await Promise.all([page.waitForURL(/\/locals\/\d+$/), page.locator('#locals-rows a').first().click()])
    t.ok(await page.locator('h1').first().textContent())
    await check(t, page, viewport, 'local', summary)
  })

  await t.test('a drive moves to another stage from the board with the keyboard alone', async (t) => {
    await page.goto('/board')
    await check(t, page, viewport, 'board', summary)
    // A card before the vote: its first option is the next stage (forward moves come first).
    const ids = (
      await page.locator('.card-move select').evaluateAll((ss) => ss.map((s) => Number(s.id.replace('move-', ''))))
    ).slice(0, 200)
    const later = await site.db
      .selectFrom('drives')
      .select('id')
      .where('id', 'in', ids)
      .where('stage', '!=', 'vote')
      .where('status', '=', 'active')
      .orderBy('id')
      .executeTakeFirstOrThrow()
    const id = later.id
    const select = page.locator(`#move-${id}`)
    const before = await site.db
      .selectFrom('drives')
      .select(['stage', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    const target = await select.locator('option:not([value=""])').first().getAttribute('value')
    await select.focus()
    await page.keyboard.press('ArrowDown')
    t.equal(await select.inputValue(), target, 'the arrow key chose the next stage')
    const stages = ['identify', 'democratize', 'build_team', 'file_resolution', 'vote']
    t.equal(stages.indexOf(target!), stages.indexOf(before.stage) + 1, 'the first option is one stage forward')
    await page.keyboard.press('Tab')
    const response = page.waitForResponse((r) => r.url().endsWith(`/drives/${id}/stage`))
    await page.keyboard.press('Enter')
    const answer = await response
    t.ok(answer.status() < 500, 'the move was answered')
    await page.waitForLoadState('load')
    const reason = page.locator('form [name=reason]')
    // A move that needs a reason answers 422 with the form; htmx swaps it in
    // just after the response arrives, so wait for it rather than race it.
    if (answer.status() === 422) await reason.first().waitFor({ timeout: 5000 })
    if (await reason.count()) {
      // A move with unmet exit checks asks for a reason: the focus is already in its field.
      await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'reason')
      t.pass('the focus went to the reason field')
      await check(t, page, viewport, 'move', summary)
      await page.keyboard.type('Browser test: moved from the board')
      await reason.locator('xpath=ancestor::form//button[@type="submit"]').focus()
      const moved = page.waitForResponse(
        (r) => r.url().endsWith(`/drives/${id}/stage`) && r.request().method() === 'POST',
      )
      await page.keyboard.press('Enter')
      t.equal((await moved).status(), 303, 'the move with a reason was accepted')
      await page.waitForLoadState('load')
    }
    // Back on the board, the card is first in its new column and has the focus.
    await page.waitForFunction((id) => document.activeElement?.closest('.drive-card')?.id === `drive-${id}`, id, {
      timeout: 10000,
    })
    t.equal(await page.locator(`#cards-${target} .drive-card`).first().getAttribute('id'), `drive-${id}`)
    t.pass('the focus is back on the moved card')
    await check(t, page, viewport, 'board-moved', summary)
    const after = await site.db
      .selectFrom('drives')
      .select(['stage', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    t.equal(after.stage, target, `drive ${id} moved ${before.stage} → ${target}`)
    t.ok(after.version > before.version, 'the version went up')
  })

  await t.test('an organizer opens a drive', async (t) => {
    const drive = await site.db
      .selectFrom('drives')
      .innerJoin('chapters', 'chapters.id', 'drives.chapter_id')
      .select('drives.id')
      .where('chapters.slug', '=', 'boston')
      .orderBy('drives.id')
      .executeTakeFirstOrThrow()
    await page.goto(`/drives/${drive.id}`)
    t.equal((await page.locator('h1').count()) > 0, true)
    await check(t, page, viewport, 'drive', summary)
  })

  let shareUrl = ''
  await t.test('a resolution is filled in for a drive and downloaded as Word', async (t) => {
    await page.goto('/resolutions')
    await check(t, page, viewport, 'resolutions', summary)
    await Promise.all([
      page.waitForURL(/\/resolutions\/\d+/),
      page.locator('main a[href^="/resolutions/"]:not([href$="/new"])').first().click(),
    ])
    const options = await page
      .locator('#drive option:not([value=""])')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
    t.ok(options.length > 0, 'drives to fill in for')
    await page.selectOption('#drive', options[0]!)
    await page.fill('#meeting_date', '2027-01-12')
    await Promise.all([page.waitForURL(/drive=/), page.click('form.fill-picker button[type=submit]')])
    await page.waitForSelector('a[download][href*="render.docx"]')
    await check(t, page, viewport, 'resolution-filled', summary)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href*="render.docx"]')])
    t.match(download.suggestedFilename(), /\.docx$/, 'a .docx file')
    const stream = await download.createReadStream()
    const chunks: Buffer[] = []
    for await (const c of stream) chunks.push(c as Buffer)
    const file = Buffer.concat(chunks)
    t.equal(file.subarray(0, 2).toString(), 'PK', 'a zip (Word) file')

    await page.fill('input[name=expires_days]', '7')
    await Promise.all([page.waitForSelector('#share-url'), page.click('button:has-text("Create share link")')])
    shareUrl = await page.inputValue('#share-url')
    t.match(shareUrl, /\/share\//, 'a share link')
  })

  await t.test('a share link opens in a logged-out browser', async (t) => {
    const anon = await newContext(site, viewport)
    try {
      const p = await anon.newPage()
      const res = await p.goto(new URL(shareUrl).pathname)
      t.equal(res?.status(), 200)
      t.notMatch(await p.textContent('body'), 'Omar Organizer', 'no account shown')
      t.equal(await p.locator('form[action="/logout"]').count(), 0, 'not logged in')
      const css = await anon.request.get('/static/app.css')
      t.equal(css.status(), 200, 'the stylesheet loads without logging in')
      t.match(css.headers()['content-type'], /text\/css/)
      await check(t, p, viewport, 'share', summary)
    } finally {
      await anon.close()
    }
  })

  await t.test('the slate shows the 10×10 goals and the matrix', async (t) => {
    await page.goto('/slates/current')
    await page.waitForSelector('#goals-h')
    await check(t, page, viewport, 'slate', summary)
    const slate = new URL(page.url()).pathname
    await page.goto(`${slate}/matrix`)
    t.ok((await page.locator('table').count()) > 0, 'a matrix table')
    await check(t, page, viewport, 'matrix', summary)
    // A cell opens its detail in place (htmx, targets inherited from the table body).
    const before = page.url()
    const detail = page.waitForResponse((r) => r.url().includes('/matrix/cell?') && r.status() === 200)
    await page.locator('.matrix td.e a').first().click()
    await detail
    await page.waitForFunction(() => (document.querySelector('#matrix-cell')?.textContent ?? '').trim().length > 0)
    t.equal(page.url(), before, 'the page stays where it was')
    t.match(
      await page.locator('#matrix-cell').innerText(),
      /Endorsed|endorsement/i,
      'the cell detail is shown above the matrix',
    )
  })

  await t.test('recording a vote changes the matrix and the 10×10 goals', async (t) => {
    const slate = await site.db
      .selectFrom('slates')
      .select('id')
      .where('is_current', '=', true)
      .executeTakeFirstOrThrow()
    const cand = await site.db
      .selectFrom('candidates')
      .select('id')
      .where('name', '=', 'Rosa Abernathy-Quinn')
      .executeTakeFirstOrThrow()
    const local = await site.db
      .selectFrom('locals')
      .select('id')
      .where('name', '=', 'IBEW Local 103')
      .executeTakeFirstOrThrow()
    const goals = async () => {
      await page.goto(`/slates/${slate.id}`)
      return page.locator('table.goals').innerText()
    }
    const matrix = async () => {
      await page.goto(`/slates/${slate.id}/matrix`)
      return page.locator('main').innerText()
    }
    const goalsBefore = await goals()
    const matrixBefore = await matrix()
    await page.goto(`/slates/${slate.id}/endorsements/new?body=l${local.id}&candidate=${cand.id}`)
    await check(t, page, viewport, 'endorsement-form', summary)
    await page.fill('input[name=decided_on]', '2026-11-20')
    await page.fill('input[name=votes_for]', '31')
    await page.fill('input[name=votes_against]', '4')
    const saved = page.waitForResponse(
      (r) => r.url().endsWith(`/slates/${slate.id}/endorsements`) && r.request().method() === 'POST',
    )
    await page.locator(`form[action$="/endorsements"] button[type=submit]`).first().click()
    t.equal((await saved).status(), 303, 'the vote was recorded')
    await page.waitForLoadState('load')
    const row = await site.db
      .selectFrom('endorsements')
      .select('id')
      .where('local_id', '=', local.id)
      .where('candidate_id', '=', cand.id)
      .executeTakeFirst()
    t.ok(row, 'the endorsement is in the database')
    t.not(await goals(), goalsBefore, 'the 10×10 goals changed')
    t.not(await matrix(), matrixBefore, 'the matrix changed')
  })

  // On a phone the columns stack and a touch drag scrolls the page: the card's own
  // "Move to…" form (tested above with the keyboard) is how a drive moves there, so
  // drag and drop is tested at the desktop viewport only.
  // Dragging is a pointer interaction of the desktop board; on a phone the card's move form (tested above) is the way.
  if (viewport === 'desktop')
    await t.test('a drive moves to the next stage by dragging its card on the board', async (t) => {
      await page.goto('/board')
      await page.waitForSelector('[data-sortable-board][data-sortable-ready]')
      // A card whose move options include the column right after its own.
      const pick = await page.evaluate(() => {
        const cols = Array.from(document.querySelectorAll<HTMLElement>('[data-column]'))
        for (let i = 0; i + 1 < cols.length; i++) {
          const next = cols[i + 1]!.getAttribute('data-column')!
          for (const card of Array.from(cols[i]!.querySelectorAll<HTMLElement>('.drive-card'))) {
            const sel = card.querySelector<HTMLSelectElement>('form.card-move select[name="to"]')
            if (sel && Array.from(sel.options).some((o) => o.value === next))
              return { id: Number(card.dataset.drive), from: cols[i]!.getAttribute('data-column')!, to: next }
          }
        }
        return null
      })
      if (!pick) {
        t.fail('no card on the board can move to the next column')
        return
      }
      const { id, to } = pick
      const before = await site.db
        .selectFrom('drives')
        .select(['stage', 'version'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      const card = page.locator(`#drive-${id}`)
      await card.scrollIntoViewIfNeeded()
      // Grab the card by its title (selects and buttons are not drag handles), and
      // drop it in the middle of the target column, however few cards it holds.
      const from = await card.locator('.card-title').first().boundingBox()
      const target = page.locator(`#cards-${to}`)
      const box = await target.boundingBox()
      if (!from || !box) {
        t.fail('card or column not visible')
        return
      }
      const response = page.waitForResponse(
        (r) => r.url().endsWith(`/drives/${id}/stage`) && r.request().method() === 'POST',
      )
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
      await page.mouse.down()
      await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 5 })
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 20 })
      await page.mouse.up()
      const answer = await response
      t.ok(answer.status() < 500, 'the drop submitted the move')
      // The answer is a redirect (moved) or, for a forward move with unmet exit checks, a 422 move
      // page with the warnings and a reason to give; wait for that page to be shown.
      const asksReason = answer.status() !== 303 && /name="reason"/.test(await answer.text())
      const reason = page.locator('form [name=reason]')
      if (asksReason) await reason.waitFor()
      else await page.waitForLoadState('load')
      if (asksReason) {
        await check(t, page, viewport, 'drag-move', summary)
        await reason.fill('Browser test: dragged on the board')
        const moved = page.waitForResponse(
          (r) => r.url().endsWith(`/drives/${id}/stage`) && r.request().method() === 'POST',
        )
        await reason.locator('xpath=ancestor::form//button[@type="submit"]').first().click()
        t.equal((await moved).status(), 303, 'the move with a reason was accepted')
        await page.waitForLoadState('load')
      }
      const after = await site.db
        .selectFrom('drives')
        .select(['stage', 'version'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      t.equal(after.stage, to, `drive ${id} dragged ${before.stage} → ${to}`)
      t.ok(after.version > before.version, 'the version went up')
      await page.goto('/board')
      t.equal(
        await page.locator(`#cards-${to} #drive-${id}`).count(),
        1,
        'the card is in the new column after a reload',
      )
      await check(t, page, viewport, 'board-dragged', summary)
    })

  await t.test('an organizer imports five supporters from a CSV', async (t) => {
    const ictx = await newContext(site, viewport)
    try {
      const p = await ictx.newPage()
      p.on('pageerror', (e) => errors.push(String(e)))
      await login(p, ORGANIZER)
      await p.goto('/people/import')
      await check(t, p, viewport, 'import-upload', summary)
      const emails = [1, 2, 3, 4, 5].map((n) => `import.${viewport}.${n}@test.invalid`)
      const csv =
        'name,email,phone,local\n' +
        emails.map((e, i) => `Imported Person ${i + 1},${e},617-555-02${10 + i},CWA Local 1400`).join('\n') +
        '\n'
      const chapter = p.locator('select[name=chapter_id]')
      if (await chapter.count()) {
        const value = await chapter.locator('option', { hasText: 'Boston' }).first().getAttribute('value')
        await chapter.selectOption(value!)
      }
      await p.setInputFiles('input[name=file]', {
        name: 'supporters.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      })
      await Promise.all([
        p.waitForURL(/\/people\/import\/\d+$/),
        p.click('form[action="/people/import"] button[type=submit]'),
      ])
      const importId = Number(new URL(p.url()).pathname.split('/').pop())
      t.equal(await p.inputValue('#map-name'), '0', 'the name column was matched')
      t.equal(await p.inputValue('#map-email'), '1', 'the email column was matched')
      t.equal(await p.inputValue('#map-local'), '3', 'the local column was matched')
      t.equal(await p.locator('main table tbody tr').count(), 5, 'a preview of the five rows')
      await check(t, p, viewport, 'import-mapping', summary)
      await Promise.all([p.waitForURL(/\/people\/import\/\d+$/), p.click('button:has-text("Check the rows")')])
      await p.waitForSelector('text=What the check found')
      await check(t, p, viewport, 'import-checked', summary)
      await Promise.all([p.waitForURL(/\/people\/import\/\d+$/), p.click('button:has-text("Import now")')])
      await p.waitForSelector('#import-progress >> text=The import is done', { timeout: 30_000 })
      await check(t, p, viewport, 'import-done', summary)
      const imp = await site.db
        .selectFrom('imports')
        .select('status')
        .where('id', '=', importId)
        .executeTakeFirstOrThrow()
      t.equal(imp.status, 'done', 'the import is done')
      const rows = await site.db
        .selectFrom('supporters')
        .select(['email', 'name'])
        .where('email', 'in', emails)
        .execute()
      t.equal(rows.length, 5, 'the five supporters are in the database')
    } finally {
      await ictx.close()
    }
  })

  await t.test("a national reviewer sees the review page without supporters' details", async (t) => {
    const rctx = await newContext(site, viewport)
    try {
      const p = await rctx.newPage()
      p.on('pageerror', (e) => errors.push(String(e)))
      await login(p, 'nlc@example.org')
      const res = await p.goto('/review')
      t.equal(res?.status(), 200)
      const html = await p.content()
      t.match(await p.locator('main').innerText(), /Stalled/, 'the stalled drives section')
      t.ok((await p.locator('#by-union tbody tr').count()) > 0, 'a national union row')
      const demoEmails = (
        await site.db.selectFrom('supporters').select('email').where('email', 'like', '%@example.org').execute()
      )
        .map((r) => r.email!)
        .filter(Boolean)
      t.ok(demoEmails.length > 0, 'the demo has supporters with emails')
      t.same(
        demoEmails.filter((e) => html.toLowerCase().includes(e.toLowerCase())),
        [],
        'no supporter email on the page',
      )
      await check(t, p, viewport, 'review', summary)
    } finally {
      await rctx.close()
    }
  })

  // The context closes with the browser (startSite's teardown): an await here would race the root test's end.
  t.same(errors, [], 'no JavaScript errors in the pages')
}

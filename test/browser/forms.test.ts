// A tired person's mistakes in a real browser, at a desktop and a phone: a
// double click on Save, and Save → Back → Save, each make one supporter; a double
// click on "Start a drive" starts one drive and opens it; and the
// main pages load under the app's real CSP (not bypassed) with no violation in
// the console and no missing file (the favicon).
import t from 'tap'
import type { Page } from 'playwright-core'
import { chromiumAvailable, login, screenshot, startSite, VIEWPORTS, type ViewportName } from './support.ts'

const ORGANIZER = 'organizer.boston@example.org'

if (chromiumAvailable(t)) {
  t.setTimeout(240_000)
  const site = await startSite(t)
  const count = async (name: string) =>
    Number(
      (
        await site.db
          .selectFrom('supporters')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('name', '=', name)
          .where('deleted_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    )

  async function openNewSupporter(page: Page, name: string) {
    await page.goto('/people/new')
    await page.fill('input[name=name]', name)
    const local = page.locator('select[name=local_id]')
    const first = await local.locator('option:not([value=""])').first().getAttribute('value')
    await local.selectOption(first!)
  }

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    t.test(`${viewport}: a double click on Save makes one supporter`, async (t) => {
      const context = await site.browser.newContext({ viewport: VIEWPORTS[viewport], baseURL: site.base })
      t.teardown(() => context.close())
      const page = await context.newPage()
      await login(page, ORGANIZER)
      const name = `Double Click ${viewport}`
      await openNewSupporter(page, name)
      await Promise.all([
        page.waitForURL(/\/people\/\d+$/),
        page.locator('form button[type=submit]:has-text("Save")').dblclick(),
      ])
      await page.waitForLoadState('networkidle')
      await screenshot(page, viewport, 'double-click-saved')
      t.equal(await count(name), 1)
    })

    t.test(`${viewport}: Save, Back and Save again opens the supporter saved the first time`, async (t) => {
      const context = await site.browser.newContext({ viewport: VIEWPORTS[viewport], baseURL: site.base })
      t.teardown(() => context.close())
      const page = await context.newPage()
      await login(page, ORGANIZER)
      const name = `Back Again ${viewport}`
      await openNewSupporter(page, name)
      await Promise.all([page.waitForURL(/\/people\/\d+$/), page.click('form button[type=submit]:has-text("Save")')])
      const saved = new URL(page.url()).pathname
      await page.goBack()
      await page.waitForLoadState('load')
      if (!(await page.inputValue('input[name=name]'))) await openNewSupporter(page, name)
      const save = page.locator('form button[type=submit]:has-text("Save")')
      t.equal(await save.textContent(), 'Save', 'the button is ready again after Back')
      await Promise.all([page.waitForURL(/\/people\/\d+$/), save.click()])
      await screenshot(page, viewport, 'back-and-save')
      t.equal(new URL(page.url()).pathname, saved, 'the second save opens the first one’s supporter')
      t.equal(await count(name), 1)
    })
  }

  // Boston locals with no drive on the current slate: one for each viewport's "Start a drive".
  const current = await site.db
    .selectFrom('slates')
    .select('id')
    .where('is_current', '=', true)
    .executeTakeFirstOrThrow()
  const free = await site.db
    .selectFrom('locals as l')
    .innerJoin('chapters as c', 'c.id', 'l.chapter_id')
    .select(['l.id', 'l.name'])
    .where('c.slug', '=', 'boston')
    .where('l.deleted_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('drives as d')
            .select('d.id')
            .whereRef('d.local_id', '=', 'l.id')
            .where('d.slate_id', '=', current.id)
            .where('d.deleted_at', 'is', null),
        ),
      ),
    )
    .orderBy('l.id')
    .limit(2)
    .execute()
  for (const [i, viewport] of (Object.keys(VIEWPORTS) as ViewportName[]).entries()) {
    t.test(`${viewport}: a double click on "Start a drive" starts one drive and opens it`, async (t) => {
      const local = free[i]
      if (!local) {
        t.fail('the demo has a Boston local without a drive')
        return
      }
      const context = await site.browser.newContext({ viewport: VIEWPORTS[viewport], baseURL: site.base })
      t.teardown(() => context.close())
      const page = await context.newPage()
      await login(page, ORGANIZER)
      await page.goto(`/locals/${local.id}`)
      await page.selectOption('form[action="/drives"] [name=slate_id]', String(current.id))
      await Promise.all([
        page.waitForURL(/\/drives\/\d+$/),
        page.locator('form[action="/drives"] button[type=submit]').dblclick(),
      ])
      await page.waitForLoadState('networkidle')
      await screenshot(page, viewport, 'double-click-drive')
      const drives = await site.db
        .selectFrom('drives')
        .select('id')
        .where('local_id', '=', local.id)
        .where('slate_id', '=', current.id)
        .execute()
      t.equal(drives.length, 1, 'one drive')
      t.equal(new URL(page.url()).pathname, `/drives/${drives[0]?.id}`, 'the page is that drive')
      t.notMatch(await page.locator('body').innerText(), /already has a drive|went wrong/i, 'no error shown')
      t.equal(await page.locator('.error, .alert-error').count(), 0, 'no error message on the page')
    })
  }

  t.test('the main pages load under the real CSP with no violation and no missing file', async (t) => {
    const context = await site.browser.newContext({ viewport: VIEWPORTS.desktop, baseURL: site.base })
    t.teardown(() => context.close())
    const page = await context.newPage()
    const problems: string[] = []
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
      )
    })
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${new URL(page.url()).pathname}: ${m.text()}`)
    })
    page.on('response', (r) => {
      if (r.status() === 404) problems.push(`404 ${new URL(r.url()).pathname}`)
    })
    await login(page, ORGANIZER)
    const drive = await site.db.selectFrom('drives').select('id').orderBy('id').executeTakeFirstOrThrow()
    const slate = await site.db
      .selectFrom('slates')
      .select('id')
      .where('is_current', '=', true)
      .executeTakeFirstOrThrow()
    for (const path of [
      '/',
      '/locals',
      '/board',
      `/drives/${drive.id}`,
      '/people',
      '/resolutions',
      `/slates/${slate.id}`,
      `/slates/${slate.id}/matrix`,
    ]) {
      await page.goto(path)
      await page.waitForLoadState('networkidle')
    }
    // An htmx request too: the people search as someone types.
    await page.goto('/people')
    await page.locator('input[name=q]').first().pressSequentially('ma', { delay: 50 })
    await page.waitForLoadState('networkidle')
    t.same(problems, [], 'no CSP violation, console error or 404')
  })
}

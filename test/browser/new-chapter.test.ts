// A new chapter's first hour, as one path in a real browser at a desktop (1280×800), on an empty instance:
// the first admin is made with `npm run user:create` (the command itself, on this database); the admin logs
// in, adds the chapter, imports a sample of the real OLMS directory through the admin page, claims three
// locals for the chapter from a pasted list and fills in one local's basics, sets up the slate with a
// candidate, starts a drive, fills the model resolution for the drive (the missing details asked in a small
// form, then the text adapted), files it, records the vote as won at "Hold the vote", and sees the
// endorsement in the slate's matrix. Each step checks the database; key steps are screenshots.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { DateTime } from 'luxon'
import type { Page } from 'playwright-core'
import { chromiumAvailable, login, newContext, screenshot, startSite } from './support.ts'
import { ensureModelResolutions } from '../../src/resolutions/seed.ts'
import { serverUrl } from '../setup/pg.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const ADMIN = { email: 'ada.admin@springfield.example', name: 'Ada Okafor', password: 'first admin of springfield' }
const ZONE = 'America/Chicago'
const VP = 'desktop' as const

/** Runs `npm run user:create` as a person would (its script: node --import tsx src/cli/user-create.ts). */
function userCreate(databaseUrl: string, args: string[], password: string) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/user-create.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production', LOG_LEVEL: 'error' },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (err += c))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, out, err }))
    child.stdin.end(`${password}\n`)
  })
}

/** A small sample of the real OLMS file: its first 40 bodies and the locals the chapter will claim. */
function olmsSample(): string {
  const lines = fs.readFileSync(path.join(ROOT, 'test/fixtures/olms-locals.csv'), 'utf8').split('\n')
  const wanted = /^(SEIU,509|CWA,1400|IBT,727|AFT,1|UNITHE,26),/
  const picked = [...lines.slice(1, 41), ...lines.filter((l) => wanted.test(l))]
  return `${lines[0]}\n${[...new Set(picked)].join('\n')}\n`
}

async function submit(page: Page, button: string, url?: RegExp) {
  await Promise.all([url ? page.waitForURL(url) : page.waitForLoadState('load'), page.click(button)])
  await page.waitForLoadState('load')
}

if (chromiumAvailable(t)) {
  t.setTimeout(280_000)
  const site = await startSite(t, { demo: false })
  const db = site.db
  // What `npm start` does on a new data folder: the migrations (the test database has them) and the model
  // resolutions Tenfold ships with.
  await ensureModelResolutions(db)
  const ctx = await newContext(site, VP)
  const page = await ctx.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  const today = DateTime.now().setZone(ZONE).startOf('day')
  const filedOn = today.minus({ days: 30 }).toISODate()!
  const votedOn = today.minus({ days: 3 }).toISODate()!
  const ids = { chapter: 0, slate: 0, candidate: 0, local: 0, drive: 0, resolution: 0 }

  await t.test('the instance is empty: no account, no chapter, no local', async (t) => {
    for (const table of ['users', 'chapters', 'locals', 'national_unions', 'slates', 'drives'] as const) {
      const n = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      t.equal(Number(n.n), 0, `no ${table}`)
    }
  })

  await t.test('the first admin is made with npm run user:create', async (t) => {
    const res = await userCreate(
      serverUrl(site.dbName),
      ['--email', ADMIN.email, '--name', ADMIN.name, '--role', 'admin'],
      ADMIN.password,
    )
    t.equal(res.code, 0, `the command succeeded ${res.err}`)
    t.match(res.out, /Created admin #\d+ \(Ada Okafor\)/)
    t.match(`${res.out}${res.err}`, site.dbName, 'it says which database it wrote to')
    t.notMatch(`${res.out}${res.err}`, ADMIN.password, 'the password is not printed')
    const user = await db.selectFrom('users').select(['is_admin', 'name']).where('email', '=', ADMIN.email).execute()
    t.same(user, [{ is_admin: true, name: ADMIN.name }])
  })

  await t.test('the admin logs in and adds the chapter', async (t) => {
    await login(page, ADMIN.email, ADMIN.password)
    await screenshot(page, VP, 'new-chapter-01-dashboard')
    await page.goto('/admin/chapters/new')
    await page.fill('main form [name=name]', 'Springfield')
    await page.fill('main form [name=slug]', 'springfield')
    await page.fill('main form [name=city]', 'Springfield')
    await page.fill('main form [name=state]', 'IL')
    await page.fill('main form [name=time_zone]', ZONE)
    await submit(page, 'main form button[type=submit]:has-text("Save")')
    const ch = await db
      .selectFrom('chapters')
      .select(['id', 'time_zone'])
      .where('slug', '=', 'springfield')
      .executeTakeFirstOrThrow()
    t.equal(ch.time_zone, ZONE)
    ids.chapter = ch.id
  })

  await t.test('the admin imports a sample of the OLMS directory', async (t) => {
    await page.goto('/admin/import')
    const sample = olmsSample()
    await page.setInputFiles('input[name=file]', {
      name: 'olms-sample.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(sample),
    })
    await submit(page, 'form[action="/admin/import"] button[type=submit]')
    await page.waitForSelector('text=Imported')
    await screenshot(page, VP, 'new-chapter-02-imported')
    const bodies = new Set(
      sample
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[2]),
    ).size
    const n = await db
      .selectFrom('locals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    t.equal(Number(n.n), bodies, `one local per filing body (${bodies})`)
    const teamsters = await db
      .selectFrom('national_unions')
      .select(['abbreviation', 'code'])
      .where('code', '=', 'IBT')
      .executeTakeFirstOrThrow()
    t.equal(teamsters.abbreviation, 'Teamsters', 'national unions under the names people use')
  })

  await t.test('the admin claims three locals for the chapter from a pasted list', async (t) => {
    await page.goto('/locals/claim')
    const chapter = page.locator('#claim-chapter')
    if (await chapter.count()) await chapter.selectOption(String(ids.chapter))
    await page.fill('#claim-list', 'SEIU 509, AFT Local 1, Teamsters 727')
    await submit(page, 'form button[type=submit]:has-text("Find them")')
    await screenshot(page, VP, 'new-chapter-03-claim-found')
    // Teamsters 727 is two filing bodies: nothing is ticked for it; the organizer picks one.
    const boxes = page.locator('input[type=checkbox][name=local]')
    const ticked = await boxes.evaluateAll((bs) => bs.filter((b) => (b as HTMLInputElement).checked).length)
    t.equal(ticked, 2, 'the two unambiguous ones are ticked')
    const unticked = page.locator('input[type=checkbox][name=local]:not(:checked)').first()
    await unticked.check()
    await submit(page, 'form button[type=submit]:has-text("Claim the ticked locals")', /\/locals\/claimed\?ids=/)
    await screenshot(page, VP, 'new-chapter-04-claimed')
    const mine = await db
      .selectFrom('locals')
      .select(['id', 'name'])
      .where('chapter_id', '=', ids.chapter)
      .orderBy('name')
      .execute()
    t.same(
      mine.map((l) => l.name),
      ['AFT Local 1', 'SEIU Local 509', 'Teamsters Local 727'],
    )
    ids.local = mine.find((l) => l.name === 'SEIU Local 509')!.id
    // The short form for SEIU Local 509: place, size, who decides, the threshold and the notice.
    await page.click(`a[href^="/locals/${ids.local}/quick"]`)
    await page.waitForURL(new RegExp(`/locals/${ids.local}/quick`))
    await page.fill('main form [name=city]', 'Springfield')
    await page.fill('main form [name=state]', 'IL')
    await page.fill('main form [name=members]', '2400')
    await page.selectOption('main form [name=deciding_body]', 'membership_meeting')
    await page.selectOption('main form [name=threshold]', 'majority_cast')
    await page.fill('main form [name=notice_days]', '14')
    await screenshot(page, VP, 'new-chapter-05-basics')
    await submit(page, 'form button[type=submit]:has-text("Save the basics")', /\/locals\/claimed\?ids=/)
    const l = await db
      .selectFrom('locals')
      .select(['city', 'members', 'deciding_body', 'notice_days'])
      .where('id', '=', ids.local)
      .executeTakeFirstOrThrow()
    t.same(l, { city: 'Springfield', members: 2400, deciding_body: 'membership_meeting', notice_days: 14 })
  })

  await t.test('the slate is set up, current, with a candidate', async (t) => {
    await page.goto('/slates/new')
    await page.fill('main form [name=name]', '2027 Springfield slate')
    await page.fill('main form [name=cycle]', '2027')
    await page.fill('main form [name=election_date]', today.plus({ months: 10 }).toISODate()!)
    await page.fill('main form [name=goal]', '10')
    const owner = page.locator('main form [name=chapter_id]')
    if (await owner.count()) await owner.selectOption(String(ids.chapter))
    const current = page.locator('main form [name=is_current]')
    t.ok(await current.count(), 'it can be made the current slate')
    await current.check()
    await submit(page, 'main form button.primary[type=submit]', /\/slates\/\d+$/)
    const slate = await db
      .selectFrom('slates')
      .select(['id', 'is_current'])
      .where('name', '=', '2027 Springfield slate')
      .executeTakeFirstOrThrow()
    t.equal(slate.is_current, true, 'the slate is current')
    ids.slate = slate.id
    await page.click(`a[href="/slates/${ids.slate}/candidates/new"]`)
    await page.waitForURL(/candidates\/new/)
    await page.fill('main form [name=name]', 'Marisol Kettering')
    await page.fill('main form [name=office]', 'City Council')
    await page.selectOption('main form [name=chapter_id]', String(ids.chapter))
    await page.fill('main form [name=election_date]', today.plus({ months: 10 }).toISODate()!)
    await submit(page, 'main form button.primary[type=submit]:has-text("Save")', /\/slates\/\d+$/)
    await screenshot(page, VP, 'new-chapter-06-slate')
    const cand = await db
      .selectFrom('candidates')
      .select(['id', 'slate_id'])
      .where('name', '=', 'Marisol Kettering')
      .executeTakeFirstOrThrow()
    t.equal(cand.slate_id, ids.slate)
    ids.candidate = cand.id
  })

  await t.test('a drive starts from the local’s page', async (t) => {
    await page.goto(`/locals/${ids.local}`)
    await page.selectOption('form[action="/drives"] [name=slate_id]', String(ids.slate))
    await page.selectOption('form[action="/drives"] [name=asks]', 'candidate')
    await page.selectOption('form[action="/drives"] [name=candidate_id]', String(ids.candidate))
    await submit(page, 'form[action="/drives"] button[type=submit]', /\/drives\/\d+$/)
    await screenshot(page, VP, 'new-chapter-07-drive')
    const d = await db
      .selectFrom('drives')
      .select(['id', 'stage', 'status', 'chapter_id', 'candidate_id'])
      .where('local_id', '=', ids.local)
      .executeTakeFirstOrThrow()
    t.match(d, { stage: 'identify', status: 'active', chapter_id: ids.chapter, candidate_id: ids.candidate })
    ids.drive = d.id
  })

  await t.test(
    'the model resolution is filled for the drive, its missing details asked for, and adapted',
    async (t) => {
      await page.goto(`/drives/${ids.drive}`)
      // The drive page's way to its resolution: the model that fits what the drive asks, filled in for it.
      const link = page.locator('#drive-resolution a.button.primary')
      t.match(await link.innerText(), /Fill the resolution for this drive/)
      await Promise.all([page.waitForURL(/\/resolutions\/\d+\?.*drive=/), link.click()])
      await page.waitForLoadState('load')
      t.match(await page.locator('h1').innerText(), 'Endorse the local candidate', 'the model for a candidate drive')
      ids.resolution = Number(/\/resolutions\/(\d+)/.exec(page.url())![1])
      // The district and the meeting date are not known yet: asked for in a small form, not left in brackets.
      const missing = page.locator('form[action$="/adaptation/details"]')
      t.equal(await missing.count(), 1, 'a small form asks for the missing details')
      await screenshot(page, VP, 'new-chapter-08-missing-details')
      const answers: Record<string, string> = {
        'fill.candidate.district': 'Ward 4',
        'fill.meeting.date': votedOn,
        'fill.meeting.body': 'the general membership meeting',
      }
      const asked = await missing
        .locator('input:not([type=hidden])')
        .evaluateAll((is) => is.map((i) => (i as HTMLInputElement).name))
      t.ok(asked.includes('fill.meeting.date'), `it asks for the meeting date (${asked.join(', ')})`)
      t.same(
        asked.filter((n) => !(n in answers)),
        [],
        'nothing else unexpected',
      )
      for (const name of asked) await missing.locator(`[name="${name}"]`).fill(answers[name]!)
      await submit(page, 'form[action$="/adaptation/details"] button[type=submit]')
      t.equal(await page.locator('form[action$="/adaptation/details"]').count(), 0, 'nothing is missing now')
      const text = await page.locator('#resolution-text').innerText()
      t.notMatch(text, /\[[^\]]*\]|\{\{/, 'no [placeholder] or {{field}} in the text')
      t.match(text, 'SEIU Local 509')
      t.match(text, 'Marisol Kettering')
      t.match(text, 'Ward 4', 'the district typed in is in the text')
      // Adapted for the drive: a sentence of the chapter's own added at the end.
      await page.locator('summary:has-text("Adapt the text for this drive")').click()
      const area = page.locator('#adapt-form textarea[name=text]')
      const adapted = `${await area.inputValue()}\n\nThe Springfield members who asked for this vote thank the executive board.`
      await area.fill(adapted)
      await submit(page, '#adapt-form button[type=submit]')
      t.match(await page.locator('#resolution-text').innerText(), 'thank the executive board', 'the adapted text shows')
      await screenshot(page, VP, 'new-chapter-09-adapted')
      const a = await db
        .selectFrom('resolution_adaptations')
        .select(['body'])
        .where('drive_id', '=', ids.drive)
        .executeTakeFirstOrThrow()
      t.match(a.body, 'thank the executive board', 'kept as its own version')
    },
  )

  await t.test('the adapted text is filed', async (t) => {
    await page.fill('form[action$="/filings"] [name=body]', 'General membership meeting')
    await page.fill('form[action$="/filings"] [name=filed_on]', filedOn)
    await submit(page, 'form[action$="/filings"] button[type=submit]')
    await screenshot(page, VP, 'new-chapter-10-filed')
    const f = await db
      .selectFrom('filings')
      .select(['text_filed', 'filed_on'])
      .where('drive_id', '=', ids.drive)
      .executeTakeFirstOrThrow()
    t.match(f.text_filed, 'thank the executive board', 'the adapted text is what was filed')
    t.notMatch(f.text_filed, /\[[^\]]*\]/, 'without placeholders')
    const d = await db
      .selectFrom('drives')
      .select(['stage', 'vote_date'])
      .where('id', '=', ids.drive)
      .executeTakeFirstOrThrow()
    t.comment(`after filing: ${d.stage}, vote ${d.vote_date}`)
  })

  await t.test('at "Hold the vote" the vote is recorded as won', async (t) => {
    await page.goto(`/drives/${ids.drive}`)
    const stage = await db.selectFrom('drives').select('stage').where('id', '=', ids.drive).executeTakeFirstOrThrow()
    if (stage.stage !== 'vote') {
      // Filing moves a drive on only when its checks allow; here the organizer moves it, with a reason.
      await page.selectOption('#drive-place form.move-form [name=to]', 'vote')
      await submit(page, '#drive-place form.move-form button[type=submit]')
      const reason = page.locator('form [name=reason]')
      if (await reason.count()) {
        await reason.fill('Filed with the membership meeting; the vote is set')
        await submit(page, 'form:has([name=reason]) button[type=submit]')
      }
    }
    const at = await db.selectFrom('drives').select('stage').where('id', '=', ids.drive).executeTakeFirstOrThrow()
    t.equal(at.stage, 'vote', 'the drive is at Hold the vote')
    await page.goto(`/drives/${ids.drive}`)
    await page.locator('summary:has-text("Record a decision")').click()
    const form = page.locator('form[action$="/decisions"]')
    await form.locator('[name=body]').fill('General membership meeting')
    await form.locator('[name=held_on]').fill(votedOn)
    await form.locator('[name=kind]').selectOption('meeting')
    await form.locator('[name=choice]').selectOption('counted')
    await form.locator('[name=votes_for]').fill('212')
    await form.locator('[name=votes_against]').fill('37')
    await form.locator('[name=abstain]').fill('5')
    await form.locator('[name=quorum_met]').check()
    await form.locator('[name=binding]').check()
    await screenshot(page, VP, 'new-chapter-11-vote')
    await submit(page, 'main form[action$="/decisions"] button[type=submit]:has-text("Record the decision")')
    // A confirmation step, when there is one: what will happen, then confirm.
    const confirm = page.locator('#decision-confirm button[name=confirm][value=yes]')
    if (await confirm.count()) {
      t.match(await page.locator('#decision-confirm').innerText(), /What will happen/)
      t.equal(
        (await db.selectFrom('decisions').select('id').where('drive_id', '=', ids.drive).execute()).length,
        0,
        'nothing is saved before the confirmation',
      )
      await screenshot(page, VP, 'new-chapter-12-confirm')
      await submit(page, '#decision-confirm button[name=confirm][value=yes]')
    }
    await screenshot(page, VP, 'new-chapter-13-won')
    const d = await db
      .selectFrom('drives')
      .select(['stage', 'status'])
      .where('id', '=', ids.drive)
      .executeTakeFirstOrThrow()
    t.equal(d.status, 'won', 'the drive is won')
    const dec = await db
      .selectFrom('decisions')
      .select(['outcome', 'votes_for', 'votes_against'])
      .where('drive_id', '=', ids.drive)
      .execute()
    t.same(dec, [{ outcome: 'adopted', votes_for: 212, votes_against: 37 }], 'one decision, adopted')
    const e = await db
      .selectFrom('endorsements')
      .select(['local_id', 'candidate_id', 'status', 'votes_for'])
      .where('slate_id', '=', ids.slate)
      .execute()
    t.same(
      e,
      [{ local_id: ids.local, candidate_id: ids.candidate, status: 'active', votes_for: 212 }],
      'the endorsement of the local for the candidate',
    )
  })

  await t.test('the endorsement shows in the slate matrix', async (t) => {
    await page.goto(`/slates/${ids.slate}/matrix`)
    const row = page.locator('tr', { has: page.locator('th', { hasText: 'SEIU Local 509' }) })
    t.equal(await row.count(), 1, 'a row for the local')
    // The candidate's column comes first: an endorsement ("e"), its date printed.
    const cell = row.locator('td').first()
    t.equal(await cell.getAttribute('class'), 'e', 'the cell is an endorsement')
    t.match(await cell.innerText(), /Endorsed/)
    await screenshot(page, VP, 'new-chapter-14-matrix')
    await page.goto(`/slates/${ids.slate}`)
    t.match(await page.locator('main').innerText(), /Marisol Kettering[\s\S]*1/, 'the candidate counts one local')
    await screenshot(page, VP, 'new-chapter-15-slate-goal')
  })

  t.same(errors, [], 'no JavaScript errors')
}

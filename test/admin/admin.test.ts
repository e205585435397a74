import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import { PASSWORD, chapter, user, world } from '../factories.ts'
import type { Db } from '../../src/db/database.ts'

const auditRows = (db: Db, entity: string, action: string) =>
  db
    .selectFrom('audit_log')
    .selectAll()
    .where('entity', '=', entity)
    .where('action', '=', action)
    .orderBy('id')
    .execute()

t.test('the admin area', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const admin = new Agent(app)
  await admin.login(w.admin.email, PASSWORD)
  // A second admin who opened a form before the first one saved it (made when first needed: some tests count users).
  let second: Agent | undefined
  const otherAdmin = async () => {
    if (second) return second
    const u = await user(db, 'admin', null, { name: 'Maria Second' })
    second = new Agent(app)
    await second.login(u.email, PASSWORD)
    return second
  }

  t.test('organizers, volunteers and national reviewers get 403 on every admin route', async (t) => {
    const routes = app.routeList.filter((r) => r.url.startsWith('/admin'))
    t.ok(routes.length >= 20, `${routes.length} admin routes`)
    for (const who of [w.organizerA, w.volunteerA, w.national]) {
      const agent = new Agent(app)
      await agent.login(who.email, PASSWORD)
      for (const r of routes) {
        const url = r.url.replace(':id', String(w.organizerB.id))
        const res =
          r.method === 'GET'
            ? await agent.get(url)
            : await agent.post(url, { name: 'Hijack', is_admin: 'on', active: 'on', require_2fa: 'on' })
        t.equal(res.statusCode, 403, `${who.name}: ${r.method} ${url}`)
      }
    }
    const after = await db
      .selectFrom('users')
      .select(['name', 'is_admin'])
      .where('id', '=', w.organizerB.id)
      .executeTakeFirstOrThrow()
    t.same(after, { name: w.organizerB.name, is_admin: false })
  })

  t.test('every admin page renders for an admin', async (t) => {
    for (const url of [
      '/admin',
      '/admin/users',
      '/admin/users?inactive=1',
      '/admin/users/new',
      `/admin/users/${w.organizerA.id}`,
      '/admin/chapters',
      '/admin/chapters?deleted=1',
      '/admin/chapters/new',
      `/admin/chapters/${w.a.id}`,
      '/admin/unions',
      '/admin/unions/new',
      `/admin/unions/${w.union.id}`,
      '/admin/settings',
      '/admin/import',
    ]) {
      const res = await admin.get(url)
      t.equal(res.statusCode, 200, url)
      t.match(res.body, '<html', url)
    }
    t.equal((await admin.get('/admin/users/99999')).statusCode, 404)
    t.equal((await admin.get('/admin/chapters/abc')).statusCode, 400)
  })

  t.test('an anonymous visitor is sent to the login page', async (t) => {
    const res = await new Agent(app).get('/admin/users')
    t.equal(res.statusCode, 303)
    t.match(res.headers.location, /^\/login/)
  })

  t.test('the index links every section with its count', async (t) => {
    const res = await admin.get('/admin')
    t.equal(res.statusCode, 200)
    for (const href of ['/admin/users', '/admin/chapters', '/admin/unions', '/admin/import', '/admin/settings'])
      t.match(res.body, `href="${href}"`)
    t.match(res.body, /<span class="num">5<\/span><span>Users/)
  })

  t.test(
    'the users list shows roles, chapters and two-factor, with the same number of queries for more users',
    async (t) => {
      const small = await countQueries(handle, () => admin.get('/admin/users'))
      const res = await admin.get('/admin/users')
      t.equal(res.statusCode, 200)
      t.match(res.body, w.organizerA.email)
      t.match(res.body, 'Alpha (organizer)')
      t.match(res.body, 'National reviewer')
      const c = await chapter(db)
      for (let i = 0; i < 15; i++) {
        const u = await db
          .insertInto('users')
          .values({ email: `bulk${i}@example.org`, name: `Bulk ${i}` })
          .returning('id')
          .executeTakeFirstOrThrow()
        await db.insertInto('memberships').values({ user_id: u.id, chapter_id: c.id, role: 'volunteer' }).execute()
      }
      const big = await countQueries(handle, () => admin.get('/admin/users'))
      t.equal(big, small)
      t.ok(big <= 12, `${big} queries`)
      const search = await admin.get('/admin/users?q=bulk%201', { htmx: 'div#users-results' })
      t.notMatch(search.body, '<html')
      t.match(search.body, 'Bulk 1')
      t.notMatch(search.body, w.organizerA.email)
    },
  )

  t.test('an invitation creates the account and a link that works once', async (t) => {
    const res = await admin.post('/admin/users', {
      email: 'newbie@example.org',
      name: 'New Volunteer',
      role: 'volunteer',
      chapter_id: String(w.b.id),
    })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'no-store')
    const m = /\/welcome\/([A-Za-z0-9_-]+)/.exec(res.body)
    t.ok(m, 'the page shows the link')
    const token = m![1]!
    const user = await db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'newbie@example.org')
      .executeTakeFirstOrThrow()
    t.equal(user.password_hash, null)
    const ms = await db.selectFrom('memberships').selectAll().where('user_id', '=', user.id).execute()
    t.same(
      ms.map((x) => [x.chapter_id, x.role]),
      [[w.b.id, 'volunteer']],
    )
    const [row] = await auditRows(db, 'user', 'invite')
    t.equal(row?.entity_id, String(user.id))
    t.notMatch(JSON.stringify(row), token, 'the audit row holds no token')
    t.notMatch(JSON.stringify(row), 'newbie@example.org', 'the audit row masks the email')

    const invitee = new Agent(app)
    t.equal((await invitee.get(`/welcome/${token}`)).statusCode, 200)
    const set = await invitee.post(`/welcome/${token}`, {
      password: 'a fine new password',
      confirm: 'a fine new password',
    })
    t.equal(set.statusCode, 303)
    await invitee.login('newbie@example.org', 'a fine new password')
    t.equal((await invitee.get('/')).statusCode, 200)
    t.equal((await new Agent(app).get(`/welcome/${token}`)).statusCode, 404, 'the link works once')
  })

  t.test('an invitation with a taken email or a missing chapter comes back with messages', async (t) => {
    const dup = await admin.post('/admin/users', {
      email: w.organizerA.email.toUpperCase(),
      name: 'Again',
      role: 'national',
    })
    t.equal(dup.statusCode, 422)
    t.match(dup.body, 'Someone already has an account with this email.')
    t.match(dup.body, 'value="Again"')
    const noChapter = await admin.post('/admin/users', { email: 'x@example.org', name: 'X', role: 'organizer' })
    t.equal(noChapter.statusCode, 422)
    t.match(noChapter.body, 'Choose the chapter this person works in.')
    const bad = await admin.post('/admin/users', { email: 'not an email', name: '', role: 'boss' })
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'Email must look like name@example.org.')
    t.match(bad.body, 'Name is required.')
    t.match(bad.body, 'Choose a role.')
    t.equal(
      (await db.selectFrom('users').select('id').where('email', 'in', ['x@example.org', 'not an email']).execute())
        .length,
      0,
    )
  })

  t.test('deactivating a user logs their open session out on its next request', async (t) => {
    const vol = new Agent(app)
    await vol.login(w.volunteerA.email, PASSWORD)
    t.equal((await vol.get('/')).statusCode, 200)
    const res = await admin.post(`/admin/users/${w.volunteerA.id}/deactivate`)
    t.equal(res.statusCode, 303)
    const u = await db.selectFrom('users').select('active').where('id', '=', w.volunteerA.id).executeTakeFirstOrThrow()
    t.equal(u.active, false)
    t.equal((await db.selectFrom('sessions').select('id').where('user_id', '=', w.volunteerA.id).execute()).length, 0)
    const next = await vol.get('/')
    t.equal(next.statusCode, 303)
    t.match(next.headers.location, /^\/login/)
    const [row] = await auditRows(db, 'user', 'deactivate')
    t.equal(row?.entity_id, String(w.volunteerA.id))
    t.equal((await admin.post(`/admin/users/${w.volunteerA.id}/reactivate`)).statusCode, 303)
    await vol.login(w.volunteerA.email, PASSWORD)
  })

  t.test('an admin cannot deactivate themselves or drop their own admin access', async (t) => {
    await admin.post(`/admin/users/${w.admin.id}/deactivate`)
    t.equal(
      (await db.selectFrom('users').select('active').where('id', '=', w.admin.id).executeTakeFirstOrThrow()).active,
      true,
    )
    const page = await admin.get(`/admin/users/${w.admin.id}`)
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!
    const res = await admin.post(`/admin/users/${w.admin.id}`, { version, name: 'Me', active: 'on' })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'You cannot remove your own admin access.')
  })

  t.test('a reset link lets the user choose a new password; the audit row holds no token', async (t) => {
    const res = await admin.post(`/admin/users/${w.organizerB.id}/reset-link`)
    t.equal(res.statusCode, 200)
    const token = /\/welcome\/([A-Za-z0-9_-]+)/.exec(res.body)![1]!
    const link = await db
      .selectFrom('one_time_links')
      .selectAll()
      .where('user_id', '=', w.organizerB.id)
      .where('used_at', 'is', null)
      .execute()
    t.equal(link.length, 1)
    t.equal(link[0]!.purpose, 'reset')
    const [row] = await auditRows(db, 'user', 'reset_link')
    t.notMatch(JSON.stringify(row), token)
    const u = new Agent(app)
    await u.get(`/welcome/${token}`)
    t.equal(
      (await u.post(`/welcome/${token}`, { password: 'another long password', confirm: 'another long password' }))
        .statusCode,
      303,
    )
    await u.login(w.organizerB.email, 'another long password')
  })

  t.test('editing memberships changes what the user may edit in /locals', async (t) => {
    const vol = new Agent(app)
    await vol.login(w.volunteerA.email, PASSWORD)
    t.equal((await vol.get(`/locals/${w.localB.id}/edit`)).statusCode, 403)
    const page = await admin.get(`/admin/users/${w.volunteerA.id}`)
    t.match(page.body, `name="role_${w.b.id}"`)
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!
    const res = await admin.post(`/admin/users/${w.volunteerA.id}`, {
      version,
      name: 'Vol A',
      active: 'on',
      [`role_${w.a.id}`]: 'volunteer',
      [`role_${w.b.id}`]: 'organizer',
    })
    t.equal(res.statusCode, 303)
    const ms = await db
      .selectFrom('memberships')
      .select(['chapter_id', 'role'])
      .where('user_id', '=', w.volunteerA.id)
      .orderBy('chapter_id')
      .execute()
    t.same(ms, [
      { chapter_id: w.a.id, role: 'volunteer' },
      { chapter_id: w.b.id, role: 'organizer' },
    ])
    t.equal((await vol.get(`/locals/${w.localB.id}/edit`)).statusCode, 200)
    t.equal((await vol.get(`/locals/${w.localA.id}/edit`)).statusCode, 403)
    const [row] = await auditRows(db, 'user', 'update')
    t.match(JSON.stringify(row?.after), 'Bravo: organizer')

    const other = await otherAdmin()
    const stale = await other.post(`/admin/users/${w.volunteerA.id}`, { version, name: 'Stale', active: 'on' })
    t.equal(stale.statusCode, 409, 'the other admin opened the form before that save')
    t.match(stale.body, `${w.admin.name} changed this account at `, 'the message names who saved first')
    t.match(stale.body, 'value="Stale"')
    t.match(stale.body, '<dd>Vol A</dd>', 'the saved name is shown beside the form')
    t.match(stale.body, `name="version" value="${Number(version) + 1}"`)
    const own = await admin.post(`/admin/users/${w.volunteerA.id}`, { version, name: 'Tab two', active: 'on' })
    t.match(own.body, 'You changed this account in another tab', 'the earlier save was this admin’s own')
    t.equal(
      (await db.selectFrom('users').select('name').where('id', '=', w.volunteerA.id).executeTakeFirstOrThrow()).name,
      'Vol A',
    )
  })

  t.test('a chapter form with bad values comes back with messages and the typed values', async (t) => {
    const res = await admin.post('/admin/chapters', {
      name: '',
      slug: 'Not A Slug',
      state: 'Texas',
      time_zone: 'Mars/Olympus',
      min_supporters: 'many',
      min_leaders: '-1',
      min_trained_leaders: '',
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Name is required.')
    t.match(res.body, 'Short name may only use lowercase letters, digits and hyphens.')
    t.match(res.body, 'State must be a two-letter code')
    t.match(res.body, 'Time zone must be a zone name like America/Chicago.')
    t.match(res.body, 'Minimum supporters must be a whole number.')
    t.match(res.body, 'Minimum leaders must be at least 0.')
    t.match(res.body, 'Minimum trained leaders is required.')
    t.match(res.body, 'value="Not A Slug"')
    t.match(res.body, 'value="Mars/Olympus"')
  })

  t.test(
    'a chapter is created, edited with a version check, deleted and restored; a taken short name is a field message',
    async (t) => {
      const form = {
        name: 'Charlie',
        slug: 'charlie',
        city: 'Denver',
        state: 'co',
        time_zone: 'America/Denver',
        min_supporters: '6',
        min_leaders: '2',
        min_trained_leaders: '4',
      }
      t.equal((await admin.post('/admin/chapters', form)).statusCode, 303)
      const c = await db.selectFrom('chapters').selectAll().where('slug', '=', 'charlie').executeTakeFirstOrThrow()
      t.equal(c.state, 'CO')
      t.equal(c.min_supporters, 6)
      const dup = await admin.post('/admin/chapters', { ...form, name: 'Other', slug: 'alpha' })
      t.equal(dup.statusCode, 422)
      t.match(dup.body, 'Another chapter already uses this short name.')

      const edit = await admin.post(`/admin/chapters/${c.id}`, {
        ...form,
        version: String(c.version),
        name: 'Charlie Chapter',
        time_zone: 'America/Chicago',
      })
      t.equal(edit.statusCode, 303)
      const stale = await (await otherAdmin()).post(`/admin/chapters/${c.id}`, {
        ...form,
        version: String(c.version),
        name: 'Stale name',
      })
      t.equal(stale.statusCode, 409)
      t.match(stale.body, `${w.admin.name} changed this chapter at `, 'the message names who saved first')
      t.match(stale.body, 'value="Stale name"')
      t.match(stale.body, '<dd>Charlie Chapter</dd>', 'the saved name is shown beside the form')
      const badTz = await admin.post(`/admin/chapters/${c.id}`, {
        ...form,
        version: String(c.version + 1),
        time_zone: 'Eastern',
      })
      t.equal(badTz.statusCode, 422)
      t.match(badTz.body, 'Time zone must be a zone name')
      const saved = await db.selectFrom('chapters').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow()
      t.equal(saved.name, 'Charlie Chapter')
      t.equal(saved.time_zone, 'America/Chicago')

      t.equal((await admin.post(`/admin/chapters/${c.id}/delete`)).statusCode, 303)
      t.notMatch((await admin.get('/admin/chapters')).body, `href="/admin/chapters/${c.id}"`)
      t.match((await admin.get('/admin/chapters?deleted=1')).body, 'Charlie Chapter')
      t.equal((await admin.get(`/admin/chapters/${c.id}`)).statusCode, 404)
      t.equal((await admin.post(`/admin/chapters/${c.id}/restore`)).statusCode, 303)
      t.equal(
        (await db.selectFrom('chapters').select('deleted_at').where('id', '=', c.id).executeTakeFirstOrThrow())
          .deleted_at,
        null,
      )
      for (const action of ['create', 'update', 'delete', 'restore'])
        t.equal((await auditRows(db, 'chapter', action)).length, 1, `audited: ${action}`)
    },
  )

  t.test('national unions: list with counts, create, edit with a version check, duplicate abbreviation', async (t) => {
    const list = await admin.get('/admin/unions')
    t.match(list.body, 'CWA')
    t.match(list.body, /data-label="Locals" class="num">2</)
    const dup = await admin.post('/admin/unions', { name: 'Copycats', abbreviation: 'cwa' })
    t.equal(dup.statusCode, 422)
    t.match(dup.body, 'Another national union already uses this abbreviation.')
    t.match(dup.body, 'value="cwa"')
    t.equal(
      (
        await admin.post('/admin/unions', {
          name: 'Service Employees International Union',
          abbreviation: 'seiu',
          afl_cio: '',
        })
      ).statusCode,
      303,
    )
    const u = await db
      .selectFrom('national_unions')
      .selectAll()
      .where('abbreviation', '=', 'SEIU')
      .executeTakeFirstOrThrow()
    const edit = await admin.post(`/admin/unions/${u.id}`, {
      version: String(u.version),
      name: u.name,
      abbreviation: 'SEIU',
      afl_cio: 'on',
      rules_notes: 'State council endorses statewide races.',
    })
    t.equal(edit.statusCode, 303)
    const saved = await db.selectFrom('national_unions').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow()
    t.equal(saved.afl_cio, true)
    t.equal(saved.rules_notes, 'State council endorses statewide races.')
    const stale = await (await otherAdmin()).post(`/admin/unions/${u.id}`, {
      version: String(u.version),
      name: 'Stale',
      abbreviation: 'SEIU',
    })
    t.equal(stale.statusCode, 409)
    t.match(stale.body, `${w.admin.name} changed this national union at `, 'the message names who saved first')
    t.match(stale.body, 'value="Stale"')
    t.match(stale.body, '<dd>State council endorses statewide races.</dd>', 'the saved notes are shown')
    t.equal(
      (await db.selectFrom('national_unions').select('name').where('id', '=', u.id).executeTakeFirstOrThrow()).name,
      u.name,
    )
    const rename = await admin.post(`/admin/unions/${u.id}`, {
      version: String(saved.version),
      name: u.name,
      abbreviation: 'CWA',
    })
    t.equal(rename.statusCode, 422)
    t.match(rename.body, 'Another national union already uses this abbreviation.')
    t.equal((await auditRows(db, 'national_union', 'create')).length, 1)
    t.equal((await auditRows(db, 'national_union', 'update')).length, 1)
  })

  t.test('the two-factor setting persists and is audited', async (t) => {
    // With require_2fa on, an admin without two-factor login reaches only enrolment (test/auth/two-factor.test.ts).
    await db
      .updateTable('users')
      .set({ totp_enabled: true, totp_secret: 'JBSWY3DPEHPK3PXP' })
      .where('id', '=', w.admin.id)
      .execute()
    t.notMatch((await admin.get('/admin/settings')).body, /name="require_2fa" checked/)
    t.equal((await admin.post('/admin/settings', { require_2fa: 'on' })).statusCode, 303)
    const row = await db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'require_2fa')
      .executeTakeFirstOrThrow()
    t.equal(row.value, true)
    t.match((await admin.get('/admin/settings')).body, /name="require_2fa" checked/)
    t.equal((await admin.post('/admin/settings', {})).statusCode, 303)
    t.equal(
      (await db.selectFrom('settings').select('value').where('key', '=', 'require_2fa').executeTakeFirstOrThrow())
        .value,
      false,
    )
    t.equal((await auditRows(db, 'setting', 'update')).length, 2)
  })
})

function multipart(agent: Agent, url: string, file: string | Buffer, o: { csrf?: string; filename?: string } = {}) {
  const boundary = '----tenfold' + Math.random().toString(16).slice(2)
  const parts = [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${o.csrf ?? agent.csrf}\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${o.filename ?? 'olms.csv'}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    Buffer.isBuffer(file) ? file : Buffer.from(file),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]
  return agent.app.inject({
    method: 'POST',
    url,
    payload: Buffer.concat(parts),
    headers: {
      cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
  })
}

t.test('importing the OLMS directory from the browser', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const admin = new Agent(app)
  await admin.login(w.admin.email, PASSWORD)
  await admin.get('/admin/import')
  const good = 'aff_abbr,desig_num,f_num\nCWA,1400,500001\nSEIU,32,500002\nUAW,600,500003\n'
  const count = async () =>
    Number(
      (
        await db
          .selectFrom('locals')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  t.test('a small file adds its rows, and uploading it again changes nothing', async (t) => {
    const before = await count()
    const res = await multipart(admin, '/admin/import', good)
    t.equal(res.statusCode, 200)
    t.match(res.body, /Locals added<\/dt><dd>3</)
    t.equal(await count(), before + 3)
    t.ok(await db.selectFrom('locals').select('id').where('olms_file_number', '=', 500002).executeTakeFirst())
    t.ok(await db.selectFrom('national_unions').select('id').where('abbreviation', '=', 'SEIU').executeTakeFirst())
    const again = await multipart(admin, '/admin/import', good)
    t.equal(again.statusCode, 200)
    t.match(again.body, /Locals added<\/dt><dd>0</)
    t.match(again.body, /Locals already in the directory<\/dt><dd>3</)
    t.equal(await count(), before + 3)
    t.equal((await db.selectFrom('audit_log').select('id').where('action', '=', 'import').execute()).length, 2)
  })

  t.test('a file with a bad row imports nothing and names the line', async (t) => {
    const before = await count()
    const res = await multipart(admin, '/admin/import', 'aff_abbr,desig_num,f_num\nIBEW,2222,600001\nIBT,abc,600002\n')
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Line 3: desig_num')
    t.match(res.body, 'Nothing was imported.')
    t.equal(await count(), before)
  })

  t.test('an upload without a file or without the CSRF token is refused', async (t) => {
    const empty = await multipart(admin, '/admin/import', '', { filename: '' })
    t.equal(empty.statusCode, 422)
    t.match(empty.body, 'Choose the OLMS CSV file to upload.')
    const forged = await multipart(admin, '/admin/import', good.replace('500001', '700001'), { csrf: 'forged' })
    t.equal(forged.statusCode, 403)
    t.notOk(await db.selectFrom('locals').select('id').where('olms_file_number', '=', 700001).executeTakeFirst())
  })

  t.test('a file over 20 MB gets a clear 413', async (t) => {
    const big = Buffer.alloc(21 * 1024 * 1024, 'a')
    const res = await multipart(admin, '/admin/import', big)
    t.equal(res.statusCode, 413)
    t.match(res.body, 'larger than 20 MB')
  })

  t.test('a volunteer cannot upload', async (t) => {
    const vol = new Agent(app)
    await vol.login(w.volunteerA.email, PASSWORD)
    await vol.get('/')
    const res = await multipart(vol, '/admin/import', good.replace('500001', '800001'))
    t.equal(res.statusCode, 403)
    t.notOk(await db.selectFrom('locals').select('id').where('olms_file_number', '=', 800001).executeTakeFirst())
  })
})

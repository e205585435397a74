// Privacy rules (issue 15, items 6-8): deleted supporters are organizers'
// business, "keep off shared lists" keeps a supporter out of every export,
// bulk action and shared list, and a count drawn from one chapter's supporters
// is not shown to another chapter.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, local, supporter, world } from '../factories.ts'

t.test('privacy of supporters', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  // The email is unique per chapter (as the app stores it), so it is made from the whole name.
  const add = (name: string, o: Parameters<typeof supporter>[3] = {}) =>
    supporter(db, w.a.id, w.localA.id, { name, email: `${name.replace(' ', '.')}@mail.test`, ...o })
  const listed = await add('Listed Lee')
  const hidden = await add('Hidden Hana', { keep_off_shared_lists: true })
  await add('Gone Gus', { deleted: true })
  const volunteer = new Agent(app)
  await volunteer.login(w.volunteerA.email, PASSWORD)
  const organizer = new Agent(app)
  await organizer.login(w.organizerA.email, PASSWORD)

  t.test('a volunteer cannot list deleted supporters; an organizer can', async (t) => {
    const v = await volunteer.get('/people?deleted=1')
    t.equal(v.statusCode, 403)
    t.notMatch(v.body, 'Gone Gus')
    const o = await organizer.get('/people?deleted=1')
    t.equal(o.statusCode, 200)
    t.match(o.body, 'Gone Gus')
  })

  t.test('a supporter kept off shared lists is in no export and no bulk action', async (t) => {
    const csv = await organizer.get('/people?format=csv')
    t.equal(csv.statusCode, 200)
    t.match(csv.body, 'Listed Lee')
    t.notMatch(csv.body, 'Hidden Hana')
    t.notMatch(csv.body, 'Hidden.Hana@mail.test')
    const bulk = await organizer.post('/people/bulk', { action: 'tag', tag: 'phonebank', ids: [String(hidden.id)] })
    t.not(bulk.statusCode, 303, 'a bulk action on only them is refused')
    const both = await organizer.post('/people/bulk', {
      action: 'tag',
      tag: 'phonebank',
      ids: [String(hidden.id), String(listed.id)],
    })
    t.equal(both.statusCode, 303)
    const tags = await db
      .selectFrom('supporters')
      .select(['id', 'tags'])
      .where('id', 'in', [hidden.id, listed.id])
      .execute()
    t.same(tags.find((r) => r.id === hidden.id)?.tags, [], 'they were left out of the bulk tag')
    t.same(tags.find((r) => r.id === listed.id)?.tags, ['phonebank'])
  })

  t.test('only organizers see a supporter kept off shared lists, on the list and on their page', async (t) => {
    t.match((await organizer.get('/people')).body, 'Hidden Hana')
    t.equal((await organizer.get(`/people/${hidden.id}`)).statusCode, 200)
    const list = await volunteer.get('/people')
    t.match(list.body, 'Listed Lee')
    t.notMatch(list.body, 'Hidden Hana')
    t.notMatch((await volunteer.get('/people?q=Hidden')).body, 'Hidden Hana')
    t.equal((await volunteer.get(`/people/${hidden.id}`)).statusCode, 404)
  })

  t.test('a circle lists them to organizers only', async (t) => {
    const circle = await db
      .insertInto('labor_circles')
      .values({ chapter_id: w.a.id, kind: 'circle', name: 'Nurses circle' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('labor_circle_members')
      .values([
        { circle_id: circle.id, supporter_id: hidden.id },
        { circle_id: circle.id, supporter_id: listed.id },
      ])
      .execute()
    const v = await volunteer.get(`/circles/${circle.id}`)
    t.equal(v.statusCode, 200)
    t.match(v.body, 'Listed Lee')
    t.notMatch(v.body, 'Hidden Hana')
    t.match((await organizer.get(`/circles/${circle.id}`)).body, 'Hidden Hana')
  })

  t.test("another chapter's volunteer sees no count drawn from this chapter's supporters", async (t) => {
    await add('Member Mo', { chapter_member: true })
    await add('Member Max', { chapter_member: true })
    const own = await volunteer.get(`/locals/${w.localA.id}`)
    t.match(own.body, '2 chapter members inside')
    const other = new Agent(app)
    await other.login(w.organizerB.email, PASSWORD)
    const page = await other.get(`/locals/${w.localA.id}`)
    t.equal(page.statusCode, 200)
    t.notMatch(page.body, /chapter members? inside/)
    t.match(page.body, 'Known to its chapter only')
    const national = new Agent(app)
    await national.login(w.national.email, PASSWORD)
    t.match(
      (await national.get(`/locals/${w.localA.id}`)).body,
      '2 chapter members inside',
      'national reviewers see counts',
    )
    const unowned = await local(db, { name: 'Nobody Local' })
    t.match((await other.get(`/locals/${unowned.id}`)).body, 'No chapter yet')
  })
})

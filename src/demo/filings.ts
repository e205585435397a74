// Demo filings linked to the resolution library: three demo drives at the
// filing or vote stage get their latest filing (or a new one) pointed at a
// version of the "endorse the whole slate" model resolution, with the text
// filled for the drive; one of them also gets an adopted text with a clause
// amended, so its filing page shows a diff. Runs inside the demo loader's
// transaction, after the other demo parts.
import { DateTime } from 'luxon'
import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import { findDriveContext, listSlateCandidates } from '../resolutions/queries.ts'
import { mergeValues } from '../resolutions/fill.ts'
import { renderPlain, type Language } from '../resolutions/merge-fields.ts'
import { findModelResolution } from '../resolutions/model-texts.ts'

const SLUG = 'endorse-whole-slate'
const ALL = { chapterIds: null }

/** The clause a demo meeting amended, and what it became. */
export const DEMO_AMENDMENT = {
  from: 'will give first place in its volunteer and member-education work to the campaign of',
  to: 'will hold two member-education evenings and recruit volunteers for the campaign of',
}

async function modelVersion(
  trx: Transaction<Database>,
): Promise<{ id: number; body: string; language: Language } | undefined> {
  let r = await trx
    .selectFrom('resolutions')
    .select(['id', 'language'])
    .where('slug', '=', SLUG)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
  if (!r) {
    // A demo loaded without the server's start-up seed: add the model text here.
    const m = findModelResolution(SLUG)
    if (!m) return undefined
    r = await trx
      .insertInto('resolutions')
      .values({ slug: m.slug, title: m.title, kind: m.kind, language: m.language, tags: m.tags })
      .returning(['id', 'language'])
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('resolution_versions')
      .values({ resolution_id: r.id, number: 1, body: m.body, note: 'Tenfold model text' })
      .execute()
  }
  const v = await trx
    .selectFrom('resolution_versions')
    .select(['id', 'body'])
    .where('resolution_id', '=', r.id)
    .orderBy('number', 'desc')
    .executeTakeFirst()
  return v ? { ...v, language: r.language === 'es' ? 'es' : 'en' } : undefined
}

export async function loadDemoFilings(trx: Transaction<Database>): Promise<string> {
  const version = await modelVersion(trx)
  if (!version) return 'no model resolution, so no linked filings'
  // Drives at the filing or vote stage, those with a filing first (so no quiet drive gains activity).
  const drives = await trx
    .selectFrom('drives as d')
    .select([
      'd.id',
      'd.chapter_id',
      'd.vote_date',
      'd.owner_id',
      sql<number | null>`(select f.id from filings f where f.drive_id = d.id and f.deleted_at is null
        order by f.filed_on desc, f.id desc limit 1)`.as('filing_id'),
    ])
    .where('d.deleted_at', 'is', null)
    .where('d.stage', 'in', ['file_resolution', 'vote'])
    .where('d.local_id', 'is not', null)
    .orderBy(sql`(select count(*) from filings f where f.drive_id = d.id and f.deleted_at is null)`, 'desc')
    .orderBy('d.id')
    .limit(3)
    .execute()
  let linked = 0
  let amended = 0
  for (const d of drives) {
    const ctx = await findDriveContext(trx, ALL, d.id)
    if (!ctx) continue
    const candidates = await listSlateCandidates(trx, ctx.slate_id)
    const chapterCandidate = await trx
      .selectFrom('candidates')
      .select('id')
      .where('slate_id', '=', ctx.slate_id)
      .where('chapter_id', '=', d.chapter_id)
      .where('status', '=', 'running')
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .executeTakeFirst()
    const candidate =
      candidates.find((c) => c.id === (ctx.candidate_id ?? chapterCandidate?.id)) ??
      candidates.find((c) => c.status === 'running') ??
      null
    const filing =
      d.filing_id === null
        ? undefined
        : await trx
            .selectFrom('filings')
            .select(['id', 'body', 'filed_on'])
            .where('id', '=', d.filing_id)
            .executeTakeFirst()
    const today = DateTime.now()
      .setZone(ctx.time_zone ?? 'UTC')
      .startOf('day')
    const meetingDate = d.vote_date ?? today.plus({ days: 21 }).toISODate()!
    const values = mergeValues({
      language: version.language,
      drive: ctx,
      candidate,
      slateCandidates: candidates,
      meetingBody: null,
      meetingDate,
    })
    const text = renderPlain(version.body, values)
    const adopted =
      linked === 0 && text.includes(DEMO_AMENDMENT.from) ? text.replace(DEMO_AMENDMENT.from, DEMO_AMENDMENT.to) : null
    if (filing) {
      await trx
        .updateTable('filings')
        .set({
          resolution_version_id: version.id,
          text_filed: text,
          candidate_id: candidate?.id ?? null,
          ...(adopted ? { adopted_text: adopted } : {}),
        })
        .where('id', '=', filing.id)
        .execute()
    } else {
      await trx
        .insertInto('filings')
        .values({
          drive_id: d.id,
          filed_on: today.minus({ days: 20 }).toISODate()!,
          body: 'General membership meeting',
          text_filed: text,
          resolution_version_id: version.id,
          candidate_id: candidate?.id ?? null,
          adopted_text: adopted,
          actor_id: d.owner_id,
        })
        .execute()
    }
    linked++
    if (adopted) amended++
  }
  return `${linked} demo filings linked to the library (${amended} with an amended adopted text)`
}

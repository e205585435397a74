// Demo history for the national review: a few drives on the current slate that
// started months ago and then went quiet (no move, filing, decision,
// conversation or assessment since), so the review's stalled-drive call list
// and its medians have something true to show. Runs inside the demo loader's
// transaction, after the other demo parts.
import { sql, type Transaction } from 'kysely'
import type { Database, StageKeyCol } from '../db/schema.ts'
import { STAGE_KEYS } from '../drives/stages.ts'

// stage reached, days since the drive started, days since its last activity
const QUIET: [StageKeyCol, number, number][] = [
  ['identify', 150, 120],
  ['democratize', 170, 75],
  ['build_team', 200, 48],
  ['identify', 90, 62],
  ['democratize', 130, 36],
  ['file_resolution', 210, 41],
]

export async function loadDemoReview(trx: Transaction<Database>): Promise<string> {
  const slate = await trx
    .selectFrom('slates')
    .select('id')
    .where('deleted_at', 'is', null)
    .orderBy('is_current', 'desc')
    .orderBy('id')
    .executeTakeFirst()
  if (!slate) return 'no slate, so no quiet drives'
  const locals = await trx
    .selectFrom('locals as l')
    .select(['l.id', 'l.chapter_id'])
    .where('l.deleted_at', 'is', null)
    .where('l.chapter_id', 'is not', null)
    .where('l.kind', '=', 'local')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('drives as d')
            .select('d.id')
            .whereRef('d.local_id', '=', 'l.id')
            .where('d.slate_id', '=', slate.id)
            .where('d.deleted_at', 'is', null),
        ),
      ),
    )
    .orderBy('l.chapter_id')
    .orderBy('l.id')
    .execute()
  // One local per chapter in turn, so the call list spans chapters.
  const byChapter = new Map<number, number[]>()
  for (const l of locals) byChapter.set(l.chapter_id!, [...(byChapter.get(l.chapter_id!) ?? []), l.id])
  const picks: { id: number; chapter: number }[] = []
  for (let i = 0; picks.length < QUIET.length && i < 50; i++) {
    for (const [chapter, ids] of byChapter)
      if (ids[i] !== undefined && picks.length < QUIET.length) picks.push({ id: ids[i]!, chapter })
  }
  const organizers = await trx
    .selectFrom('memberships')
    .select(['user_id', 'chapter_id'])
    .where('role', '=', 'organizer')
    .execute()
  let made = 0
  for (const [i, pick] of picks.entries()) {
    const [stage, started, quiet] = QUIET[i]!
    const owner = organizers.find((o) => o.chapter_id === pick.chapter)?.user_id ?? null
    const last = STAGE_KEYS.indexOf(stage)
    // Moves spread evenly from the start to the last activity.
    const dayOf = (k: number) => Math.round(started - ((started - quiet) * k) / Math.max(1, last))
    const drive = await trx
      .insertInto('drives')
      .values({
        slate_id: slate.id,
        local_id: pick.id,
        chapter_id: pick.chapter,
        asks: 'slate',
        stage,
        status: 'active',
        owner_id: owner,
        next_step: 'Call the section back together',
        stage_entered_at: sql`now() - make_interval(days => ${quiet})` as never,
        last_activity_at: sql`now() - make_interval(days => ${quiet})` as never,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (let k = 0; k <= last; k++) {
      await trx
        .insertInto('stage_changes')
        .values({
          drive_id: drive.id,
          from_stage: k === 0 ? null : STAGE_KEYS[k - 1]!,
          to_stage: STAGE_KEYS[k]!,
          from_status: k === 0 ? null : 'active',
          to_status: 'active',
          actor_id: owner,
          at: sql`now() - make_interval(days => ${last === 0 ? quiet : dayOf(k)})` as never,
        })
        .execute()
    }
    made++
  }
  return `${made} quiet drives for the review’s call list`
}

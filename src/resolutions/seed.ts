// Loads Tenfold's own model resolutions (MODEL_RESOLUTIONS) into the library as
// version 1 of each, matched by slug, so a fresh install and every test
// database have them. Idempotent: a slug already present is left alone.
import type { Db } from '../db/database.ts'
import { MODEL_RESOLUTIONS } from './model-texts.ts'

export async function ensureModelResolutions(db: Db): Promise<number> {
  const present = await db
    .selectFrom('resolutions')
    .select('slug')
    .where(
      'slug',
      'in',
      MODEL_RESOLUTIONS.map((m) => m.slug),
    )
    .execute()
  const have = new Set(present.map((r) => r.slug))
  const missing = MODEL_RESOLUTIONS.filter((m) => !have.has(m.slug))
  if (missing.length === 0) return 0
  await db.transaction().execute(async (trx) => {
    for (const m of missing) {
      const r = await trx
        .insertInto('resolutions')
        .values({ slug: m.slug, title: m.title, kind: m.kind, language: m.language, tags: m.tags })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('resolution_versions')
        .values({ resolution_id: r.id, number: 1, body: m.body, note: 'Tenfold model text' })
        .execute()
    }
  })
  return missing.length
}

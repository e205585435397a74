// The import's check step for locals a file names that are not in the chapter yet: each listed with how many
// rows would be imported with it, and what the organizer may do — claim a directory local that matches, add
// the local to the directory for this chapter, or import those rows without a local. Nothing is decided for
// them: a local with no decision stays an error row.
import type { AuditActor } from '../audit/audit.ts'
import { audit } from '../audit/audit.ts'
import type { Db } from '../db/database.ts'
import { claimLocals, insertLocal, matchClaimList } from '../unions/queries.ts'
import { fold } from './import-map.ts'
import type { ImportOptions, MissingLocal } from './import-run.ts'

const SHOWN = 25

/** "IBT" + "103" → "IBT Local 103"; "CWA" + "Local 1400" → "CWA Local 1400"; a full name stays as typed. */
export function newLocalName(m: { union: string; local: string }): { name: string; designation: string | null } {
  const local = m.local.trim()
  const union = m.union.trim()
  const num = /^(?:local\s*)?#?(\d{1,9})$/i.exec(local)?.[1]
  if (num) return { name: `${union ? `${union} ` : ''}Local ${num}`.trim(), designation: `Local ${num}` }
  const name = union && !fold(local).includes(fold(union)) ? `${union} ${local}` : local
  return { name: name.slice(0, 200), designation: null }
}

async function unionFor(db: Db, typed: string) {
  if (!typed.trim()) return undefined
  const unions = await db
    .selectFrom('national_unions')
    .select(['id', 'abbreviation', 'name', 'code', 'aliases'])
    .where('deleted_at', 'is', null)
    .execute()
  const want = fold(typed)
  return unions.find((u) => [u.abbreviation, u.name, u.code ?? '', ...u.aliases].some((n) => n && fold(n) === want))
}

/** The panel's view model: the missing locals (most rows first) and the directory's matches for each. */
export async function missingLocalsPanel(db: Db, chapterId: number, missing: MissingLocal[]) {
  const shown = missing.slice(0, SHOWN)
  const found = await matchClaimList(
    db,
    shown.map((m) => `${m.union} ${m.local}`.trim()),
    chapterId,
    3,
  )
  return {
    rows: shown.map((m, i) => ({
      i,
      key: m.key,
      label: `${m.union} ${/^\d+$/.test(m.local.trim()) ? `local ${m.local.trim()}` : m.local}`.trim(),
      rows: m.rows,
      create: newLocalName(m).name,
      claimable: (found.get(i) ?? [])
        .filter((c) => c.chapter_id === null)
        .slice(0, 3)
        .map((c) => ({
          id: c.id,
          name: c.name,
          detail: [c.union_abbreviation, [c.city, c.state].filter(Boolean).join(', ')].filter(Boolean).join(' · '),
        })),
    })),
    more: Math.max(0, missing.length - shown.length),
  }
}

/**
 * Applies the organizer's choices in one transaction: claims, new locals (each audited) and the rows to import
 * without a local (kept in the import's options). Returns the options to check the rows with again.
 */
export async function applyMissingChoices(
  db: Db,
  actor: AuditActor,
  imp: { id: number; chapter_id: number; options: unknown; totals: unknown },
  body: Record<string, unknown>,
) {
  const missing = ((imp.totals as { missingLocals?: MissingLocal[] } | null)?.missingLocals ?? []).slice(0, SHOWN)
  const options = { duplicates: 'skip', ...((imp.options ?? {}) as Partial<ImportOptions>) } as ImportOptions
  const without = new Set(options.withoutLocal ?? [])
  const claim: number[] = []
  const create: MissingLocal[] = []
  for (const [i, m] of missing.entries()) {
    const choice = String(body[`decide_${i}`] ?? '')
    if (String(body[`key_${i}`] ?? '') !== m.key) continue // the list changed since the page was drawn
    if (choice === 'without') without.add(m.key)
    else if (choice === 'create') create.push(m)
    else if (/^claim:\d{1,9}$/.test(choice)) claim.push(Number(choice.slice(6)))
  }
  const done = { claimed: 0, created: 0, without: 0 }
  await db.transaction().execute(async (trx) => {
    done.claimed = (await claimLocals(trx, actor, imp.chapter_id, claim)).length
    for (const m of create) {
      const union = await unionFor(db, m.union)
      const { name, designation } = newLocalName(m)
      const row = await insertLocal(trx, {
        name,
        designation,
        national_union_id: union?.id ?? null,
        chapter_id: imp.chapter_id,
      })
      await audit(trx, actor, {
        action: 'create',
        entity: 'local',
        entityId: row.id,
        chapterId: imp.chapter_id,
        after: { ...row, from_import: imp.id },
      })
      done.created++
    }
    done.without = without.size - (options.withoutLocal ?? []).length
  })
  return { options: { ...options, withoutLocal: [...without] }, done }
}

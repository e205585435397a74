// "They know…" while logging a conversation: the conversation form on a
// person's page may name someone this supporter knows (another supporter or
// a body member), how and how well. The people routes check it before their
// transaction (`checkKnows`, errors keyed by the form's field names) and add
// it inside that transaction (`insertKnows`), audited like any relationship.
import type { Transaction } from 'kysely'
import { type AuditActor, audit } from '../audit/audit.ts'
import type { Db } from '../db/database.ts'
import type { Database, RelationshipKindCol, RelationshipStrengthCol } from '../db/schema.ts'
import { parseForm } from '../shared/validation.ts'
import { type RelationshipEnd, insertRelationship, resolvePersonRef } from './queries.ts'
import { knowsFields } from './schema.ts'

type Person = { id: number; chapter_id: number }
export type Knows = { b: RelationshipEnd; kind: RelationshipKindCol; strength: RelationshipStrengthCol }
type Checked = { ok: true; link: Knows | null } | { ok: false; errors: Record<string, string> }

export async function checkKnows(db: Db, p: Person, body: unknown): Promise<Checked> {
  const form = parseForm(knowsFields, body)
  if (!form.ok) return { ok: false, errors: form.errors }
  if (!form.data.knows) return { ok: true, link: null }
  const b = await resolvePersonRef(db, p.chapter_id, form.data.knows)
  if (!b || ('supporterId' in b && b.supporterId === p.id))
    return { ok: false, errors: { knows: 'Choose someone else of this chapter, or leave it empty.' } }
  return {
    ok: true,
    link: { b, kind: form.data.knows_kind, strength: form.data.knows_strength },
  }
}

export async function insertKnows(
  trx: Transaction<Database>,
  actor: AuditActor,
  actorId: number,
  p: Person,
  link: Knows,
) {
  const row = await insertRelationship(trx, {
    chapter_id: p.chapter_id,
    a: { supporterId: p.id },
    b: link.b,
    kind: link.kind,
    strength: link.strength,
    note: 'Noted while logging a conversation',
    actor_id: actorId,
  })
  await audit(trx, actor, {
    action: 'create',
    entity: 'relationship',
    entityId: row.id,
    chapterId: p.chapter_id,
    after: row,
  })
  return row
}

// Who runs a slate: `chapter_id` names the chapter whose organizers manage it
// (edit it, its public page); NULL is an instance-wide slate that only admins
// manage. Slates that exist already: one an organizer of exactly one chapter
// created (says the audit log) belongs to that chapter; every other one stays
// instance-wide. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('slates')
    .addColumn('chapter_id', 'integer', (c) => c.references('chapters.id'))
    .execute()
  await sql`
    update slates s set chapter_id = owner.chapter_id
    from (
      select a.entity_id::integer as slate_id, min(m.chapter_id) as chapter_id
      from audit_log a
      join users u on u.id = a.actor_id and not u.is_admin
      join memberships m on m.user_id = u.id and m.role = 'organizer'
      where a.entity = 'slate' and a.action = 'create' and a.entity_id ~ '^[0-9]+$'
      group by a.entity_id
      having count(*) = 1
    ) owner
    where owner.slate_id = s.id
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('slates').dropColumn('chapter_id').execute()
}

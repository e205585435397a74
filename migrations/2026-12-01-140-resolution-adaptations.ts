// A model resolution adapted for one drive: the text its organizers filled in
// and edited (the local's designation typed in, a sentence reworded), kept
// beside the model's versions. It is what the resolution page prints, what
// share links and downloads carry and what a filing records. One live
// adaptation per drive and resolution; edits are version-checked; deleting it
// (back to the model) is soft. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('resolution_adaptations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('drive_id', 'integer', (c) => c.notNull().references('drives.id'))
    .addColumn('resolution_id', 'integer', (c) => c.notNull().references('resolutions.id'))
    .addColumn('based_on_version_id', 'integer', (c) => c.notNull().references('resolution_versions.id'))
    .addColumn('candidate_id', 'integer', (c) => c.references('candidates.id'))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 100000`))
    .addColumn('fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute()
  await sql`create unique index resolution_adaptations_live on resolution_adaptations (drive_id, resolution_id)
    where deleted_at is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('resolution_adaptations').execute()
}

// One-time form keys (src/plugins/form-key.ts): a creating form's key is
// claimed by the first POST that carries it; `location` keeps where that POST
// sent the person, so a second POST with the same key (a double click, Back
// and Save again) is sent there instead of creating a second copy. Rows are
// worth a day at most and are purged after that. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('form_keys')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('key', 'uuid', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('done', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('location', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('form_keys_pkey', ['user_id', 'key'])
    .execute()
  await db.schema.createIndex('form_keys_created_at').on('form_keys').column('created_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('form_keys').execute()
}

// Accent- and case-insensitive search, and national unions' OLMS codes and common names.
// tf_fold(text) is lower(unaccent(text)) declared immutable (unaccent itself is only stable, because
// its dictionary could change), so indexes can be built on it. The search indexes below replace the
// plain ones for the search conditions. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists unaccent`.execute(db)
  const schema = (await sql<{ s: string }>`
    select n.nspname as s from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'unaccent'
  `.execute(db)).rows[0]!.s
  const fn = `${schema}.unaccent`
  // Index builds run with a safe search_path (PostgreSQL 17), so the functions name their schema.
  const here = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s
  await sql
    .raw(`create or replace function tf_fold(text) returns text language sql immutable parallel safe strict
      as $$ select lower(${fn}('${fn}'::regdictionary, $1)) $$`)
    .execute(db)
  // The text a local is found by: its name, designation and place.
  await sql
    .raw(`create or replace function tf_local_text(name text, designation text, city text, state text)
      returns text language sql immutable parallel safe
      as $$ select ${here}.tf_fold(coalesce(name, '') || ' ' || coalesce(designation, '') || ' '
        || coalesce(city, '') || ' ' || coalesce(state, '')) $$`)
    .execute(db)
  await sql`create index locals_search_fold on locals using gin (tf_local_text(name, designation, city, state) gin_trgm_ops)
    where deleted_at is null`.execute(db)
  await sql`create index supporters_name_fold on supporters using gin (tf_fold(name) gin_trgm_ops)`.execute(db)
  await sql`create index locals_name_fold on locals using gin (tf_fold(name) gin_trgm_ops)`.execute(db)
  await sql`create index resolution_versions_search_fold on resolution_versions
    using gin (to_tsvector('simple', tf_fold(body)))`.execute(db)

  // code: the OLMS abbreviation (aff_abbr), kept apart from the abbreviation people write.
  // aliases: other names the union goes by ("Teamsters", "Service Employees").
  await sql`alter table national_unions add column code text, add column aliases text[] not null default '{}'`.execute(db)
  await sql`create unique index national_unions_code_key on national_unions (upper(code)) where code is not null`.execute(db)
  // The one OLMS code that an earlier import stored as if it were a name people use.
  await sql`update national_unions set code = 'UNITHE', abbreviation = 'UNITE HERE',
      name = case when name = abbreviation then 'UNITE HERE' else name end
    where upper(abbreviation) = 'UNITHE'
      and not exists (select 1 from national_unions u where upper(u.abbreviation) = 'UNITE HERE')`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists national_unions_code_key`.execute(db)
  await sql`alter table national_unions drop column if exists code, drop column if exists aliases`.execute(db)
  for (const i of ['locals_search_fold', 'supporters_name_fold', 'locals_name_fold', 'resolution_versions_search_fold'])
    await sql`drop index if exists ${sql.id(i)}`.execute(db)
  await sql`drop function if exists tf_local_text(text, text, text, text)`.execute(db)
  await sql`drop function if exists tf_fold(text)`.execute(db)
}

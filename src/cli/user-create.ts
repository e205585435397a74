// npm run user:create -- --email E --name N --role admin|national|organizer|volunteer [--chapter SLUG]
// The password is read from standard input; nothing secret is printed.
import { z } from 'zod'
import { hashPassword, PASSWORD_MIN } from '../auth/passwords.ts'
import { findUserByEmail, insertUser } from '../auth/queries.ts'
import { audit } from '../audit/audit.ts'
import { flags, withDatabase } from './run.ts'

const args = z.object({
  email: z.email('--email must be an email address'),
  name: z.string().min(1, '--name is required').max(200),
  role: z.enum(['admin', 'national', 'organizer', 'volunteer'], {
    error: '--role must be admin, national, organizer or volunteer',
  }),
  chapter: z.string().optional(),
})
const parsed = args.safeParse(flags(process.argv.slice(2)))
if (!parsed.success) {
  console.error(parsed.error.issues[0]?.message ?? 'bad arguments')
  console.error(
    'Usage: npm run user:create -- --email E --name N --role admin|national|organizer|volunteer [--chapter SLUG]' +
      '  (password on standard input)',
  )
  process.exit(2)
}
const a = parsed.data
if ((a.role === 'organizer' || a.role === 'volunteer') && !a.chapter) {
  console.error(`--chapter SLUG is required for the ${a.role} role`)
  process.exit(2)
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (input is visible; or pipe it in): ')
  const chunks: Buffer[] = []
  for await (const c of process.stdin) {
    chunks.push(c as Buffer)
    if (process.stdin.isTTY && String(c).includes('\n')) break
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? ''
}

const password = await readPassword()
if (password.length < PASSWORD_MIN) {
  console.error(`The password must have at least ${PASSWORD_MIN} characters.`)
  process.exit(2)
}
await withDatabase(async ({ db }) => {
  if (await findUserByEmail(db, a.email)) {
    console.error('A user with that email already exists.')
    return 1
  }
  let chapterId: number | null = null
  if (a.chapter) {
    const ch = await db
      .selectFrom('chapters')
      .select('id')
      .where('slug', '=', a.chapter)
      .where('deleted_at', 'is', null)
      .executeTakeFirst()
    if (!ch) {
      console.error(`No chapter with the short name “${a.chapter}”.`)
      return 1
    }
    chapterId = ch.id
  }
  const passwordHash = await hashPassword(password)
  const user = await db.transaction().execute(async (trx) => {
    const u = await insertUser(trx as never, { email: a.email, name: a.name, role: a.role, chapterId, passwordHash })
    await audit(
      trx,
      { actorId: null, requestId: 'cli' },
      {
        action: 'create',
        entity: 'user',
        entityId: u.id,
        after: { name: u.name, email: u.email, role: a.role, chapter_id: chapterId },
      },
    )
    return u
  })
  console.log(`Created ${a.role} #${user.id} (${a.name}). They can log in at /login.`)
})

// Landed migrations are frozen: migrations/frozen.sha256 lists each one's SHA-256,
// and this test fails when a listed file changed or disappeared. New migrations
// (not listed yet) are allowed; the header of the list says how to add one.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'

const dir = path.resolve(import.meta.dirname, '../../migrations')
const listFile = path.join(dir, 'frozen.sha256')

type Entry = { hash: string; name: string; line: number }

function parseList(text: string): { entries: Entry[]; bad: number[] } {
  const entries: Entry[] = []
  const bad: number[] = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const m = /^([0-9a-f]{64}) {2}(\S+\.ts)$/.exec(line)
    if (m) entries.push({ hash: m[1]!, name: m[2]!, line: i + 1 })
    else bad.push(i + 1)
  })
  return { entries, bad }
}

/** What is wrong with the landed migrations, one sentence each; empty when all are as they landed. */
function frozenViolations(listText: string, read: (name: string) => Buffer | undefined): string[] {
  const { entries, bad } = parseList(listText)
  const out = bad.map((n) => `line ${n} of frozen.sha256 is not "<sha256>  <file>.ts"`)
  const seen = new Set<string>()
  for (const e of entries) {
    if (seen.has(e.name)) out.push(`${e.name} is listed twice`)
    seen.add(e.name)
    const content = read(e.name)
    if (content === undefined) {
      out.push(`${e.name} landed but is gone: a landed migration is never deleted`)
      continue
    }
    const hash = createHash('sha256').update(content).digest('hex')
    if (hash !== e.hash) out.push(`${e.name} changed after it landed: write a new migration instead`)
  }
  return out
}

const readMigration = (name: string) => {
  const file = path.join(dir, name)
  return existsSync(file) ? readFileSync(file) : undefined
}

t.test('no landed migration was changed or deleted', async (t) => {
  t.same(frozenViolations(readFileSync(listFile, 'utf8'), readMigration), [])
})

t.test('the list names real migrations, starting from the first', async (t) => {
  const { entries } = parseList(readFileSync(listFile, 'utf8'))
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'))
  t.ok(entries.length > 0)
  t.ok(
    entries.some((e) => e.name === files.sort()[0]),
    'the first migration is listed',
  )
  for (const e of entries) t.ok(files.includes(e.name), `${e.name} is a file in migrations/`)
})

t.test('the check itself tells a changed, a deleted and a new migration apart', async (t) => {
  const a = Buffer.from('export async function up() {}\n')
  const hashA = createHash('sha256').update(a).digest('hex')
  const list = `# note\n${hashA}  a.ts\n${hashA}  b.ts\n`
  const files: Record<string, Buffer> = { 'a.ts': a, 'b.ts': Buffer.from('edited\n'), 'new.ts': Buffer.from('x') }
  t.same(
    frozenViolations(list, (n) => files[n]),
    ['b.ts changed after it landed: write a new migration instead'],
    'a changed file is reported; an unlisted new one is not',
  )
  t.same(
    frozenViolations(list, (n) => (n === 'a.ts' ? a : undefined)),
    ['b.ts landed but is gone: a landed migration is never deleted'],
  )
  t.same(
    frozenViolations('nonsense line\n', () => undefined),
    ['line 1 of frozen.sha256 is not "<sha256>  <file>.ts"'],
  )
})

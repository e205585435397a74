// Filings on the drive page: POST /drives/:id/filings records the date, the
// body and the text filed, and the earliest vote date (vote-dates.ts).
import type { FastifyInstance } from 'fastify'
import { audit } from '../audit/audit.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, idParam, parseForm } from '../shared/validation.ts'
import { filingWarning } from '../whip/panels.ts'
import { drivePage, freshCsrfForForms, ZONE } from './drive-page.ts'
import { formatDate } from './present.ts'
import { insertFiling, touchDrive } from './queries.ts'
import { filingForm } from './schema.ts'
import { earliestVoteDate, voteAfterElection } from './vote-dates.ts'

export default async function driveFilingRoutes(app: FastifyInstance) {
  const db = app.db
  const page = drivePage(db)
  freshCsrfForForms(app)

  app.post('/drives/:id/filings', { schema: { params: idParam } }, async function recordFiling(request, reply) {
    const d = await page.loadDrive(request, { edit: true })
    const values = formValues(request.body)
    const form = parseForm(filingForm, request.body)
    if (!form.ok)
      return page.renderDrive(request, reply, d, { forms: { filing: { values, errors: form.errors } }, status: 422 })
    const earliest = earliestVoteDate({
      filedOn: form.data.filed_on,
      noticeDays: d.notice_days ?? 0,
      timeZone: ZONE(d),
    })
    const election = d.candidate_election_date ?? d.slate_election_date
    await db.transaction().execute(async (trx) => {
      const row = await insertFiling(trx, {
        drive_id: d.id,
        ...form.data,
        candidate_id: d.candidate_id,
        earliest_vote_on: earliest,
        actor_id: request.user!.id,
      })
      await touchDrive(trx, d.id, d.vote_date === null ? { vote_date: earliest } : {})
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'filing',
        entityId: row.id,
        chapterId: d.chapter_id,
        after: { ...row, text_filed: `${row.text_filed.length} characters` },
      })
    })
    const short = filingWarning(d.whipFacts).replace(' — file anyway?', '.')
    if (voteAfterElection(earliest, election)) {
      setFlash(
        reply,
        'warn',
        `Filing recorded. The earliest vote, ${formatDate(earliest)}, falls after the election on ${formatDate(election)}.${short ? ` ${short}` : ''}`,
      )
    } else if (short) {
      setFlash(reply, 'warn', `Filing recorded. Earliest vote: ${formatDate(earliest)}. ${short}`)
    } else {
      setFlash(
        reply,
        'ok',
        `Filing recorded. Earliest vote: ${formatDate(earliest)}${d.notice_days === null ? ' (the local’s notice period is not known)' : ''}.`,
      )
    }
    return reply.redirect(`/drives/${d.id}#timeline`, 303)
  })
}

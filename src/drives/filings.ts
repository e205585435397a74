// Recording a filing, the one way: the drive page (POST /drives/:id/filings, filing-routes.ts) and the
// resolution page (POST /resolutions/:id/filings) both call recordFiling. In one transaction it checks
// the drive's version, writes the filing with its earliest vote date (one rule: filingVoteDate in
// vote-dates.ts), gives the drive that vote date when it has none yet, and audits both writes.
import type { Transaction } from 'kysely'
import { audit, type AuditActor } from '../audit/audit.ts'
import type { Database } from '../db/schema.ts'
import { notFound } from '../plugins/errors.ts'
import { isConflict } from '../shared/conflict.ts'
import { formatDate } from '../shared/format.ts'
import type { DriveConflict } from './present.ts'
import { insertFiling, lockDriveForFiling, updateDrive } from './queries.ts'
import { filingVoteDate, voteAfterElection, type FilingVoteDate } from './vote-dates.ts'

export type FilingInput = {
  driveId: number
  /** The drive's version the form was opened at; null when the form sent none (then the drive's own). */
  expectedVersion: number | null
  filedOn: string
  body: string
  textFiled: string
  resolutionVersionId: number | null
  candidateId: number | null
  actorId: number | null
}

export type RecordedFiling = {
  filing: Awaited<ReturnType<typeof insertFiling>>
  earliest: FilingVoteDate
  /** True when the drive had no vote date and now has the earliest one. */
  voteDateSet: boolean
  /** The election the vote must come before: the filed candidate's, else the slate's. */
  electionDate: string | null
}

/** Run inside `versionedTransaction`: a `VersionConflict` return rolls the filing back. */
export async function recordFiling(
  trx: Transaction<Database>,
  actor: AuditActor,
  input: FilingInput,
): Promise<RecordedFiling | DriveConflict> {
  const d = await lockDriveForFiling(trx, input.driveId, input.candidateId)
  if (!d) throw notFound('That drive')
  const earliest = filingVoteDate({ filedOn: input.filedOn, noticeDays: d.notice_days, timeZone: d.time_zone })
  const voteDateSet = d.vote_date === null
  const drive = await updateDrive(
    trx,
    d.id,
    input.expectedVersion ?? d.version,
    voteDateSet ? { vote_date: earliest.date } : {},
  )
  if (isConflict(drive)) return drive
  const filing = await insertFiling(trx, {
    drive_id: d.id,
    filed_on: input.filedOn,
    body: input.body,
    text_filed: input.textFiled,
    resolution_version_id: input.resolutionVersionId,
    candidate_id: input.candidateId,
    earliest_vote_on: earliest.date,
    actor_id: input.actorId,
  })
  await audit(trx, actor, {
    action: 'create',
    entity: 'filing',
    entityId: filing.id,
    chapterId: d.chapter_id,
    after: {
      drive_id: filing.drive_id,
      filed_on: filing.filed_on,
      body: filing.body,
      resolution_version_id: filing.resolution_version_id,
      candidate_id: filing.candidate_id,
      earliest_vote_on: filing.earliest_vote_on,
      notice_known: earliest.noticeKnown,
      text_filed: `${filing.text_filed.length} characters`,
    },
  })
  if (voteDateSet)
    await audit(trx, actor, {
      action: 'update',
      entity: 'drive',
      entityId: d.id,
      chapterId: d.chapter_id,
      before: { vote_date: null },
      after: { vote_date: earliest.date, reason: 'earliest vote after the filing' },
    })
  return { filing, earliest, voteDateSet, electionDate: d.election_date }
}

/** Said wherever a filing's earliest vote date is shown for a local whose notice period is not known. */
export const NOTICE_UNKNOWN =
  'The local’s notice period is not known, so the earliest vote date assumes no notice period.'

/** What a filing form says about the earliest vote date, for a drive and its local. */
export function filingNoticeView(d: { notice_days: number | null; local_id: number | null }) {
  return {
    known: d.notice_days !== null,
    text: NOTICE_UNKNOWN,
    rulesUrl: d.local_id === null ? '' : `/locals/${d.local_id}/edit`,
  }
}

/** The flash after a filing, the same from both pages; `extra` adds a sentence (the whip count's). */
export function filingMessage(r: RecordedFiling, extra = ''): { kind: 'ok' | 'warn'; text: string } {
  const date = formatDate(r.earliest.date)
  const parts = [
    voteAfterElection(r.earliest.date, r.electionDate)
      ? `Filing recorded. The earliest vote, ${date}, falls after the election on ${formatDate(r.electionDate)}.`
      : `Filing recorded. Earliest vote: ${date}${r.voteDateSet ? ', now the drive’s vote date' : ''}.`,
  ]
  if (!r.earliest.noticeKnown) parts.push(`${NOTICE_UNKNOWN} Set the local’s rules to correct it.`)
  if (extra) parts.push(extra)
  const warn = parts.length > 1 || voteAfterElection(r.earliest.date, r.electionDate)
  return { kind: warn ? 'warn' : 'ok', text: parts.join(' ') }
}

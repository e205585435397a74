// Recording a decision on a drive: the one code path shared by the decision
// form on the drive page and the meeting page. Inside the caller's
// transaction it inserts the decision (tied to the latest filing), moves the
// drive to `vote` or ends it (won/lost) under the version check, writes the
// stage change, the endorsements an adopted resolution makes, and the audit.
import type { Transaction } from 'kysely'
import { audit, diffRecords, type AuditActor } from '../audit/audit.ts'
import type { Database, DecisionOutcomeCol, VoteThreshold } from '../db/schema.ts'
import { outcomeEnds, outcomeKeepsVote, outcomeLabel, type DecisionOutcome } from './decisions.ts'
import { formatDate } from './present.ts'
import { isConflict } from '../shared/conflict.ts'
import { insertEndorsement, type EndorsementInput } from '../slate/queries.ts'
import { insertDecision, insertStageChange, latestFilingId, updateDrive, type DriveRow } from './queries.ts'

export type DecisionInput = {
  body: string
  held_on: string
  kind: 'meeting' | 'poll'
  quorum_met: boolean
  votes_for: number | null
  votes_against: number | null
  abstain: number | null
  threshold: VoteThreshold | null
  threshold_percent: number | null
  binding: boolean
  next_date: string | null
  note: string | null
}

type DriveFacts = Pick<
  DriveRow,
  'id' | 'stage' | 'status' | 'chapter_id' | 'vote_date' | 'slate_id' | 'local_id' | 'national_union_id' | 'asks'
> &
  Pick<DriveRow, 'candidate_id'>

/**
 * Records `outcome` (already computed by the caller's rule) for drive `d` at `version`. When someone saved the
 * drive first it returns the `VersionConflict`: run it in `versionedTransaction` so the decision rolls back too.
 */
export async function recordDecision(
  trx: Transaction<Database>,
  actor: AuditActor,
  d: DriveFacts,
  version: number,
  f: DecisionInput,
  outcome: DecisionOutcome,
) {
  const end = outcomeEnds(outcome)
  const filing = await latestFilingId(trx, d.id)
  const decision = await insertDecision(trx, {
    drive_id: d.id,
    filing_id: filing?.id ?? null,
    body: f.body,
    held_on: f.held_on,
    kind: f.kind,
    quorum_met: f.quorum_met,
    votes_for: f.votes_for,
    votes_against: f.votes_against,
    abstain: f.abstain,
    threshold: f.threshold,
    threshold_percent: f.threshold === 'custom' ? f.threshold_percent : null,
    binding: f.binding,
    outcome: outcome as DecisionOutcomeCol,
    next_date: outcomeKeepsVote(outcome) ? f.next_date : null,
    note: f.note,
    actor_id: actor.actorId,
  })
  const toStatus = end ?? (d.status === 'paused' ? 'paused' : 'active')
  const moved = d.stage !== 'vote' || toStatus !== d.status
  const row = await updateDrive(
    trx,
    d.id,
    version,
    {
      stage: 'vote',
      status: toStatus,
      ...(end
        ? { end_reason: `${outcomeLabel(outcome)} at ${f.body} on ${formatDate(f.held_on)}` }
        : { vote_date: f.next_date ?? d.vote_date }),
    },
    { newStage: moved },
  )
  if (isConflict(row)) return row
  if (moved)
    await insertStageChange(trx, {
      drive_id: d.id,
      from_stage: d.stage,
      to_stage: 'vote',
      from_status: d.status,
      to_status: toStatus,
      reason: `Decision recorded: ${outcomeLabel(outcome)}`,
      warnings: [],
      actor_id: actor.actorId,
    })
  await audit(trx, actor, {
    action: 'create',
    entity: 'decision',
    entityId: decision.id,
    chapterId: d.chapter_id,
    after: decision,
  })
  const diff = diffRecords(
    { stage: d.stage, status: d.status, vote_date: d.vote_date },
    { stage: row.stage, status: row.status, vote_date: row.vote_date },
  )
  await audit(trx, actor, { action: 'update', entity: 'drive', entityId: d.id, chapterId: d.chapter_id, ...diff })
  // A drive already won has its endorsements: a second adopted vote (a re-vote,
  // or the meeting page used after the drive page) records the decision, not a
  // second endorsement of the same body.
  if (outcome === 'adopted' && d.status !== 'won') {
    const base: Omit<EndorsementInput, 'candidate_id'> = {
      status: 'active',
      slate_id: d.slate_id,
      local_id: d.local_id,
      national_union_id: d.local_id === null ? d.national_union_id : null,
      chapter_id: d.chapter_id,
      decided_on: f.held_on,
      deciding_body: f.body,
      votes_for: f.votes_for,
      votes_against: f.votes_against,
      abstain: f.abstain,
      threshold_met: true,
      decision_id: decision.id,
      actor_id: actor.actorId,
    }
    const targets = d.asks === 'both' ? [d.candidate_id, null] : d.asks === 'candidate' ? [d.candidate_id] : [null]
    for (const candidateId of [...new Set(targets)]) {
      const e = await insertEndorsement(trx, { ...base, candidate_id: candidateId })
      await audit(trx, actor, {
        action: 'create',
        entity: 'endorsement',
        entityId: e.id,
        chapterId: d.chapter_id,
        after: e,
      })
    }
  }
  return { decision, end, drive: row }
}

/** The flash after a decision: what happened to the drive. */
export function decisionMessage(outcome: DecisionOutcome, nextDate: string | null): string {
  const end = outcomeEnds(outcome)
  return end === 'won'
    ? 'Adopted! The drive is won and the endorsement is recorded.'
    : end === 'lost'
      ? 'The resolution failed. The drive is marked lost; it can be reopened later.'
      : `${outcomeLabel(outcome)}: the drive stays at the vote${nextDate ? `, next date ${formatDate(nextDate)}` : ''}.`
}

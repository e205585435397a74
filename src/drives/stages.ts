// The pipeline's rules: stage keys, labels and descriptions, drive ends and
// statuses, the suggested exit check of each stage, and what a move between
// stages asks of the organizer. Every page, query and form reads stage rules
// from here and nowhere else. Pure: no database, no I/O.

export const STAGE_KEYS = ['identify', 'democratize', 'build_team', 'file_resolution', 'vote'] as const
export type StageKey = (typeof STAGE_KEYS)[number]

export const END_KEYS = ['won', 'lost', 'dropped'] as const
export type EndKey = (typeof END_KEYS)[number]

export const DRIVE_STATUS_KEYS = ['active', 'paused', 'won', 'lost', 'dropped'] as const
export type DriveStatus = (typeof DRIVE_STATUS_KEYS)[number]

export type Stage = { readonly key: StageKey; readonly label: string; readonly description: string }
export type End = { readonly key: EndKey; readonly label: string; readonly description: string }
export type DriveStatusInfo = { readonly key: DriveStatus; readonly label: string; readonly description: string }

function frozen<T extends object>(items: T[]): readonly Readonly<T>[] {
  return Object.freeze(items.map((i) => Object.freeze(i)))
}

export const STAGES: readonly Stage[] = frozen<Stage>([
  {
    key: 'identify',
    label: 'Identify supporters',
    description: 'Map the local, find members who back the slate, hold 1-on-1s.',
  },
  {
    key: 'democratize',
    label: 'Democratize the endorsement process',
    description:
      'Push for candidate forums, member surveys, a membership vote or a binding poll ' +
      'instead of a leadership-only decision.',
  },
  {
    key: 'build_team',
    label: 'Build teams',
    description: 'Recruit and train worker-leaders inside the local.',
  },
  {
    key: 'file_resolution',
    label: 'File the resolution',
    description:
      'Pick a model resolution, fill it in and file it with the endorsing body, respecting its notice period.',
  },
  {
    key: 'vote',
    label: 'Hold the vote',
    description: 'The meeting or poll that decides the endorsement; postponements happen.',
  },
])

export const ENDS: readonly End[] = frozen<End>([
  { key: 'won', label: 'Won', description: 'An endorsement at some level is recorded.' },
  { key: 'lost', label: 'Lost', description: 'The vote went against us; the drive may be reopened later.' },
  { key: 'dropped', label: 'Dropped', description: 'The chapter stopped the drive, with a recorded reason.' },
])

export const DRIVE_STATUSES: readonly DriveStatusInfo[] = frozen<DriveStatusInfo>([
  { key: 'active', label: 'Active', description: 'The drive is moving through the pipeline.' },
  { key: 'paused', label: 'Paused', description: 'The drive is on hold at its current stage.' },
  ...ENDS,
])

export function isStageKey(x: unknown): x is StageKey {
  return typeof x === 'string' && (STAGE_KEYS as readonly string[]).includes(x)
}

export function isEndKey(x: unknown): x is EndKey {
  return typeof x === 'string' && (END_KEYS as readonly string[]).includes(x)
}

export function isDriveStatus(x: unknown): x is DriveStatus {
  return typeof x === 'string' && (DRIVE_STATUS_KEYS as readonly string[]).includes(x)
}

// Callers may hand over a key read from the database; fail loudly rather than
// treat an unknown stage as "before the first one".
function stageAt(key: StageKey): { index: number; stage: Stage } {
  const index = STAGES.findIndex((s) => s.key === key)
  const stage = STAGES[index]
  if (stage === undefined) throw new RangeError(`Unknown stage: ${String(key)}`)
  return { index, stage }
}

export function stageIndex(key: StageKey): number {
  return stageAt(key).index
}

const STAGE_LABELS: ReadonlyMap<string, string> = new Map(STAGES.map((s) => [s.key, s.label]))

export function stageLabel(key: StageKey): string {
  // A map lookup: the matrix asks this for thousands of cells.
  return STAGE_LABELS.get(key) ?? stageAt(key).stage.label
}

export function endLabel(key: EndKey): string {
  const end = ENDS.find((e) => e.key === key)
  if (end === undefined) throw new RangeError(`Unknown end: ${String(key)}`)
  return end.label
}

export function driveStatusLabel(key: DriveStatus): string {
  const status = DRIVE_STATUSES.find((s) => s.key === key)
  if (status === undefined) throw new RangeError(`Unknown drive status: ${String(key)}`)
  return status.label
}

export function nextStage(key: StageKey): StageKey | null {
  return STAGES[stageIndex(key) + 1]?.key ?? null
}

export function previousStage(key: StageKey): StageKey | null {
  const i = stageIndex(key)
  return i === 0 ? null : (STAGES[i - 1]?.key ?? null)
}

export type MoveKind = 'forward' | 'backward' | 'same' | 'skip'

export function classifyMove(from: StageKey, to: StageKey): MoveKind {
  const step = stageIndex(to) - stageIndex(from)
  if (step === 0) return 'same'
  if (step < 0) return 'backward'
  return step === 1 ? 'forward' : 'skip'
}

// The stages jumped over by a move, in pipeline order (empty unless skipping).
export function skippedStages(from: StageKey, to: StageKey): StageKey[] {
  return STAGES.slice(stageIndex(from) + 1, Math.max(stageIndex(to), stageIndex(from) + 1)).map((s) => s.key)
}

// ---- Exit checks ----------------------------------------------------------

export type ExitFacts = {
  supportersLevel12: number | null
  potentialLeaders: number | null
  processAdopted: boolean
  processSkippedReason: string | null
  leadersTrained: number | null
  filingRecorded: boolean
  decisionRecorded: boolean
  // The whip count's likely case, when the drive lists its deciding body (src/whip).
  whip?: { wins: boolean; quorumMet: boolean; short: number; spare: number } | null
  // "Majority reached" on a structure test, when the drive asks for that check before filing.
  majorityTest?: { required: boolean; reached: boolean; best: string | null } | null
}

export type Thresholds = { minSupporters: number; minLeaders: number; minTrainedLeaders: number }

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  minSupporters: 5,
  minLeaders: 1,
  minTrainedLeaders: 3,
})

export type CheckState = 'met' | 'unmet' | 'unmeasured'
export type ExitCheck = { key: string; label: string; state: CheckState; detail: string }

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many
}

// "3 of 5 supporters at level 1–2" while short; "7 supporters at level 1–2 (5 needed)"
// once met, because "7 of 5" reads like a mistake.
function countCheck(
  key: string,
  label: string,
  count: number | null,
  min: number,
  noun: [one: string, many: string],
  suffix: string,
  unmeasured: string,
): ExitCheck {
  if (count === null) return { key, label, state: 'unmeasured', detail: unmeasured }
  const [one, many] = noun
  if (count >= min) {
    return { key, label, state: 'met', detail: `${count} ${plural(count, one, many)}${suffix} (${min} needed)` }
  }
  return { key, label, state: 'unmet', detail: `${count} of ${min} ${plural(min, one, many)}${suffix}` }
}

export function exitChecks(
  stage: StageKey,
  facts: ExitFacts,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): ExitCheck[] {
  switch (stage) {
    case 'identify':
      return [
        countCheck(
          'supporters',
          'Supporters at level 1–2',
          facts.supportersLevel12,
          thresholds.minSupporters,
          ['supporter', 'supporters'],
          ' at level 1–2',
          'No supporter levels recorded yet',
        ),
        countCheck(
          'potential_leaders',
          'Potential leaders',
          facts.potentialLeaders,
          thresholds.minLeaders,
          ['potential leader', 'potential leaders'],
          ' identified',
          'No potential leaders assessed yet',
        ),
      ]
    case 'democratize': {
      const label = 'Democratic endorsement process'
      if (facts.processAdopted) {
        return [
          { key: 'process', label, state: 'met', detail: 'A democratic process is adopted (or already in place)' },
        ]
      }
      const reason = facts.processSkippedReason?.trim() ?? ''
      if (reason !== '') {
        return [{ key: 'process', label, state: 'met', detail: `Skipped by the team: ${reason}` }]
      }
      return [
        {
          key: 'process',
          label,
          state: 'unmet',
          detail: 'No democratic process adopted yet, and no reason recorded for skipping it',
        },
      ]
    }
    case 'build_team':
      return [
        countCheck(
          'trained_leaders',
          'Trained leaders',
          facts.leadersTrained,
          thresholds.minTrainedLeaders,
          ['leader', 'leaders'],
          ' with training completed',
          'No team or trainings recorded yet',
        ),
      ]
    case 'file_resolution':
      return [
        ...majorityChecks(facts),
        facts.filingRecorded
          ? {
              key: 'filing',
              label: 'Resolution filed',
              state: 'met',
              detail: 'Filing recorded: date, body and text filed',
            }
          : {
              key: 'filing',
              label: 'Resolution filed',
              state: 'unmet',
              detail: 'No filing recorded yet: the date, the body and the exact text filed',
            },
      ]
    case 'vote':
      return [
        ...whipChecks(facts),
        facts.decisionRecorded
          ? { key: 'decision', label: 'Outcome recorded', state: 'met', detail: 'The outcome of the vote is recorded' }
          : { key: 'decision', label: 'Outcome recorded', state: 'unmet', detail: 'No outcome recorded yet' },
      ]
    default:
      throw new RangeError(`Unknown stage: ${String(stage satisfies never)}`)
  }
}

// Only drives that list a deciding body get the whip check, and only drives
// that ask for it get the majority check, so no other drive gains a warning.
function whipChecks(facts: ExitFacts): ExitCheck[] {
  const w = facts.whip
  if (!w) return []
  const label = 'The whip count wins'
  if (!w.quorumMet)
    return [{ key: 'whip', label, state: 'unmet', detail: `No quorum on the likely case: ${w.short} short` }]
  if (!w.wins) return [{ key: 'whip', label, state: 'unmet', detail: `The likely case is ${w.short} short` }]
  return [
    { key: 'whip', label, state: 'met', detail: `The likely case wins${w.spare ? ` with ${w.spare} to spare` : ''}` },
  ]
}

function majorityChecks(facts: ExitFacts): ExitCheck[] {
  const m = facts.majorityTest
  if (!m?.required) return []
  const label = 'Majority reached on a structure test'
  return m.reached
    ? [{ key: 'majority', label, state: 'met', detail: m.best ?? 'A structure test shows a majority' }]
    : [
        {
          key: 'majority',
          label,
          state: 'unmet',
          detail: m.best ? `Not yet: ${m.best}` : 'No structure test counted yet',
        },
      ]
}

export function exitCheckPasses(
  stage: StageKey,
  facts: ExitFacts,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): boolean {
  return exitChecks(stage, facts, thresholds).every((c) => c.state === 'met')
}

// ---- Moves ----------------------------------------------------------------

export type MoveRequirements = {
  kind: MoveKind
  warnings: string[]
  reasonRequired: boolean
  // Stages jumped over when kind is 'skip', in pipeline order; otherwise empty.
  skipped: StageKey[]
}

// Moves are never blocked: the organizer knows things the data does not. What
// we ask instead is a written reason whenever the move departs from the plan,
// so the stage history explains itself later.
export function moveRequirements(
  from: StageKey,
  to: StageKey,
  facts: ExitFacts,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): MoveRequirements {
  const kind = classifyMove(from, to)
  const skipped = kind === 'skip' ? skippedStages(from, to) : []
  const warnings: string[] = []
  if (kind === 'same') return { kind, warnings, reasonRequired: false, skipped }

  if (kind === 'backward') {
    warnings.push(`Moving back from “${stageLabel(from)}” to “${stageLabel(to)}”.`)
    return { kind, warnings, reasonRequired: true, skipped }
  }

  for (const c of exitChecks(from, facts, thresholds)) {
    if (c.state === 'unmet') warnings.push(`Exit check not met — ${c.label}: ${c.detail}.`)
    if (c.state === 'unmeasured') warnings.push(`Exit check not measurable yet — ${c.label}: ${c.detail}.`)
  }
  const exitFails = warnings.length > 0
  if (kind === 'skip') {
    warnings.push(`Skipping ${skipped.map((k) => `“${stageLabel(k)}”`).join(', ')}.`)
  }
  return { kind, warnings, reasonRequired: kind === 'skip' || exitFails, skipped }
}

// ---- A drive's facts, and planning a move ---------------------------------

/**
 * What the exit checks and a move read from a drive: its row (filing, decision,
 * process) and, when loaded, the supporter roll-up and the whip facts.
 */
export type DriveFactsSource = {
  process_adopted: boolean
  process_skipped_reason: string | null
  filing_recorded: boolean
  decision_recorded: boolean
  supporters?: { supportersLevel12: number; potentialLeaders: number; leadersTrained: number } | null
  whipFacts?: { whip: ExitFacts['whip']; majorityTest: ExitFacts['majorityTest'] } | null
}

export function factsOf(d: DriveFactsSource): ExitFacts {
  const s = d.supporters
  return {
    supportersLevel12: s?.supportersLevel12 ?? null,
    potentialLeaders: s?.potentialLeaders ?? null,
    processAdopted: d.process_adopted,
    processSkippedReason: d.process_skipped_reason,
    leadersTrained: s?.leadersTrained ?? null,
    filingRecorded: d.filing_recorded,
    decisionRecorded: d.decision_recorded,
    whip: d.whipFacts?.whip ?? null,
    majorityTest: d.whipFacts?.majorityTest ?? null,
  }
}

/** A drive's own thresholds (set on its local), the defaults where it has none. */
export function thresholdsOf(d: {
  min_supporters: number | null
  min_leaders: number | null
  min_trained_leaders: number | null
}): Thresholds {
  return {
    minSupporters: d.min_supporters ?? DEFAULT_THRESHOLDS.minSupporters,
    minLeaders: d.min_leaders ?? DEFAULT_THRESHOLDS.minLeaders,
    minTrainedLeaders: d.min_trained_leaders ?? DEFAULT_THRESHOLDS.minTrainedLeaders,
  }
}

/** What a move can go to: a stage, an end, or pause/resume (the move form's choices). */
export type MoveTarget = StageKey | DriveStatus

export type MovePlan = {
  warnings: string[]
  reasonRequired: boolean
  toStage: StageKey
  toStatus: DriveStatus
  newStage: boolean
}

export type MoveDrive = DriveFactsSource &
  Parameters<typeof thresholdsOf>[0] & {
    stage: string
    status: string
  }

/** What a move does and asks for; `null` when the drive is already there. Never a hard block. */
export function planMove(d: MoveDrive, to: MoveTarget): MovePlan | null {
  const stage = d.stage as StageKey
  const status = d.status as DriveStatus
  const ended = isEndKey(status)
  const reopen = ended ? [`Reopening a drive that ended as “${endLabel(status)}”.`] : []
  if (isStageKey(to)) {
    if (!ended && to === stage) return null
    if (ended) return { warnings: reopen, reasonRequired: true, toStage: to, toStatus: 'active', newStage: true }
    const req = moveRequirements(stage, to, factsOf(d), thresholdsOf(d))
    return { warnings: req.warnings, reasonRequired: req.reasonRequired, toStage: to, toStatus: status, newStage: true }
  }
  if (to === 'paused')
    return status === 'active'
      ? { warnings: [], reasonRequired: false, toStage: stage, toStatus: 'paused', newStage: false }
      : null
  if (to === 'active')
    return status === 'active'
      ? null
      : { warnings: reopen, reasonRequired: ended, toStage: stage, toStatus: 'active', newStage: ended }
  if (to === status) return null
  if (to === 'dropped')
    return {
      warnings: ['A dropped drive needs a reason, so the chapter remembers why.'],
      reasonRequired: true,
      toStage: stage,
      toStatus: 'dropped',
      newStage: true,
    }
  const warnings = [...reopen]
  if (!d.decision_recorded) {
    const counted = to === 'won' ? ' so the endorsement is counted' : ''
    warnings.push(`No decision is recorded. Record the vote with the decision form${counted}, or give a reason.`)
  }
  return { warnings, reasonRequired: warnings.length > 0, toStage: stage, toStatus: to, newStage: true }
}

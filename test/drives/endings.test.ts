import t from 'tap'
import { decisionPlan, decisionProblems, endPlan, type DecisionDraft } from '../../src/drives/endings.ts'
import type { DecisionOutcome } from '../../src/drives/decisions.ts'

const TODAY = '2026-12-01'
const draft = (o: Partial<DecisionDraft> = {}): DecisionDraft => ({
  held_on: '2026-11-20',
  choice: 'counted',
  quorum_met: true,
  votes_for: 12,
  votes_against: 4,
  abstain: 0,
  next_date: null,
  ...o,
})

t.test('The decision rule refuses what cannot be right, with a message on the field.', async (t) => {
  const cases: {
    name: string
    f: DecisionDraft
    outcome: DecisionOutcome
    filedOn?: string | null
    want: Record<string, RegExp>
  }[] = [
    { name: 'a plain counted vote passes', f: draft(), outcome: 'adopted', want: {} },
    {
      name: 'a 0–0 counted vote is not a result',
      f: draft({ votes_for: 0, votes_against: 0 }),
      outcome: 'failed',
      want: { votes_for: /0 for and 0 against is not a result/ },
    },
    {
      name: 'a 0–0 count with abstentions only is not a result either',
      f: draft({ votes_for: 0, votes_against: 0, abstain: 9 }),
      outcome: 'failed',
      want: { votes_for: /at least one vote for or against/ },
    },
    {
      name: 'no quorum needs no tally',
      f: draft({ votes_for: 0, votes_against: 0, quorum_met: false }),
      outcome: 'no_quorum',
      want: {},
    },
    {
      name: 'a procedural outcome with 0–0 typed is not a counted vote',
      f: draft({ choice: 'tabled', votes_for: 0, votes_against: 0 }),
      outcome: 'tabled',
      want: {},
    },
    {
      name: 'a date in 1926 is refused',
      f: draft({ held_on: '1926-11-20' }),
      outcome: 'adopted',
      want: { held_on: /20 Nov 1926 is before 2000: check the year/ },
    },
    {
      name: 'a decision before the filing is refused',
      f: draft({ held_on: '2026-10-01' }),
      outcome: 'failed',
      filedOn: '2026-10-05',
      want: { held_on: /filed on Mon 5 Oct 2026: the decision cannot come before it/ },
    },
    {
      name: 'a decision on the filing day passes',
      f: draft({ held_on: '2026-10-05' }),
      outcome: 'failed',
      filedOn: '2026-10-05',
      want: {},
    },
    {
      name: 'a vote still ahead cannot be recorded as won',
      f: draft({ held_on: '2026-12-10' }),
      outcome: 'adopted',
      want: { held_on: /still ahead: a vote can be recorded as won only once it is held/ },
    },
    {
      name: 'nor as lost',
      f: draft({ held_on: '2026-12-02' }),
      outcome: 'failed',
      want: { held_on: /recorded as lost only once/ },
    },
    {
      name: 'a postponement still ahead is refused too',
      f: draft({ choice: 'postponed', held_on: '2027-01-05', next_date: '2027-02-01' }),
      outcome: 'postponed',
      want: { held_on: /once the meeting is held/ },
    },
    {
      name: 'today is not ahead',
      f: draft({ held_on: TODAY }),
      outcome: 'adopted',
      want: {},
    },
    {
      name: 'a scheduled next vote may be months ahead',
      f: draft({ choice: 'postponed', next_date: '2027-06-01' }),
      outcome: 'postponed',
      want: {},
    },
    {
      name: 'but not years ahead',
      f: draft({ choice: 'postponed', next_date: '2029-06-01' }),
      outcome: 'postponed',
      want: { next_date: /at most a year from today/ },
    },
    {
      name: 'and not before the meeting',
      f: draft({ choice: 'tabled', next_date: '2026-11-01' }),
      outcome: 'tabled',
      want: { next_date: /must come after the meeting/ },
    },
  ]
  for (const c of cases) {
    const errors = decisionProblems(c.f, c.outcome, { today: TODAY, filedOn: c.filedOn ?? null })
    t.same(Object.keys(errors).sort(), Object.keys(c.want).sort(), `${c.name}: the fields`)
    for (const [k, re] of Object.entries(c.want)) t.match(errors[k], re, `${c.name}: ${k}`)
  }
})

t.test('A decision plan says what will happen and when to ask first.', async (t) => {
  const place = (o: Partial<Parameters<typeof decisionPlan>[0]> = {}) => ({
    stage: 'vote' as const,
    status: 'active',
    filingRecorded: true,
    asks: 'both' as const,
    candidateName: 'Rosa Candidate',
    ...o,
  })
  const f = { ...draft(), body: 'General membership meeting', threshold: 'majority_cast' as const }

  const postponed = decisionPlan(place(), { ...f, choice: 'postponed', next_date: '2026-12-15' }, 'postponed')
  t.equal(postponed.confirm, false, 'a postponement at the vote is recorded at once')
  t.match(postponed.effects.at(-1), 'stays at the vote, with the next date Tue 15 Dec 2026')

  const won = decisionPlan(place(), f, 'adopted')
  t.equal(won.confirm, true, 'a win ends the drive: confirmed first')
  t.equal(won.endsAs, 'won')
  t.match(won.effects[0], 'General membership meeting, Fri 20 Nov 2026 — Adopted (12 for, 4 against, 0 abstaining')
  t.match(won.effects.join(' '), 'endorsement of Rosa Candidate and the whole slate is recorded')
  t.equal(won.button, 'Record it: the drive is won')

  const early = decisionPlan(place({ stage: 'democratize', filingRecorded: false }), f, 'failed')
  t.equal(early.confirm, true)
  t.match(early.effects[1], 'moves from “Democratize the endorsement process” to “Hold the vote”')
  t.match(early.effects[1], 'past “Build teams”, “File the resolution”')
  t.match(early.effects[2], 'ends as Lost')
  t.same(early.warnings, [
    'This drive is at “Democratize the endorsement process”, not at “Hold the vote”.',
    'No filing is recorded for this drive.',
  ])

  const tabledEarly = decisionPlan(place({ stage: 'file_resolution' }), { ...f, choice: 'tabled' }, 'tabled')
  t.equal(tabledEarly.confirm, true, 'even a procedural outcome asks first when the drive is not at the vote')
  t.equal(tabledEarly.endsAs, null)

  const reopen = decisionPlan(place({ status: 'lost' }), { ...f, choice: 'postponed' }, 'postponed')
  t.equal(reopen.confirm, true, 'a decision on an ended drive reopens it: asked first')
  t.match(reopen.effects.join(' '), 'had ended as Lost, is open again at the vote')
})

t.test('Ending a drive by a move says what will happen.', async (t) => {
  const won = endPlan({ stage: 'vote', status: 'active', decisionRecorded: false }, 'won')
  t.equal(won.confirm, true)
  t.equal(won.button, 'End the drive as Won')
  t.match(won.effects.join(' '), 'No endorsement is recorded by a move')
  const dropped = endPlan({ stage: 'identify', status: 'active', decisionRecorded: false }, 'dropped')
  t.match(dropped.effects[0], 'ends as Dropped, at “Identify supporters”')
  t.match(dropped.effects.join(' '), 'Your reason goes into the drive’s history')
})

// GET /: the dashboard for the user's chapters — overdue next steps, votes in
// the next 30 days, drives per stage and recent moves, with dates in each
// chapter's time zone. Five queries whatever the data size (six while the
// person's chapters have no drive: the first steps).
import type { FastifyInstance } from 'fastify'
import { can, readScope, type CurrentUser } from '../auth/access.ts'
import { BOARD_COLUMNS, boardCounts, listOverdue, listRecentMoves, listUpcomingVotes } from '../drives/queries.ts'
import {
  daysInStage,
  daysUntil,
  formatDate,
  formatMoment,
  placeLabel,
  plural,
  relativeDayLabel,
} from '../drives/present.ts'
import { endLabel, isStageKey, stageLabel } from '../drives/stages.ts'
import { listFollowUpsDue } from '../calendar/queries.ts'
import { type SetupFacts, setupFacts } from './queries.ts'

/**
 * "First steps" for an admin or organizer whose chapters have no drive yet:
 * each step links to where it is done, and says when it is done already.
 */
function firstSteps(user: CurrentUser, facts: SetupFacts) {
  const steps = [
    user.isAdmin && {
      label: 'Add your chapter',
      href: '/admin/chapters',
      done: facts.chapters > 0,
      doneNote: `${plural(facts.chapters, 'chapter')} so far`,
    },
    user.isAdmin && {
      label: 'Import the union directory (the OLMS file, or npm run import:olms)',
      href: '/admin/import',
      done: facts.locals > 0,
      doneNote: `${plural(facts.locals, 'local')} in the directory`,
    },
    {
      label: 'Claim the locals your chapter organizes in',
      href: '/locals/claim',
      done: facts.claimed > 0,
      doneNote: `${plural(facts.claimed, 'local')} claimed`,
    },
    {
      label: 'Set up the current slate and its candidates',
      href: '/slates',
      done: facts.currentSlate,
      doneNote: 'a current slate is set',
    },
    { label: 'Start a drive at one of your locals', href: '/mapping', done: false, doneNote: '' },
  ]
  return steps.filter((s) => s !== false)
}

export default async function dashboardRoutes(app: FastifyInstance) {
  app.get('/', async function showDashboard(request, reply) {
    const user = request.user!
    const scope = readScope(user)
    const mine = user.chapters.map((c) => c.id)
    const chapterIds = mine.length ? mine : scope.chapterIds
    const [overdue, votes, counts, moves, followUps] = await Promise.all([
      listOverdue(app.db, chapterIds),
      listUpcomingVotes(app.db, chapterIds, 30),
      boardCounts(app.db, scope, { chapterIds }),
      listRecentMoves(app.db, chapterIds),
      // Names of supporters: only for the chapters the person belongs to (national reviewers have none).
      listFollowUpsDue(app.db, mine, 0),
    ])
    const noDrives = BOARD_COLUMNS.every((k) => counts[k] === 0)
    const setup = noDrives && can.editDirectory(user) ? await setupFacts(app.db, mine.length ? mine : null) : null
    const head = (d: (typeof overdue)[number]) => ({
      id: d.id,
      local: d.local_name ?? 'Drive',
      union: d.union_abbreviation ?? '',
      place: placeLabel(d.stage, d.status),
      inStage: plural(daysInStage(d.stage_entered_at as unknown as Date, d.time_zone), 'day') + ' in stage',
    })
    return reply.page('dashboard/index', {
      title: 'Dashboard',
      firstSteps: setup ? firstSteps(user, setup) : null,
      scopeLabel: mine.length
        ? user.chapters.map((c) => c.name).join(' · ')
        : scope.chapterIds === null
          ? 'All chapters'
          : 'You are not in a chapter yet. Ask an admin to add you to one.',
      overdue: overdue.map((d) => {
        const days = daysUntil(d.next_step_due!, d.time_zone)
        return {
          ...head(d),
          nextStep: d.next_step ?? '',
          due: formatDate(d.next_step_due),
          late: `${plural(-days, 'day')} late`,
        }
      }),
      votes: votes.map((d) => ({
        ...head(d),
        date: formatDate(d.vote_date),
        when: relativeDayLabel(daysUntil(d.vote_date!, d.time_zone)),
      })),
      stages: BOARD_COLUMNS.map((k) => ({
        key: k,
        label: isStageKey(k) ? stageLabel(k) : endLabel(k),
        count: counts[k],
      })),
      followUps: followUps.map((f) => {
        const days = daysUntil(f.due, f.tz)
        return {
          id: f.supporter_id,
          name: f.name,
          local: f.local ?? '',
          by: f.by ?? '',
          due: formatDate(f.due),
          late: days < 0 ? `${plural(-days, 'day')} late` : 'due today',
          overdue: days < 0,
        }
      }),
      moves: moves.map((m) => ({
        driveId: m.drive_id,
        local: m.local_name ?? 'Drive',
        actor: m.actor ?? 'Tenfold',
        at: formatMoment(m.at as unknown as Date, m.time_zone),
        from: m.from_stage ? placeLabel(m.from_stage, m.from_status ?? 'active') : 'start',
        to: placeLabel(m.to_stage, m.to_status),
      })),
    })
  })
}

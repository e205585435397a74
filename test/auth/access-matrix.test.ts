// The authorization matrix: every registered route × every kind of user. A
// route missing from the table fails the test, so no new route escapes it.
// Two more points of view hold a session whose two-factor step is unfinished:
// "password done, 2FA enrolment pending" (an admin while require_2fa
// is on) and "password done, TOTP pending". Unless a row says otherwise, every
// non-public route sends them back to that step; public routes answer them as
// they answer everyone.
import t, { type Test } from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, user, world } from '../factories.ts'
import { newSecret } from '../../src/auth/totp.ts'

type Role = 'anonymous' | 'volunteerA' | 'organizerA' | 'organizerB' | 'national' | 'admin'
type PendingRole = 'enrolPending' | 'totpPending'
type Outcome = 'ok' | 'login' | 'enrol' | 'totp' | 403 | 404
type W = Awaited<ReturnType<typeof world>> & {
  slate: { id: number }
  candidateA: { id: number }
  endorsementA: { id: number }
  driveA: { id: number }
  supporterA: { id: number }
  supporterDel: { id: number }
  importA: { id: number }
  circleA: { id: number }
  memberA: { id: number }
  testA: { id: number }
}
type Entry = {
  params?: (w: W) => Record<string, string | number>
  query?: string
  relogin?: boolean
  expect: Partial<Record<Role | PendingRole, Outcome>> & { default: Outcome }
}

const ROLES: Role[] = ['anonymous', 'volunteerA', 'organizerA', 'organizerB', 'national', 'admin']
const everyone: Entry['expect'] = { anonymous: 'login', default: 'ok' }
const adminOnly: Entry['expect'] = { anonymous: 'login', admin: 'ok', default: 403 }
const editorsOfA: Entry['expect'] = { anonymous: 'login', organizerA: 'ok', admin: 'ok', default: 403 }
const publicRoute: Entry['expect'] = { default: 'ok' }
const organizersAnywhere: Entry['expect'] = {
  anonymous: 'login',
  organizerA: 'ok',
  organizerB: 'ok',
  admin: 'ok',
  default: 403,
}

export const MATRIX: Record<string, Entry> = {
  'GET /healthz': { expect: publicRoute },
  'GET /favicon.ico': { expect: publicRoute },
  'GET /login': { expect: publicRoute },
  'POST /login': { expect: publicRoute },
  // Without a pending two-factor login these send everyone back to /login.
  'GET /login/2fa': { expect: { totpPending: 'ok', default: 'login' } },
  'POST /login/2fa': { expect: { totpPending: 'ok', default: 'login' } },
  'POST /logout': { relogin: true, expect: { default: 'login' } },
  'GET /welcome/:token': { params: () => ({ token: 'x'.repeat(30) }), expect: { default: 404 } },
  'POST /welcome/:token': { params: () => ({ token: 'x'.repeat(30) }), expect: { default: 404 } },
  'GET /account/2fa': { expect: { ...everyone, enrolPending: 'ok' } },
  'POST /account/2fa': { expect: { ...everyone, enrolPending: 'ok' } },
  'GET /': { expect: everyone },
  'GET /locals': { expect: everyone },
  'GET /locals/new': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'POST /locals': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'GET /locals/:id': { params: (w) => ({ id: w.localA.id }), expect: everyone },
  'GET /locals/:id/edit': { params: (w) => ({ id: w.localA.id }), expect: editorsOfA },
  'POST /locals/:id': { params: (w) => ({ id: w.localA.id }), expect: editorsOfA },
  'POST /locals/:id/delete': { params: (w) => ({ id: w.localA.id }), expect: editorsOfA },
  'POST /locals/:id/restore': { params: (w) => ({ id: w.localA.id }), expect: editorsOfA },
  'GET /locals/claim': { query: 'list=Alpha', expect: organizersAnywhere },
  'POST /locals/claim': { expect: organizersAnywhere },
  'GET /locals/claimed': { query: 'ids=1,2', expect: everyone },
  'GET /locals/:id/quick': { params: (w) => ({ id: w.localA.id }), expect: editorsOfA },
  'POST /locals/:id/quick': { params: (w) => ({ id: w.localA.id }), expect: editorsOfA },
  'GET /audit': { expect: adminOnly },
  // Trash: organizers of some chapter and admins; purge admins only. A record not in the trash (or not in scope) is a 404.
  'GET /trash': { expect: { anonymous: 'login', organizerA: 'ok', organizerB: 'ok', admin: 'ok', default: 403 } },
  'POST /trash/:entity/:id/restore': {
    params: () => ({ entity: 'local', id: 999999 }),
    expect: { anonymous: 'login', organizerA: 404, organizerB: 404, admin: 404, default: 403 },
  },
  'POST /trash/:entity/:id/purge': {
    params: () => ({ entity: 'local', id: 999999 }),
    expect: { anonymous: 'login', admin: 404, default: 403 },
  },
  // Log a conversation from a drive or local page; the matrix posts no supporter_id, so a 404 for whoever may log.
  'POST /conversations': { expect: { anonymous: 'login', national: 403, default: 404 } },
  'POST /circles/:id/contact': {
    params: (w) => ({ id: w.circleA.id }),
    expect: {
      anonymous: 'login',
      organizerB: 404,
      volunteerA: 403,
      national: 403,
      organizerA: 'ok',
      admin: 'ok',
      default: 403,
    },
  },
  // Supporters (chapter A): national reviewers never see people; volunteers log but do not edit.
  'GET /people': { expect: { anonymous: 'login', national: 403, default: 'ok' } },
  'POST /people/bulk': { expect: { anonymous: 'login', national: 403, default: 'ok' } },
  'GET /people/new': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'POST /people': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'GET /people/:id': {
    params: (w) => ({ id: w.supporterA.id }),
    expect: { anonymous: 'login', organizerB: 404, national: 403, default: 'ok' },
  },
  // Who they know, from the person page (an empty form is a 422: 'ok' here).
  'POST /people/:id/relationships': {
    params: (w) => ({ id: w.supporterA.id }),
    expect: { anonymous: 'login', organizerB: 404, national: 403, default: 'ok' },
  },
  // No such relationship: a 404 for those who may remove one.
  'POST /people/:id/relationships/:relationshipId/delete': {
    params: (w) => ({ id: w.supporterA.id, relationshipId: 999999 }),
    expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 404 },
  },
  'GET /people/:id/edit': {
    params: (w) => ({ id: w.supporterA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /people/:id': {
    params: (w) => ({ id: w.supporterA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /people/:id/delete': {
    params: (w) => ({ id: w.supporterDel.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /people/:id/restore': {
    params: (w) => ({ id: w.supporterDel.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /people/:id/level': {
    params: (w) => ({ id: w.supporterA.id }),
    expect: { anonymous: 'login', organizerB: 404, national: 403, default: 'ok' },
  },
  'POST /people/:id/conversations': {
    params: (w) => ({ id: w.supporterA.id }),
    expect: { anonymous: 'login', organizerB: 404, national: 403, default: 'ok' },
  },
  'POST /people/:id/merge': {
    params: (w) => ({ id: w.supporterA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /drives/:id/team': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', volunteerA: 403, default: 404 },
  },
  'GET /people/import': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'POST /people/import': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'GET /people/import/:id': {
    params: (w) => ({ id: w.importA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /people/import/:id/mapping': {
    params: (w) => ({ id: w.importA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /people/import/:id/missing': {
    params: (w) => ({ id: w.importA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'GET /people/import/:id/report.csv': {
    params: (w) => ({ id: w.importA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /people/import/:id/commit': {
    params: (w) => ({ id: w.importA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'GET /people/import/:id/progress': {
    params: (w) => ({ id: w.importA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  // Mapping, public endorsement lists, saved views (issue 11).
  'POST /locals/:id/mapping': { params: (w) => ({ id: w.localA.id }), expect: editorsOfA },
  'POST /locals/:id/positions': { params: (w) => ({ id: w.localA.id }), expect: editorsOfA },
  'POST /locals/:id/positions/:pid/delete': {
    params: (w) => ({ id: w.localA.id, pid: 999999 }),
    expect: { anonymous: 'login', organizerA: 404, admin: 404, default: 403 },
  },
  'GET /mapping': { expect: everyone },
  'GET /public/slates/:slug': { params: () => ({ slug: 'no-such-list' }), expect: { default: 404 } },
  'GET /public/slates/:slug/candidates/:id': {
    params: () => ({ slug: 'no-such-list', id: 1 }),
    expect: { default: 404 },
  },
  'GET /public/slates/:slug/embed': { params: () => ({ slug: 'no-such-list' }), expect: { default: 404 } },
  'GET /slates/:id/public': {
    params: (w) => ({ id: w.slate.id }),
    expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' },
  },
  // The test slate is run by no chapter: only admins change its public page or edit it.
  'POST /slates/:id/public': { params: (w) => ({ id: w.slate.id }), expect: adminOnly },
  'GET /slates/:id/edit': { params: (w) => ({ id: w.slate.id }), expect: adminOnly },
  'POST /slates/:id/edit': { params: (w) => ({ id: w.slate.id }), expect: adminOnly },
  'POST /endorsements/:id/public': { params: (w) => ({ id: w.endorsementA.id }), expect: editorsOfA },
  'GET /saved-views': { expect: everyone },
  'POST /saved-views': { expect: everyone },
  'GET /saved-views/:id': { params: () => ({ id: 999999 }), expect: { anonymous: 'login', default: 404 } },
  'POST /saved-views/:id/delete': { params: () => ({ id: 999999 }), expect: { anonymous: 'login', default: 404 } },
  'GET /circles': { expect: everyone },
  'GET /circles/new': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'POST /circles': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'GET /circles/:id': {
    params: (w) => ({ id: w.circleA.id }),
    expect: { anonymous: 'login', organizerB: 404, default: 'ok' },
  },
  'POST /circles/:id/members': {
    params: (w) => ({ id: w.circleA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /circles/:id/members/:sid/delete': {
    params: (w) => ({ id: w.circleA.id, sid: 999999 }),
    expect: { anonymous: 'login', organizerA: 404, admin: 404, organizerB: 404, default: 403 },
  },
  // The national review: national, admin and organizers (their own chapters); volunteers refused.
  'GET /review': { expect: { anonymous: 'login', volunteerA: 403, default: 'ok' } },
  'GET /review/drives': { expect: { anonymous: 'login', volunteerA: 403, default: 'ok' } },
  'GET /review/unions': { expect: { anonymous: 'login', volunteerA: 403, default: 'ok' } },
  'GET /review/unions/:code': {
    params: () => ({ code: 'cwa' }),
    expect: { anonymous: 'login', volunteerA: 403, default: 'ok' },
  },
  'GET /review/stalled': { expect: { anonymous: 'login', volunteerA: 403, default: 'ok' } },
  'GET /slates/current': { expect: everyone },
  'GET /slates': { expect: everyone },
  'GET /slates/new': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'POST /slates': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'GET /slates/:id': { params: (w) => ({ id: w.slate.id }), expect: everyone },
  'GET /slates/:id/candidates/new': {
    params: (w) => ({ id: w.slate.id }),
    expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' },
  },
  'POST /slates/:id/candidates': {
    params: (w) => ({ id: w.slate.id }),
    expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' },
  },
  'GET /slates/:id/candidates/:cid/edit': {
    params: (w) => ({ id: w.slate.id, cid: w.candidateA.id }),
    expect: editorsOfA,
  },
  'POST /slates/:id/candidates/:cid': { params: (w) => ({ id: w.slate.id, cid: w.candidateA.id }), expect: editorsOfA },
  'POST /slates/:id/candidates/:cid/withdraw': {
    params: (w) => ({ id: w.slate.id, cid: w.candidateA.id }),
    expect: editorsOfA,
  },
  'GET /slates/:id/endorsements/new': {
    params: (w) => ({ id: w.slate.id }),
    expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' },
  },
  'POST /slates/:id/endorsements': {
    params: (w) => ({ id: w.slate.id }),
    expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' },
  },
  'GET /slates/:id/endorsements/:eid/replace': {
    params: (w) => ({ id: w.slate.id, eid: w.endorsementA.id }),
    expect: editorsOfA,
  },
  'POST /slates/:id/endorsements/:eid/replace': {
    params: (w) => ({ id: w.slate.id, eid: w.endorsementA.id }),
    expect: editorsOfA,
  },
  'GET /slates/:id/matrix': { params: (w) => ({ id: w.slate.id }), expect: everyone },
  'GET /slates/:id/matrix/cell': {
    params: (w) => ({ id: w.slate.id }),
    query: 'body=l1&candidate=slate',
    expect: everyone,
  },
  'GET /resolutions': { expect: everyone },
  'GET /resolutions/new': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'POST /resolutions': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'GET /resolutions/:id': { expect: everyone },
  'GET /resolutions/:id/edit': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'POST /resolutions/:id/versions': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'GET /resolutions/:id/render.txt': { expect: everyone },
  'GET /resolutions/:id/render.md': { expect: everyone },
  'GET /resolutions/:id/render.docx': { expect: everyone },
  'POST /resolutions/:id/share': { expect: { anonymous: 'login', default: 404 } },
  'POST /resolutions/share/:id/revoke': { expect: { anonymous: 'login', default: 404 } },
  'POST /resolutions/:id/adaptation': { expect: { anonymous: 'login', default: 404 } },
  'POST /resolutions/:id/adaptation/details': { expect: { anonymous: 'login', default: 404 } },
  'POST /resolutions/:id/adaptation/discard': { expect: { anonymous: 'login', default: 404 } },
  'GET /share/:token': { params: () => ({ token: 'x'.repeat(43) }), expect: { default: 404 } },
  'POST /resolutions/:id/filings': { expect: { anonymous: 'login', default: 404 } },
  'GET /resolutions/filings/:id': { expect: { anonymous: 'login', default: 404 } },
  'POST /resolutions/filings/:id/adopted': { expect: { anonymous: 'login', default: 404 } },
  // The drive pipeline (drives of chapter A).
  'POST /drives': { expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 'ok' } },
  'GET /drives/:id': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerB: 404, default: 'ok' },
  },
  'POST /drives/:id/next-step': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /drives/:id/stage': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /drives/:id/process': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /drives/:id/filings': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /drives/:id/decisions': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  // The whip count (chapter A's drive): names and reads for the chapter; national reviewers see counts elsewhere.
  'GET /drives/:id/whip': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerB: 404, national: 403, default: 'ok' },
  },
  'POST /drives/:id/whip/body': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /drives/:id/whip/members': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /drives/:id/whip/members/:memberId': {
    params: (w) => ({ id: w.driveA.id, memberId: w.memberA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /drives/:id/whip/members/:memberId/delete': {
    params: (w) => ({ id: w.driveA.id, memberId: w.memberA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /drives/:id/whip/members/:memberId/read': {
    params: (w) => ({ id: w.driveA.id, memberId: w.memberA.id }),
    expect: { anonymous: 'login', organizerB: 404, national: 403, default: 'ok' },
  },
  'POST /drives/:id/whip/pledges': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerB: 404, national: 403, default: 'ok' },
  },
  'POST /drives/:id/whip/relationships': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerB: 404, national: 403, default: 'ok' },
  },
  // No such relationship: a 404 for those who may remove one.
  'POST /drives/:id/whip/relationships/:relationshipId/delete': {
    params: (w) => ({ id: w.driveA.id, relationshipId: 999999 }),
    expect: { anonymous: 'login', volunteerA: 403, national: 403, default: 404 },
  },
  'POST /drives/:id/whip/tests': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'POST /drives/:id/whip/tests/:testId/counts': {
    params: (w) => ({ id: w.driveA.id, testId: w.testA.id }),
    expect: { anonymous: 'login', organizerB: 404, national: 403, default: 'ok' },
  },
  // Removing a test from a form without its version is a 409 ('ok' here): the access check comes first.
  'POST /drives/:id/whip/tests/:testId/delete': {
    params: (w) => ({ id: w.driveA.id, testId: w.testA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'GET /drives/:id/whip/tests/:testId/ticks': {
    params: (w) => ({ id: w.driveA.id, testId: w.testA.id }),
    expect: { anonymous: 'login', organizerB: 404, national: 403, default: 'ok' },
  },
  'POST /drives/:id/whip/tests/:testId/ticks': {
    params: (w) => ({ id: w.driveA.id, testId: w.testA.id }),
    expect: { anonymous: 'login', organizerB: 404, national: 403, default: 'ok' },
  },
  'POST /drives/:id/whip/majority-check': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  'GET /board': { expect: everyone },
  'GET /calendar/:token.ics': { params: () => ({ token: 'x'.repeat(32) }), expect: { default: 404 } },
  'GET /account/calendar': { expect: everyone },
  'POST /account/calendar': { expect: everyone },
  'POST /account/calendar/revoke': { expect: everyone },
  // Assignments (src/assignments): organizers and admins give them out; everyone with an account has "my list".
  'GET /assignments': { expect: organizersAnywhere },
  'GET /assignments/new': { expect: organizersAnywhere },
  'POST /assignments': { expect: organizersAnywhere },
  'POST /assignments/:id/cancel': {
    params: () => ({ id: 999999 }),
    expect: { ...organizersAnywhere, organizerA: 404, organizerB: 404, admin: 404 },
  },
  'POST /assignments/settings': { expect: { ...organizersAnywhere, organizerA: 404, organizerB: 404, admin: 404 } },
  'GET /my-list': { expect: everyone },
  // A drive's assignments (the drive page's lazy panel): its organizers; readers of the drive get a 403.
  'GET /drives/:id/assignments': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerA: 'ok', admin: 'ok', organizerB: 404, default: 403 },
  },
  // The meeting page (src/meetings): whoever may read the drive sees it; its organizers record entries.
  'GET /drives/:id/meeting': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerB: 404, default: 'ok' },
  },
  'POST /drives/:id/meeting': {
    params: (w) => ({ id: w.driveA.id }),
    expect: { anonymous: 'login', organizerB: 404, volunteerA: 403, national: 403, default: 'ok' },
  },
  'GET /meeting-sw.js': { expect: publicRoute },
  // Digests (src/digest): everyone's own; the unsubscribe link needs no login, a bad token is a 404.
  'GET /digest': { expect: everyone },
  'GET /account/digest': { expect: everyone },
  'POST /account/digest': { expect: everyone },
  'GET /digest/unsubscribe/:token': { params: () => ({ token: `1.${'x'.repeat(32)}` }), expect: { default: 404 } },
  'POST /digest/unsubscribe/:token': { params: () => ({ token: `1.${'x'.repeat(32)}` }), expect: { default: 404 } },
  'GET /my-list/:id': { params: () => ({ id: 999999 }), expect: { anonymous: 'login', default: 404 } },
  'POST /my-list/:id': { params: () => ({ id: 999999 }), expect: { anonymous: 'login', default: 404 } },
  'GET /admin': { expect: adminOnly },
  'GET /admin/users': { expect: adminOnly },
  'GET /admin/users/new': { expect: adminOnly },
  'POST /admin/users': { expect: adminOnly },
  'GET /admin/users/:id': { params: (w) => ({ id: w.admin.id }), expect: adminOnly },
  'POST /admin/users/:id': { params: (w) => ({ id: w.admin.id }), expect: adminOnly },
  'POST /admin/users/:id/deactivate': {
    params: () => ({ id: 999999 }),
    expect: { anonymous: 'login', admin: 404, default: 403 },
  },
  'POST /admin/users/:id/reactivate': {
    params: () => ({ id: 999999 }),
    expect: { anonymous: 'login', admin: 404, default: 403 },
  },
  'POST /admin/users/:id/reset-link': {
    params: () => ({ id: 999999 }),
    expect: { anonymous: 'login', admin: 404, default: 403 },
  },
  'GET /admin/chapters': { expect: adminOnly },
  'GET /admin/chapters/new': { expect: adminOnly },
  'POST /admin/chapters': { expect: adminOnly },
  'GET /admin/chapters/:id': { params: (w) => ({ id: w.a.id }), expect: adminOnly },
  'POST /admin/chapters/:id': { params: (w) => ({ id: w.a.id }), expect: adminOnly },
  'POST /admin/chapters/:id/delete': {
    params: () => ({ id: 999999 }),
    expect: { anonymous: 'login', admin: 404, default: 403 },
  },
  'POST /admin/chapters/:id/restore': {
    params: () => ({ id: 999999 }),
    expect: { anonymous: 'login', admin: 404, default: 403 },
  },
  'GET /admin/unions': { expect: adminOnly },
  'GET /admin/unions/new': { expect: adminOnly },
  'POST /admin/unions': { expect: adminOnly },
  'GET /admin/unions/:id': { params: (w) => ({ id: w.union.id }), expect: adminOnly },
  'POST /admin/unions/:id': { params: (w) => ({ id: w.union.id }), expect: adminOnly },
  'GET /admin/settings': { expect: adminOnly },
  'POST /admin/settings': { expect: adminOnly },
  'GET /admin/import': { expect: adminOnly },
  'POST /admin/import': { expect: adminOnly },
}

function classify(status: number, location: string | undefined): Outcome | string {
  if (status === 303 && location?.startsWith('/login/2fa')) return 'totp'
  if (status === 303 && location === '/account/2fa') return 'enrol'
  if (status === 303 && location?.startsWith('/login')) return 'login'
  if (status === 401) return 'login'
  if (status === 403 || status === 404) return status
  if (status >= 500) return `server error ${status}`
  return 'ok'
}

t.test('every route answers each kind of user as the matrix says', async (t) => {
  const { app, db } = await buildTestApp(t)
  const base = await world(db)
  const slate = await f.slate(db, { name: 'Test slate', is_current: true, election_date: '2026-11-03' })
  const candidateA = await f.candidate(db, slate.id, {
    chapter_id: base.a.id,
    name: 'Casey Candidate',
    office: 'City Council',
  })
  const endorsementA = await db
    .insertInto('endorsements')
    .values({
      slate_id: slate.id,
      local_id: base.localA.id,
      candidate_id: candidateA.id,
      chapter_id: base.a.id,
      decided_on: '2026-05-01',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const driveA = await f.drive(db, slate.id, base.localA.id, { chapter_id: base.a.id, asks: 'slate' })
  const supporterA = await f.supporter(db, base.a.id, base.localA.id, { name: 'Matrix Supporter' })
  const supporterDel = await f.supporter(db, base.a.id, base.localA.id, { name: 'Matrix Deletable' })
  const importA = await db
    .insertInto('imports')
    .values({ chapter_id: base.a.id, user_id: base.organizerA.id, filename: 'matrix.csv', headers: ['name'] })
    .returning('id')
    .executeTakeFirstOrThrow()
  const circleA = await db
    .insertInto('labor_circles')
    .values({ chapter_id: base.a.id, kind: 'circle', name: 'Health care circle' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const bodyA = await db
    .insertInto('deciding_bodies')
    .values({ drive_id: driveA.id, chapter_id: base.a.id, name: 'Matrix board' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const memberA = await db
    .insertInto('body_members')
    .values({ body_id: bodyA.id, chapter_id: base.a.id, name: 'Matrix Member', seat: 'Trustee' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const testA = await db
    .insertInto('structure_tests')
    .values({ drive_id: driveA.id, chapter_id: base.a.id, kind: 'petition', name: 'Matrix petition' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('structure_test_units')
    .values({ test_id: testA.id, name: 'Whole local', headcount: 100 })
    .execute()
  const w: W = {
    ...base,
    slate,
    candidateA,
    endorsementA,
    driveA,
    supporterA,
    supporterDel,
    importA,
    circleA,
    memberA,
    testA,
  }
  const agents: Record<Role, Agent> = {
    anonymous: new Agent(app),
    volunteerA: new Agent(app),
    organizerA: new Agent(app),
    organizerB: new Agent(app),
    national: new Agent(app),
    admin: new Agent(app),
  }
  for (const role of ROLES) {
    if (role === 'anonymous') await agents.anonymous.get('/login')
    else await agents[role].login(w[role].email, PASSWORD)
  }
  const routes = app.routeList.filter((r) => !r.url.startsWith('/static'))
  const missing = routes.map((r) => `${r.method} ${r.url}`).filter((key) => !MATRIX[key])
  for (const key of missing) t.fail(`${key} has no row in the authorization matrix (test/auth/access-matrix.test.ts)`)
  let checks = await walk(
    t,
    routes,
    w,
    ROLES,
    agents,
    (role) => (role === 'anonymous' ? '' : w[role].email),
    (entry, role) => entry.expect[role],
  )

  // The two pending points of view, once the six above are done: require_2fa is instance-wide.
  const enrolUser = await user(db, 'admin')
  const totpUser = await user(db, 'volunteer', w.a.id)
  await db
    .updateTable('users')
    .set({ totp_secret: newSecret(), totp_enabled: true })
    .where('id', '=', totpUser.id)
    .execute()
  await db
    .insertInto('settings')
    .values({ key: 'require_2fa', value: 'true' })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: 'true' }))
    .execute()
  const pending: Record<PendingRole, Agent> = { enrolPending: new Agent(app), totpPending: new Agent(app) }
  const emails: Record<PendingRole, string> = { enrolPending: enrolUser.email, totpPending: totpUser.email }
  for (const role of PENDING) await pending[role].login(emails[role], PASSWORD)
  checks += await walk(
    t,
    routes,
    w,
    PENDING,
    pending,
    (role) => emails[role],
    (entry, role, r) => {
      if (entry.expect[role]) return entry.expect[role]
      if (r.public) return entry.expect.default
      return role === 'enrolPending' ? 'enrol' : 'totp'
    },
  )
  t.comment(`${routes.length} routes × ${ROLES.length + PENDING.length} points of view = ${checks} checks`)
})

const PENDING: PendingRole[] = ['enrolPending', 'totpPending']

async function walk<R extends string>(
  t: Test,
  routes: { method: string; url: string; public: boolean }[],
  w: W,
  roles: R[],
  agents: Record<R, Agent>,
  email: (role: R) => string,
  expected: (entry: Entry, role: R, route: { public: boolean }) => Outcome | undefined,
): Promise<number> {
  let checks = 0
  for (const r of routes) {
    const entry = MATRIX[`${r.method} ${r.url}`]
    if (!entry) continue
    const params = entry.params?.(w) ?? {}
    const url =
      r.url.replace(/:([a-zA-Z_]+)/g, (_, name: string) => String(params[name] ?? 1)) +
      (entry.query ? `?${entry.query}` : '')
    for (const role of roles) {
      const agent = agents[role]
      const res = r.method === 'GET' ? await agent.get(url) : await agent.post(url, {})
      const got = classify(res.statusCode, res.headers.location as string | undefined)
      const want: Outcome = expected(entry, role, r) ?? entry.expect.default
      t.equal(got, want, `${role}: ${r.method} ${url}`)
      if (entry.relogin && role !== 'anonymous') await agent.login(email(role), PASSWORD)
      checks++
      if (got === 403 || got === 404) {
        // A refusal never leaks the record it refused.
        // (The alert area may hold the flash of the user's own previous action.)
        const body = res.body.replace(/<div id="alerts"[\s\S]*?<\/div>\s*<\/div>/, '')
        t.notMatch(body, w.localA.name, `${role}: ${r.method} ${url} refusal shows no record data`)
      }
    }
  }
  return checks
}

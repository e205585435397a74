import t from 'tap'
import {
  WEEKDAYS,
  earliestVoteDate,
  isValidTimeZone,
  isWeekday,
  nextMeetingOnOrAfter,
  relativeDays,
  todayIn,
  voteAfterElection,
} from '../../src/drives/vote-dates.ts'
import type { EarliestVoteInput, Weekday } from '../../src/drives/vote-dates.ts'

t.test('The earliest vote date is the filing date plus notice, moved to the next meeting day.', async (t) => {
  const cases: { name: string; input: EarliestVoteInput; expect: string }[] = [
    // notice only, any day
    {
      name: 'With no meeting days known, the vote can be the day notice runs out.',
      input: { filedOn: '2024-05-01', noticeDays: 14, meetingDays: null, timeZone: 'America/Chicago' },
      expect: '2024-05-15',
    },
    {
      name: 'An empty meeting-day list means the body can meet any day.',
      input: { filedOn: '2024-05-01', noticeDays: 14, meetingDays: [], timeZone: 'America/Chicago' },
      expect: '2024-05-15',
    },
    {
      name: 'Leaving out meeting days means any day.',
      input: { filedOn: '2024-05-01', noticeDays: 14, timeZone: 'America/Chicago' },
      expect: '2024-05-15',
    },
    {
      name: 'Zero notice on a meeting day allows a vote the same day.',
      input: { filedOn: '2024-05-15', noticeDays: 0, meetingDays: ['wed'], timeZone: 'America/Chicago' },
      expect: '2024-05-15',
    },
    // DST
    {
      name: 'Notice across the spring DST change in New York counts calendar days.',
      input: { filedOn: '2024-03-08', noticeDays: 3, meetingDays: null, timeZone: 'America/New_York' },
      expect: '2024-03-11',
    },
    {
      name: 'Notice across the autumn DST change in New York counts calendar days.',
      input: { filedOn: '2024-10-31', noticeDays: 7, meetingDays: null, timeZone: 'America/New_York' },
      expect: '2024-11-07',
    },
    {
      name: 'Notice ending on the day London springs forward lands on that day.',
      input: { filedOn: '2024-03-29', noticeDays: 2, meetingDays: ['sun'], timeZone: 'Europe/London' },
      expect: '2024-03-31',
    },
    {
      name: 'Notice ending on a day whose midnight DST skipped, in São Paulo, still lands on that day.',
      input: { filedOn: '2018-11-03', noticeDays: 1, meetingDays: null, timeZone: 'America/Sao_Paulo' },
      expect: '2018-11-04',
    },
    {
      name: 'Notice across DST then rolled to the next Tuesday meeting lands on Tuesday.',
      input: { filedOn: '2024-03-08', noticeDays: 3, meetingDays: ['tue'], timeZone: 'America/New_York' },
      expect: '2024-03-12',
    },
    // month and year ends
    {
      name: 'Thirty days after 31 January in a leap year is 1 March.',
      input: { filedOn: '2024-01-31', noticeDays: 30, meetingDays: null, timeZone: 'America/Denver' },
      expect: '2024-03-01',
    },
    {
      name: 'Thirty days after 31 January in a common year is 2 March.',
      input: { filedOn: '2023-01-31', noticeDays: 30, meetingDays: null, timeZone: 'America/Denver' },
      expect: '2023-03-02',
    },
    {
      name: 'One day after 28 February in a leap year is the leap day.',
      input: { filedOn: '2024-02-28', noticeDays: 1, meetingDays: null, timeZone: 'America/Denver' },
      expect: '2024-02-29',
    },
    {
      name: 'A meeting-day rollover carries the vote into the next month.',
      input: { filedOn: '2024-04-25', noticeDays: 3, meetingDays: ['wed'], timeZone: 'America/Los_Angeles' },
      expect: '2024-05-01',
    },
    {
      name: 'Notice over New Year, rolled to a Monday meeting, lands in the new year.',
      input: { filedOn: '2025-12-20', noticeDays: 14, meetingDays: ['mon'], timeZone: 'America/Los_Angeles' },
      expect: '2026-01-05',
    },
    // meeting weekdays
    {
      name: 'Notice ending on a meeting day keeps that day.',
      input: { filedOn: '2024-02-29', noticeDays: 7, meetingDays: ['thu'], timeZone: 'America/New_York' },
      expect: '2024-03-07',
    },
    {
      name: 'With two meeting days, the nearer one is chosen.',
      input: { filedOn: '2024-03-01', noticeDays: 0, meetingDays: ['thu', 'tue'], timeZone: 'America/New_York' },
      expect: '2024-03-05',
    },
    {
      name: 'A Saturday rolls over the week end to a Sunday meeting the next day.',
      input: { filedOn: '2025-06-07', noticeDays: 7, meetingDays: ['sun'], timeZone: 'Europe/Berlin' },
      expect: '2025-06-15',
    },
    {
      name: 'A Monday waits six days for a Sunday meeting.',
      input: { filedOn: '2025-06-16', noticeDays: 0, meetingDays: ['sun'], timeZone: 'Europe/Berlin' },
      expect: '2025-06-22',
    },
    {
      name: 'A Sunday rolls forward to a Monday meeting across the week boundary.',
      input: { filedOn: '2024-03-24', noticeDays: 7, meetingDays: ['mon'], timeZone: 'Europe/London' },
      expect: '2024-04-01',
    },
    // time zones
    {
      name: 'A chapter fourteen hours ahead of UTC gets the same calendar result.',
      input: { filedOn: '2024-06-28', noticeDays: 10, meetingDays: ['tue'], timeZone: 'Pacific/Kiritimati' },
      expect: '2024-07-09',
    },
    {
      name: 'A chapter eleven hours behind UTC gets the same calendar result.',
      input: { filedOn: '2024-06-28', noticeDays: 10, meetingDays: ['tue'], timeZone: 'Pacific/Pago_Pago' },
      expect: '2024-07-09',
    },
    {
      name: 'In Samoa, which skipped 30 December 2011, one day after the 29th is the 31st.',
      input: { filedOn: '2011-12-29', noticeDays: 1, meetingDays: null, timeZone: 'Pacific/Apia' },
      expect: '2011-12-31',
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(earliestVoteDate(c.input), c.expect)
    })
  }
})

t.test('Bad date input is refused with a message that names the field.', async (t) => {
  const ok: EarliestVoteInput = {
    filedOn: '2024-05-01',
    noticeDays: 7,
    meetingDays: null,
    timeZone: 'America/New_York',
  }
  const cases: { name: string; input: EarliestVoteInput; message: RegExp }[] = [
    {
      name: 'An unknown time zone is refused.',
      input: { ...ok, timeZone: 'America/Springfield' },
      message: /time zone/,
    },
    {
      name: 'A US-style date is refused.',
      input: { ...ok, filedOn: '05/01/2024' },
      message: /filedOn must be a date as YYYY-MM-DD/,
    },
    {
      name: 'A timestamp where a date belongs is refused.',
      input: { ...ok, filedOn: '2024-05-01T10:00:00Z' },
      message: /filedOn must be a date/,
    },
    {
      name: 'A date that does not exist is refused.',
      input: { ...ok, filedOn: '2023-02-29' },
      message: /filedOn is not a real date/,
    },
    { name: 'Negative notice days are refused.', input: { ...ok, noticeDays: -1 }, message: /noticeDays/ },
    { name: 'Fractional notice days are refused.', input: { ...ok, noticeDays: 1.5 }, message: /noticeDays/ },
    {
      name: 'An unknown meeting weekday is refused.',
      input: { ...ok, meetingDays: ['funday' as Weekday] },
      message: /weekday/,
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.throws(() => earliestVoteDate(c.input), { name: 'RangeError', message: c.message })
    })
  }
})

t.test('The next meeting on or after a date can be asked for on its own.', async (t) => {
  const cases: { name: string; date: string; days: Weekday[] | null; expect: string }[] = [
    { name: 'A Friday with Friday meetings stays put.', date: '2024-03-08', days: ['fri'], expect: '2024-03-08' },
    {
      name: 'A Friday with Monday meetings moves three days.',
      date: '2024-03-08',
      days: ['mon'],
      expect: '2024-03-11',
    },
    { name: 'No meeting days leaves the date alone.', date: '2024-03-08', days: null, expect: '2024-03-08' },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(nextMeetingOnOrAfter(c.date, c.days, 'America/New_York'), c.expect)
    })
  }
})

t.test('A vote warns only when it falls strictly after the election.', async (t) => {
  const cases: { name: string; vote: string; election: string | null; expect: boolean }[] = [
    { name: 'A vote a month before the election is fine.', vote: '2026-10-03', election: '2026-11-03', expect: false },
    { name: 'A vote on election day is not after it.', vote: '2026-11-03', election: '2026-11-03', expect: false },
    {
      name: 'A vote the day after the election is after it.',
      vote: '2026-11-04',
      election: '2026-11-03',
      expect: true,
    },
    {
      name: 'A vote in the next year is after a November election.',
      vote: '2027-01-10',
      election: '2026-11-03',
      expect: true,
    },
    {
      name: 'A vote before a primary in early spring is fine across the year boundary.',
      vote: '2025-12-30',
      election: '2026-03-03',
      expect: false,
    },
    { name: 'An unknown election date never warns.', vote: '2030-01-01', election: null, expect: false },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(voteAfterElection(c.vote, c.election), c.expect)
    })
  }
  t.throws(
    () => voteAfterElection('next Tuesday', '2026-11-03'),
    RangeError,
    'a vote date that is not a date is refused',
  )
})

t.test('Relative days count calendar days in the chapter time zone.', async (t) => {
  const cases: { name: string; from: string; to: string; zone?: string; expect: number }[] = [
    { name: 'The same date is zero days.', from: '2024-05-01', to: '2024-05-01', expect: 0 },
    { name: 'A later date is a positive count.', from: '2024-05-01', to: '2024-05-15', expect: 14 },
    {
      name: 'An earlier date is a negative count, as for an overdue step.',
      from: '2024-05-15',
      to: '2024-05-12',
      expect: -3,
    },
    {
      name: 'Across the spring DST change, a 23-hour day still counts as one.',
      from: '2024-03-09',
      to: '2024-03-11',
      zone: 'America/New_York',
      expect: 2,
    },
    {
      name: 'Across the autumn DST change, a 25-hour day still counts as one.',
      from: '2024-11-02',
      to: '2024-11-04',
      zone: 'America/New_York',
      expect: 2,
    },
    {
      name: 'Across the end of February in a leap year counts the leap day.',
      from: '2024-02-28',
      to: '2024-03-01',
      expect: 2,
    },
    {
      name: 'Across the end of February in a common year there is no leap day.',
      from: '2023-02-28',
      to: '2023-03-01',
      expect: 1,
    },
    {
      name: 'Late evening in New York is still the previous day there, though UTC has moved on.',
      from: '2024-03-10T03:30:00Z',
      to: '2024-03-10T12:00:00Z',
      zone: 'America/New_York',
      expect: 1,
    },
    {
      name: 'The same two instants are the same day in UTC.',
      from: '2024-03-10T03:30:00Z',
      to: '2024-03-10T12:00:00Z',
      zone: 'UTC',
      expect: 0,
    },
    {
      name: 'A timestamp and a plain date can be mixed.',
      from: '2024-06-30T13:00:00Z',
      to: '2024-07-03',
      zone: 'Pacific/Auckland',
      expect: 2,
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(relativeDays(c.from, c.to, c.zone), c.expect)
    })
  }
  t.throws(
    () => relativeDays('soon', '2024-01-01'),
    RangeError,
    'a value that is neither date nor timestamp is refused',
  )
})

t.test('Today is the date on the chapter wall calendar.', async (t) => {
  const now = new Date('2024-06-30T13:00:00Z')
  const cases: { name: string; zone: string; expect: string }[] = [
    { name: 'It is already 1 July in Auckland.', zone: 'Pacific/Auckland', expect: '2024-07-01' },
    { name: 'It is still 30 June in Los Angeles.', zone: 'America/Los_Angeles', expect: '2024-06-30' },
    { name: 'It is 30 June in UTC.', zone: 'UTC', expect: '2024-06-30' },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(todayIn(c.zone, now), c.expect)
    })
  }
  t.throws(() => todayIn('Nowhere/Land', now), RangeError, 'an unknown zone is refused')
})

t.test('Weekday and time zone helpers recognise valid values only.', async (t) => {
  t.same(
    WEEKDAYS.map((w) => w.key),
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  )
  const cases: { name: string; check: () => boolean; expect: boolean }[] = [
    { name: 'A short weekday key is a weekday.', check: () => isWeekday('sat'), expect: true },
    { name: 'A full weekday name is not a key.', check: () => isWeekday('Saturday'), expect: false },
    { name: 'An IANA zone is a valid time zone.', check: () => isValidTimeZone('America/Chicago'), expect: true },
    {
      name: 'A made-up zone is not a valid time zone.',
      check: () => isValidTimeZone('Mars/Olympus_Mons'),
      expect: false,
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(c.check(), c.expect)
    })
  }
})

import t from 'tap'
import {
  DEFAULT_ZONE,
  daysSince,
  daysUntil,
  dueLabel,
  formatDate,
  formatMoment,
  formatNumber,
  formatTime,
  plural,
  relativeDayLabel,
  todayIn,
  viewerZone,
  zoneOr,
} from '../../src/shared/format.ts'
import { labelOf } from '../../src/shared/options.ts'

t.test('calendar dates are written one way, weekday first, whatever the zone', async (t) => {
  const cases: [string | null | undefined, string][] = [
    ['2026-03-03', 'Tue 3 Mar 2026'],
    ['2026-12-01', 'Tue 1 Dec 2026'],
    ['2024-02-29', 'Thu 29 Feb 2024'],
    ['1926-05-01', 'Sat 1 May 1926'],
    ['2026-02-30', '2026-02-30'],
    ['not a date', 'not a date'],
    ['', ''],
    [null, ''],
    [undefined, ''],
  ]
  for (const [input, want] of cases) t.equal(formatDate(input), want, `${JSON.stringify(input)} → ${want}`)
})

t.test('a moment is written in the zone it is read in, with a 24-hour time', async (t) => {
  const at = new Date('2026-12-01T18:08:00Z')
  const cases: [string, string, string, string][] = [
    ['UTC', '1 Dec 2026, 18:08', '18:08', 'Tue 1 Dec 2026'],
    ['America/New_York', '1 Dec 2026, 13:08', '13:08', 'Tue 1 Dec 2026'],
    ['America/Los_Angeles', '1 Dec 2026, 10:08', '10:08', 'Tue 1 Dec 2026'],
    ['Asia/Tokyo', '2 Dec 2026, 03:08', '03:08', 'Wed 2 Dec 2026'],
    ['Not/AZone', '1 Dec 2026, 13:08', '13:08', 'Tue 1 Dec 2026'],
  ]
  for (const [zone, moment, time, date] of cases) {
    t.equal(formatMoment(at, zone), moment, `${zone}: moment`)
    t.equal(formatTime(at, zone), time, `${zone}: time`)
    t.equal(formatDate(at, zone), date, `${zone}: date of the moment`)
  }
  t.equal(formatMoment('2026-12-01T00:05:00Z', 'UTC'), '1 Dec 2026, 00:05', 'midnight is 00, not 24')
  t.equal(formatMoment(new Date('junk'), 'UTC'), '', 'an invalid moment prints nothing')
  t.equal(formatMoment(null, 'UTC'), '')
})

t.test('day counts read as a person would say them', async (t) => {
  const relative: [number, string][] = [
    [0, 'today'],
    [1, 'tomorrow'],
    [-1, 'yesterday'],
    [3, 'in 3 days'],
    [-12, '12 days ago'],
  ]
  for (const [n, want] of relative) t.equal(relativeDayLabel(n), want)
  const due: [number, string][] = [
    [0, 'due today'],
    [1, 'due tomorrow'],
    [3, 'due in 3 days'],
    [-1, '1 day overdue'],
    [-2, '2 days overdue'],
  ]
  for (const [n, want] of due) t.equal(dueLabel(n), want)
})

t.test('"today" is the chapter’s today: late evening in California is already tomorrow in UTC', async (t) => {
  const now = new Date('2026-12-02T05:30:00Z')
  t.equal(todayIn('America/Los_Angeles', now), '2026-12-01')
  t.equal(todayIn('UTC', now), '2026-12-02')
  t.equal(daysUntil('2026-12-04', 'America/Los_Angeles', now), 3)
  t.equal(daysUntil('2026-12-04', 'UTC', now), 2)
  t.equal(daysUntil('2026-11-30', 'America/Los_Angeles', now), -1, 'past dates are negative')
  t.equal(daysSince(new Date('2026-11-28T23:00:00Z'), 'America/Los_Angeles', now), 3)
  t.equal(daysSince(new Date('2026-12-09T00:00:00Z'), 'UTC', now), 0, 'the future is no days ago')
  // 8 March 2026: clocks go forward in the US; the day still counts as one.
  t.equal(daysUntil('2026-03-09', 'America/New_York', new Date('2026-03-07T17:00:00Z')), 2)
})

t.test('plurals and numbers', async (t) => {
  const cases: [number, string, string | undefined, string][] = [
    [1, 'day', undefined, '1 day'],
    [0, 'day', undefined, '0 days'],
    [2, 'person', 'people', '2 people'],
    [12480, 'supporter', undefined, '12,480 supporters'],
  ]
  for (const [n, one, many, want] of cases) t.equal(plural(n, one, many), want)
  t.equal(formatNumber(1234567), '1,234,567')
})

t.test('people without a chapter read times in the documented default zone', async (t) => {
  t.equal(DEFAULT_ZONE, 'America/New_York')
  t.equal(viewerZone(null), DEFAULT_ZONE)
  t.equal(viewerZone({ chapters: [] }), DEFAULT_ZONE)
  t.equal(viewerZone({ chapters: [{ timeZone: 'America/Denver' }, { timeZone: 'UTC' }] }), 'America/Denver')
  t.equal(
    viewerZone({ chapters: [{ timeZone: 'Mars/Olympus' }, { timeZone: 'UTC' }] }),
    'UTC',
    'a bad zone is passed over',
  )
  t.equal(zoneOr(null), DEFAULT_ZONE)
  t.equal(zoneOr('Europe/Madrid'), 'Europe/Madrid')
})

t.test('the label of a choice, or nothing for a value not in the list', async (t) => {
  const opts = [
    { value: 'a', label: 'Alpha' },
    { value: 2, label: 'Two' },
  ] as const
  t.equal(labelOf(opts, 'a'), 'Alpha')
  t.equal(labelOf(opts, 2), 'Two')
  t.equal(labelOf(opts, 'z'), '')
  t.equal(labelOf(opts, null), '')
})

import t from 'tap'
import { conversions, daysLabel, funnelSvg, percent, percentLabel, queryString } from '../../src/review/funnel.ts'
import { weeklyBarsSvg } from '../../src/review/charts.ts'
import { filterParams, parseDrill, parseFilters } from '../../src/review/schema.ts'

t.test('conversions divide each stage reached by the next one reached', async (t) => {
  const steps = conversions({
    reached_identify: 4,
    reached_democratize: 3,
    reached_build_team: 2,
    reached_file_resolution: 1,
    reached_vote: 0,
    reached_won: 0,
  })
  t.same(
    steps.map((s) => [s.from, s.to, s.moved, s.reached, s.percent]),
    [
      ['identify', 'democratize', 3, 4, 75],
      ['democratize', 'build_team', 2, 3, 67],
      ['build_team', 'file_resolution', 1, 2, 50],
      ['file_resolution', 'vote', 0, 1, 0],
      ['vote', 'won', 0, 0, null],
    ],
  )
  t.equal(steps[4]!.toLabel, 'Won')
})

t.test('percent and day labels', async (t) => {
  const cases: [number, number, number | null][] = [
    [1, 3, 33],
    [2, 3, 67],
    [0, 0, null],
    [5, -1, null],
    [3, 3, 100],
  ]
  for (const [a, b, want] of cases) t.equal(percent(a, b), want, `${a}/${b}`)
  t.equal(percentLabel(null), '—')
  t.equal(percentLabel(50), '50%')
  const days: [number | null | undefined, string][] = [
    [null, '—'],
    [undefined, '—'],
    [Number.NaN, '—'],
    [22.5, '22.5'],
    [Math.PI, '3.1'],
    [10, '10'],
  ]
  for (const [d, want] of days) t.equal(daysLabel(d), want, String(d))
})

t.test('query strings keep only the values given', async (t) => {
  t.equal(queryString({ a: '1', b: undefined, c: '', d: 0, e: null }), '?a=1&d=0')
  t.equal(queryString({}), '')
})

t.test('filters parse from the URL and go back to it', async (t) => {
  const f = parseFilters({ union: 'none', chapter: '7', state: 'ma', days: '0' }, 3)
  t.same(f, { slate: 3, union: 0, chapter: 7, state: 'MA', sector: undefined, orientation: undefined, days: 1 })
  t.same(filterParams(f), {
    slate: '3',
    union: 'none',
    chapter: '7',
    state: 'MA',
    sector: undefined,
    orientation: undefined,
  })
  t.equal(parseFilters({}, null).days, 30, 'stalled defaults to 30 days')
  t.equal(parseFilters({ days: '9999' }, null).days, 3650)
  t.equal(parseFilters({ slate: '5' }, 3).slate, 5)
  const d = parseDrill({ stage: 'vote', status: 'open', reached: 'won', stalled: '45' }, 1)
  t.same([d.stage, d.status, d.reached, d.stalled], ['vote', 'open', 'won', 45])
})

t.test('the funnel is bars with their numbers as text, links and labels escaped', async (t) => {
  const svg = funnelSvg(
    [
      { label: 'Identify', value: 4, href: '/review/drives?a=1&b=2' },
      { label: '<b>', value: 0 },
    ],
    { title: 'CWA & co' },
  )
  t.match(svg, 'role="group"', 'a group, so its links stay reachable')
  t.match(svg, 'aria-label="CWA &amp; co: Identify 4, &lt;b&gt; 0"')
  t.match(svg, '<a href="/review/drives?a=1&amp;b=2">')
  t.match(svg, '>4</text>')
  t.match(svg, 'width="0"', 'an empty stage has no bar')
  t.notMatch(svg, '<b>')
})

t.test('weekly bars stack the series and say the totals', async (t) => {
  const weeks = [
    { week: '2026-11-09', values: { a: 2, b: 1 } },
    { week: '2026-11-16', values: { a: 0, b: 3 } },
  ]
  const svg = weeklyBarsSvg(
    weeks,
    [
      { key: 'a', label: 'Identify' },
      { key: 'b', label: 'Vote' },
    ],
    { title: 'Entries' },
  )
  t.match(svg, 'role="img"')
  t.match(svg, 'Entries: 6 in all from the week of 2026-11-09 to the week of 2026-11-16 (Identify 2, Vote 4)')
  t.equal((svg.match(/<rect /g) ?? []).length, 3, 'no bar for a zero')
  t.match(svg, '>3</text>', 'the scale tops at the biggest week')
  const empty = weeklyBarsSvg([], [{ key: 'a', label: 'A' }], { title: 'Nothing' })
  t.match(empty, 'Nothing: 0 in all')
})

import t from 'tap'
import { conversions, daysLabel, percent, percentLabel, queryString, unionSlug } from '../../src/review/funnel.ts'
import { barSvg, columnsSvg, share, stackSvg } from '../../src/review/charts.ts'
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

t.test('a bar is a share of the biggest, and a non-zero value always shows', async (t) => {
  const cases: [number, number, number][] = [
    [5, 10, 50],
    [10, 10, 100],
    [0, 10, 0],
    [1, 1000, 1.5],
    [3, 0, 0],
    [12, 10, 100],
    [1, 3, 33.3],
  ]
  for (const [v, max, want] of cases) t.equal(share(v, max), want, `${v} of ${max}`)
})

t.test('bars are SVG in a 0–100 box that stretches, with no text to shrink', async (t) => {
  const bar = barSvg(4, 8, 's2')
  t.match(bar, 'viewBox="0 0 100 10" preserveAspectRatio="none"')
  t.match(bar, '<rect class="s2" x="0" y="0" width="50" height="10" />')
  t.match(bar, 'aria-hidden="true"', 'the row says the number in words')
  t.notMatch(bar, '<text')
  t.notMatch(barSvg(0, 8, 's2'), '<rect', 'an empty row has no bar')
})

t.test('a stacked bar puts the parts side by side on a shared scale and names them', async (t) => {
  const svg = stackSvg(
    [
      { value: 2, cls: 's0', label: 'At Identify' },
      { value: 0, cls: 's1', label: 'At <Vote>' },
      { value: 3, cls: 'won', label: 'Won' },
    ],
    10,
    'CWA & co',
  )
  t.match(svg, 'role="img"')
  t.match(svg, 'aria-label="CWA &amp; co: At Identify 2, Won 3"')
  t.match(svg, '<rect class="s0" x="0" y="0" width="20" height="10">')
  t.match(svg, '<rect class="won" x="20" y="0" width="30" height="10">', 'the second part starts where the first ends')
  t.equal((svg.match(/<rect /g) ?? []).length, 2, 'no part for a zero')
  t.notMatch(svg, '<Vote>')
  t.match(stackSvg([], 10, 'Nobody'), 'aria-label="Nobody: none"')
})

t.test('weekly columns stand on the base line, the biggest week full height', async (t) => {
  const { svg, max } = columnsSvg([
    { key: 'a', value: 1, title: 'Week one: 1' },
    { key: 'b', value: 0, title: 'Week two: 0' },
    { key: 'c', value: 4, title: 'Week <three>: 4' },
  ])
  t.equal(max, 4)
  t.match(svg, 'viewBox="0 0 30 100"')
  t.match(svg, '<rect class="won" x="21.5" y="4" width="7" height="96">')
  t.match(svg, '<rect class="won" x="1.5" y="76" width="7" height="24">')
  t.equal((svg.match(/<rect /g) ?? []).length, 2)
  t.match(svg, 'Week &lt;three&gt;: 4')
  t.equal(columnsSvg([]).max, 0)
})

t.test('a national union has a short name for its review URL', async (t) => {
  const cases: [string, string][] = [
    ['SEIU', 'seiu'],
    ['UNITE HERE', 'unite-here'],
    ['AFL-CIO', 'afl-cio'],
    [' Teamsters (IBT) ', 'teamsters-ibt'],
    ['Unión', 'union'],
    ['***', 'union'],
  ]
  for (const [abbr, want] of cases) t.equal(unionSlug(abbr), want, abbr)
})

// The phone shortcut in normalise.ts must read every number exactly as
// libphonenumber-js does: the same E.164 value, the same rejections.
import t from 'tap'
import fc from 'fast-check'
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { formatPhone, normalisePhone } from '../../src/people/normalise.ts'

function reference(s: string): string | null | 'bad' {
  const v = s.trim()
  if (v === '') return null
  if (v.length > 40) return 'bad'
  const p = parsePhoneNumberFromString(v, 'US')
  return !p?.isPossible() ? 'bad' : p.number
}
function ours(s: string): string | null | 'bad' {
  const r = normalisePhone(s)
  return r.ok ? r.value : 'bad'
}

const digits = (n: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''))
const sep = fc.oneof(
  { arbitrary: fc.constantFrom('', ' ', '-', '.'), weight: 9 },
  { arbitrary: fc.constantFrom('  ', '--', '/', ')', '('), weight: 1 },
)

t.test('North American numbers in the usual shapes read as libphonenumber-js reads them', async (t) => {
  const shaped = fc
    .tuple(
      fc.oneof(
        { arbitrary: fc.constantFrom('', '+1', '+1 ', '+1-', '+1.'), weight: 9 },
        { arbitrary: fc.constantFrom('1 ', '1-', '+', ' +1 ', '+01'), weight: 1 },
      ),
      fc.boolean(),
      digits(3),
      sep,
      digits(3),
      sep,
      digits(4),
      fc.oneof({ arbitrary: fc.constant(''), weight: 9 }, { arbitrary: fc.constantFrom(' ', ' x12', '#'), weight: 1 }),
    )
    .map(([pre, paren, a, s1, b, s2, c, post]) => `${pre}${paren ? `(${a})` : a}${s1}${b}${s2}${c}${post}`)
  fc.assert(
    fc.property(shaped, (s) => ours(s) === reference(s)),
    { numRuns: 20_000 },
  )
  t.pass('20,000 shaped numbers agree')
})

t.test('other text reads as libphonenumber-js reads it', async (t) => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 24, unit: fc.constantFrom(...'0123456789+-(). x#1') }),
      (s) => ours(s) === reference(s),
    ),
    { numRuns: 5_000 },
  )
  for (const s of [
    '(617) 555-0123',
    '617.555.0123',
    '+1 617-555-0123',
    '6175550123',
    '+44 20 7946 0000',
    '12',
    '1 617 555 0123',
    '+1 117 555 0123',
    '617 555 012',
    '+16175550123 ext 4',
    '０617 555 0123',
  ]) {
    t.equal(ours(s), reference(s), s)
  }
})

t.test('phones print as libphonenumber-js prints them, with the area-code shortcut warm or cold', async (t) => {
  const referencePrint = (e164: string) => {
    const p = parsePhoneNumberFromString(e164)
    return p ? (p.country === 'US' ? p.formatNational() : p.formatInternational()) : e164
  }
  // Many line numbers per exchange (what is remembered), over random exchanges
  // and a few well-known ones, including the 555 exchange kept for fiction.
  const exchanges = [
    ...fc.sample(
      fc.tuple(digits(3), digits(3)).map(([a, b]) => a + b),
      300,
    ),
    '617555',
    '212555',
    '800555',
    '524592',
  ]
  const sample = fc.sample(
    fc.tuple(fc.constantFrom(...exchanges), digits(4)).map(([x, c]) => `+1${x}${c}`),
    20_000,
  )
  // Twice over the same numbers: the second pass runs on remembered exchanges.
  for (let pass = 0; pass < 2; pass++) {
    const wrong = sample.filter((n) => formatPhone(n) !== referencePrint(n))
    t.same(wrong, [], `pass ${pass + 1}: every number prints the same`)
  }
  t.equal(formatPhone('+16175550123'), '(617) 555-0123')
  t.equal(formatPhone('+14165550123'), referencePrint('+14165550123'), 'a Canadian number prints internationally')
  t.equal(formatPhone('+442079460000'), referencePrint('+442079460000'))
  t.equal(formatPhone(null), '')
})

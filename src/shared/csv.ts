// CSV exports (csv-stringify), with every cell that a spreadsheet would read as
// a formula neutralised by a leading apostrophe.
import { stringify } from 'csv-stringify/sync'

export function neutralise(value: unknown): string {
  if (value === null || value === undefined) return ''
  const s = value instanceof Date ? value.toISOString() : String(value)
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return '\ufeff' + stringify([header, ...rows.map((r) => r.map(neutralise))], { record_delimiter: '\r\n' })
}

export function csvFilename(base: string): string {
  return `${base}-${new Date().toISOString().slice(0, 10)}.csv`
}

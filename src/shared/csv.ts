// CSV exports (csv-stringify), with every cell that a spreadsheet would read as
// a formula neutralised by a leading apostrophe.
import { stringify } from 'csv-stringify/sync'

export function neutralise(value: unknown): string {
  if (value === null || value === undefined) return ''
  const s = value instanceof Date ? value.toISOString() : String(value)
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
}

/** Records as CSV lines, each value neutralised: for exports written in chunks. */
export function csvLines(rows: unknown[][]): string {
  return rows.length
    ? stringify(
        rows.map((r) => r.map(neutralise)),
        { record_delimiter: '\r\n' },
      )
    : ''
}

/** A whole CSV file: the byte-order mark spreadsheets need for UTF-8, the header, the rows. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return '\ufeff' + csvLines([header, ...rows])
}

export function csvFilename(base: string): string {
  return `${base}-${new Date().toISOString().slice(0, 10)}.csv`
}

// The demo's calendar: its dates are written as they read on REFERENCE_DAY and
// moved to today when the demo loads, by whole weeks so that a Tuesday election
// or a Thursday meeting stays on its weekday. So a demo loaded any day has
// elections ahead, endorsements behind and nothing that warns only because the
// demo is old.
import { DateTime } from 'luxon'

export const REFERENCE_DAY = '2026-12-01'

/** Whole days the demo's calendar moves: today minus the reference day, rounded down to a week. */
export function demoShiftDays(today: DateTime = DateTime.now()): number {
  const days = Math.floor(today.startOf('day').diff(DateTime.fromISO(REFERENCE_DAY), 'days').days)
  return Math.floor(days / 7) * 7
}

/** A date written for the reference day, as it falls for a demo loaded today (ISO, yyyy-mm-dd). */
export function demoDate(written: string, today: DateTime = DateTime.now()): string {
  return DateTime.fromISO(written)
    .plus({ days: demoShiftDays(today) })
    .toISODate()!
}

/** The demo slate: election a little under a year ahead; its name and cycle follow the moved dates. */
export function demoSlate(today: DateTime = DateTime.now()) {
  const election = demoDate('2027-11-02', today)
  const year = Number(election.slice(0, 4))
  return {
    name: `${year - 1} national slate`,
    cycle: `${year - 1}–${String(year).slice(2)}`,
    electionDate: election,
  }
}

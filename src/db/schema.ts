// The one Database interface: every table Tenfold reads or writes.
// Nullable columns are `T | null`; defaults and identities are Generated.
import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Created = ColumnType<Date, never, never>

export type Orientation = 'left_led' | 'progressive_opportunist' | 'middling' | 'hostile'
export type Sector = 'private' | 'public' | 'federal'
export type BodyKind = 'local' | 'council' | 'federation' | 'clc' | 'unit'
export type DecidingBody = 'executive_board' | 'membership_meeting' | 'delegate_body' | 'referendum' | 'council_conference' | 'cope_committee'
export type VoteThreshold = 'majority_cast' | 'majority_present' | 'two_thirds' | 'custom'
export type UserRole = 'admin' | 'national' | 'organizer' | 'volunteer'

export interface ChaptersTable {
  id: Generated<number>
  name: string
  slug: string
  city: string | null
  state: string | null
  time_zone: Generated<string>
  min_supporters: Generated<number>
  min_leaders: Generated<number>
  min_trained_leaders: Generated<number>
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Timestamp>
  deleted_at: Timestamp | null
}

export interface NationalUnionsTable {
  id: Generated<number>
  name: string
  abbreviation: string
  afl_cio: Generated<boolean>
  rules_notes: string | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Timestamp>
  deleted_at: Timestamp | null
}

export interface LocalsTable {
  id: Generated<number>
  kind: Generated<BodyKind>
  national_union_id: number | null
  parent_id: number | null
  designation: string | null
  name: string
  olms_file_number: number | null
  chapter_id: number | null
  city: string | null
  state: string | null
  members: number | null
  sector: Sector | null
  orientation: Orientation | null
  deciding_body: DecidingBody | null
  recommending_body: string | null
  threshold: VoteThreshold | null
  threshold_percent: number | null
  quorum: string | null
  notice_days: number | null
  first_reading: Generated<boolean>
  meeting_schedule: string | null
  parent_approval_offices: string | null
  rules_source_url: string | null
  rules_verified: Generated<boolean>
  notes: string | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Timestamp>
  deleted_at: Timestamp | null
}

export interface UsersTable {
  id: Generated<number>
  email: string
  name: string
  password_hash: string | null
  is_admin: Generated<boolean>
  is_national: Generated<boolean>
  active: Generated<boolean>
  totp_secret: string | null
  totp_enabled: Generated<boolean>
  recovery_codes: Generated<string[]>
  calendar_token: string | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Timestamp>
}

export interface MembershipsTable {
  user_id: number
  chapter_id: number
  role: 'organizer' | 'volunteer'
}

export interface SessionsTable {
  id: string
  user_id: number
  csrf_token: string
  pending_2fa: Generated<boolean>
  created_at: Generated<Date>
  last_seen_at: Generated<Timestamp>
  expires_at: Timestamp
}

export interface OneTimeLinksTable {
  token_hash: string
  user_id: number
  purpose: 'invite' | 'reset'
  expires_at: Timestamp
  used_at: Timestamp | null
  created_at: Generated<Date>
}

export interface LoginAttemptsTable {
  id: Generated<number>
  key: string
  at: Generated<Timestamp>
}

export interface SettingsTable {
  key: string
  value: unknown
  updated_at: Generated<Timestamp>
}

export interface AuditLogTable {
  id: Generated<number>
  at: Generated<Date>
  actor_id: number | null
  action: string
  entity: string
  entity_id: string | null
  chapter_id: number | null
  before: unknown
  after: unknown
  request_id: string | null
}

export interface Database {
  chapters: ChaptersTable
  national_unions: NationalUnionsTable
  locals: LocalsTable
  users: UsersTable
  memberships: MembershipsTable
  sessions: SessionsTable
  one_time_links: OneTimeLinksTable
  login_attempts: LoginAttemptsTable
  settings: SettingsTable
  audit_log: AuditLogTable
}

export type { Created }

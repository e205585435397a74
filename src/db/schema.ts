// The one Database interface: every table Tenfold reads or writes.
// Nullable columns are `T | null`; defaults and identities are Generated.
import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Created = ColumnType<Date, never, never>
/** A timestamp with a default: optional on insert, settable on update. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export type Orientation = 'left_led' | 'progressive_opportunist' | 'middling' | 'hostile'
export type Sector = 'private' | 'public' | 'federal'
export type BodyKind = 'local' | 'council' | 'federation' | 'clc' | 'unit'
export type DecidingBody =
  | 'executive_board'
  | 'membership_meeting'
  | 'delegate_body'
  | 'referendum'
  | 'council_conference'
  | 'cope_committee'
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
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export interface NationalUnionsTable {
  id: Generated<number>
  name: string
  abbreviation: string
  /** The OLMS abbreviation (aff_abbr), when it differs from what people write or came from the OLMS file. */
  code: string | null
  /** Other names the union goes by, for search. */
  aliases: Generated<string[]>
  afl_cio: Generated<boolean>
  rules_notes: string | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
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
  updated_at: GeneratedTimestamp
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
  /** The last 30-second TOTP step accepted; a code at or before it is a replay. */
  totp_last_step: number | null
  recovery_codes: Generated<string[]>
  calendar_token: string | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
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
  last_seen_at: GeneratedTimestamp
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
  at: GeneratedTimestamp
}

export interface SettingsTable {
  key: string
  value: unknown
  updated_at: GeneratedTimestamp
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

// --- pipeline, slate, resolutions (migration 002)
export type StageKeyCol = 'identify' | 'democratize' | 'build_team' | 'file_resolution' | 'vote'
export type DriveStatusCol = 'active' | 'paused' | 'won' | 'lost' | 'dropped'
export type EndorsementStatusCol =
  | 'active'
  | 'conditional'
  | 'rescinded'
  | 'superseded'
  | 'pending_parent'
  | 'conflict_parent'
export type DecisionOutcomeCol =
  | 'adopted'
  | 'failed'
  | 'tabled'
  | 'postponed'
  | 'referred'
  | 'out_of_order'
  | 'no_quorum'
  | 'enjoined'

export interface SlatesTable {
  id: Generated<number>
  name: string
  cycle: string | null
  election_date: string | null
  is_current: Generated<boolean>
  goal: Generated<number>
  /** The chapter whose organizers manage the slate; null: admins only (migration 120). */
  chapter_id: Generated<number | null>
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export interface CandidatesTable {
  id: Generated<number>
  slate_id: number
  chapter_id: number | null
  name: string
  office: string
  level: Generated<'federal' | 'state' | 'county' | 'municipal' | 'school_board' | 'judicial'>
  district: string | null
  election_type: string | null
  election_date: string | null
  status: Generated<'running' | 'withdrawn' | 'lost_primary' | 'won' | 'lost'>
  goal: Generated<number>
  joined_on: string | null
  left_on: string | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export interface DrivesTable {
  id: Generated<number>
  slate_id: number
  local_id: number | null
  national_union_id: number | null
  chapter_id: number | null
  asks: Generated<'candidate' | 'slate' | 'both'>
  candidate_id: number | null
  stage: Generated<StageKeyCol>
  status: Generated<DriveStatusCol>
  owner_id: number | null
  next_step: string | null
  next_step_due: string | null
  vote_date: string | null
  process_skipped_reason: string | null
  end_reason: string | null
  stage_entered_at: GeneratedTimestamp
  last_activity_at: GeneratedTimestamp
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export interface StageChangesTable {
  id: Generated<number>
  drive_id: number
  from_stage: StageKeyCol | null
  to_stage: StageKeyCol
  from_status: DriveStatusCol | null
  to_status: DriveStatusCol
  reason: string | null
  warnings: Generated<string[]>
  actor_id: number | null
  at: GeneratedTimestamp
}

export interface ProcessPushesTable {
  id: Generated<number>
  drive_id: number
  mechanisms: Generated<string[]>
  body: string | null
  decided_on: string | null
  outcome: Generated<'pending' | 'adopted' | 'rejected' | 'already_democratic'>
  note: string | null
  actor_id: number | null
  created_at: Generated<Date>
  deleted_at: Timestamp | null
}

export interface ResolutionsTable {
  id: Generated<number>
  slug: string | null
  title: string
  kind: 'democratize' | 'endorse_candidate' | 'endorse_slate' | 'national_endorse' | 'forum_request' | 'issue'
  language: Generated<'en' | 'es'>
  tags: Generated<string[]>
  created_by: number | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export interface ResolutionVersionsTable {
  id: Generated<number>
  resolution_id: number
  number: number
  body: string
  note: string | null
  created_by: number | null
  created_at: Generated<Date>
  search: ColumnType<string, never, never>
}

export interface FilingsTable {
  id: Generated<number>
  drive_id: number
  filed_on: string
  body: string
  text_filed: string
  resolution_version_id: number | null
  candidate_id: number | null
  adopted_text: string | null
  earliest_vote_on: string | null
  actor_id: number | null
  created_at: Generated<Date>
  deleted_at: Timestamp | null
}

export interface DecisionsTable {
  id: Generated<number>
  drive_id: number
  filing_id: number | null
  body: string
  held_on: string
  kind: Generated<'meeting' | 'poll'>
  quorum_met: Generated<boolean>
  votes_for: number | null
  votes_against: number | null
  abstain: number | null
  threshold: VoteThreshold | null
  threshold_percent: number | null
  binding: Generated<boolean>
  outcome: DecisionOutcomeCol
  next_date: string | null
  note: string | null
  actor_id: number | null
  created_at: Generated<Date>
  deleted_at: Timestamp | null
}

export interface EndorsementsTable {
  id: Generated<number>
  slate_id: number
  local_id: number | null
  national_union_id: number | null
  candidate_id: number | null
  chapter_id: number | null
  status: Generated<EndorsementStatusCol>
  conditions: string | null
  decided_on: string
  deciding_body: string | null
  votes_for: number | null
  votes_against: number | null
  abstain: number | null
  threshold_met: boolean | null
  decision_id: number | null
  source_url: string | null
  supersedes_id: number | null
  is_public: Generated<boolean>
  actor_id: number | null
  created_at: Generated<Date>
}

export interface ShareLinksTable {
  id: Generated<number>
  token_hash: string
  resolution_version_id: number
  drive_id: number | null
  candidate_id: number | null
  chapter_id: number | null
  filled_title: string
  filled_body: string
  language: Generated<string>
  created_by: number | null
  expires_at: Timestamp | null
  revoked_at: Timestamp | null
  uses: Generated<number>
  created_at: Generated<Date>
}

export interface Database {
  slates: SlatesTable
  candidates: CandidatesTable
  drives: DrivesTable
  stage_changes: StageChangesTable
  process_pushes: ProcessPushesTable
  resolutions: ResolutionsTable
  resolution_versions: ResolutionVersionsTable
  filings: FilingsTable
  decisions: DecisionsTable
  endorsements: EndorsementsTable
  share_links: ShareLinksTable
}

// --- supporters (migration 050)
export type RoleInLocal = 'rank_and_file' | 'steward' | 'officer' | 'executive_board' | 'delegate' | 'staff'
export type ConversationKind = 'one_on_one' | 'call' | 'text' | 'meeting' | 'event'
export type TeamRole = 'lead' | 'coach' | 'member'
export type ImportStatus = 'uploaded' | 'mapped' | 'validating' | 'ready' | 'committing' | 'done' | 'failed'

export interface SupportersTable {
  id: Generated<number>
  chapter_id: number
  local_id: number | null
  name: string
  role_in_local: Generated<RoleInLocal>
  chapter_member: Generated<boolean>
  email: string | null
  email_normalised: string | null
  phone: string | null
  preferred_language: string | null
  tags: Generated<string[]>
  notes: string | null
  do_not_contact: Generated<boolean>
  keep_off_shared_lists: Generated<boolean>
  potential_leader: Generated<boolean>
  current_level: number | null
  last_contact_on: string | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export interface SupportLevelsTable {
  id: Generated<number>
  supporter_id: number
  level: number
  note: string | null
  actor_id: number | null
  at: GeneratedTimestamp
}

export interface ConversationsTable {
  id: Generated<number>
  supporter_id: number
  drive_id: number | null
  kind: ConversationKind
  held_on: string
  by_user_id: number | null
  outcome: string | null
  note: string | null
  follow_up_on: string | null
  created_at: Generated<Date>
  deleted_at: Timestamp | null
}

export interface TeamMembersTable {
  id: Generated<number>
  drive_id: number
  supporter_id: number
  role: Generated<TeamRole>
  trained_on: string | null
  created_at: Generated<Date>
  deleted_at: Timestamp | null
}

export interface ImportsTable {
  id: Generated<number>
  chapter_id: number
  user_id: number | null
  status: Generated<ImportStatus>
  filename: string
  headers: Generated<string[]>
  mapping: unknown
  options: unknown
  totals: unknown
  progress: Generated<number>
  error: string | null
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  /** When the retention job deleted the uploaded rows (161). */
  rows_purged_at: Timestamp | null
}

export interface ImportRowsTable {
  import_id: number
  line: number
  cells: string[]
  problem: string | null
}

export interface Database {
  supporters: SupportersTable
  support_levels: SupportLevelsTable
  conversations: ConversationsTable
  team_members: TeamMembersTable
  imports: ImportsTable
  import_rows: ImportRowsTable
}

// --- mapping facts, political positions, public slate lists, saved views (migration 060)
export type PositionTopic =
  | 'medicare_for_all'
  | 'ceasefire'
  | 'strike_support'
  | 'climate'
  | 'immigrant_rights'
  | 'other'
export type PositionOutcome = 'passed' | 'refused' | 'tabled'

export interface LocalsMappingColumns {
  on_labor_council: boolean | null
  endorses_candidates: Generated<'yes' | 'no' | 'unknown'>
  endorses_how: string | null
  officer_election_on: string | null
  contract_expires_on: string | null
}

export interface SlatesPublicColumns {
  public_slug: string | null
  public_enabled: Generated<boolean>
}

export interface PoliticalPositionsTable {
  id: Generated<number>
  local_id: number
  topic: PositionTopic
  description: string | null
  decided_on: string
  outcome: PositionOutcome
  source_url: string | null
  actor_id: number | null
  created_at: Generated<Date>
  deleted_at: Timestamp | null
}

export interface SavedViewsTable {
  id: Generated<number>
  user_id: number
  chapter_id: number | null
  name: string
  path: string
  query: Generated<string>
  created_at: Generated<Date>
}

export interface LaborCirclesTable {
  id: Generated<number>
  chapter_id: number
  kind: 'circle' | 'section'
  name: string
  sector: string | null
  national_union_id: number | null
  contact_supporter_id: number | null
  cadence: string | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Timestamp>
  deleted_at: Timestamp | null
}

export interface LaborCircleMembersTable {
  circle_id: number
  supporter_id: number
  created_at: Generated<Date>
}

export interface LocalsTable extends LocalsMappingColumns {}
export interface SlatesTable extends SlatesPublicColumns {}

export interface Database {
  political_positions: PoliticalPositionsTable
  saved_views: SavedViewsTable
  labor_circles: LaborCirclesTable
  labor_circle_members: LaborCircleMembersTable
}

// ---- 095 matrix change stamps ---------------------------------------------------

export interface ChangeStampsTable {
  key: string
  n: number
}

export interface Database {
  change_stamps: ChangeStampsTable
}

// One-time form keys (migration 280, plugins/form-key.ts).
export interface FormKeysTable {
  user_id: number
  key: string
  route: string
  done: Generated<boolean>
  location: string | null
  created_at: GeneratedTimestamp
}

export interface Database {
  form_keys: FormKeysTable
}

// ---- 200 whip count: deciding bodies, reads, pledges, relationships, structure tests (issue 17)

export type MemberReadCol = 'yes' | 'leaning_yes' | 'undecided' | 'leaning_no' | 'no' | 'absent'

export interface DecidingBodiesTable {
  id: Generated<number>
  drive_id: number
  chapter_id: number | null
  kind: Generated<'roster' | 'turnout'>
  name: string
  threshold: VoteThreshold | null
  // numeric comes back from pg as a string
  threshold_percent: ColumnType<string | null, number | string | null, number | string | null>
  counts_abstentions: Generated<boolean>
  quorum: number | null
  expected_attendance: number | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export interface BodyMembersTable {
  id: Generated<number>
  body_id: number
  chapter_id: number | null
  seat: string | null
  name: string | null
  supporter_id: number | null
  joined_on: string | null
  left_on: string | null
  read: MemberReadCol | null
  read_at: Timestamp | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export interface MemberReadsTable {
  id: Generated<number>
  member_id: number
  read: MemberReadCol
  note: string | null
  actor_id: number | null
  at: GeneratedTimestamp
}

export interface TurnoutPledgesTable {
  id: Generated<number>
  drive_id: number
  chapter_id: number | null
  supporter_id: number
  pledge: 'confirmed' | 'pledged' | 'maybe'
  note: string | null
  actor_id: number | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export type RelationshipKindCol = 'coworker' | 'same_shift' | 'friend' | 'family' | 'steward_of' | 'organizer_contact'
export type RelationshipStrengthCol = 'close' | 'knows' | 'met_once'

export interface RelationshipsTable {
  id: Generated<number>
  chapter_id: number
  a_supporter_id: number | null
  a_member_id: number | null
  b_supporter_id: number | null
  b_member_id: number | null
  kind: RelationshipKindCol
  strength: RelationshipStrengthCol
  note: string | null
  actor_id: number | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export interface StructureTestsTable {
  id: Generated<number>
  drive_id: number
  chapter_id: number | null
  kind: 'petition' | 'pledge_card' | 'sticker_up' | 'sign_on_letter'
  name: string
  denominator: Generated<'membership' | 'units'>
  target_percent: Generated<number>
  started_on: string | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export interface StructureTestUnitsTable {
  id: Generated<number>
  test_id: number
  name: string
  headcount: number
  position: Generated<number>
  deleted_at: Timestamp | null
}

export interface StructureTestCountsTable {
  id: Generated<number>
  unit_id: number
  counted_on: string
  total: number
  actor_id: number | null
  created_at: Generated<Date>
  deleted_at: Timestamp | null
}

export interface DrivesTable {
  majority_check: Generated<boolean>
}

export interface StructureTestParticipantsTable {
  id: Generated<number>
  test_id: number
  unit_id: number
  supporter_id: number
  chapter_id: number | null
  took_part_on: string
  actor_id: number | null
  created_at: Generated<Date>
  deleted_at: Timestamp | null
}

export interface Database {
  deciding_bodies: DecidingBodiesTable
  body_members: BodyMembersTable
  member_reads: MemberReadsTable
  turnout_pledges: TurnoutPledgesTable
  relationships: RelationshipsTable
  structure_tests: StructureTestsTable
  structure_test_units: StructureTestUnitsTable
  structure_test_counts: StructureTestCountsTable
  structure_test_participants: StructureTestParticipantsTable
}

// ---- 230 assignments (src/assignments) ----------------------------------------------

export type AssignmentStatus = 'open' | 'done' | 'cancelled'

export interface AssignmentsTable {
  id: Generated<number>
  chapter_id: number
  supporter_id: number
  assignee_id: number
  drive_id: number | null
  ask: string | null
  due_on: string | null
  status: Generated<AssignmentStatus>
  conversation_id: number | null
  done_at: Timestamp | null
  created_by: number | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
}

export interface ChaptersTable {
  /** Volunteers see email and phone of the supporters assigned to them (off by default). */
  assigned_contacts: Generated<boolean>
}

export interface Database {
  assignments: AssignmentsTable
}

// ---- 231 digests (src/digest) ---------------------------------------------------------

export type DigestFrequency = 'off' | 'daily' | 'weekly'

export interface UsersTable {
  /** NULL: the role's default (weekly for organizers, off for everyone else). */
  digest_frequency: DigestFrequency | null
}

export interface DigestSendsTable {
  user_id: number
  period: string
  /** 400: `sending` is committed before SMTP; a retry finding it records `unconfirmed` and sends nothing. */
  status: Generated<'pending' | 'sending' | 'sent' | 'unconfirmed' | 'built' | 'empty'>
  attempts: Generated<number>
  error: string | null
  sent_at: Timestamp | null
  sending_at: Timestamp | null
  created_at: Generated<Date>
}

export interface Database {
  digest_sends: DigestSendsTable
}

// ---- 232 meeting entries (src/meetings) ---------------------------------------------

export interface MeetingEntriesTable {
  id: Generated<number>
  drive_id: number
  key: string
  kind: 'attendance' | 'amendment' | 'result'
  data: ColumnType<Record<string, unknown>, string, string>
  base_key: string | null
  conflict: Generated<boolean>
  decision_id: number | null
  recorded_by: number | null
  entered_at: Timestamp | null
  created_at: Generated<Date>
}

export interface Database {
  meeting_entries: MeetingEntriesTable
}

// A resolution adapted for one drive (migration 140, resolutions/adaptations.ts).
export interface ResolutionAdaptationsTable {
  id: Generated<number>
  drive_id: number
  resolution_id: number
  based_on_version_id: number
  candidate_id: number | null
  body: string
  /** The values typed into the "missing details" form, by merge-field key. */
  fields: ColumnType<Record<string, string>, string | undefined, string>
  version: Generated<number>
  created_by: number | null
  updated_by: number | null
  created_at: Generated<Date>
  updated_at: GeneratedTimestamp
  deleted_at: Timestamp | null
}

export interface Database {
  resolution_adaptations: ResolutionAdaptationsTable
}

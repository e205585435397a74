// Labels for the directory's fixed choices, in organizers' words.
export const ORIENTATIONS = [
  { value: 'left_led', label: 'Left-led' },
  { value: 'progressive_opportunist', label: 'Progressive-opportunist' },
  { value: 'middling', label: 'Middling' },
  { value: 'hostile', label: 'Hostile' },
] as const
export const SECTORS = [
  { value: 'private', label: 'Private' },
  { value: 'public', label: 'Public' },
  { value: 'federal', label: 'Federal' },
] as const
export const BODY_KINDS = [
  { value: 'local', label: 'Local' },
  { value: 'council', label: 'Council (district, joint, state)' },
  { value: 'clc', label: 'Central labor council' },
  { value: 'federation', label: 'State labor federation' },
  { value: 'unit', label: 'Unit / sub-local' },
] as const
export const DECIDING_BODIES = [
  { value: 'executive_board', label: 'Executive board' },
  { value: 'membership_meeting', label: 'General membership meeting' },
  { value: 'delegate_body', label: 'Delegate body' },
  { value: 'referendum', label: 'Member referendum or poll' },
  { value: 'council_conference', label: 'Council endorsement conference' },
  { value: 'cope_committee', label: 'Political/COPE committee, then ratification' },
] as const
export const LOCAL_THRESHOLDS = [
  { value: 'majority_cast', label: 'Majority of votes cast' },
  { value: 'majority_present', label: 'Majority of those present' },
  { value: 'two_thirds', label: 'Two-thirds' },
  { value: 'custom', label: 'Custom percentage' },
] as const

export { labelOf, values } from '../shared/options.ts'

// Lists of choices ({ value, label }) as the forms and zod schemas use them:
// the tuple of values for z.enum, and the label a person reads for a value.
export type Opt = { readonly value: string; readonly label: string }

/** The values of a list of choices, typed as a non-empty tuple for z.enum. */
export const values = <T extends readonly Opt[]>(opts: T) =>
  opts.map((o) => o.value) as unknown as readonly [T[number]['value'], ...T[number]['value'][]]

/** The label of a value, or '' when the value is not in the list (values may be numbers: levels 1–5). */
export const labelOf = (
  opts: readonly { readonly value: string | number; readonly label: string }[],
  value: string | number | null | undefined,
) => opts.find((o) => o.value === value)?.label ?? ''

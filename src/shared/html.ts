// Escaping text for HTML, for the few places that build markup in code
// (rendered resolution texts, the matrix's thousands of cells). Templates
// escape on their own with <%= %>.

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** escapeHtml with memory: for a few distinct strings printed many times. */
export function escaper(max = 5000): (s: string) => string {
  const seen = new Map<string, string>()
  return (s) => {
    let out = seen.get(s)
    if (out === undefined) {
      out = escapeHtml(s)
      if (seen.size < max) seen.set(s, out)
    }
    return out
  }
}

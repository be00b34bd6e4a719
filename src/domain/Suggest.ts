/**
 * The edit distance of two words where swapping two neighbouring letters counts as one edit (optimal string
 * alignment): "captur" → "capture" is 1, "--aplly" → "--apply" is 1, "ipckup" → "pickup" is 1.
 */
export const editDistance = (a: string, b: string): number => {
  const rows: Array<Array<number>> = Array.from({ length: a.length + 1 }, (_, i) => [i])
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1)
      rows[i]![j] = best
    }
  }
  return rows[a.length]![b.length]!
}

/**
 * The known word a typo most likely meant, or undefined when none is close enough to be worth saying: at most one edit
 * for words of up to four letters, two for longer ones (dashes and case aside), or a unique known word the typed one
 * begins (`insp` → `inspect`). Suggesting something unrelated is worse than suggesting nothing.
 */
export const nearest = (typed: string, known: ReadonlyArray<string>): string | undefined => {
  const bare = (word: string) => word.replace(/^-+/, "").toLowerCase()
  const word = bare(typed)
  if (word === "") return undefined
  const limit = word.length <= 4 ? 1 : 2
  let best: { readonly candidate: string; readonly distance: number } | undefined
  for (const candidate of known) {
    const distance = editDistance(word, bare(candidate))
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance }
  }
  if (best !== undefined) return best.candidate
  const extending = word.length >= 3 ? known.filter((candidate) => bare(candidate).startsWith(word)) : []
  return extending.length === 1 ? extending[0] : undefined
}

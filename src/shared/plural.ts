// "1 new card", "3 new cards", "1 study day": counts in prose never say "card(s)".

/** `n` and the noun, singular for exactly 1 (`many` when the plural is not noun + "s"). */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}

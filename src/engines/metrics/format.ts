// Number formatting as Python's f"{x:.Nf}" (round half to even on the exact binary value), so
// the readable output shows the same digits sacrebleu prints.

export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  const plain = x.toFixed(digits);
  // toFixed rounds exact ties away from zero; Python rounds them to even. Only values whose
  // binary expansion ends exactly at a 5 in the next digit are ties.
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 60));
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(rest)) return plain;
  const truncated = exact.slice(0, dot + 1 + digits).replace(/\.$/, '');
  const lastDigit = Number(truncated[truncated.length - 1] === '.' ? truncated[truncated.length - 2] : truncated[truncated.length - 1]);
  if (lastDigit % 2 === 0) return (x < 0 ? '-' : '') + truncated;
  return plain;
}

/** A plain-text table with left-aligned first column and right-aligned others. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

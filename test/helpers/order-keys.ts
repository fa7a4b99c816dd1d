// The keys a learner types to put an ordering question's items in order: walk the cursor (j/k) to the
// item that belongs next and carry it up with K. Shared by the widget tests and the terminal journeys.

/** `shown[pos]` is the correct position of the item displayed at `pos`; returns the keys, without Enter. */
export function orderKeys(shown: readonly number[]): string[] {
  const cur = [...shown];
  const keys: string[] = [];
  let cursor = 0;
  for (let target = 0; target < cur.length; target++) {
    const p = cur.indexOf(target);
    while (cursor < p) {
      keys.push('j');
      cursor++;
    }
    while (cursor > p) {
      keys.push('k');
      cursor--;
    }
    for (let i = p; i > target; i--) {
      keys.push('K');
      [cur[i - 1], cur[i]] = [cur[i]!, cur[i - 1]!];
      cursor--;
    }
  }
  return keys;
}

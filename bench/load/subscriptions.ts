import { createRandom, hashSeed } from '../../lib/rng';

/**
 * Each client's symbols, `perClient` distinct ones drawn with probability proportional to 1 / rank (Zipf, s = 1):
 * the first symbols are on most watchlists, the tail on few. Seeded, so every server gets the same clients.
 */
export function zipfSubscriptions(
  universe: readonly string[],
  clients: number,
  perClient: number,
  seed: number,
): string[][] {
  if (perClient > universe.length) throw new Error(`${perClient} symbols per client of ${universe.length}`);
  const random = createRandom(hashSeed(seed, 'subscriptions'));
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= universe.length; rank++) cumulative.push((total += 1 / rank));

  const draw = (): string => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    return universe[low] as string;
  };

  const lists: string[][] = [];
  for (let c = 0; c < clients; c++) {
    const symbols = new Set<string>();
    while (symbols.size < perClient) symbols.add(draw());
    lists.push([...symbols]);
  }
  return lists;
}

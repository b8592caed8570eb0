/** Repeatable random whole numbers below n, from a seed (a linear congruential generator): the same run each time. */
export function seeded(seed: number): (n: number) => number {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

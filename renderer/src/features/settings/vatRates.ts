/**
 * "21, 9, 0" (or "21%, 9%, 0%", "21 %; 9 %; 0 %"; "5,5" as a Dutch decimal is not offered) as rates; null when
 * one is not a rate.
 */
export function parseRates(text: string): number[] | null {
  const parts = text
    .replace(/%/g, ' ')
    .split(/[;,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
  const rates = parts.map(Number);
  if (!rates.length || rates.length > 6 || rates.some((r) => !Number.isFinite(r) || r < 0 || r > 100 || Math.round(r * 100) !== r * 100))
    return null;
  return [...new Set(rates)];
}

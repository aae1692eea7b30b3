// How the dashboard writes numbers. The API gives exact integers (money in fen, person-times as counts,
// rates as fractions); officials quote money in 万元 and people served in 万人次, so large figures are
// scaled to 万 (10,000) in Chinese and to thousands/millions in English, and small ones are written whole
// (a community's 40 person-times is "40 人次", not "0.004 万人次").

export type Lang = "zh" | "en";

/** A figure as shown: the number and its unit, kept apart so the unit can be set smaller. */
export interface Shown {
  value: string;
  unit: string;
}

const FEN_PER_YUAN = 100;
const WAN = 10_000;

function number(value: number, maxDigits: number, minDigits = 0): string {
  return new Intl.NumberFormat("en-US", {
    maximumFractionDigits: maxDigits,
    minimumFractionDigits: minDigits,
  }).format(value);
}

/** A whole count with digit grouping: 1234 → "1,234". */
export function count(n: number): string {
  return number(n, 0);
}

/** Fen → 万元 with two decimals: 120_000_000_00 fen (1.2 亿元) → "12,000.00". Never shows a non-zero as 0. */
export function fenToWan(fen: number): string {
  const wan = fen / FEN_PER_YUAN / WAN;
  if (fen > 0 && wan < 0.005) return "<0.01";
  return number(wan, 2, 2);
}

/** Fen → yuan with two decimals: 12345 → "123.45". */
export function fenToYuan(fen: number): string {
  return number(fen / FEN_PER_YUAN, 2, 2);
}

/** Money for a large figure: 万元 from 1 万元 up, else 元 (zh); million yuan from 1 million up, else yuan (en). */
export function money(fen: number, lang: Lang): Shown {
  const yuan = fen / FEN_PER_YUAN;
  if (lang === "zh") {
    return yuan >= WAN ? { value: number(yuan / WAN, 2), unit: "万元" } : { value: number(yuan, 2), unit: "元" };
  }
  return yuan >= 1_000_000
    ? { value: number(yuan / 1_000_000, 2), unit: "million yuan" }
    : { value: number(yuan, 2), unit: "yuan" };
}

/** Person-times for a large figure: 138_000 → "13.8 万人次" (zh) or "138,000 person-times" (en). */
export function personTimes(n: number, lang: Lang): Shown {
  if (lang === "zh") {
    return n >= WAN ? { value: number(n / WAN, 2), unit: "万人次" } : { value: count(n), unit: "人次" };
  }
  return { value: count(n), unit: "person-times" };
}

/** Person-times in 万人次, two decimals at most: 138_000 → "13.8". */
export function personTimesToWan(n: number): string {
  return number(n / WAN, 2);
}

/** A rate (a fraction 0..1, or null when there was nothing to divide by) as a percentage: 0.8571 → "85.7%". */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return "—";
  return `${number(rate * 100, 1, 1)}%`;
}

/** Hours with at most one decimal, as the API keeps them (whole tenths): 1234.5 → "1,234.5". */
export function hours(h: number): string {
  return number(h, 1);
}

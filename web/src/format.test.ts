import { describe, expect, test } from "vitest";
import { count, fenToWan, fenToYuan, hours, money, percent, personTimes, personTimesToWan } from "./format";

describe("money", () => {
  test("fen become 万元 with two decimals", () => {
    expect(fenToWan(1_200_000_000)).toBe("1,200.00"); // 12 million yuan, as officials quote it: 1200万元
    expect(fenToWan(1_234_567)).toBe("1.23");
    expect(fenToWan(0)).toBe("0.00");
  });
  test("a small non-zero amount is never shown as zero 万元", () => {
    expect(fenToWan(4_999)).toBe("<0.01");
    expect(fenToWan(5_000)).toBe("0.01");
  });
  test("fen become yuan exactly", () => {
    expect(fenToYuan(12_345)).toBe("123.45");
  });
  test("a large figure is 万元 in Chinese and million yuan in English; a small one is yuan", () => {
    expect(money(1_200_000_000, "zh")).toEqual({ value: "1,200", unit: "万元" });
    expect(money(1_200_000_000, "en")).toEqual({ value: "12", unit: "million yuan" });
    expect(money(500_000, "zh")).toEqual({ value: "5,000", unit: "元" });
    expect(money(500_050, "en")).toEqual({ value: "5,000.5", unit: "yuan" });
  });
});

describe("person-times", () => {
  test("138,000 person-times are 13.8 万人次", () => {
    expect(personTimesToWan(138_000)).toBe("13.8");
    expect(personTimes(138_000, "zh")).toEqual({ value: "13.8", unit: "万人次" });
  });
  test("fewer than 10,000 are written whole", () => {
    expect(personTimes(9_999, "zh")).toEqual({ value: "9,999", unit: "人次" });
  });
  test("English writes them whole", () => {
    expect(personTimes(138_000, "en")).toEqual({ value: "138,000", unit: "person-times" });
  });
});

describe("rates and counts", () => {
  test("a rate is a percentage with one decimal", () => {
    expect(percent(0.8571)).toBe("85.7%");
    expect(percent(1)).toBe("100.0%");
    expect(percent(0)).toBe("0.0%");
  });
  test("a rate with nothing to divide by is a dash, not 0%", () => {
    expect(percent(null)).toBe("—");
  });
  test("counts and hours are grouped", () => {
    expect(count(1_234_567)).toBe("1,234,567");
    expect(hours(1_234.5)).toBe("1,234.5");
  });
});

import { describe, expect, it } from "vitest";
import { TIMING_BUCKETS, bucketIndex, renderHistogram } from "../../src/delivery/timings.js";

describe("duration histograms operators chart", () => {
  it("put each observation in the first bucket whose bound it does not exceed, the rest in +Inf", () => {
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(0.005)).toBe(0);
    expect(bucketIndex(0.006)).toBe(1);
    expect(bucketIndex(3600)).toBe(TIMING_BUCKETS.length - 1);
    expect(bucketIndex(3601)).toBe(TIMING_BUCKETS.length);
  });

  it("render as Prometheus text with cumulative buckets, sum and count", () => {
    const buckets = new Array<number>(TIMING_BUCKETS.length + 1).fill(0);
    buckets[bucketIndex(0.02)] = 2;
    buckets[bucketIndex(7)] = 1;
    buckets[TIMING_BUCKETS.length] = 1;
    const text = renderHistogram("bulletin_example_seconds", "An example.", { buckets, sum: 4000.04, count: 4 });
    const lines = text.trim().split("\n");
    expect(lines[0]).toBe("# HELP bulletin_example_seconds An example.");
    expect(lines[1]).toBe("# TYPE bulletin_example_seconds histogram");
    expect(lines).toContain('bulletin_example_seconds_bucket{le="0.01"} 0');
    expect(lines).toContain('bulletin_example_seconds_bucket{le="0.025"} 2');
    expect(lines).toContain('bulletin_example_seconds_bucket{le="10"} 3');
    expect(lines).toContain('bulletin_example_seconds_bucket{le="3600"} 3');
    expect(lines).toContain('bulletin_example_seconds_bucket{le="+Inf"} 4');
    expect(lines.slice(-2)).toEqual(["bulletin_example_seconds_sum 4000.04", "bulletin_example_seconds_count 4"]);
  });
});

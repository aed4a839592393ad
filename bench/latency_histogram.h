// LatencyHistogram: an HDR-style log-bucketed histogram of durations in
// nanoseconds. Values below 128 ns get a bucket each; above, every power of
// two is split into 64 equal sub-buckets, so a reported percentile is within
// 1/64 (~1.6%) of the true value, from 1 ns to centuries, in a fixed 3712
// counters (~29 KiB). The exact minimum and maximum are kept as well.
//
// Not synchronized: give each recording thread (or each in-flight call slot
// whose completions are sequential) its own histogram and Merge() them.
//
// Example:
//   LatencyHistogram h;
//   h.Record(1234567);              // 1.23 ms
//   double p99_ms = h.Percentile(99.0) / 1e6;
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

namespace caselink::bench {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 6;                    // 64 sub-buckets per octave
  static constexpr int kSubBuckets = 1 << kSubBucketBits;     // 64
  static constexpr int kLinear = 2 * kSubBuckets;             // values 0..127 are exact
  static constexpr int kBuckets = (63 - kSubBucketBits) * kSubBuckets + kLinear;  // 3776 > max index

  void Record(uint64_t nanos) {
    ++counts_[Index(nanos)];
    ++count_;
    min_ = std::min(min_, nanos);
    max_ = std::max(max_, nanos);
  }

  void Merge(const LatencyHistogram& other) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }

  // The value at percentile `p` (0..100], in nanoseconds: the midpoint of the
  // bucket holding the ceil(p% * count)-th smallest value, clamped to the
  // exact min/max. 0 when empty.
  double Percentile(double p) const {
    if (count_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(p / 100.0 * static_cast<double>(count_) + 0.9999999);
    rank = std::clamp<uint64_t>(rank, 1, count_);
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) {
        double lo = static_cast<double>(LowerBound(i));
        double hi = static_cast<double>(LowerBound(i + 1));
        double mid = (lo + hi) / 2;
        return std::clamp(mid, static_cast<double>(min()), static_cast<double>(max_));
      }
    }
    return static_cast<double>(max_);
  }

  // Bucket arithmetic, public for tests of the layout.
  static int Index(uint64_t v) {
    if (v < static_cast<uint64_t>(kLinear)) return static_cast<int>(v);
    int msb = 63 - __builtin_clzll(v);      // >= 7
    int shift = msb - kSubBucketBits;       // >= 1; v >> shift is in [64, 127]
    return shift * kSubBuckets + static_cast<int>(v >> shift);
  }
  static uint64_t LowerBound(int index) {
    if (index < kLinear) return static_cast<uint64_t>(index);
    int shift = index / kSubBuckets - 1;
    uint64_t mantissa = static_cast<uint64_t>(index - shift * kSubBuckets);  // [64, 127]
    if (shift >= 57) return std::numeric_limits<uint64_t>::max();
    return mantissa << shift;
  }

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t min_ = std::numeric_limits<uint64_t>::max();
  uint64_t max_ = 0;
};

}  // namespace caselink::bench

// A small metrics registry for caselinkd: counters and fixed-bucket
// histograms keyed by label values, plus gauges computed when scraped. The
// hot path (one Inc/Observe per call) takes a shared reader lock to find its
// cell and then only touches atomics; a new label combination takes the
// writer lock once. Snapshot() feeds both the Prometheus text exposition
// (metrics_exposition.h) and AdminService.GetStats, so both show the same
// figures. Thread-safe.
//
// Example:
//   metrics::Registry r;
//   auto* calls = r.AddCounter("caselink_x_total", "Calls.", {"rpc"});
//   calls->Get({"caselink.v1.CaseService/GetCase"}).Inc();
//   std::string text = metrics::RenderPrometheusText(r.Snapshot());
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "caselink_common/prometheus_text.h"

namespace caselink::server::metrics {

using Labels = prometheus::Labels;
using Sample = prometheus::Sample;
using FamilySnapshot = prometheus::Family;

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Observations counted into fixed upper bounds (ascending) plus +Inf.
class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void Observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then the +Inf count (== count()).
  std::vector<uint64_t> CumulativeCounts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Cells of one metric keyed by their label values; a returned reference
// stays valid as long as the family.
template <typename Cell>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<Cell>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  Cell& Get(const std::vector<std::string>& values) ABSL_LOCKS_EXCLUDED(mu_) {
    std::string key = Key(values);
    {
      absl::ReaderMutexLock l(&mu_);
      auto it = cells_.find(key);
      if (it != cells_.end()) return *it->second.cell;
    }
    absl::MutexLock l(&mu_);
    Entry& e = cells_[key];
    if (e.cell == nullptr) {
      e.cell = make_();
      e.values = values;
    }
    return *e.cell;
  }

  void ForEach(const std::function<void(const Labels&, const Cell&)>& fn) const
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::ReaderMutexLock l(&mu_);
    for (const auto& [key, e] : cells_) {
      Labels labels;
      for (size_t i = 0; i < label_names_.size() && i < e.values.size(); ++i) {
        labels.emplace_back(label_names_[i], e.values[i]);
      }
      fn(labels, *e.cell);
    }
  }

 private:
  struct Entry {
    std::vector<std::string> values;
    std::unique_ptr<Cell> cell;
  };
  static std::string Key(const std::vector<std::string>& values) {
    std::string key;
    for (const std::string& v : values) {
      key += v;
      key.push_back('\xff');  // never in UTF-8 text
    }
    return key;
  }

  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<Cell>()> make_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> cells_ ABSL_GUARDED_BY(mu_);
};

class Registry {
 public:
  // Gauges are computed at each snapshot: the callback returns the samples'
  // labels and values (it may be called from any thread).
  using GaugeFn = std::function<std::vector<std::pair<Labels, double>>()>;

  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The returned family lives as long as the registry.
  Family<Counter>* AddCounter(std::string name, std::string help, std::vector<std::string> labels);
  Family<Histogram>* AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> labels, std::vector<double> bounds);
  void AddGauge(std::string name, std::string help, GaugeFn fn);

  // Every family in registration order, samples sorted by labels.
  std::vector<FamilySnapshot> Snapshot() const;

 private:
  struct Entry {
    std::string name, help, type;
    std::unique_ptr<Family<Counter>> counter;
    std::unique_ptr<Family<Histogram>> histogram;
    GaugeFn gauge;
  };
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caselink::server::metrics

#include "server/core/metrics_registry.h"

#include <algorithm>

#include "server/core/metrics_exposition.h"

namespace caselink::server::metrics {

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  const size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  // std::atomic<double>::fetch_add is C++20; a CAS loop does the same.
  double old = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

Family<Counter>* Registry::AddCounter(std::string name, std::string help,
                                      std::vector<std::string> labels) {
  auto e = std::make_unique<Entry>();
  e->name = std::move(name);
  e->help = std::move(help);
  e->type = "counter";
  e->counter = std::make_unique<Family<Counter>>(std::move(labels),
                                                 [] { return std::make_unique<Counter>(); });
  Family<Counter>* f = e->counter.get();
  absl::MutexLock l(&mu_);
  entries_.push_back(std::move(e));
  return f;
}

Family<Histogram>* Registry::AddHistogram(std::string name, std::string help,
                                          std::vector<std::string> labels,
                                          std::vector<double> bounds) {
  auto e = std::make_unique<Entry>();
  e->name = std::move(name);
  e->help = std::move(help);
  e->type = "histogram";
  e->histogram = std::make_unique<Family<Histogram>>(
      std::move(labels), [bounds] { return std::make_unique<Histogram>(bounds); });
  Family<Histogram>* f = e->histogram.get();
  absl::MutexLock l(&mu_);
  entries_.push_back(std::move(e));
  return f;
}

void Registry::AddGauge(std::string name, std::string help, GaugeFn fn) {
  auto e = std::make_unique<Entry>();
  e->name = std::move(name);
  e->help = std::move(help);
  e->type = "gauge";
  e->gauge = std::move(fn);
  absl::MutexLock l(&mu_);
  entries_.push_back(std::move(e));
}

namespace {

void AddHistogramSamples(const std::string& name, const Labels& labels, const Histogram& h,
                         std::vector<Sample>* out) {
  const std::vector<uint64_t> cumulative = h.CumulativeCounts();
  for (size_t i = 0; i < cumulative.size(); ++i) {
    Labels with_le = labels;
    with_le.emplace_back("le", i < h.bounds().size() ? FormatValue(h.bounds()[i]) : "+Inf");
    out->push_back({name + "_bucket", std::move(with_le), static_cast<double>(cumulative[i])});
  }
  out->push_back({name + "_sum", labels, h.sum()});
  out->push_back({name + "_count", labels, static_cast<double>(cumulative.back())});
}

}  // namespace

std::vector<FamilySnapshot> Registry::Snapshot() const {
  absl::MutexLock l(&mu_);
  std::vector<FamilySnapshot> out;
  for (const auto& e : entries_) {
    FamilySnapshot f{e->name, e->help, e->type, {}};
    if (e->counter) {
      e->counter->ForEach([&](const Labels& labels, const Counter& c) {
        f.samples.push_back({e->name, labels, static_cast<double>(c.value())});
      });
    } else if (e->histogram) {
      // Sorted by labels first, so a histogram's buckets stay together.
      std::vector<std::pair<Labels, const Histogram*>> cells;
      e->histogram->ForEach([&](const Labels& labels, const Histogram& h) { cells.emplace_back(labels, &h); });
      std::sort(cells.begin(), cells.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      for (const auto& [labels, h] : cells) AddHistogramSamples(e->name, labels, *h, &f.samples);
    } else if (e->gauge) {
      for (auto& [labels, value] : e->gauge()) f.samples.push_back({e->name, std::move(labels), value});
    }
    if (!e->histogram) {
      std::sort(f.samples.begin(), f.samples.end(),
                [](const Sample& a, const Sample& b) { return a.labels < b.labels; });
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace caselink::server::metrics

// The Prometheus text exposition format (version 0.0.4), written by hand: what a scrape of
// GET /metrics returns. A family is announced once (# HELP and # TYPE), then its samples
// follow, each a name, optional labels and a value:
//
//   # HELP dp_elections_started_total Elections this server started.
//   # TYPE dp_elections_started_total counter
//   dp_elections_started_total 3
//
// Label values are escaped (backslash, double quote, newline); names are the caller's and
// must already be valid ([a-zA-Z_:][a-zA-Z0-9_:]*). A histogram is written as Prometheus
// expects: cumulative _bucket samples with an le label ending at +Inf, then _sum and _count.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dp {

// Observations counted into fixed buckets (upper bounds in seconds, ascending), plus their
// sum and count. Memory is fixed when it is built.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds_s);
  void observe(double seconds);

  const std::vector<double>& upper_bounds_s() const { return bounds_s_; }
  // Observations in each bucket (not cumulative); one more than the bounds: the last holds
  // those above every bound.
  const std::vector<std::uint64_t>& bucket_counts() const { return counts_; }
  double sum_s() const { return sum_s_; }
  std::uint64_t count() const { return count_; }

 private:
  std::vector<double> bounds_s_;
  std::vector<std::uint64_t> counts_;
  double sum_s_ = 0;
  std::uint64_t count_ = 0;
};

using Label = std::pair<std::string_view, std::string_view>;

class PrometheusText {
 public:
  enum class Type : std::uint8_t { kCounter, kGauge, kHistogram };

  // # HELP and # TYPE of the samples that follow.
  void family(std::string_view name, Type type, std::string_view help);
  void sample(std::string_view name, std::initializer_list<Label> labels, double value);
  void sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value);
  void sample(std::string_view name, std::uint64_t value) { sample(name, {}, value); }
  // The _bucket, _sum and _count samples of one histogram (its family announced already).
  void histogram(std::string_view name, std::initializer_list<Label> labels, const Histogram& h);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void begin(std::string_view name, std::initializer_list<Label> labels,
             std::string_view extra_label = {}, std::string_view extra_value = {});
  std::string out_;
};

// "1.5", "0.001", "+Inf", "NaN": how Prometheus reads a float value.
std::string prometheus_number(double value);
// Backslash, double quote and newline escaped, as in a label value.
std::string prometheus_escape(std::string_view value);

// The Content-Type of the format.
constexpr std::string_view kPrometheusTextContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace dp

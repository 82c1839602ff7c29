#include "transport/prometheus_text.h"

#include <charconv>
#include <cmath>
#include <iterator>

#include "core/common/assert.h"

namespace dp {

Histogram::Histogram(std::vector<double> upper_bounds_s)
    : bounds_s_(std::move(upper_bounds_s)), counts_(bounds_s_.size() + 1, 0) {
  for (std::size_t i = 1; i < bounds_s_.size(); ++i)
    DP_ASSERT(bounds_s_[i - 1] < bounds_s_[i], "bucket bounds must ascend");
}

void Histogram::observe(double seconds) {
  std::size_t bucket = 0;
  while (bucket < bounds_s_.size() && seconds > bounds_s_[bucket]) ++bucket;
  ++counts_[bucket];
  sum_s_ += seconds;
  ++count_;
}

std::string prometheus_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Plain decimals where they stay short ("0.0005", like Prometheus's own clients), the
  // shortest exponent form beyond; both round-trip exactly.
  const double magnitude = std::fabs(value);
  const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
  char buf[64];
  const auto [end, ec] =
      plain ? std::to_chars(std::begin(buf), std::end(buf), value, std::chars_format::fixed)
            : std::to_chars(std::begin(buf), std::end(buf), value);
  DP_ASSERT(ec == std::errc(), "a double fits 64 characters");
  return std::string(std::begin(buf), end);
}

std::string prometheus_escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void PrometheusText::family(std::string_view name, Type type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  // In HELP text only backslash and newline are escaped.
  for (const char c : help) {
    if (c == '\\') {
      out_ += "\\\\";
    } else if (c == '\n') {
      out_ += "\\n";
    } else {
      out_ += c;
    }
  }
  out_ += "\n# TYPE ";
  out_ += name;
  out_ +=
      type == Type::kCounter ? " counter\n" : (type == Type::kGauge ? " gauge\n" : " histogram\n");
}

void PrometheusText::begin(std::string_view name, std::initializer_list<Label> labels,
                           std::string_view extra_label, std::string_view extra_value) {
  out_ += name;
  if (labels.size() == 0 && extra_label.empty()) {
    out_ += ' ';
    return;
  }
  out_ += '{';
  bool first = true;
  const auto add = [&](std::string_view key, std::string_view value) {
    if (!first) out_ += ',';
    first = false;
    out_ += key;
    out_ += "=\"";
    out_ += prometheus_escape(value);
    out_ += '"';
  };
  for (const auto& [key, value] : labels) add(key, value);
  if (!extra_label.empty()) add(extra_label, extra_value);
  out_ += "} ";
}

void PrometheusText::sample(std::string_view name, std::initializer_list<Label> labels,
                            double value) {
  begin(name, labels);
  out_ += prometheus_number(value);
  out_ += '\n';
}

void PrometheusText::sample(std::string_view name, std::initializer_list<Label> labels,
                            std::uint64_t value) {
  begin(name, labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

void PrometheusText::histogram(std::string_view name, std::initializer_list<Label> labels,
                               const Histogram& h) {
  const std::string bucket = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= h.upper_bounds_s().size(); ++i) {
    cumulative += h.bucket_counts()[i];
    const std::string le =
        i < h.upper_bounds_s().size() ? prometheus_number(h.upper_bounds_s()[i]) : "+Inf";
    begin(bucket, labels, "le", le);
    out_ += std::to_string(cumulative);
    out_ += '\n';
  }
  begin(std::string(name) + "_sum", labels);
  out_ += prometheus_number(h.sum_s());
  out_ += '\n';
  begin(std::string(name) + "_count", labels);
  out_ += std::to_string(h.count());
  out_ += '\n';
}

}  // namespace dp

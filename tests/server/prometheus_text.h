// A strict reader of the Prometheus text exposition format (0.0.4), so tests
// check a scrape line by line as a Prometheus server would read it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace nodelock::server::testing {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped values
  double value = 0;
};

struct Scrape {
  std::vector<Sample> samples;
  std::map<std::string, std::string> types;  // family -> counter, gauge, histogram
  std::string problem;                       // empty when every line parsed

  // The value of the one sample named `name` with `labels`; -1 when none.
  double value(const std::string& name, const std::map<std::string, std::string>& labels) const {
    for (const Sample& sample : samples) {
      if (sample.name == name && sample.labels == labels) return sample.value;
    }
    return -1;
  }
};

inline bool is_metric_name(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == ':';
    if (!allowed) return false;
  }
  return true;
}

// The family a sample belongs to: a histogram's _bucket, _sum and _count
// samples belong to the histogram.
inline std::string family_of(const std::string& name,
                             const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      const std::string base = name.substr(0, name.size() - s.size());
      const auto type = types.find(base);
      if (type != types.end() && type->second == "histogram") return base;
    }
  }
  return name;
}

inline bool parse_labels(const std::string& text, std::size_t& at, Sample& sample) {
  while (at < text.size() && text[at] != '}') {
    const std::size_t equals = text.find('=', at);
    if (equals == std::string::npos || equals + 1 >= text.size() || text[equals + 1] != '"')
      return false;
    const std::string name = text.substr(at, equals - at);
    if (!is_metric_name(name) || name.find(':') != std::string::npos) return false;
    std::string value;
    std::size_t i = equals + 2;
    for (; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\n') return false;
      if (text[i] != '\\') {
        value += text[i];
        continue;
      }
      if (++i >= text.size()) return false;
      if (text[i] == 'n')
        value += '\n';
      else if (text[i] == '\\' || text[i] == '"')
        value += text[i];
      else
        return false;
    }
    if (i >= text.size()) return false;
    if (!sample.labels.emplace(name, value).second) return false;
    at = i + 1;
    if (at < text.size() && text[at] == ',') ++at;
  }
  if (at >= text.size()) return false;
  ++at;
  return true;
}

inline Scrape parse_scrape(const std::string& text) {
  Scrape scrape;
  std::set<std::string> helped;
  std::size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      scrape.problem = "the last line has no line feed";
      return scrape;
    }
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    const std::string where = "line " + std::to_string(number) + " '" + line + "': ";
    if (line.rfind("# HELP ", 0) == 0) {
      const std::string name = line.substr(7, line.find(' ', 7) - 7);
      if (!is_metric_name(name) || !helped.insert(name).second) scrape.problem = where + "bad HELP";
    } else if (line.rfind("# TYPE ", 0) == 0) {
      const std::size_t space = line.find(' ', 7);
      const std::string name = line.substr(7, space - 7);
      const std::string type = space == std::string::npos ? "" : line.substr(space + 1);
      const bool known = type == "counter" || type == "gauge" || type == "histogram";
      if (!is_metric_name(name) || !known || scrape.types.count(name) != 0) {
        scrape.problem = where + "bad TYPE";
      }
      scrape.types[name] = type;
    } else {
      Sample sample;
      std::size_t at = 0;
      while (at < line.size() && line[at] != '{' && line[at] != ' ') ++at;
      sample.name = line.substr(0, at);
      if (!is_metric_name(sample.name)) scrape.problem = where + "bad name";
      if (at < line.size() && line[at] == '{') {
        ++at;
        if (!parse_labels(line, at, sample)) scrape.problem = where + "bad labels";
      }
      if (at >= line.size() || line[at] != ' ') {
        scrape.problem = where + "no value";
      } else {
        const std::string value = line.substr(at + 1);
        std::size_t used = 0;
        try {
          sample.value = value == "+Inf" ? 1e308 : std::stod(value, &used);
          if (value != "+Inf" && used != value.size()) scrape.problem = where + "bad value";
        } catch (const std::exception&) {
          scrape.problem = where + "bad value";
        }
      }
      const std::string family = family_of(sample.name, scrape.types);
      if (scrape.types.count(family) == 0 || helped.count(family) == 0) {
        scrape.problem = where + "a sample before its HELP and TYPE";
      }
      scrape.samples.push_back(std::move(sample));
    }
    if (!scrape.problem.empty()) return scrape;
  }
  return scrape;
}

}  // namespace nodelock::server::testing

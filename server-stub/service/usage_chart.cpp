// The concurrent-seats chart: a plain SVG document, drawn here so the server
// and the CLI need no charting library and the output is the same everywhere.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "license_rules.h"
#include "nodelock/crypto/utc_time.h"
#include "nodelock/server/usage_report.h"

namespace nodelock::server {

namespace {

constexpr double kWidth = 800, kHeight = 320;
constexpr double kLeft = 60, kRight = 780, kTop = 50, kBottom = 270;
constexpr int kMaxTicks = 10;
constexpr UnixTime kHour = 3600;

// Text and attribute values come from licensees and ids people typed.
std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 admits no other control characters, not even escaped.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
    }
  }
  return out;
}

// Coordinates with one decimal, whatever the process's locale.
std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

class Frame {
 public:
  Frame(ReportRange range, int top_seats) : range_(range), top_seats_(std::max(top_seats, 1)) {}

  double x(UnixTime at) const {
    const double span = static_cast<double>(range_.until - range_.from);
    return kLeft + (kRight - kLeft) * static_cast<double>(at - range_.from) / span;
  }
  double y(int seats) const {
    return kBottom - (kBottom - kTop) * static_cast<double>(seats) / top_seats_;
  }
  int top_seats() const { return top_seats_; }

 private:
  ReportRange range_;
  int top_seats_;
};

void draw_seat_axis(std::ostringstream& svg, const Frame& frame) {
  const int step = (frame.top_seats() + kMaxTicks - 1) / kMaxTicks;
  for (int seats = 0; seats <= frame.top_seats(); seats += step) {
    const std::string y = number(frame.y(seats));
    svg << "<line x1=\"" << number(kLeft) << "\" y1=\"" << y << "\" x2=\"" << number(kRight)
        << "\" y2=\"" << y << "\" stroke=\"#e0e0e0\"/>\n"
        << "<text x=\"" << number(kLeft - 8) << "\" y=\"" << y
        << "\" text-anchor=\"end\" dominant-baseline=\"middle\">" << seats << "</text>\n";
  }
  svg << "<text transform=\"translate(16," << number((kTop + kBottom) / 2)
      << ") rotate(-90)\" text-anchor=\"middle\">seats in use</text>\n";
}

// Hours for a range of up to two days, days beyond.
void draw_time_axis(std::ostringstream& svg, const Frame& frame, ReportRange range) {
  const UnixTime length = range.until - range.from;
  const bool hourly = length <= 2 * kSecondsPerDay;
  const UnixTime unit = hourly ? kHour : kSecondsPerDay;
  const UnixTime units = (length + unit - 1) / unit;
  const UnixTime step = unit * std::max<UnixTime>(1, (units + kMaxTicks - 1) / kMaxTicks);
  const UnixTime first = ((range.from + unit - 1) / unit) * unit;
  for (UnixTime at = first; at <= range.until; at += step) {
    const std::string x = number(frame.x(at));
    const std::string stamp = utc_timestamp(at);  // 2026-03-02T14:00:00Z
    const std::string label = hourly ? stamp.substr(11, 5) : stamp.substr(5, 5);
    svg << "<line x1=\"" << x << "\" y1=\"" << number(kBottom) << "\" x2=\"" << x << "\" y2=\""
        << number(kBottom + 5) << "\" stroke=\"#333\"/>\n"
        << "<text x=\"" << x << "\" y=\"" << number(kBottom + 20) << "\" text-anchor=\"middle\">"
        << label << "</text>\n";
  }
  svg << "<text x=\"" << number((kLeft + kRight) / 2) << "\" y=\"" << number(kHeight - 10)
      << "\" text-anchor=\"middle\">time (UTC), " << utc_timestamp(range.from) << " to "
      << utc_timestamp(range.until) << "</text>\n";
}

}  // namespace

std::string usage_chart_svg(const std::vector<UsageSession>& sessions, int seats, ReportRange range,
                            const std::string& title) {
  if (range.until <= range.from) range.until = range.from + 1;
  const std::vector<SeatStep> steps = seat_steps(sessions, range);
  int top = seats;
  for (const SeatStep& step : steps) top = std::max(top, step.seats);
  const Frame frame(range, top);

  std::ostringstream svg;
  svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << number(kWidth) << "\" height=\""
      << number(kHeight) << "\" viewBox=\"0 0 " << number(kWidth) << ' ' << number(kHeight)
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<title>" << escaped("Concurrent seats: " + title) << "</title>\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << number(kWidth / 2) << "\" y=\"24\" text-anchor=\"middle\" "
      << "font-size=\"16\">" << escaped("Concurrent seats: " + title) << "</text>\n";
  draw_seat_axis(svg, frame);
  draw_time_axis(svg, frame, range);
  svg << "<line x1=\"" << number(kLeft) << "\" y1=\"" << number(kTop) << "\" x2=\"" << number(kLeft)
      << "\" y2=\"" << number(kBottom) << "\" stroke=\"#333\"/>\n"
      << "<line x1=\"" << number(kLeft) << "\" y1=\"" << number(kBottom) << "\" x2=\""
      << number(kRight) << "\" y2=\"" << number(kBottom) << "\" stroke=\"#333\"/>\n";
  const std::string limit = number(frame.y(seats));
  svg << "<line class=\"seat-limit\" x1=\"" << number(kLeft) << "\" y1=\"" << limit << "\" x2=\""
      << number(kRight) << "\" y2=\"" << limit
      << "\" stroke=\"#c62828\" stroke-dasharray=\"6 4\"/>\n"
      << "<text x=\"" << number(kRight) << "\" y=\"" << number(frame.y(seats) - 6)
      << "\" text-anchor=\"end\" fill=\"#c62828\">limit " << seats << " seats</text>\n";
  svg << "<path class=\"seats-in-use\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" d=\"M"
      << number(frame.x(range.from)) << ' ' << number(frame.y(steps.front().seats));
  for (std::size_t i = 1; i < steps.size(); ++i) {
    svg << " H" << number(frame.x(steps[i].at)) << " V" << number(frame.y(steps[i].seats));
  }
  svg << " H" << number(frame.x(range.until)) << "\"/>\n</svg>\n";
  return svg.str();
}

}  // namespace nodelock::server

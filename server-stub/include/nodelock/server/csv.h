// CSV as spreadsheets read it (RFC 4180), for the exports support staff open
// in one: the audit log and the usage session log.
#pragma once

#include <string>
#include <string_view>

namespace nodelock::server {

// `text` as one field: quoted when it holds a separator, a quote or a line break.
std::string csv_field(std::string_view text);

}  // namespace nodelock::server

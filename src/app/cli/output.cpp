// cli::Output (output.hpp): tables on a terminal, TSV in a pipe, JSON with --json, through a
// pager when long; the pure parts (layout, field selection, jq, the terminal's decision) are
// free functions tested without a process.

#include "app/cli/output.hpp"

// jq 1.6's headers have no extern "C" of their own.
extern "C" {
#include <jq.h>
#include <jv.h>
}
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/command_line.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kColumnGap = "  ";
/// A Shrink column is never cut below this many columns (or its natural width, if smaller): a
/// few letters and "…" still tell rows apart.
constexpr int kMinimumShrinkWidth = 6;

// ---- display width -----------------------------------------------------------------------------

struct CodePoint {
  char32_t value = 0;
  std::size_t length = 1;  ///< bytes; an invalid byte is one code point of its own
};

CodePoint decode(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const unsigned char first = byte(0);
  std::size_t length = first < 0x80           ? 1
                       : (first >> 5) == 0x6  ? 2
                       : (first >> 4) == 0xE  ? 3
                       : (first >> 3) == 0x1E ? 4
                                              : 1;
  if (at + length > text.size()) return {first, 1};
  char32_t value = length == 1 ? first : first & (0x3F >> (length - 1));
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {first, 1};
    value = (value << 6) | (byte(i) & 0x3F);
  }
  return {value, length};
}

/// East Asian Wide and Fullwidth characters and emoji: two columns of a terminal.
bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

/// Combining marks, zero-width spaces and variation selectors take no column of their own.
bool is_zero_width(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE00 && c <= 0xFE0F);
}

int columns_of(char32_t c) { return is_zero_width(c) ? 0 : is_wide(c) ? 2 : 1; }

int display_width(std::string_view text) {
  int width = 0;
  for (std::size_t at = 0; at < text.size();) {
    const auto point = decode(text, at);
    width += columns_of(point.value);
    at += point.length;
  }
  return width;
}

/// `text` in at most `width` columns: as it is when it fits, else its longest prefix that leaves
/// room for "…", then "…".
std::string cut_to(std::string_view text, int width) {
  if (display_width(text) <= width) return std::string(text);
  if (width <= 0) return "";
  std::string kept;
  int used = 0;
  for (std::size_t at = 0; at < text.size();) {
    const auto point = decode(text, at);
    const int columns = columns_of(point.value);
    if (used + columns > width - 1) break;
    kept.append(text.substr(at, point.length));
    used += columns;
    at += point.length;
  }
  return kept + "…";
}

// ---- tables ------------------------------------------------------------------------------------

/// The width of each column: its widest cell (and header), then the Shrink columns narrowed, the
/// widest first, until a row fits `width` or none can give more.
std::vector<int> column_widths(std::span<const Column> columns,
                               const std::vector<std::vector<std::string>>& rows, int width,
                               bool header) {
  std::vector<int> widths(columns.size(), 0);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (header) widths[i] = display_width(columns[i].header);
    for (const auto& row : rows) {
      if (i < row.size()) widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  std::vector<int> minimum(widths.size());
  for (std::size_t i = 0; i < widths.size(); ++i)
    minimum[i] = columns[i].shrink ? std::min(widths[i], kMinimumShrinkWidth) : widths[i];
  int total = 0;
  for (const int w : widths) total += w;
  if (!widths.empty()) total += static_cast<int>(kColumnGap.size() * (widths.size() - 1));
  while (total > width) {
    std::size_t widest = widths.size();
    for (std::size_t i = 0; i < widths.size(); ++i) {
      if (widths[i] > minimum[i] && (widest == widths.size() || widths[i] > widths[widest]))
        widest = i;
    }
    if (widest == widths.size()) break;  // nothing left to give: the terminal wraps
    --widths[widest];
    --total;
  }
  return widths;
}

/// Paints a cell's text (already cut); the identity when there is no colour.
using CellPainter = std::string (*)(const void* state, std::size_t column, std::size_t row,
                                    const std::string& text);

std::vector<std::string> lay_out(std::span<const Column> columns,
                                 const std::vector<std::vector<std::string>>& rows, int width,
                                 bool header, CellPainter paint, const void* paint_state) {
  const auto widths = column_widths(columns, rows, width, header);
  std::vector<std::string> lines;
  const auto add_line = [&](const std::vector<std::string>& cells, std::size_t row, bool painted) {
    std::string line;
    std::string pending_spaces;  // trailing padding is written only when more text follows
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const std::string cell = cut_to(i < cells.size() ? cells[i] : "", widths[i]);
      const auto pad = static_cast<std::size_t>(widths[i] - display_width(cell));
      const std::string text = painted && paint ? paint(paint_state, i, row, cell) : cell;
      if (i > 0) pending_spaces += kColumnGap;
      if (columns[i].right_aligned) {
        line += pending_spaces + std::string(pad, ' ') + text;
        pending_spaces.clear();
      } else {
        if (!cell.empty()) {
          line += pending_spaces + text;
          pending_spaces.clear();
        }
        pending_spaces += std::string(pad, ' ');
      }
    }
    lines.push_back(std::move(line));
  };
  if (header) {
    std::vector<std::string> headers;
    for (const auto& column : columns) headers.emplace_back(column.header);
    add_line(headers, 0, false);
  }
  for (std::size_t row = 0; row < rows.size(); ++row) add_line(rows[row], row, true);
  return lines;
}

/// A value as a person reads it: strings as they are, numbers in decimal, yes/no, "" for null,
/// the elements of a list joined with ", ".
std::string plain_text(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string:
      return value.get<std::string>();
    case Json::value_t::boolean:
      return value.get<bool>() ? "yes" : "no";
    case Json::value_t::null:
      return "";
    case Json::value_t::array: {
      std::string text;
      for (const auto& element : value) text += (text.empty() ? "" : ", ") + plain_text(element);
      return text;
    }
    default:
      return value.dump();
  }
}

/// The value at `field` of `record`: a key, a dotted path into nested objects ("job.state"), or
/// "" for the record itself; null when there is none.
const Json& field_of(const Json& record, std::string_view field) {
  static const Json null_value;
  if (field.empty()) return record;  // a column that reads several of the record's fields
  const Json* value = &record;
  for (;;) {
    const auto dot = field.find('.');
    if (!value->is_object()) return null_value;
    const auto found = value->find(std::string(field.substr(0, dot)));
    if (found == value->end()) return null_value;
    value = &*found;
    if (dot == std::string_view::npos) return *value;
    field.remove_prefix(dot + 1);
  }
}

/// A cell on one line: a tab or a line break inside a value would split a TSV record or break a
/// table's alignment.
std::string one_line(std::string text) {
  for (auto& c : text) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

std::string cell_text(const Column& column, const Json& record) {
  const Json& value = field_of(record, column.field);
  return one_line(column.format ? column.format(value) : plain_text(value));
}

std::string tsv_line(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "\t" : "") + cells[i];
  return line + "\n";
}

std::size_t line_count(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// ---- jq ----------------------------------------------------------------------------------------

/// libjq reports compile errors through this callback; they are collected for JqResult::error.
void collect_jq_error(void* data, jv message) {
  auto& errors = *static_cast<std::string*>(data);
  if (jv_get_kind(message) == JV_KIND_STRING) {
    errors += (errors.empty() ? "" : "\n") + std::string(jv_string_value(message));
  } else {
    jv text = jv_dump_string(jv_copy(message), 0);
    errors += (errors.empty() ? "" : "\n") + std::string(jv_string_value(text));
    jv_free(text);
  }
  jv_free(message);
}

std::string jv_text(jv value) {  // consumes value
  if (jv_get_kind(value) == JV_KIND_STRING) {
    std::string text(jv_string_value(value),
                     static_cast<std::size_t>(jv_string_length_bytes(jv_copy(value))));
    jv_free(value);
    return text;
  }
  jv dumped = jv_dump_string(value, JV_PRINT_INDENT_FLAGS(2));
  std::string text = jv_string_value(dumped);
  jv_free(dumped);
  return text;
}

}  // namespace

// ---- Terminal ----------------------------------------------------------------------------------

Terminal decide_terminal(const TerminalFacts& facts) {
  const auto env = [&](const char* name) -> std::optional<std::string> {
    return facts.environment ? facts.environment(name) : std::nullopt;
  };
  const auto number = [&](const char* name, int fallback) {
    const auto text = env(name);
    const int value = text ? std::atoi(text->c_str()) : 0;
    return value > 0 ? value : fallback;
  };
  Terminal terminal;
  terminal.is_terminal = facts.stdout_is_terminal;
  terminal.width = facts.columns > 0 ? facts.columns : number("COLUMNS", 80);
  terminal.height = facts.rows > 0 ? facts.rows : number("LINES", 24);
  const auto force = env("CLICOLOR_FORCE");
  const auto no_colour = env("NO_COLOR");
  if (force && !force->empty() && *force != "0") {
    terminal.colour = true;
  } else {
    terminal.colour =
        facts.stdout_is_terminal && (!no_colour || no_colour->empty()) && env("TERM") != "dumb";
  }
  if (facts.stdout_is_terminal && !facts.no_pager) {
    // Set but empty means no pager, as for git; "cat" is no pager either.
    std::optional<std::string> pager = env("PLM_PAGER");
    if (!pager) pager = env("PAGER");
    terminal.pager = pager.value_or("less -FRX");
    if (terminal.pager == "cat") terminal.pager.clear();
  }
  return terminal;
}

Terminal Terminal::detect(const Invocation& invocation) {
  TerminalFacts facts;
  facts.stdout_is_terminal = ::isatty(STDOUT_FILENO) == 1;
  winsize size{};
  if (facts.stdout_is_terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) {
    facts.columns = size.ws_col;
    facts.rows = size.ws_row;
  }
  facts.no_pager = invocation.has("--no-pager");
  facts.environment = [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
  return decide_terminal(facts);
}

// ---- the pure parts ----------------------------------------------------------------------------

std::vector<std::string> layout_table(std::span<const Column> columns,
                                      const std::vector<std::vector<std::string>>& rows, int width,
                                      bool header) {
  return lay_out(columns, rows, width, header, nullptr, nullptr);
}

FieldSelection select_json_fields(const Json& value, std::span<const std::string> fields,
                                  std::span<const std::string_view> available,
                                  std::string_view command_path) {
  // Without a declared list, the keys the value has (of its first record) are the fields.
  std::vector<std::string> names(available.begin(), available.end());
  if (names.empty()) {
    const Json& sample = value.is_array() ? (value.empty() ? Json() : value.front()) : value;
    if (sample.is_object()) {
      for (const auto& [key, ignored] : sample.items()) names.push_back(key);
    }
  }
  for (const auto& field : fields) {
    if (std::find(names.begin(), names.end(), field) != names.end()) continue;
    std::string list;
    for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
    return {.value = nullptr,
            .error = "unknown JSON field '" + field + "' for " + std::string(command_path) +
                     "; available: " + (list.empty() ? "(none)" : list)};
  }
  const auto reduce = [&](const Json& record) {
    if (!record.is_object()) return record;
    Json reduced = Json::object();
    for (const auto& field : fields) reduced[field] = field_of(record, field);
    return reduced;
  };
  if (!value.is_array()) return {.value = reduce(value), .error = {}};
  Json list = Json::array();
  for (const auto& record : value) list.push_back(reduce(record));
  return {.value = std::move(list), .error = {}};
}

JqResult run_jq(std::string_view expression, const Json& input) {
  JqResult result;
  jq_state* jq = jq_init();
  if (!jq) return {.text = {}, .error = "jq: error: could not start libjq"};
  std::string errors;
  jq_set_error_cb(jq, collect_jq_error, &errors);
  if (!jq_compile(jq, std::string(expression).c_str())) {
    jq_teardown(&jq);
    return {.text = {}, .error = errors.empty() ? "jq: error: cannot compile the filter" : errors};
  }
  jq_start(jq, jv_parse(input.dump().c_str()), 0);
  for (;;) {
    jv next = jq_next(jq);
    if (jv_is_valid(next)) {
      result.text += jv_text(next) + "\n";
      continue;
    }
    // The end of the results, or an error: an invalid value with a message.
    if (jv_invalid_has_msg(jv_copy(next))) {
      jv message = jv_invalid_get_msg(next);
      result.error = "jq: error: " + jv_text(message);
    } else {
      jv_free(next);
    }
    break;
  }
  jq_teardown(&jq);
  return result;
}

// ---- Output ------------------------------------------------------------------------------------

/// The pager: `sh -c COMMAND` with a pipe to its standard input, started at the first long write.
/// SIGPIPE is ignored while it runs: when the person quits it early the writes fail with EPIPE
/// and the rest is dropped, which is no error (as for git and gh).
struct Output::Pager {
  pid_t pid = -1;
  int input = -1;
  bool closed = false;  ///< the pager quit: what is left is not written
  struct sigaction previous_sigpipe {};

  static std::unique_ptr<Pager> start(const std::string& command) {
    int fds[2];
    if (::pipe(fds) != 0) return nullptr;
    auto pager = std::make_unique<Pager>();
    // As git and gh do: less (and lv) keep colour and quit on one screen unless told otherwise.
    // Set before fork: after it, the child only execs.
    ::setenv("LESS", "FRX", /*overwrite=*/0);
    ::setenv("LV", "-c", /*overwrite=*/0);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &pager->previous_sigpipe);
    pager->pid = ::fork();
    if (pager->pid == 0) {
      ::dup2(fds[0], STDIN_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      ::signal(SIGPIPE, SIG_DFL);
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[0]);
    if (pager->pid < 0) {
      ::close(fds[1]);
      ::sigaction(SIGPIPE, &pager->previous_sigpipe, nullptr);
      return nullptr;
    }
    pager->input = fds[1];
    return pager;
  }

  void write(std::string_view text) {
    while (!closed && !text.empty()) {
      const auto written = ::write(input, text.data(), text.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) {
        closed = true;  // EPIPE: the person quit the pager
        break;
      }
      text.remove_prefix(static_cast<std::size_t>(written));
    }
  }

  ~Pager() {
    ::close(input);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ::sigaction(SIGPIPE, &previous_sigpipe, nullptr);
  }
};

Output::Output(const Invocation& invocation, Terminal terminal, std::ostream& out,
               std::ostream& err)
    : invocation_(invocation), terminal_(std::move(terminal)), out_(out), err_(err) {}

Output::~Output() = default;

bool Output::json() const { return invocation_.json || invocation_.jq.has_value(); }

std::string Output::paint(std::string_view value, Colour colour) const {
  if (!terminal_.colour || colour == Colour::None || value.empty()) return std::string(value);
  const char* code = "";
  switch (colour) {
    case Colour::Muted:
      code = "\x1b[2m";
      break;
    case Colour::Good:
      code = "\x1b[32m";
      break;
    case Colour::Warning:
      code = "\x1b[33m";
      break;
    case Colour::Bad:
      code = "\x1b[31m";
      break;
    case Colour::Accent:
      code = "\x1b[36m";
      break;
    case Colour::None:
      break;
  }
  return code + std::string(value) + "\x1b[0m";
}

void Output::write(std::string_view text) {
  if (!pager_ && terminal_.is_terminal && !terminal_.pager.empty() &&
      line_count(text) >= static_cast<std::size_t>(std::max(terminal_.height, 2))) {
    out_.flush();
    pager_ = Pager::start(terminal_.pager);
  }
  if (pager_) {
    pager_->write(text);
  } else {
    out_ << text;
  }
}

ExitCode Output::usage_error(const std::string& message) {
  err_ << "plm: " << message << "\n";
  if (json()) {
    // The same object as the parser's usage errors (cli.cpp).
    out_ << Json{{"error", {{"code", "usage"}, {"message", message}}}}.dump() << "\n";
  }
  return ExitCode::Usage;
}

ExitCode Output::emit_json(const Json& value) {
  Json selected;
  const Json* shown = &value;
  if (!invocation_.json_fields.empty()) {
    std::vector<std::string_view> available;
    if (invocation_.command) available = invocation_.command->json_fields;
    auto selection =
        select_json_fields(value, invocation_.json_fields, available, invocation_.command_path());
    if (!selection.error.empty()) return usage_error(selection.error);
    selected = std::move(selection.value);
    shown = &selected;
  }
  if (!invocation_.jq) {
    write(shown->dump(2) + "\n");
    return ExitCode::Ok;
  }
  const auto filtered = run_jq(*invocation_.jq, *shown);
  write(filtered.text);
  if (!filtered.error.empty()) return usage_error(filtered.error);
  return ExitCode::Ok;
}

std::string Output::table_text(const Json& records, std::span<const Column> columns) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& record : records) {
    std::vector<std::string> cells;
    for (const auto& column : columns) cells.push_back(cell_text(column, record));
    rows.push_back(std::move(cells));
  }
  std::string text;
  if (!terminal_.is_terminal) {
    for (const auto& row : rows) text += tsv_line(row);
    return text;
  }
  struct PaintState {
    const Output* output;
    std::span<const Column> columns;
    const Json* records;
  } state{this, columns, &records};
  const CellPainter painter = [](const void* opaque, std::size_t column, std::size_t row,
                                 const std::string& cell) {
    const auto& s = *static_cast<const PaintState*>(opaque);
    const Column& definition = s.columns[column];
    if (!definition.colour) return cell;
    return s.output->paint(cell, definition.colour(field_of((*s.records)[row], definition.field)));
  };
  for (const auto& line : lay_out(columns, rows, terminal_.width, /*header=*/true,
                                  terminal_.colour ? painter : nullptr, &state))
    text += line + "\n";
  return text;
}

ExitCode Output::list(const Json& records, std::span<const Column> columns) {
  if (json()) return emit_json(records);
  write(table_text(records, columns));
  return ExitCode::Ok;
}

ExitCode Output::object(const Json& record, std::span<const Field> fields,
                        std::string_view list_key, std::span<const Column> list_columns) {
  if (json()) return emit_json(record);
  const auto value_text = [&](const Field& field) {
    const Json& value = field_of(record, field.field);
    return field.format ? field.format(value) : plain_text(value);
  };
  std::string text;
  if (terminal_.is_terminal) {
    int label_width = 0;
    for (const auto& field : fields)
      label_width = std::max(label_width, display_width(field.label) + 1);
    for (const auto& field : fields) {
      const std::string label = std::string(field.label) + ":";
      text += paint(label, Colour::Muted) +
              std::string(static_cast<std::size_t>(label_width - display_width(label) + 2), ' ') +
              value_text(field) + "\n";
    }
    const Json& list = field_of(record, list_key);
    if (!list_key.empty() && list.is_array() && !list.empty())
      text += "\n" + table_text(list, list_columns);
  } else if (!list_key.empty()) {
    const Json& list = field_of(record, list_key);
    if (list.is_array()) text += table_text(list, list_columns);
  } else {
    std::vector<std::string> cells;
    for (const auto& field : fields) cells.push_back(one_line(value_text(field)));
    text += tsv_line(cells);
  }
  write(text);
  return ExitCode::Ok;
}

ExitCode Output::result(const Json& value, std::string_view text) {
  if (json()) return emit_json(value);
  if (text.empty()) return ExitCode::Ok;
  std::string line(text);
  if (line.back() != '\n') line += '\n';
  write(line);
  return ExitCode::Ok;
}

void Output::note(std::string_view text) {
  err_ << text;
  if (text.empty() || text.back() != '\n') err_ << "\n";
}

}  // namespace plm::app::cli

#pragma once
/// How every command writes its results (issue 13 §1), decided once per run like gh does:
///
/// - `--json` (or `--jq`): the JSON value the command built, pretty-printed, reduced to the
///   fields of `--json FIELDS` (each record's, when it is a list), then filtered by `--jq EXPR`
///   (libjq; strings come out raw, one per line, as gh and `jq -r` do). An unknown field is a
///   usage error that lists the fields there are.
/// - stdout a terminal: tables with an upper-case header row, aligned, the Shrink columns cut with
///   "…" so a row fits the window's width, colour where it helps (off with NO_COLOR, TERM=dumb or
///   when stdout is no terminal; CLICOLOR_FORCE=1 forces it); long output goes through a pager
///   (PLM_PAGER, else PAGER, else "less -FRX"; never with --no-pager, an empty or "cat" pager).
/// - stdout a pipe or a file: one line per record, fields separated by a tab, no header, no
///   colour, nothing cut (tabs and newlines inside a value become spaces). Every list, the same.
///
/// A command builds its JSON value first (one shape per kind of object: cli/json_shapes.hpp) and
/// hands it here with the columns a person sees; it never writes tables or JSON itself. Messages
/// for a person (progress, "added editor bob", warnings) go to stderr, or to stdout through
/// `note` when the command has no data to show.

#include <cstdio>
#include <functional>
#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>  // FieldSelection holds a value
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/cli/exit_code.hpp"

namespace plm::app::cli {

struct Invocation;

/// What the output device is; read from the process at start (cli.cpp), given by tests.
struct Terminal {
  bool is_terminal = false;  ///< isatty(stdout)
  int width = 80;            ///< TIOCGWINSZ columns, else $COLUMNS, else 80
  int height = 24;           ///< TIOCGWINSZ rows, else $LINES, else 24 (pages longer text)
  bool colour = false;       ///< is_terminal && no NO_COLOR && TERM != "dumb", or CLICOLOR_FORCE=1
  std::string pager;         ///< the pager command line; empty: none (pipe, --no-pager, "cat")

  /// The real stdout and environment of this process, with the invocation's --no-pager.
  static Terminal detect(const Invocation& invocation);
};

/// What Terminal::detect reads from the process, given by tests instead.
struct TerminalFacts {
  bool stdout_is_terminal = false;
  int columns = 0;  ///< TIOCGWINSZ; 0: unknown
  int rows = 0;     ///< TIOCGWINSZ; 0: unknown
  bool no_pager = false;
  /// The environment variable `name`, or nullopt when it is not set (set but empty counts).
  std::function<std::optional<std::string>(const char* name)> environment;
};
/// The pure decision of Terminal::detect: width, colour and the pager from the facts.
Terminal decide_terminal(const TerminalFacts& facts);

enum class Colour { None, Muted, Good, Warning, Bad, Accent };

struct Column {
  std::string_view header;  ///< "NAME" (a terminal shows it; a pipe never does)
  /// The record's key it shows ("name"), a dotted path into nested objects ("job.state"), or ""
  /// for the whole record (with a `format` that combines fields); a list of strings is joined
  /// with ", ".
  std::string_view field;
  /// Shrink columns give up width (cut with "…") when the row is wider than the window; the
  /// others keep theirs. Right-aligned columns are for numbers.
  bool shrink = false;
  bool right_aligned = false;
  /// Colours a value (terminal only): e.g. a status column, Bad for "failed". nullptr: none.
  Colour (*colour)(const nlohmann::json& value) = nullptr;
  /// Formats the value for a person and for the TSV line (e.g. duration_ms as 3:45). nullptr:
  /// strings as they are, numbers in decimal, true/false as yes/no, null as "".
  std::string (*format)(const nlohmann::json& value) = nullptr;
};

/// "Name: value" lines of one object on a terminal (`plm playlist show`); in a pipe the same values
/// as one TSV line in this order.
struct Field {
  std::string_view label;  ///< "Owner"
  std::string_view field;  ///< "owner_id", or a dotted path as for Column
  std::string (*format)(const nlohmann::json& value) = nullptr;
};

class Output {
 public:
  /// Writes to `out` (through the pager when `terminal.pager` is set and the text is longer than
  /// the window: the pager is started lazily by the first write that needs it).
  Output(const Invocation& invocation, Terminal terminal, std::ostream& out, std::ostream& err);
  /// The invocation is kept by reference: a temporary would dangle (ASan found it in a test).
  Output(Invocation&& invocation, Terminal terminal, std::ostream& out, std::ostream& err) = delete;
  ~Output();  ///< waits for the pager to end
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  bool json() const;  ///< --json or --jq
  const Terminal& terminal() const { return terminal_; }

  /// A list of records (a JSON array of objects with the same keys).
  ExitCode list(const nlohmann::json& records, std::span<const Column> columns);
  /// One object: its `fields` as "Label: value" lines, then (terminal and pipe) the list under
  /// `list_key` (e.g. "items") as a table of `list_columns`; with --json the whole object.
  /// In a pipe only the list's TSV is written when `list_key` is set (the object's own values are
  /// in `--json`), else the fields' values as one TSV line.
  ExitCode object(const nlohmann::json& record, std::span<const Field> fields,
                  std::string_view list_key = {}, std::span<const Column> list_columns = {});
  /// A command's result that is no list (an action's report): with --json the value (fields and
  /// --jq apply), otherwise `text` for a person on stdout.
  ExitCode result(const nlohmann::json& value, std::string_view text);
  /// A line for a person on stderr (never in --json's stdout); "warning: " etc. as given.
  void note(std::string_view text);

  /// The text a terminal shows for `value` in `colour` (ANSI), or `value` unchanged.
  std::string paint(std::string_view value, Colour colour) const;

 private:
  struct Pager;
  /// Writes `text` to stdout, or to the pager: started here when stdout is a terminal with a
  /// pager and `text` has at least as many lines as the window.
  void write(std::string_view text);
  /// --json FIELDS and --jq over `value`, written.
  ExitCode emit_json(const nlohmann::json& value);
  ExitCode usage_error(const std::string& message);
  /// `records` as an aligned table with a header (terminal) or as TSV lines (anything else).
  std::string table_text(const nlohmann::json& records, std::span<const Column> columns);

  const Invocation& invocation_;
  Terminal terminal_;
  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<Pager> pager_;
};

/// Applies `--json FIELDS` to `value` (an object, or an array of objects): a usage error
/// ("unknown JSON field 'nme' for plm playlists; available: id, name, ...") when a name is no key.
/// Pure: tested without a process.
struct FieldSelection {
  nlohmann::json value;  ///< the reduced value, when `error` is empty
  std::string error;
};
FieldSelection select_json_fields(const nlohmann::json& value, std::span<const std::string> fields,
                                  std::span<const std::string_view> available,
                                  std::string_view command_path);

/// Runs `expression` (jq syntax, libjq) over `input`; one output line per result, strings raw.
/// A compile or runtime error is returned in `error` ("jq: error: ...").
struct JqResult {
  std::string text;
  std::string error;
};
JqResult run_jq(std::string_view expression, const nlohmann::json& input);

/// Pure layout, tested without a terminal: the lines of a table of `rows` (cells already
/// formatted) fitted to `width` by cutting the Shrink columns with "…", display width counted in
/// UTF-8 code points (East Asian wide characters count 2).
std::vector<std::string> layout_table(std::span<const Column> columns,
                                      const std::vector<std::vector<std::string>>& rows, int width,
                                      bool header);

}  // namespace plm::app::cli

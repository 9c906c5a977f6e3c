// Spotify's `fields` query parameter: "description,uri", "items(added_at,item(name,href))",
// "tracks.items(track(name,href,album(!name,href)))". A '.' selects a non-repeating child,
// parentheses group a sub-list, and a list starting with '!' excludes instead of includes.
// Nesting is capped (kMaxDepth) and so is the expression's length (kMaxLength): the parser is
// recursive, and a request must not be able to exhaust the stack.

#include <map>
#include <memory>

#include "emulator/internal.hpp"

namespace spotify_emulator {

namespace {

constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxLength = 2048;

struct FieldSpec {
  bool exclude = false;
  std::map<std::string, std::unique_ptr<FieldSpec>> children;  ///< null child = the whole value
};

/// Adds `child` under `name`, merging with what an earlier mention of `name` asked for:
/// "items.total,items.next" keeps both; a bare mention (null child) keeps the whole value.
void add_child(FieldSpec& spec, std::string name, std::unique_ptr<FieldSpec> child) {
  const auto found = spec.children.find(name);
  if (found == spec.children.end()) {
    spec.children.emplace(std::move(name), std::move(child));
    return;
  }
  auto& existing = found->second;
  if (!existing) return;  // already the whole value
  if (!child || child->exclude != existing->exclude) {
    existing.reset();  // the whole value (an include and an exclude list cannot be combined)
    return;
  }
  for (auto& [sub, grandchild] : child->children) add_child(*existing, sub, std::move(grandchild));
}

class FieldParser {
 public:
  explicit FieldParser(std::string_view text) : text_(text) {}

  std::unique_ptr<FieldSpec> parse() {
    auto spec = parse_list();
    if (!spec || position_ != text_.size()) return nullptr;
    return spec;
  }

 private:
  /// Counts one level of nesting for the scope of a parse_list/parse_suffix call.
  struct Nesting {
    explicit Nesting(int& depth) : depth_(depth) { ++depth_; }
    ~Nesting() { --depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;
    int& depth_;
  };

  std::unique_ptr<FieldSpec> parse_list() {
    const Nesting nesting(depth_);
    if (depth_ > kMaxDepth) return nullptr;
    auto spec = std::make_unique<FieldSpec>();
    bool first = true;
    do {
      if (!first) ++position_;  // the comma
      skip_spaces();
      bool exclude = false;
      if (peek() == '!') {
        exclude = true;
        ++position_;
      }
      if (first) spec->exclude = exclude;
      first = false;
      std::string name = parse_name();
      if (name.empty()) return nullptr;
      std::unique_ptr<FieldSpec> child;
      if (peek() == '.') {
        ++position_;
        // "a.b.c" is "a(b.c)": parse a single item as a one-element list.
        child = std::make_unique<FieldSpec>();
        std::string sub = parse_name();
        if (sub.empty()) return nullptr;
        auto nested = parse_suffix();
        if (!nested.second) return nullptr;
        add_child(*child, std::move(sub), std::move(nested.first));
      } else if (peek() == '(') {
        ++position_;
        child = parse_list();
        if (!child || peek() != ')') return nullptr;
        ++position_;
      }
      add_child(*spec, std::move(name), std::move(child));
      skip_spaces();
    } while (peek() == ',');
    return spec;
  }

  /// After a name: ".x", "(list)" or nothing. The bool is false on a syntax error.
  std::pair<std::unique_ptr<FieldSpec>, bool> parse_suffix() {
    const Nesting nesting(depth_);
    if (depth_ > kMaxDepth) return {nullptr, false};
    if (peek() == '.') {
      ++position_;
      auto child = std::make_unique<FieldSpec>();
      std::string sub = parse_name();
      if (sub.empty()) return {nullptr, false};
      auto nested = parse_suffix();
      if (!nested.second) return {nullptr, false};
      child->children.emplace(std::move(sub), std::move(nested.first));
      return {std::move(child), true};
    }
    if (peek() == '(') {
      ++position_;
      auto child = parse_list();
      if (!child || peek() != ')') return {nullptr, false};
      ++position_;
      return {std::move(child), true};
    }
    return {nullptr, true};
  }

  std::string parse_name() {
    skip_spaces();
    const auto start = position_;
    while (position_ < text_.size()) {
      const char c = text_[position_];
      if (c == ',' || c == '(' || c == ')' || c == '.' || c == '!' || c == ' ') break;
      ++position_;
    }
    std::string name(text_.substr(start, position_ - start));
    skip_spaces();
    return name;
  }

  char peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }
  void skip_spaces() {
    while (position_ < text_.size() && text_[position_] == ' ') ++position_;
  }

  std::string_view text_;
  std::size_t position_ = 0;
  int depth_ = 0;
};

void apply_spec(const FieldSpec& spec, Json& value) {
  if (value.is_array()) {
    for (auto& element : value) apply_spec(spec, element);
    return;
  }
  if (!value.is_object()) return;
  if (spec.exclude) {
    for (const auto& [name, child] : spec.children) value.erase(name);
    return;
  }
  Json kept = Json::object();
  for (const auto& [name, child] : spec.children) {
    const auto found = value.find(name);
    if (found == value.end()) continue;
    Json part = std::move(*found);
    if (child) apply_spec(*child, part);
    kept[name] = std::move(part);
  }
  value = std::move(kept);
}

}  // namespace

bool apply_fields_filter(std::string_view fields, Json& value) {
  if (fields.size() > kMaxLength) return false;
  const auto spec = FieldParser(fields).parse();
  if (!spec) return false;
  apply_spec(*spec, value);
  return true;
}

}  // namespace spotify_emulator

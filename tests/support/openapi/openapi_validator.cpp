#include "support/openapi/openapi_validator.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace plm::test_support {

using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------
// YAML → JSON. yaml-cpp hands out every scalar as text; we type plain (unquoted) scalars the way
// the YAML 1.2 core schema does, so `minimum: 0` is a number and `"200":` stays a string.

bool is_int_literal(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_float_literal(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  std::size_t i = 0;
  std::size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const std::size_t exp_start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == exp_start) return false;
  }
  return i == s.size();
}

json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  // "!" is yaml-cpp's tag for quoted scalars, "?" for plain ones; explicit tags stay strings.
  if (node.Tag() != "?") return text;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (is_int_literal(text)) {
    std::int64_t value = 0;
    const char* begin = text.data() + (text.front() == '+' ? 1 : 0);
    auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
    if (ec == std::errc{} && ptr == text.data() + text.size()) return value;
  }
  if (is_float_literal(text)) return std::strtod(text.c_str(), nullptr);
  return text;
}

json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& child : node) out.push_back(yaml_to_json(child));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.Scalar()] = yaml_to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return nullptr;
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Compiled schemas. Every $ref is resolved at load time into a plain pointer, so validating a
// 50-item page is pointer chasing plus a hash lookup per property.

enum TypeBit : unsigned {
  kObject = 1U << 0,
  kArray = 1U << 1,
  kString = 1U << 2,
  kNumber = 1U << 3,
  kInteger = 1U << 4,
  kBoolean = 1U << 5,
};

enum class Additional { kUnspecified, kForbidden, kAllowed, kSchema };

}  // namespace

// Named (not anonymous) so OpenApiSpec::Impl can hold them without -Wsubobject-linkage trouble.
namespace openapi_detail {

struct Schema {
  std::string name;   // component name ("TrackObject"); empty for inline schemas
  unsigned type = 0;  // 0 = any type
  bool nullable = false;
  bool deprecated = false;
  bool date_time = false;
  std::optional<json> enum_values;
  std::optional<double> minimum;
  std::optional<double> maximum;
  std::map<std::string, const Schema*> properties;
  std::vector<std::string> required;
  Additional additional = Additional::kUnspecified;
  const Schema* additional_schema = nullptr;
  const Schema* items = nullptr;
  std::vector<const Schema*> all_of;
  std::vector<const Schema*> one_of;
  std::vector<const Schema*> any_of;
  std::string discriminator;  // property name; empty = none
  std::map<std::string, const Schema*> mapping;
  // Derived: every discriminator value → alternative (see resolve_discriminator), and the list of
  // accepted values for messages.
  std::map<std::string, const Schema*, std::less<>> by_tag;
  std::string tags;

  // Derived over the allOf closure (this schema plus allOf branches, recursively): inside allOf a
  // property is "known" if any branch declares it, so only the outermost schema checks unknowns.
  std::unordered_map<std::string_view, const Schema*> known;
  std::string_view display_name;  // first component name in the closure, for messages
  bool open = false;              // some branch has additionalProperties: true / a schema
  bool forbidden = false;         // some branch has additionalProperties: false
  const Schema* additional_closure = nullptr;
};

struct Response {
  bool has_content = false;
  bool has_json = false;
  const Schema* schema = nullptr;  // nullptr with has_json = any JSON
};

struct PathItem {
  std::string tmpl;
  std::vector<std::string> segments;
  std::map<std::string, std::map<std::string, Response>> operations;  // method → status → response
};

}  // namespace openapi_detail

using openapi_detail::PathItem;
using openapi_detail::Response;
using openapi_detail::Schema;

struct OpenApiSpec::Impl {
  std::deque<Schema> nodes;  // deque: pointers stay valid while compiling
  std::map<std::string, const Schema*, std::less<>> components;
  std::vector<PathItem> paths;
  std::map<std::string, std::size_t, std::less<>> path_index;
  std::string base_path;  // path of servers[0].url, e.g. "/v1"
};

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  if (!path.empty() && path.front() == '/') start = 1;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    out.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

class Compiler {
 public:
  Compiler(const json& doc, OpenApiSpec::Impl& impl, std::string file)
      : doc_(doc), impl_(impl), file_(std::move(file)) {}

  const Schema* compile(const json& node, const std::string& ptr) {
    if (auto it = cache_.find(ptr); it != cache_.end()) return it->second;
    if (!node.is_object()) fail(ptr, "a schema must be a mapping");
    if (auto ref = node.find("$ref"); ref != node.end()) {
      // OpenAPI 3.0: siblings of $ref are ignored, the node *is* its target.
      const std::string target = ref_pointer(*ref, ptr);
      if (!resolving_.insert(ptr).second) fail(ptr, "$ref cycle without a schema in between");
      const Schema* s = compile(resolve(target, ptr), target);
      resolving_.erase(ptr);
      cache_.emplace(ptr, s);
      return s;
    }
    Schema& s = impl_.nodes.emplace_back();
    cache_.emplace(ptr, &s);  // before the children, so recursive schemas terminate
    static constexpr std::string_view kComponents = "/components/schemas/";
    if (ptr.starts_with(kComponents) && ptr.find('/', kComponents.size()) == std::string::npos) {
      s.name = json::json_pointer(ptr).back();
    }
    fill(s, node, ptr);
    return &s;
  }

  const json& resolve(const std::string& target, const std::string& from) {
    try {
      const json::json_pointer pointer(target);
      if (!doc_.contains(pointer)) fail(from, "unresolved $ref '#" + target + "'");
      return doc_.at(pointer);
    } catch (const json::exception& e) {
      fail(from, "bad $ref '#" + target + "': " + e.what());
    }
  }

  std::string ref_pointer(const json& ref, const std::string& from) {
    if (!ref.is_string()) fail(from, "$ref must be a string");
    const auto& text = ref.get_ref<const std::string&>();
    if (!text.starts_with("#")) fail(from, "external $ref '" + text + "' is not supported");
    return text.substr(1);
  }

  [[noreturn]] void fail(const std::string& ptr, const std::string& what) const {
    throw std::runtime_error("OpenAPI spec " + file_ + ": at #" + ptr + ": " + what);
  }

 private:
  void fill(Schema& s, const json& node, const std::string& ptr) {
    if (auto t = node.find("type"); t != node.end()) {
      static const std::map<std::string, unsigned, std::less<>> kTypes = {
          {"object", kObject}, {"array", kArray},     {"string", kString},
          {"number", kNumber}, {"integer", kInteger}, {"boolean", kBoolean}};
      const auto it = t->is_string() ? kTypes.find(t->get_ref<const std::string&>()) : kTypes.end();
      if (it == kTypes.end()) fail(ptr, "unsupported type " + t->dump());
      s.type = it->second;
    }
    s.nullable = node.value("nullable", false);
    s.deprecated = node.value("deprecated", false);
    s.date_time = node.value("format", std::string{}) == "date-time";
    if (auto e = node.find("enum"); e != node.end()) {
      if (!e->is_array()) fail(ptr, "enum must be a sequence");
      s.enum_values = *e;
    }
    if (auto m = node.find("minimum"); m != node.end() && m->is_number())
      s.minimum = m->get<double>();
    if (auto m = node.find("maximum"); m != node.end() && m->is_number())
      s.maximum = m->get<double>();
    if (auto props = node.find("properties"); props != node.end() && props->is_object()) {
      for (const auto& [key, sub] : props->items()) {
        s.properties.emplace(key, compile(sub, ptr + "/properties/" + escape_pointer_token(key)));
      }
    }
    if (auto req = node.find("required"); req != node.end() && req->is_array()) {
      for (const auto& r : *req) s.required.push_back(r.get<std::string>());
    }
    if (auto ap = node.find("additionalProperties"); ap != node.end()) {
      if (ap->is_boolean()) {
        s.additional = ap->get<bool>() ? Additional::kAllowed : Additional::kForbidden;
      } else {
        s.additional = Additional::kSchema;
        s.additional_schema = compile(*ap, ptr + "/additionalProperties");
        // `additionalProperties: {}` is the same as true; don't validate against "anything".
        if (ap->empty()) s.additional = Additional::kAllowed;
      }
    }
    if (auto items = node.find("items"); items != node.end()) {
      s.items = compile(*items, ptr + "/items");
    }
    compile_list(s.all_of, node, "allOf", ptr);
    compile_list(s.one_of, node, "oneOf", ptr);
    compile_list(s.any_of, node, "anyOf", ptr);
    if (auto d = node.find("discriminator"); d != node.end()) {
      s.discriminator = d->value("propertyName", std::string{});
      if (s.discriminator.empty()) fail(ptr, "discriminator without propertyName");
      if (auto m = d->find("mapping"); m != d->end() && m->is_object()) {
        for (const auto& [value, target] : m->items()) {
          const auto& text = target.get_ref<const std::string&>();
          // Mapping values are $refs or bare component names.
          const std::string pointer =
              text.starts_with("#") ? text.substr(1) : "/components/schemas/" + text;
          s.mapping.emplace(value, compile(resolve(pointer, ptr), pointer));
        }
      }
    }
  }

  void compile_list(std::vector<const Schema*>& out, const json& node, const char* key,
                    const std::string& ptr) {
    auto list = node.find(key);
    if (list == node.end()) return;
    if (!list->is_array()) fail(ptr, std::string(key) + " must be a sequence");
    for (std::size_t i = 0; i < list->size(); ++i) {
      out.push_back(compile((*list)[i], ptr + "/" + key + "/" + std::to_string(i)));
    }
  }

  const json& doc_;
  OpenApiSpec::Impl& impl_;
  std::string file_;
  std::unordered_map<std::string, const Schema*> cache_;
  std::unordered_set<std::string> resolving_;
};

void collect_closure(const Schema* from, Schema& into, std::unordered_set<const Schema*>& seen) {
  if (!seen.insert(from).second) return;
  if (into.display_name.empty()) into.display_name = from->name;
  for (const auto& [name, sub] : from->properties) into.known.emplace(name, sub);
  switch (from->additional) {
    case Additional::kAllowed:
      into.open = true;
      break;
    case Additional::kSchema:
      if (into.additional_closure == nullptr) into.additional_closure = from->additional_schema;
      break;
    case Additional::kForbidden:
      into.forbidden = true;
      break;
    case Additional::kUnspecified:
      break;
  }
  for (const Schema* branch : from->all_of) collect_closure(branch, into, seen);
}

// OpenAPI discriminator: the value picks the alternative via the mapping, else by schema name.
// Spotify's values ("track") are not schema names ("TrackObject"), so an alternative whose
// discriminator property is an enum containing the value also counts. Needs the closures.
void resolve_discriminator(Schema& s) {
  std::vector<std::string> tags;
  auto add = [&](const std::string& tag, const Schema* target) {
    if (s.by_tag.emplace(tag, target).second) tags.push_back(tag);
  };
  for (const auto& [tag, target] : s.mapping) add(tag, target);
  for (const Schema* branch : s.one_of) {
    if (!branch->name.empty()) add(branch->name, branch);
  }
  for (const Schema* branch : s.one_of) {
    auto prop = branch->known.find(s.discriminator);
    if (prop == branch->known.end() || !prop->second->enum_values) continue;
    for (const auto& value : *prop->second->enum_values) {
      if (value.is_string()) add(value.get<std::string>(), branch);
    }
  }
  // List the values a response would really use: enum values first, then names and mappings.
  std::stable_partition(tags.begin(), tags.end(), [&](const std::string& tag) {
    return !s.mapping.contains(tag) &&
           std::none_of(s.one_of.begin(), s.one_of.end(),
                        [&](const Schema* b) { return b->name == tag; });
  });
  for (const auto& tag : tags) s.tags += (s.tags.empty() ? "" : ", ") + tag;
}

// ---------------------------------------------------------------------------------------------
// Validation.

// Names of the component schemas that apply to the current value (the schema itself and the
// schemas it is an allOf/oneOf branch of), for "SchemaName.property" leniency keys.
struct NameChain {
  const std::string* name;
  const NameChain* parent;
};

bool listed(const std::set<std::string>& keys, const NameChain* chain, std::string_view property) {
  if (keys.empty()) return false;
  std::string key = "*.";
  key += property;
  if (keys.contains(key)) return true;
  for (; chain != nullptr; chain = chain->parent) {
    key = *chain->name;
    key += '.';
    key += property;
    if (keys.contains(key)) return true;
  }
  return false;
}

const char* json_type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    default:
      return "unsupported value";
  }
}

std::string type_names(unsigned type) {
  static constexpr std::pair<unsigned, const char*> kNames[] = {
      {kObject, "object"}, {kArray, "array"},     {kString, "string"},
      {kNumber, "number"}, {kInteger, "integer"}, {kBoolean, "boolean"}};
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if ((type & bit) == 0) continue;
    if (!out.empty()) out += " or ";
    out += name;
  }
  return out;
}

bool type_matches(unsigned type, const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      return (type & kObject) != 0;
    case json::value_t::array:
      return (type & kArray) != 0;
    case json::value_t::string:
      return (type & kString) != 0;
    case json::value_t::boolean:
      return (type & kBoolean) != 0;
    // Integers must be JSON integers: a 2.0 from the emulator means it computed with doubles where
    // Spotify sends ints, which clients parsing into int64 may reject.
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return (type & (kInteger | kNumber)) != 0;
    case json::value_t::number_float:
      return (type & kNumber) != 0;
    default:
      return false;
  }
}

// RFC 3339 date-time, checked loosely (shape only): 2015-01-25T07:51:45Z,
// 2015-01-25T07:51:45.123+01:00.
bool looks_like_date_time(std::string_view s) {
  auto digits = [&](std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return false;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
  };
  auto at = [&](std::size_t pos, char c) { return pos < s.size() && s[pos] == c; };
  if (!digits(0, 4) || !at(4, '-') || !digits(5, 2) || !at(7, '-') || !digits(8, 2)) return false;
  if (!(at(10, 'T') || at(10, 't')) || !digits(11, 2) || !at(13, ':') || !digits(14, 2) ||
      !at(16, ':') || !digits(17, 2)) {
    return false;
  }
  std::size_t i = 19;
  if (at(i, '.')) {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return false;
  }
  if (at(i, 'Z') || at(i, 'z')) return i + 1 == s.size();
  if (at(i, '+') || at(i, '-'))
    return digits(i + 1, 2) && at(i + 3, ':') && digits(i + 4, 2) && i + 6 == s.size();
  return false;
}

bool plain_identifier(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

class Validator {
 public:
  Validator(const Leniency& leniency, std::vector<std::string>& out)
      : leniency_(leniency), out_(&out) {}

  // check_unknown is false for allOf branches: the schema that owns the allOf checks unknown
  // properties against the union of all branches.
  void validate(const Schema& s, const json& v, const NameChain* outer, bool check_unknown) {
    NameChain self{&s.name, outer};
    const NameChain* chain = s.name.empty() ? outer : &self;

    if (v.is_null() && s.nullable) return;
    if (s.type != 0 && !type_matches(s.type, v)) {
      error(std::string("expected ") + type_names(s.type) + (s.nullable ? " or null" : "") +
            ", got " + json_type_name(v));
      return;  // everything below would only repeat the same mistake
    }
    if (s.enum_values &&
        std::find(s.enum_values->begin(), s.enum_values->end(), v) == s.enum_values->end()) {
      error("value " + v.dump() + " is not one of " + s.enum_values->dump());
    }
    if (v.is_number() && (s.minimum || s.maximum)) check_range(s, v);
    if (s.date_time && v.is_string() && !looks_like_date_time(v.get_ref<const std::string&>())) {
      error("value " + v.dump() + " is not an RFC 3339 date-time");
    }
    if (v.is_object()) validate_object(s, v, chain, check_unknown);
    if (v.is_array() && s.items != nullptr) {
      const std::size_t mark = path_.size();
      for (std::size_t i = 0; i < v.size(); ++i) {
        path_ += '[';
        path_ += std::to_string(i);
        path_ += ']';
        validate(*s.items, v[i], nullptr, true);
        path_.resize(mark);
      }
    }
    for (const Schema* branch : s.all_of) validate(*branch, v, chain, false);
    if (!s.one_of.empty()) {
      if (s.discriminator.empty()) {
        validate_alternatives(s.one_of, v, chain, check_unknown, /*exactly_one=*/true);
      } else {
        validate_discriminated(s, v, chain, check_unknown);
      }
    }
    if (!s.any_of.empty()) validate_alternatives(s.any_of, v, chain, check_unknown, false);
  }

  void set_path(std::string path) { path_ = std::move(path); }

 private:
  void error(const std::string& message) { out_->push_back(path_ + ": " + message); }

  void check_range(const Schema& s, const json& v) {
    const double value = v.get<double>();
    if (s.minimum && value < *s.minimum) {
      error("value " + v.dump() + " is below the minimum " + bound_text(*s.minimum));
    }
    if (s.maximum && value > *s.maximum) {
      error("value " + v.dump() + " is above the maximum " + bound_text(*s.maximum));
    }
  }

  // YAML bounds are stored as doubles; print `maximum: 50` as 50, not 50.0.
  static std::string bound_text(double bound) {
    const auto whole = static_cast<std::int64_t>(bound);
    return static_cast<double>(whole) == bound ? std::to_string(whole) : json(bound).dump();
  }

  void push_property(std::string_view key) {
    if (plain_identifier(key)) {
      path_ += '.';
      path_ += key;
    } else {
      path_ += "[" + json(key).dump() + "]";
    }
  }

  void validate_object(const Schema& s, const json& v, const NameChain* chain, bool check_unknown) {
    const std::size_t mark = path_.size();
    for (const auto& [key, sub] : s.properties) {
      auto it = v.find(key);
      if (it == v.end()) continue;
      if (it->is_null() && listed(leniency_.nullable_properties, chain, key)) continue;
      push_property(key);
      validate(*sub, *it, nullptr, true);
      path_.resize(mark);
    }
    for (const std::string& key : s.required) {
      if (!v.contains(key) && !listed(leniency_.optional_properties, chain, key)) {
        error("missing required property '" + key + "'");
      }
    }
    if (leniency_.require_all_declared) {
      for (const auto& [key, sub] : s.properties) {
        if (sub->deprecated || v.contains(key) ||
            std::find(s.required.begin(), s.required.end(), key) != s.required.end() ||
            listed(leniency_.optional_properties, chain, key)) {
          continue;
        }
        error("missing declared property '" + key + "' (require_all_declared)");
      }
    }
    // A schema that declares no properties anywhere in its allOf closure is a free-form object.
    if (!check_unknown || (s.known.empty() && !s.forbidden)) return;
    for (const auto& [key, child] : v.items()) {
      if (s.known.contains(std::string_view(key))) continue;
      if (s.additional_closure != nullptr) {
        push_property(key);
        validate(*s.additional_closure, child, nullptr, true);
        path_.resize(mark);
        continue;
      }
      if (s.open || (leniency_.allow_unknown_properties && !s.forbidden)) continue;
      std::string message = "unknown property '" + key + "'";
      if (!s.display_name.empty()) {
        message += " (not declared in ";
        message += s.display_name;
        message += ')';
      }
      error(message);
    }
  }

  // Validates v against one alternative, collecting its problems separately.
  std::vector<std::string> try_branch(const Schema& branch, const json& v, const NameChain* chain,
                                      bool check_unknown) {
    std::vector<std::string> problems;
    std::vector<std::string>* saved = out_;
    out_ = &problems;
    validate(branch, v, chain, check_unknown);
    out_ = saved;
    return problems;
  }

  static std::string label(const Schema& s, std::size_t index) {
    return s.name.empty() ? "alternative " + std::to_string(index + 1) : s.name;
  }

  void validate_alternatives(const std::vector<const Schema*>& branches, const json& v,
                             const NameChain* chain, bool check_unknown, bool exactly_one) {
    std::vector<std::string> matched;
    std::vector<std::string> closest;
    std::string closest_label;
    // The alternative reported when none matches: one whose type fits the value (its problems are
    // the interesting ones), then the one with the fewest problems.
    std::pair<bool, std::size_t> closest_rank{true, 0};
    bool have_closest = false;
    for (std::size_t i = 0; i < branches.size(); ++i) {
      const Schema& branch = *branches[i];
      auto problems = try_branch(branch, v, chain, check_unknown);
      if (problems.empty()) {
        matched.push_back(label(branch, i));
        if (!exactly_one) return;
        continue;
      }
      const bool wrong_type = branch.type != 0 && !type_matches(branch.type, v);
      const std::pair rank{wrong_type, problems.size()};
      if (!have_closest || rank < closest_rank) {
        closest = std::move(problems);
        closest_label = label(branch, i);
        closest_rank = rank;
        have_closest = true;
      }
    }
    const char* keyword = exactly_one ? "oneOf" : "anyOf";
    if (matched.empty()) {
      error(std::string("matches none of the ") + keyword + " alternatives; closest is " +
            closest_label + ":");
      for (auto& problem : closest) out_->push_back("  " + problem);
    } else if (matched.size() > 1) {
      std::string names;
      for (const auto& name : matched) names += (names.empty() ? "" : ", ") + name;
      error("matches " + std::to_string(matched.size()) + " oneOf alternatives (" + names +
            "), exactly one must match");
    }
  }

  // The discriminator property's value picks the one alternative to validate against.
  void validate_discriminated(const Schema& s, const json& v, const NameChain* chain,
                              bool check_unknown) {
    const std::string& property = s.discriminator;
    if (!v.is_object()) {
      error(std::string("expected object (oneOf with discriminator '") + property + "'), got " +
            json_type_name(v));
      return;
    }
    auto it = v.find(property);
    if (it == v.end() || !it->is_string()) {
      error("missing string discriminator property '" + property + "'");
      return;
    }
    const auto& tag = it->get_ref<const std::string&>();
    auto chosen = s.by_tag.find(tag);
    if (chosen == s.by_tag.end()) {
      error("discriminator '" + property + "' is \"" + tag + "\", expected one of: " + s.tags);
      return;
    }
    validate(*chosen->second, v, chain, check_unknown);
  }

  const Leniency& leniency_;
  std::vector<std::string>* out_;
  std::string path_ = "$";
};

std::string method_and_path(std::string_view method, std::string_view path) {
  std::string out(method);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out += ' ';
  out += path;
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

OpenApiSpec OpenApiSpec::load(const std::filesystem::path& yaml_file) {
  const std::string file = yaml_file.string();
  if (!std::filesystem::is_regular_file(yaml_file)) {
    throw std::runtime_error("OpenAPI spec " + file + ": file not found");
  }
  json doc;
  try {
    doc = yaml_to_json(YAML::LoadFile(file));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("OpenAPI spec " + file + ": YAML error: " + e.what());
  }
  if (!doc.is_object() || !doc.contains("openapi")) {
    throw std::runtime_error("OpenAPI spec " + file + ": no 'openapi' version field");
  }
  const std::string version = doc["openapi"].is_string() ? doc["openapi"].get<std::string>() : "";
  if (!version.starts_with("3.0")) {
    // 3.1 changed nullable/type semantics; validating it with 3.0 rules would mislead.
    throw std::runtime_error("OpenAPI spec " + file + ": version '" + version +
                             "' is not supported (OpenAPI 3.0.x only)");
  }

  auto impl = std::make_shared<Impl>();
  Compiler compiler(doc, *impl, file);

  if (auto servers = doc.find("servers");
      servers != doc.end() && servers->is_array() && !servers->empty()) {
    const std::string url = servers->at(0).value("url", std::string{});
    const auto scheme = url.find("://");
    const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (slash != std::string::npos) impl->base_path = url.substr(slash);
    while (!impl->base_path.empty() && impl->base_path.back() == '/') impl->base_path.pop_back();
  }

  if (auto schemas = doc.find("components"); schemas != doc.end() && schemas->contains("schemas")) {
    for (const auto& [name, node] : (*schemas)["schemas"].items()) {
      impl->components.emplace(
          name, compiler.compile(node, "/components/schemas/" + escape_pointer_token(name)));
    }
  }

  static const std::set<std::string, std::less<>> kMethods = {"get",  "put",     "post",  "delete",
                                                              "head", "options", "patch", "trace"};
  if (auto paths = doc.find("paths"); paths != doc.end() && paths->is_object()) {
    for (const auto& [tmpl, item] : paths->items()) {
      PathItem path_item{tmpl, split_path(tmpl), {}};
      const std::string item_ptr = "/paths/" + escape_pointer_token(tmpl);
      for (const auto& [method, operation] : item.items()) {
        if (!kMethods.contains(method)) continue;  // "parameters", "summary", extensions
        auto& responses_out = path_item.operations[method];
        auto responses = operation.find("responses");
        if (responses == operation.end()) continue;
        for (const auto& [status, response_node] : responses->items()) {
          std::string ptr = item_ptr + "/" + method + "/responses/" + escape_pointer_token(status);
          const json* response = &response_node;
          for (int hops = 0; response->contains("$ref"); ++hops) {
            if (hops > 8) compiler.fail(ptr, "$ref chain too long");
            ptr = compiler.ref_pointer((*response)["$ref"], ptr);
            response = &compiler.resolve(ptr, ptr);
          }
          Response out;
          if (auto content = response->find("content"); content != response->end()) {
            out.has_content = !content->empty();
            for (const auto& [media, media_node] : content->items()) {
              const bool is_json =
                  media.starts_with("application/json") || media.ends_with("+json");
              if (!is_json) continue;
              out.has_json = true;
              if (auto schema = media_node.find("schema"); schema != media_node.end()) {
                out.schema = compiler.compile(
                    *schema, ptr + "/content/" + escape_pointer_token(media) + "/schema");
              }
              break;
            }
          }
          responses_out.emplace(status, out);
        }
      }
      impl->path_index.emplace(tmpl, impl->paths.size());
      impl->paths.push_back(std::move(path_item));
    }
  }

  for (Schema& s : impl->nodes) {
    std::unordered_set<const Schema*> seen;
    collect_closure(&s, s, seen);
  }
  for (Schema& s : impl->nodes) {
    if (!s.discriminator.empty()) resolve_discriminator(s);
  }
  return OpenApiSpec(std::move(impl));
}

namespace {

const PathItem* find_path(const OpenApiSpec::Impl& impl, std::string_view method,
                          std::string_view path) {
  if (auto q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
  if (auto exact = impl.path_index.find(path); exact != impl.path_index.end()) {
    const PathItem& item = impl.paths[exact->second];
    if (method.empty() || item.operations.contains(lower(method))) return &item;
  }
  const std::string wanted_method = lower(method);
  auto match = [&](std::string_view concrete) -> const PathItem* {
    const auto segments = split_path(concrete);
    const PathItem* best = nullptr;
    std::vector<bool> best_score;
    for (const PathItem& item : impl.paths) {
      if (item.segments.size() != segments.size()) continue;
      if (!wanted_method.empty() && !item.operations.contains(wanted_method)) continue;
      std::vector<bool> score;  // literal segments, left to right: literals win over parameters
      bool ok = true;
      for (std::size_t i = 0; ok && i < segments.size(); ++i) {
        const std::string& t = item.segments[i];
        const bool parameter = t.size() >= 2 && t.front() == '{' && t.back() == '}';
        ok = parameter ? !segments[i].empty() : t == segments[i];
        score.push_back(!parameter);
      }
      if (ok && (best == nullptr || score > best_score)) {
        best = &item;
        best_score = std::move(score);
      }
    }
    return best;
  };
  if (const PathItem* item = match(path)) return item;
  if (!impl.base_path.empty() && path.starts_with(impl.base_path) &&
      path.substr(impl.base_path.size()).starts_with("/")) {
    return match(path.substr(impl.base_path.size()));
  }
  return nullptr;
}

const Response* find_response(const std::map<std::string, Response>& responses, int status,
                              bool allow_default) {
  const std::string exact = std::to_string(status);
  if (auto it = responses.find(exact); it != responses.end()) return &it->second;
  for (const char* x : {"XX", "xx"}) {
    if (auto it = responses.find(exact.substr(0, 1) + x); it != responses.end()) return &it->second;
  }
  if (allow_default) {
    if (auto it = responses.find("default"); it != responses.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> OpenApiSpec::match_path(std::string_view method,
                                                   std::string_view concrete_path) const {
  if (method.empty()) return std::nullopt;
  const PathItem* item = find_path(*impl_, method, concrete_path);
  if (item == nullptr) return std::nullopt;
  return item->tmpl;
}

bool OpenApiSpec::has_operation(std::string_view method, std::string_view path_template) const {
  return !method.empty() && find_path(*impl_, method, path_template) != nullptr;
}

bool OpenApiSpec::documents_status(std::string_view method, std::string_view path_template,
                                   int status) const {
  const PathItem* item = find_path(*impl_, method, path_template);
  if (item == nullptr || method.empty()) return false;
  auto op = item->operations.find(lower(method));
  return op != item->operations.end() && find_response(op->second, status, false) != nullptr;
}

std::vector<std::string> OpenApiSpec::validate_response(std::string_view method,
                                                        std::string_view concrete_or_template_path,
                                                        int status, const nlohmann::json& body,
                                                        const Leniency& leniency) const {
  const std::string what = method_and_path(method, concrete_or_template_path);
  const PathItem* item =
      method.empty() ? nullptr : find_path(*impl_, method, concrete_or_template_path);
  if (item == nullptr) return {what + ": no such operation in the spec"};
  const auto& responses = item->operations.at(lower(method));
  const Response* response = find_response(responses, status, true);
  if (response == nullptr) {
    std::string documented;
    for (const auto& [code, unused] : responses)
      documented += (documented.empty() ? "" : ", ") + code;
    return {what + ": status " + std::to_string(status) +
            " is not documented (documented: " + documented + ")"};
  }
  if (!response->has_json) {
    if (body.is_null()) return {};
    return {"$: " + what + " " + std::to_string(status) +
            (response->has_content ? " documents no JSON body" : " documents no body") +
            ", but one was sent"};
  }
  std::vector<std::string> problems;
  if (response->schema != nullptr) {
    Validator(leniency, problems).validate(*response->schema, body, nullptr, true);
  }
  return problems;
}

std::vector<std::string> OpenApiSpec::validate_schema(std::string_view schema_name,
                                                      const nlohmann::json& value,
                                                      const Leniency& leniency) const {
  auto it = impl_->components.find(schema_name);
  if (it == impl_->components.end()) {
    return {"no component schema named '" + std::string(schema_name) + "'"};
  }
  std::vector<std::string> problems;
  Validator(leniency, problems).validate(*it->second, value, nullptr, true);
  return problems;
}

}  // namespace plm::test_support

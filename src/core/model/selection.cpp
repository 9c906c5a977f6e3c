#include "core/model/selection.hpp"

#include "core/model/text.hpp"

namespace plm::core {
namespace {

/// Code points of clean (well-formed) UTF-8: every byte that does not continue a sequence.
std::size_t characters(const std::string& text) {
  std::size_t count = 0;
  for (const char byte : text) {
    if ((static_cast<unsigned char>(byte) & 0xC0U) != 0x80U) ++count;
  }
  return count;
}

}  // namespace

Status check_saved_selection(const SavedSelection& selection) {
  if (selection.name.empty()) {
    return make_error(ErrorCode::InvalidInput, "a selection needs a name");
  }
  if (!is_clean_text(selection.name)) {
    return make_error(ErrorCode::InvalidInput,
                      "a selection's name must be UTF-8 text without control characters");
  }
  if (characters(selection.name) > kMaxSelectionNameLength) {
    return make_error(ErrorCode::InvalidInput, "a selection's name has at most " +
                                                   std::to_string(kMaxSelectionNameLength) +
                                                   " characters");
  }
  if (selection.selector.empty()) {
    return make_error(ErrorCode::InvalidInput, "a selection needs a selector");
  }
  if (selection.selector.size() > kMaxSelectorBytes) {
    return make_error(ErrorCode::InvalidInput, "a selection's selector has at most " +
                                                   std::to_string(kMaxSelectorBytes) + " bytes");
  }
  if (!is_clean_text(selection.selector)) {
    return make_error(ErrorCode::InvalidInput,
                      "a selection's selector must be UTF-8 text without control characters");
  }
  return ok();
}

}  // namespace plm::core

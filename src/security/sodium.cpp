#include "security/sodium.hpp"

#include <sodium.h>

#include <stdexcept>

namespace plm::security::detail {

void ensure_sodium() {
  // A function-local static makes the first call thread-safe; sodium_init() itself is idempotent.
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) throw std::runtime_error("libsodium failed to initialise");
}

std::string to_base64(std::string_view bytes, Base64 variant) {
  const int sodium_variant = variant == Base64::Standard ? sodium_base64_VARIANT_ORIGINAL
                                                         : sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_variant);
  out.resize(out.size() - 1);  // the encoded length counts the terminating NUL
  return out;
}

std::optional<std::string> from_base64(std::string_view text) {
  static constexpr int kVariants[] = {
      sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING};
  std::string out(text.size() / 4 * 3 + 3, '\0');
  for (const int variant : kVariants) {
    std::size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), " \t\r\n", &length, &end, variant) == 0 &&
        end == text.data() + text.size()) {
      out.resize(length);
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace plm::security::detail

#pragma once
/// Encryption of OAuth tokens at rest (XChaCha20-Poly1305, libsodium) and loading of its key.

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace plm::security {

/// A 32-byte secret key. Move-only; the bytes are wiped (sodium_memzero) when the object dies or is
/// moved from, so a key lives in exactly one place in memory.
class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;

  /// Throws std::invalid_argument unless `bytes` holds exactly kSize bytes.
  explicit SecretKey(std::string_view bytes);
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  /// 32 random bytes from the operating system's generator.
  static SecretKey generate();

  const unsigned char* data() const { return bytes_.data(); }

 private:
  SecretKey() = default;
  std::array<unsigned char, kSize> bytes_{};
};

/// Reads the key from `key_file` (base64 text of 32 bytes), or creates the file with a new random
/// key and mode 0600 if it does not exist (O_CREAT|O_EXCL, so two processes starting together end
/// up with the same key). Throws std::runtime_error with the path and the reason when the file
/// cannot be created or read, is not a regular file, is readable or writable by group or others, or
/// does not hold a 32-byte key. The parent directory must exist.
SecretKey load_or_create_key(const std::filesystem::path& key_file);

/// Decodes a key given in configuration (PLM_SECRET_KEY): base64, standard or URL-safe alphabet,
/// padding optional. Throws std::invalid_argument if it is not 32 bytes of base64; the message
/// never repeats the value.
SecretKey key_from_base64(std::string_view text);

/// Encrypts and decrypts short secrets (OAuth tokens) for storage. Every message gets a fresh
/// random 192-bit nonce, so encrypting the same token twice gives different texts. Each text is
/// bound to a `binding` (the AEAD's associated data: where the text is stored, e.g. its column and
/// row), and decrypts only with the same binding: a text copied elsewhere is refused like a
/// tampered one. Thread-safe (immutable after construction).
class TokenCipher {
 public:
  explicit TokenCipher(SecretKey key);

  /// "v2:" + URL-safe base64 (no padding) of nonce || ciphertext || tag.
  std::string encrypt(std::string_view plaintext, std::string_view binding) const;

  /// Inverse of encrypt() with the same binding. Also reads texts of the previous format ("v1:",
  /// written before bindings existed and bound to nothing, so `binding` is not checked for them):
  /// is_outdated() tells the caller to store those again. ErrorCode::Internal if the text has an
  /// unknown format, was tampered with, was encrypted with another key or for another binding;
  /// the message never contains the text, plaintext or key.
  core::Result<std::string> decrypt(std::string_view text, std::string_view binding) const;

  /// True for a text in an older format than encrypt() writes: it should be encrypted again.
  static bool is_outdated(std::string_view text);

  /// A text in the previous format (v1, unbound), for tests of reading what older plm versions
  /// stored.
  std::string encrypt_unbound_for_test(std::string_view plaintext) const;

 private:
  SecretKey key_;
};

}  // namespace plm::security

#include "security/token_cipher.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "security/sodium.hpp"

namespace plm::security {
namespace {

// v2 binds each text to where it is stored; v1 (older plm versions) bound it to nothing. The
// version is part of the associated data too, so a text of one version cannot be replayed as
// the other by changing its prefix.
constexpr std::string_view kVersionPrefix = "v2:";
constexpr std::string_view kAdditionalDataPrefix = "plm-token-v2:";
constexpr std::string_view kUnboundPrefix = "v1:";
constexpr std::string_view kUnboundAdditionalData = "plm-token-v1";
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

static_assert(SecretKey::kSize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

std::string describe_errno(int error) { return std::strerror(error); }

/// Closes the descriptor on every path out of load_or_create_key.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

/// Wipes a std::string holding key material before it is freed.
class WipedString {
 public:
  WipedString() = default;
  explicit WipedString(std::string text) : text_(std::move(text)) {}
  WipedString(const WipedString&) = delete;
  WipedString& operator=(const WipedString&) = delete;
  ~WipedString() { sodium_memzero(text_.data(), text_.size()); }
  std::string& get() { return text_; }

 private:
  std::string text_;
};

SecretKey create_key_file(const std::filesystem::path& key_file, int fd_raw) {
  FileDescriptor fd(fd_raw);
  SecretKey key = SecretKey::generate();
  WipedString text(detail::to_base64(std::string_view(reinterpret_cast<const char*>(key.data()),
                                                      SecretKey::kSize),
                                     detail::Base64::Standard) +
                   "\n");
  std::string_view rest = text.get();
  while (!rest.empty()) {
    const ssize_t written = ::write(fd.get(), rest.data(), rest.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::unlink(key_file.c_str());
      throw std::runtime_error("cannot write key file " + key_file.string() + ": " +
                               describe_errno(error));
    }
    rest.remove_prefix(static_cast<std::size_t>(written));
  }
  // The key must survive a crash once tokens encrypted with it may have been stored.
  if (::fsync(fd.get()) != 0) {
    const int error = errno;
    ::unlink(key_file.c_str());
    throw std::runtime_error("cannot write key file " + key_file.string() + ": " +
                             describe_errno(error));
  }
  return key;
}

SecretKey read_key_file(const std::filesystem::path& key_file) {
  const std::string where = "key file " + key_file.string();
  FileDescriptor fd(::open(key_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) throw std::runtime_error("cannot open " + where + ": " + describe_errno(errno));
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) {
    throw std::runtime_error("cannot inspect " + where + ": " + describe_errno(errno));
  }
  if (!S_ISREG(status.st_mode)) throw std::runtime_error(where + " is not a regular file");
  if ((status.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    throw std::runtime_error(where + " is accessible by group or others (mode " + mode +
                             "); run chmod 600 on it");
  }
  WipedString text;
  char buffer[256];
  for (;;) {
    const ssize_t count = ::read(fd.get(), buffer, sizeof buffer);
    if (count < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot read " + where + ": " + describe_errno(errno));
    }
    if (count == 0) break;
    text.get().append(buffer, static_cast<std::size_t>(count));
    if (text.get().size() > 4096) break;  // a key file is 45 bytes; do not slurp a wrong file
  }
  sodium_memzero(buffer, sizeof buffer);
  const auto bytes = detail::from_base64(text.get());
  if (!bytes || bytes->size() != SecretKey::kSize) {
    throw std::runtime_error(where + " does not hold a base64-encoded 32-byte key");
  }
  WipedString wiped(*bytes);
  return SecretKey(wiped.get());
}

}  // namespace

SecretKey::SecretKey(std::string_view bytes) {
  if (bytes.size() != kSize) {
    throw std::invalid_argument("a secret key must be 32 bytes, got " +
                                std::to_string(bytes.size()));
  }
  std::memcpy(bytes_.data(), bytes.data(), kSize);
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), kSize);
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    sodium_memzero(other.bytes_.data(), kSize);
  }
  return *this;
}

SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), kSize); }

SecretKey SecretKey::generate() {
  detail::ensure_sodium();
  SecretKey key;
  crypto_aead_xchacha20poly1305_ietf_keygen(key.bytes_.data());
  return key;
}

SecretKey load_or_create_key(const std::filesystem::path& key_file) {
  detail::ensure_sodium();
  if (std::filesystem::exists(std::filesystem::symlink_status(key_file)))
    return read_key_file(key_file);
  // The key is written in full to a private temporary file first and then linked into place:
  // link() fails with EEXIST if another process got there first, so a reader never sees a
  // half-written key and a crash never leaves an empty one. 0600, further narrowed by the umask.
  const std::filesystem::path temporary = key_file.string() + ".tmp." + std::to_string(::getpid());
  ::unlink(temporary.c_str());
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot create key file " + key_file.string() + ": " +
                             describe_errno(errno));
  }
  SecretKey key = create_key_file(temporary, fd);
  const int linked = ::link(temporary.c_str(), key_file.c_str());
  const int link_error = errno;
  ::unlink(temporary.c_str());
  if (linked != 0) {
    if (link_error == EEXIST) return read_key_file(key_file);
    throw std::runtime_error("cannot create key file " + key_file.string() + ": " +
                             describe_errno(link_error));
  }
  // Make the new directory entry durable too, before tokens encrypted with the key are stored.
  const auto parent =
      key_file.has_parent_path() ? key_file.parent_path() : std::filesystem::path(".");
  const int directory = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory >= 0) {
    ::fsync(directory);
    ::close(directory);
  }
  return key;
}

SecretKey key_from_base64(std::string_view text) {
  const auto bytes = detail::from_base64(text);
  if (!bytes || bytes->size() != SecretKey::kSize) {
    throw std::invalid_argument("the secret key must be 32 bytes encoded in base64 (" +
                                std::to_string(bytes ? bytes->size() : 0) +
                                " bytes decoded); generate one with: openssl rand -base64 32");
  }
  WipedString wiped(*bytes);
  return SecretKey(wiped.get());
}

TokenCipher::TokenCipher(SecretKey key) : key_(std::move(key)) { detail::ensure_sodium(); }

namespace {

std::string seal(std::string_view prefix, std::string_view plaintext,
                 std::string_view additional_data, const SecretKey& key) {
  std::string sealed(kNonce + plaintext.size() + kTag, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(out, kNonce);
  unsigned long long sealed_length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out + kNonce, &sealed_length, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(additional_data.data()),
      additional_data.size(), nullptr, out, key.data());
  sealed.resize(kNonce + sealed_length);
  return std::string(prefix) + detail::to_base64(sealed, detail::Base64::UrlSafeNoPadding);
}

}  // namespace

std::string TokenCipher::encrypt(std::string_view plaintext, std::string_view binding) const {
  return seal(kVersionPrefix, plaintext, std::string(kAdditionalDataPrefix) + std::string(binding),
              key_);
}

std::string TokenCipher::encrypt_unbound_for_test(std::string_view plaintext) const {
  return seal(kUnboundPrefix, plaintext, kUnboundAdditionalData, key_);
}

bool TokenCipher::is_outdated(std::string_view text) { return text.starts_with(kUnboundPrefix); }

core::Result<std::string> TokenCipher::decrypt(std::string_view text,
                                               std::string_view binding) const {
  std::string additional_data;
  if (text.starts_with(kVersionPrefix)) {
    additional_data = std::string(kAdditionalDataPrefix) + std::string(binding);
  } else if (text.starts_with(kUnboundPrefix)) {
    additional_data = kUnboundAdditionalData;
  } else {
    return core::make_error(core::ErrorCode::Internal,
                            "encrypted token has an unknown format (expected a v2: or v1: prefix)");
  }
  const auto sealed = detail::from_base64(text.substr(kVersionPrefix.size()));
  if (!sealed || sealed->size() < kNonce + kTag) {
    return core::make_error(core::ErrorCode::Internal, "encrypted token is malformed");
  }
  const auto* in = reinterpret_cast<const unsigned char*>(sealed->data());
  std::string plaintext(sealed->size() - kNonce - kTag, '\0');
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &length, nullptr, in + kNonce,
          sealed->size() - kNonce, reinterpret_cast<const unsigned char*>(additional_data.data()),
          additional_data.size(), in, key_.data()) != 0) {
    return core::make_error(core::ErrorCode::Internal,
                            "encrypted token cannot be decrypted: wrong key, tampered data or "
                            "stored in another place than it was encrypted for");
  }
  plaintext.resize(length);
  return plaintext;
}

}  // namespace plm::security

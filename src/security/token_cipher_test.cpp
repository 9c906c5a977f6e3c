#include "security/token_cipher.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "security/random_token.hpp"

namespace plm::security {
namespace {

namespace fs = std::filesystem;

/// A fresh directory per test, removed afterwards.
class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "plm-key-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read_all(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path dir_;
};

TokenCipher make_cipher() { return TokenCipher(SecretKey::generate()); }

constexpr std::string_view kBinding = "spotify_accounts.access_token_enc:7:alice";

TEST(TokenCipher, RoundTripsTextsOfAnyLength) {
  const TokenCipher cipher = make_cipher();

  for (const std::string& plaintext : {std::string(), std::string("BQD-access_token.123"),
                                       std::string(5000, 'x'), std::string("nul\0inside", 10)}) {
    const auto decrypted = cipher.decrypt(cipher.encrypt(plaintext, kBinding), kBinding);
    ASSERT_TRUE(decrypted.has_value()) << decrypted.error().message;
    EXPECT_EQ(*decrypted, plaintext);
  }
}

TEST(TokenCipher, UsesAFreshNonceForEveryMessage) {
  const TokenCipher cipher = make_cipher();

  const std::string first = cipher.encrypt("same token", kBinding);
  const std::string second = cipher.encrypt("same token", kBinding);

  EXPECT_NE(first, second);
  EXPECT_TRUE(first.starts_with("v2:"));
  EXPECT_FALSE(TokenCipher::is_outdated(first));
  EXPECT_EQ(first.find("same token"), std::string::npos);
}

TEST(TokenCipher, RejectsAnotherKeyWithoutRevealingAnything) {
  const std::string text = make_cipher().encrypt("secret-refresh-token", kBinding);

  const auto decrypted = make_cipher().decrypt(text, kBinding);

  ASSERT_FALSE(decrypted.has_value());
  EXPECT_EQ(decrypted.error().code, core::ErrorCode::Internal);
  EXPECT_NE(decrypted.error().message.find("wrong key"), std::string::npos);
  EXPECT_EQ(decrypted.error().message.find("secret-refresh-token"), std::string::npos);
  EXPECT_EQ(decrypted.error().message.find(text), std::string::npos);
}

TEST(TokenCipher, ATextDecryptsOnlyWithItsBinding) {
  const TokenCipher cipher = make_cipher();
  const std::string text = cipher.encrypt("BQD-token", kBinding);

  for (const std::string_view other :
       {std::string_view("spotify_accounts.refresh_token_enc:7:alice"),
        std::string_view("spotify_accounts.access_token_enc:8:alice"),
        std::string_view("spotify_accounts.access_token_enc:7:alicf"), std::string_view("")}) {
    const auto decrypted = cipher.decrypt(text, other);
    ASSERT_FALSE(decrypted.has_value()) << other;
    EXPECT_EQ(decrypted.error().code, core::ErrorCode::Internal);
    EXPECT_EQ(decrypted.error().message.find("BQD-token"), std::string::npos);
  }
  EXPECT_EQ(*cipher.decrypt(text, kBinding), "BQD-token");
}

TEST(TokenCipher, ReadsTextsOfThePreviousFormatAndCallsThemOutdated) {
  const TokenCipher cipher = make_cipher();
  const std::string old = cipher.encrypt_unbound_for_test("AQA-refresh");

  EXPECT_TRUE(old.starts_with("v1:"));
  EXPECT_TRUE(TokenCipher::is_outdated(old));
  // They were bound to nothing, so any binding reads them.
  EXPECT_EQ(*cipher.decrypt(old, kBinding), "AQA-refresh");
  EXPECT_EQ(*cipher.decrypt(old, "anything"), "AQA-refresh");
  EXPECT_FALSE(make_cipher().decrypt(old, kBinding).has_value());
}

TEST(TokenCipher, AVersionPrefixCannotBeSwapped) {
  const TokenCipher cipher = make_cipher();
  const std::string current = cipher.encrypt("token", kBinding);
  const std::string old = cipher.encrypt_unbound_for_test("token");

  // A bound text relabelled as unbound (to skip the binding check), and the other way round.
  EXPECT_FALSE(cipher.decrypt("v1:" + current.substr(3), "elsewhere").has_value());
  EXPECT_FALSE(cipher.decrypt("v2:" + old.substr(3), kBinding).has_value());
}

TEST(TokenCipher, RejectsTamperedTruncatedAndForeignTexts) {
  const TokenCipher cipher = make_cipher();
  std::string tampered = cipher.encrypt("token", kBinding);
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';

  for (const std::string& text :
       {tampered, std::string("v2:"), std::string("v2:AAAA"), std::string("plain token"),
        std::string("v3:abc"), std::string("v1:***"), std::string("v1:")}) {
    const auto decrypted = cipher.decrypt(text, kBinding);
    ASSERT_FALSE(decrypted.has_value()) << text;
    EXPECT_EQ(decrypted.error().code, core::ErrorCode::Internal);
  }
}

TEST(SecretKey, DecodesConfiguredBase64InEitherAlphabet) {
  const std::string standard = "q+/x7Xz0ZkLrOq2Sx1vH4mB3o0pYl9fYbW7kCw1z6RA=";
  const std::string url_safe = "q-_x7Xz0ZkLrOq2Sx1vH4mB3o0pYl9fYbW7kCw1z6RA";

  const TokenCipher by_standard(key_from_base64(standard + "\n"));
  const TokenCipher by_url_safe(key_from_base64(url_safe));

  const auto decrypted = by_url_safe.decrypt(by_standard.encrypt("t", kBinding), kBinding);
  ASSERT_TRUE(decrypted.has_value());
  EXPECT_EQ(*decrypted, "t");
}

TEST(SecretKey, RejectsConfiguredKeysOfTheWrongSizeWithoutEchoingThem) {
  for (const std::string& text :
       {std::string(""), std::string("c2hvcnQ="), std::string("not base64 at all!")}) {
    try {
      key_from_base64(text);
      FAIL() << "accepted " << text;
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("32 bytes"), std::string::npos);
      if (!text.empty()) {
        EXPECT_EQ(std::string(error.what()).find(text), std::string::npos);
      }
    }
  }
}

TEST(SecretKey, MovedFromKeyIsWiped) {
  SecretKey key = SecretKey::generate();

  SecretKey moved(std::move(key));

  const std::array<unsigned char, SecretKey::kSize> zeros{};
  EXPECT_EQ(std::memcmp(key.data(), zeros.data(), SecretKey::kSize), 0);  // NOLINT: use after move
}

TEST_F(KeyFileTest, CreatesAPrivateKeyFileAndReadsItBack) {
  const fs::path key_file = dir_ / "secret.key";

  const TokenCipher created(load_or_create_key(key_file));
  const TokenCipher loaded(load_or_create_key(key_file));

  struct stat status {};
  ASSERT_EQ(::stat(key_file.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  const auto decrypted = loaded.decrypt(created.encrypt("token", kBinding), kBinding);
  ASSERT_TRUE(decrypted.has_value());
  EXPECT_EQ(*decrypted, "token");
  EXPECT_EQ(read_all(key_file).size(), 45u);  // 44 base64 characters and a newline
}

TEST_F(KeyFileTest, RefusesAKeyFileReadableByOthers) {
  const fs::path key_file = dir_ / "secret.key";
  { const SecretKey created = load_or_create_key(key_file); }
  ASSERT_EQ(::chmod(key_file.c_str(), 0644), 0);

  try {
    load_or_create_key(key_file);
    FAIL() << "accepted a world-readable key file";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(key_file.string()), std::string::npos);
    EXPECT_NE(message.find("0644"), std::string::npos);
    EXPECT_NE(message.find("chmod 600"), std::string::npos);
  }
}

TEST_F(KeyFileTest, RefusesAFileThatHoldsNoKey) {
  const fs::path key_file = dir_ / "secret.key";
  { std::ofstream(key_file) << "hello\n"; }
  fs::permissions(key_file, fs::perms::owner_read | fs::perms::owner_write);

  EXPECT_THROW(load_or_create_key(key_file), std::runtime_error);
}

TEST_F(KeyFileTest, ReportsAMissingDirectory) {
  try {
    load_or_create_key(dir_ / "missing" / "secret.key");
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot create key file"), std::string::npos);
  }
}

TEST(RandomToken, IsUrlSafeAndUnpredictable) {
  const std::string first = random_token(32);
  const std::string second = random_token(32);

  EXPECT_EQ(first.size(), 43u);
  EXPECT_NE(first, second);
  EXPECT_EQ(
      first.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

}  // namespace
}  // namespace plm::security

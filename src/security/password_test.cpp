#include "security/password.hpp"

#include <gtest/gtest.h>

namespace plm::security {
namespace {

TEST(Password, HashesWithArgon2idAndVerifies) {
  const std::string hash = hash_password("correct horse battery staple");

  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$"));
  EXPECT_TRUE(verify_password(hash, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(hash, "correct horse battery stapler"));
  EXPECT_FALSE(needs_rehash(hash));
}

TEST(Password, SaltsEveryHash) { EXPECT_NE(hash_password("same"), hash_password("same")); }

TEST(Password, HandlesUnicodeAndEmptyPasswords) {
  const std::string hash = hash_password("pässwörd 密码");

  EXPECT_TRUE(verify_password(hash, "pässwörd 密码"));
  EXPECT_FALSE(verify_password(hash, ""));
  EXPECT_TRUE(verify_password(hash_password(""), ""));
}

TEST(Password, RejectsMalformedHashes) {
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$garbage", "x"));
  EXPECT_FALSE(verify_password(std::string(1000, 'a'), "x"));
  EXPECT_TRUE(needs_rehash("plaintext"));
  EXPECT_TRUE(needs_rehash(""));
}

TEST(Password, AsksToRehashWeakerParameters) {
  // Same algorithm, but one pass fewer than INTERACTIVE (t=2): a hash from an older configuration.
  const std::string hash = hash_password("pw");
  std::string weaker = hash;
  weaker.replace(weaker.find(",t=2,"), 5, ",t=1,");

  EXPECT_TRUE(needs_rehash(weaker));
}

}  // namespace
}  // namespace plm::security

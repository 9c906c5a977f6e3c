// The ImportStore contract (core/ports/import_store.hpp): the SQL store on SQLite and PostgreSQL
// and the in-memory fake (tests/support/fakes.hpp) keep the same promises. Each test runs on a
// fresh database, through the port (and the store ports it depends on) alone.

#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "owned_account_fixture.hpp"

namespace plm::contract {
namespace {

using core::ErrorCode;

/// Every byte value, NULs and invalid UTF-8 included, repeated to `size` bytes: a zip is binary.
std::string binary_file(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 7 + i / 256) % 256);
  return bytes;
}

template <typename BackendType>
class ImportStoreContract : public OwnedAccountFixture<BackendType> {
 protected:
  using Base = OwnedAccountFixture<BackendType>;
  using Base::account_;
  using Base::alice_;
  using Base::clock_;
  using Base::store_;

  core::ImportStore& imports() { return store_->imports(); }

  core::StoredImport upload(const std::string& bytes, std::optional<std::int64_t> paste_id = {},
                            const std::string& file_name = "plan.xlsx") {
    auto created = imports().create_import(alice_, account_, file_name, bytes, paste_id,
                                           std::nullopt, clock_.now());
    EXPECT_TRUE(created.has_value()) << created.error().message;
    return created.has_value() ? *created : core::StoredImport{};
  }
};

using Implementations = ::testing::Types<SqliteBackend, PostgresBackend, InMemoryBackend>;
TYPED_TEST_SUITE(ImportStoreContract, Implementations, BackendNames);

TYPED_TEST(ImportStoreContract, KeepsTheFileAsUploadedWithItsRecord) {
  this->clock_.advance(std::chrono::milliseconds(700));  // kept to the second
  const std::string bytes = binary_file(3 * 1024 * 1024 + 17);
  const auto created = this->upload(bytes, std::nullopt, "Plän für Sonntag 🎧.xlsx");

  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.owner_user_id, this->alice_);
  EXPECT_EQ(created.account_id, this->account_);
  EXPECT_EQ(created.file_name, "Plän für Sonntag 🎧.xlsx");
  EXPECT_EQ(created.paste_id, std::nullopt);
  EXPECT_EQ(created.size_bytes, static_cast<std::int64_t>(bytes.size()));
  EXPECT_EQ(created.created_at, core::from_unix_seconds(1'793'491'200));
  EXPECT_EQ(this->imports().find_import(created.id).value(), created);
  const auto read = this->imports().import_bytes(created.id);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_TRUE(*read == bytes) << "the file changed on its way through the store";

  // An empty file is a file (reading it is the reader's to refuse); ids are not reused.
  const auto empty = this->upload("");
  EXPECT_GT(empty.id, created.id);
  EXPECT_EQ(this->imports().import_bytes(empty.id).value(), "");
}

TYPED_TEST(ImportStoreContract, AnImportOutlivesItsPasteWithoutIt) {
  auto paste = this->store_->matches().create_paste(this->alice_, this->account_,
                                                    {"Title\tArtist", "a\tb"}, this->clock_.now());
  ASSERT_TRUE(paste.has_value()) << paste.error().message;
  auto stored =
      this->imports().create_import(this->alice_, this->account_, "plan.csv", "csv,text", paste->id,
                                    "37i9dQZF1DX0XUsuxWHRQd", this->clock_.now());
  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  const auto created = *stored;
  EXPECT_EQ(created.paste_id, paste->id);
  EXPECT_EQ(created.playlist_id, "37i9dQZF1DX0XUsuxWHRQd");
  EXPECT_EQ(this->imports().find_import(created.id).value(), created);

  ASSERT_TRUE(this->store_->matches().delete_paste(paste->id).has_value());
  const auto found = this->imports().find_import(created.id).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->paste_id, std::nullopt);
  EXPECT_EQ(this->imports().import_bytes(created.id).value(), "csv,text");
}

TYPED_TEST(ImportStoreContract, RefusesBadNamesOversizedFilesAndMissingOwners) {
  auto& imports = this->imports();
  const auto now = this->clock_.now();
  for (const std::string& name : {std::string(), std::string(256, 'a'), std::string("a\x01.csv"),
                                  std::string("bad \xff utf8.csv")}) {
    const auto refused =
        imports.create_import(this->alice_, this->account_, name, "x", {}, {}, now);
    ASSERT_FALSE(refused.has_value()) << name;
    EXPECT_EQ(refused.error().code, ErrorCode::InvalidInput) << name;
  }
  for (const std::string& playlist : {std::string(), std::string("a\nb")}) {
    const auto refused =
        imports.create_import(this->alice_, this->account_, "plan.csv", "x", {}, playlist, now);
    ASSERT_FALSE(refused.has_value()) << playlist;
    EXPECT_EQ(refused.error().code, ErrorCode::InvalidInput) << playlist;
  }
  EXPECT_TRUE(
      imports.create_import(this->alice_, this->account_, std::string(255, 'a'), "x", {}, {}, now));
  const auto too_large =
      imports.create_import(this->alice_, this->account_, "big.xlsx",
                            std::string(core::kMaxImportFileBytes + 1, 'x'), {}, {}, now);
  ASSERT_FALSE(too_large.has_value());
  EXPECT_EQ(too_large.error().code, ErrorCode::InvalidInput);

  constexpr std::int64_t kNone = 987654;
  for (const auto& [user, account, paste] :
       {std::tuple<std::int64_t, std::int64_t, std::optional<std::int64_t>>{kNone, this->account_,
                                                                            std::nullopt},
        {this->alice_, kNone, std::nullopt},
        {this->alice_, this->account_, kNone}}) {
    const auto missing = imports.create_import(user, account, "plan.csv", "x", paste, {}, now);
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound) << missing.error().message;
  }
}

TYPED_TEST(ImportStoreContract, AnUnknownImportIsNotThere) {
  EXPECT_EQ(this->imports().find_import(987654).value(), std::nullopt);
  const auto bytes = this->imports().import_bytes(987654);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().code, ErrorCode::NotFound);
}

TYPED_TEST(ImportStoreContract, DeletesImportsOlderThanTheCutoff) {
  const auto first = this->upload("one");
  this->clock_.advance(std::chrono::hours(24));
  const auto second = this->upload("two");
  this->clock_.advance(std::chrono::hours(24));
  const auto third = this->upload("three");

  // Strictly before: the one created at the cutoff stays.
  EXPECT_EQ(this->imports().delete_imports_before(second.created_at).value(), 1);
  EXPECT_EQ(this->imports().find_import(first.id).value(), std::nullopt);
  EXPECT_EQ(this->imports().find_import(second.id).value(), second);
  EXPECT_EQ(this->imports().delete_imports_before(second.created_at).value(), 0);
  EXPECT_EQ(
      this->imports().delete_imports_before(this->clock_.now() + std::chrono::seconds(1)).value(),
      2);
  EXPECT_EQ(this->imports().find_import(third.id).value(), std::nullopt);
}

TYPED_TEST(ImportStoreContract, GoesWithItsAccountAndItsUser) {
  const std::int64_t bob = this->add_user("bob");
  const std::int64_t bobs_account = this->add_account(bob, "sp-bob");
  const auto alices = this->upload("alice's");
  auto bobs = this->imports().create_import(bob, bobs_account, "bob.csv", "bob's", {}, {},
                                            this->clock_.now());
  ASSERT_TRUE(bobs.has_value());

  ASSERT_TRUE(this->store_->delete_account(this->account_).has_value());
  EXPECT_EQ(this->imports().find_import(alices.id).value(), std::nullopt);
  EXPECT_TRUE(this->imports().find_import(bobs->id).value().has_value());

  ASSERT_TRUE(this->store_->delete_user(bob).has_value());
  EXPECT_EQ(this->imports().find_import(bobs->id).value(), std::nullopt);
}

}  // namespace
}  // namespace plm::contract

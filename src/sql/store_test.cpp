#include "sql/store.hpp"

#include <gtest/gtest.h>

#include "sql/common.hpp"

namespace plm::sql {
namespace {

using Kind = DatabaseLocation::Kind;

TEST(DatabaseUrl, AcceptsSqliteFormsAndPlainPaths) {
  EXPECT_EQ(parse_database_url("sqlite:///var/lib/plm/plm.db").target, "/var/lib/plm/plm.db");
  EXPECT_EQ(parse_database_url("sqlite:data/plm.db").target, "data/plm.db");
  EXPECT_EQ(parse_database_url("sqlite:/abs.db").target, "/abs.db");
  EXPECT_EQ(parse_database_url("plm.db").target, "plm.db");
  EXPECT_EQ(parse_database_url("/tmp/x/plm.db").kind, Kind::Sqlite);
}

TEST(DatabaseUrl, PassesPostgresUrlsThrough) {
  const auto location = parse_database_url("postgresql://plm:pw@127.0.0.1:5432/plm");
  EXPECT_EQ(location.kind, Kind::Postgres);
  EXPECT_EQ(location.target, "postgresql://plm:pw@127.0.0.1:5432/plm");
  EXPECT_EQ(parse_database_url("postgres://h/db").kind, Kind::Postgres);
}

TEST(DatabaseUrl, RejectsUnknownSchemesWithoutEchoingCredentials) {
  for (const std::string url :
       {"mysql://root:hunter2@host/db", "", "sqlite:", "sqlite://host/x.db", "sqlite://"}) {
    try {
      parse_database_url(url);
      FAIL() << "accepted " << url;
    } catch (const std::invalid_argument& error) {
      EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos);
      EXPECT_NE(std::string(error.what()).find("sqlite:"), std::string::npos) << error.what();
    }
  }
}

TEST(Artists, RoundTripAnyCharacters) {
  const std::vector<std::string> artists{"AC/DC", "Beyoncé", "a, b; c | d \"quoted\"", "", "\n"};

  EXPECT_EQ(decode_artists(encode_artists(artists)), artists);
  EXPECT_EQ(decode_artists(encode_artists({})), std::vector<std::string>());
  EXPECT_EQ(decode_artists("not json"), std::vector<std::string>());
}

}  // namespace
}  // namespace plm::sql

#include "app/config.hpp"

#include <gtest/gtest.h>

namespace plm::app {
namespace {

TEST(BuildConfig, DefaultsLiveInTheDataDirAndTalkToSpotify) {
  const auto config = build_config({}, {}, {}, "/home/pro");

  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->data_dir, "/home/pro/.local/share/plm");
  EXPECT_EQ(config->database_url, "sqlite:/home/pro/.local/share/plm/plm.db");
  EXPECT_EQ(config->secret_key_file, "/home/pro/.local/share/plm/secret.key");
  EXPECT_EQ(config->spotify_api_url, "https://api.spotify.com/v1");
  EXPECT_EQ(config->spotify_accounts_url, "https://accounts.spotify.com");
}

TEST(BuildConfig, FlagsBeatEnvironmentWhichBeatsTheFile) {
  const auto config =
      build_config({{"PLM_SPOTIFY_CLIENT_ID", "from-env"}, {"PLM_DATA_DIR", "/env"}},
                   {{"PLM_SPOTIFY_CLIENT_ID", "from-file"}, {"PLM_SPOTIFY_RATE_BUDGET", "40"}},
                   {{"PLM_DATA_DIR", "/flag"}}, "/home/pro");

  ASSERT_TRUE(config);
  EXPECT_EQ(config->spotify_client_id, "from-env");
  EXPECT_EQ(config->data_dir, "/flag");
  EXPECT_EQ(config->spotify_rate_budget, 40);
}

TEST(BuildConfig, BadValuesGetOneClearMessageEach) {
  const auto budget = build_config({{"PLM_SPOTIFY_RATE_BUDGET", "lots"}}, {}, {}, "/h");
  const auto url = build_config({{"PLM_SPOTIFY_API_URL", "api.spotify.com"}}, {}, {}, "/h");

  ASSERT_FALSE(budget);
  EXPECT_EQ(budget.error().message,
            "PLM_SPOTIFY_RATE_BUDGET must be a whole number from 1 to 100000, got 'lots'");
  ASSERT_FALSE(url);
  EXPECT_NE(url.error().message.find("PLM_SPOTIFY_API_URL must be an http:// or https:// URL"),
            std::string::npos);
}

TEST(BuildConfig, PlainHttpIsAllowedOnlyForThisMachine) {
  EXPECT_TRUE(build_config({{"PLM_SPOTIFY_API_URL", "http://127.0.0.1:8888/v1"}}, {}, {}, "/h"));
  EXPECT_TRUE(build_config({{"PLM_SPOTIFY_API_URL", "http://[::1]:8888/v1"}}, {}, {}, "/h"));
  const auto remote =
      build_config({{"PLM_SPOTIFY_ACCOUNTS_URL", "http://accounts.example.com"}}, {}, {}, "/h");
  ASSERT_FALSE(remote);
  EXPECT_NE(remote.error().message.find("must use https://"), std::string::npos);
}

TEST(ParseConfigFile, ReadsKeyValueLinesWithCommentsExportAndQuotes) {
  const auto values = parse_config_file(
      "# comment\n\nexport PLM_DATA_DIR=\"/srv/plm\"\nPLM_USER = alice \n", "plm.env");

  ASSERT_TRUE(values);
  EXPECT_EQ(values->at("PLM_DATA_DIR"), "/srv/plm");
  EXPECT_EQ(values->at("PLM_USER"), "alice");
}

TEST(ParseConfigFile, RejectsTyposAndJunkNamingTheLine) {
  const auto typo = parse_config_file("PLM_DATA_DIRR=/x\n", "plm.env");
  const auto junk = parse_config_file("PLM_USER=a\nwhat is this\n", "plm.env");

  ASSERT_FALSE(typo);
  EXPECT_EQ(typo.error().message,
            "plm.env:1: unknown setting PLM_DATA_DIRR (see configs/example.env)");
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().message, "plm.env:2: expected KEY=VALUE, got 'what is this'");
}

TEST(Describe, HidesDatabaseCredentialsWhereverTheyAre) {
  for (const char* url :
       {"postgresql://plm:hunter2@db.example:5432/plm", "postgresql:///plm?password=hunter2",
        "postgres://db.example/plm?sslpassword=hunter2"}) {
    auto config = *build_config({{"PLM_DATABASE_URL", url}}, {}, {}, "/h");
    EXPECT_EQ(describe(config).find("hunter2"), std::string::npos) << url;
  }
  auto sqlite = *build_config({{"PLM_DATABASE_URL", "sqlite:/srv/plm.db"}}, {}, {}, "/h");
  EXPECT_NE(describe(sqlite).find("sqlite:/srv/plm.db"), std::string::npos);
}

TEST(Describe, MasksSecrets) {
  auto config = *build_config({{"PLM_SPOTIFY_CLIENT_SECRET", "s3cret"}, {"PLM_SECRET_KEY", "a2V5"}},
                              {}, {}, "/h");
  const auto text = describe(config);
  EXPECT_EQ(text.find("s3cret"), std::string::npos);
  EXPECT_EQ(text.find("a2V5"), std::string::npos);
  EXPECT_NE(text.find("PLM_SPOTIFY_CLIENT_SECRET=(set, hidden)"), std::string::npos);
}

}  // namespace
}  // namespace plm::app

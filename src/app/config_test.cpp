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
            "PLM_SPOTIFY_RATE_BUDGET must be a whole number from 1 to 100000, got 'lots' (from "
            "environment PLM_SPOTIFY_RATE_BUDGET)");
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

TEST(BuildConfig, PlainHttpNeedsALoopbackAddressAsTheHostNotAsAPrefix) {
  auto accepted = [](const char* key, const char* url) {
    return build_config({{key, url}}, {}, {}, "/h").has_value();
  };
  for (const char* url : {"HTTP://127.0.0.1:8888/v1", "http://127.0.0.2/v1", "http://[::1]/v1",
                          "http://[0:0:0:0:0:0:0:1]:9/v1"}) {
    EXPECT_TRUE(accepted("PLM_SPOTIFY_API_URL", url)) << url;
  }
  // Each of these connects to another machine (or wherever a name resolves).
  for (const char* url :
       {"http://127.0.0.1@example.com/", "http://127.0.0.1:80@example.com/",
        "http://127.0.0.1.nip.io/", "http://127.0.0.1./", "http://127.1/", "http://localhost:9/",
        "http://127.0.0.1\\@example.com/", "http://[::ffff:7f00:1]/", "HTTP://example.com/"}) {
    for (const char* key :
         {"PLM_SPOTIFY_API_URL", "PLM_SPOTIFY_ACCOUNTS_URL", "PLM_SPOTIFY_REDIRECT_URI"}) {
      EXPECT_FALSE(accepted(key, url)) << key << "=" << url;
    }
  }
  // User info is refused even over https: it only ever serves to disguise the host.
  const auto userinfo =
      build_config({{"PLM_SPOTIFY_ACCOUNTS_URL", "https://127.0.0.1@example.com/"}}, {}, {}, "/h");
  ASSERT_FALSE(userinfo);
  EXPECT_NE(userinfo.error().message.find("user information"), std::string::npos);
  // Spotify refuses localhost in redirect URIs whatever the scheme.
  const auto localhost =
      build_config({{"PLM_SPOTIFY_REDIRECT_URI", "https://localhost/callback"}}, {}, {}, "/h");
  ASSERT_FALSE(localhost);
  EXPECT_NE(localhost.error().message.find("localhost"), std::string::npos);
}

TEST(BuildConfig, ThePublicUrlIsParsedAndLosesItsDefaultPort) {
  auto public_url = [](const char* url) {
    return build_config({{"PLM_PUBLIC_URL", url}}, {}, {}, "/h");
  };

  EXPECT_EQ(public_url("https://plm.example.org:443/")->public_url, "https://plm.example.org/");
  EXPECT_EQ(public_url("http://plm.example.org:80/plm/")->public_url,
            "http://plm.example.org/plm/");
  EXPECT_EQ(public_url("https://Plm.Example.org:8443/")->public_url,
            "https://plm.example.org:8443/");
  EXPECT_FALSE(public_url("https://127.0.0.1@plm.example.org/"));
  EXPECT_FALSE(public_url("https://plm.example.org"));
  EXPECT_FALSE(public_url("https://plm.example.org/?x=1"));
  EXPECT_FALSE(public_url("https://plm.example.org:99999/"));
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

TEST(BuildConfig, ServeSettingsHaveDefaults) {
  const auto config = build_config({}, {}, {}, "/home/pro");

  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->listen_port, 8080);
  EXPECT_EQ(config->public_url, "");
  EXPECT_TRUE(config->static_dir.ends_with("frontend/dist")) << config->static_dir;
  EXPECT_EQ(config->session_ttl_hours, 336);
  EXPECT_EQ(config->session_idle_hours, 72);
  EXPECT_EQ(config->http_threads, 2);
  EXPECT_EQ(config->handler_threads, 4);
  EXPECT_EQ(config->max_connections, 1024);
  EXPECT_EQ(config->max_connections_per_address, 64);
  EXPECT_EQ(config->sync_workers, 2);
  EXPECT_FALSE(config->trust_proxy);
  EXPECT_TRUE(config->access_log);
}

TEST(BuildConfig, ServeSettingsAreParsedAndChecked) {
  const auto config = build_config({{"PLM_LISTEN", "[::1]:0"},
                                    {"PLM_PUBLIC_URL", "https://music.example.org/plm/"},
                                    {"PLM_SESSION_TTL_HOURS", "24"},
                                    {"PLM_SESSION_IDLE_HOURS", "2"},
                                    {"PLM_HTTP_THREADS", "3"},
                                    {"PLM_HANDLER_THREADS", "0"},
                                    {"PLM_MAX_CONNECTIONS", "200"},
                                    {"PLM_MAX_CONNECTIONS_PER_ADDRESS", "20"},
                                    {"PLM_SYNC_WORKERS", "4"},
                                    {"PLM_TRUST_PROXY", "yes"},
                                    {"PLM_ACCESS_LOG", "0"},
                                    {"PLM_STATIC_DIR", "/srv/plm/dist"}},
                                   {}, {}, "/h");

  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->listen_host, "::1");
  EXPECT_EQ(config->listen_port, 0);
  EXPECT_EQ(config->public_url, "https://music.example.org/plm/");
  EXPECT_EQ(config->session_ttl_hours, 24);
  EXPECT_EQ(config->session_idle_hours, 2);
  EXPECT_EQ(config->http_threads, 3);
  EXPECT_EQ(config->handler_threads, 0);
  EXPECT_EQ(config->max_connections, 200);
  EXPECT_EQ(config->max_connections_per_address, 20);
  EXPECT_EQ(config->sync_workers, 4);
  EXPECT_TRUE(config->trust_proxy);
  EXPECT_FALSE(config->access_log);
  EXPECT_EQ(config->static_dir, "/srv/plm/dist");
  EXPECT_NE(describe(*config).find("PLM_LISTEN=[::1]:0"), std::string::npos);

  const auto listen = build_config({{"PLM_LISTEN", "8080"}}, {}, {}, "/h");
  const auto port = build_config({{"PLM_LISTEN", "127.0.0.1:70000"}}, {}, {}, "/h");
  const auto slash = build_config({{"PLM_PUBLIC_URL", "https://example.org/plm"}}, {}, {}, "/h");
  const auto scheme = build_config({{"PLM_PUBLIC_URL", "example.org/"}}, {}, {}, "/h");
  const auto workers = build_config({{"PLM_SYNC_WORKERS", "0"}}, {}, {}, "/h");
  const auto connections = build_config({{"PLM_MAX_CONNECTIONS", "0"}}, {}, {}, "/h");
  const auto flag = build_config({{"PLM_TRUST_PROXY", "maybe"}}, {}, {}, "/h");
  ASSERT_FALSE(listen);
  EXPECT_NE(listen.error().message.find("PLM_LISTEN must be HOST:PORT"), std::string::npos);
  EXPECT_FALSE(port);
  ASSERT_FALSE(slash);
  EXPECT_NE(slash.error().message.find("must end with '/'"), std::string::npos);
  EXPECT_FALSE(scheme);
  ASSERT_FALSE(workers);
  EXPECT_EQ(workers.error().message,
            "PLM_SYNC_WORKERS must be a whole number from 1 to 32, got '0' (from environment "
            "PLM_SYNC_WORKERS)");
  ASSERT_FALSE(connections);
  EXPECT_EQ(
      connections.error().message,
      "PLM_MAX_CONNECTIONS must be a whole number from 1 to 1000000, got '0' (from environment "
      "PLM_MAX_CONNECTIONS)");
  ASSERT_FALSE(flag);
  EXPECT_NE(flag.error().message.find("PLM_TRUST_PROXY must be 1 or 0"), std::string::npos);
}

TEST(BuildConfig, DatabasePoolDefaultsToFourAndIsChecked) {
  const auto defaults = build_config({}, {}, {}, "/h");
  const auto eight = build_config({{"PLM_DATABASE_POOL", "8"}}, {}, {}, "/h");
  const auto none = build_config({{"PLM_DATABASE_POOL", "0"}}, {}, {}, "/h");

  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->database_pool, 4);
  ASSERT_TRUE(eight);
  EXPECT_EQ(eight->database_pool, 8);
  EXPECT_NE(describe(*eight).find("PLM_DATABASE_POOL=8"), std::string::npos);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message,
            "PLM_DATABASE_POOL must be a whole number from 1 to 64, got '0' (from environment "
            "PLM_DATABASE_POOL)");
}

TEST(BuildConfig, SyncInFlightDefaultsToFourAndIsChecked) {
  const auto defaults = build_config({}, {}, {}, "/h");
  const auto sixteen = build_config({{"PLM_SYNC_IN_FLIGHT", "16"}}, {}, {}, "/h");
  const auto none = build_config({{"PLM_SYNC_IN_FLIGHT", "0"}}, {}, {}, "/h");
  const auto many = build_config({{"PLM_SYNC_IN_FLIGHT", "17"}}, {}, {}, "/h");

  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->sync_in_flight, 4);
  ASSERT_TRUE(sixteen);
  EXPECT_EQ(sixteen->sync_in_flight, 16);
  EXPECT_NE(describe(*sixteen).find("PLM_SYNC_IN_FLIGHT=16"), std::string::npos);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message,
            "PLM_SYNC_IN_FLIGHT must be a whole number from 1 to 16, got '0' (from environment "
            "PLM_SYNC_IN_FLIGHT)");
  EXPECT_FALSE(many);
}

TEST(ParseConfigFile, KnowsTheServeSettings) {
  const auto values = parse_config_file(
      "PLM_LISTEN=0.0.0.0:8080\nPLM_PUBLIC_URL=https://x.example/\nPLM_STATIC_DIR=/d\n"
      "PLM_SESSION_TTL_HOURS=1\nPLM_SESSION_IDLE_HOURS=1\nPLM_HTTP_THREADS=1\n"
      "PLM_HANDLER_THREADS=1\nPLM_SYNC_WORKERS=1\nPLM_TRUST_PROXY=1\nPLM_ACCESS_LOG=1\n"
      "PLM_MAX_CONNECTIONS=1\nPLM_MAX_CONNECTIONS_PER_ADDRESS=1\n",
      "plm.env");
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(values->size(), 12u);
}

TEST(BuildConfig, EachValueKnowsWhereItCameFrom) {
  std::map<std::string, std::string> origins;
  const auto file = parse_config_file("# plm\nPLM_SYNC_WORKERS=3\n\nexport PLM_USER=bob\n",
                                      "/etc/plm.env", &origins);
  ASSERT_TRUE(file) << file.error().message;
  origins["PLM_DATA_DIR"] = "option --data-dir";

  const auto config = build_config({{"PLM_SPOTIFY_CLIENT_ID", "abc"}}, *file,
                                   {{"PLM_DATA_DIR", "/flag"}}, "/home/pro", origins);

  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->origins.at("PLM_SYNC_WORKERS"), "file /etc/plm.env:2");
  EXPECT_EQ(config->origins.at("PLM_USER"), "file /etc/plm.env:4");
  EXPECT_EQ(config->origins.at("PLM_SPOTIFY_CLIENT_ID"), "environment PLM_SPOTIFY_CLIENT_ID");
  EXPECT_EQ(config->origins.at("PLM_DATA_DIR"), "option --data-dir");
  EXPECT_EQ(config->origins.at("PLM_LISTEN"), "default");
  // `plm config` lists every key once, in the documented order, with the same origins.
  const auto entries = config_entries(*config);
  ASSERT_EQ(entries.size(), config_defaults().size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].key, config_defaults()[i].first);
    EXPECT_EQ(entries[i].origin, config->origins.at(entries[i].key));
  }
}

TEST(BuildConfig, ARefusedValueNamesTheFileLineItCameFrom) {
  std::map<std::string, std::string> origins;
  const auto file = parse_config_file("PLM_LISTEN=8080\n", "plm.env", &origins);
  ASSERT_TRUE(file);

  const auto config = build_config({}, *file, {}, "/h", origins);

  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message,
            "PLM_LISTEN must be HOST:PORT (127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080), got '8080' "
            "(from file plm.env:1)");
}

}  // namespace
}  // namespace plm::app

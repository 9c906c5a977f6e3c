#include "serve_process.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "app/serve.hpp"
#include "app/services.hpp"
#include "web_fixture.hpp"

namespace plm::web_test {

namespace {

std::vector<std::string> serve_arguments(const std::filesystem::path& port_file) {
  return {PLM_BINARY, "serve", "--listen", "127.0.0.1:0", "--port-file", port_file.string()};
}

std::map<std::string, std::string> with_defaults(std::map<std::string, std::string> settings) {
  settings.emplace("PLM_CONFIG", "");
  settings.emplace("PLM_ACCESS_LOG", "0");
  return settings;
}

}  // namespace

ServeStage::ServeStage(const std::string& name, spotify_emulator::Seed seed,
                       const std::string& spotify_user,
                       const std::map<std::string, std::string>& extra_settings)
    : directory_(std::filesystem::temp_directory_path() /
                 ("plm-" + name + "-" + std::to_string(::getpid()))) {
  std::filesystem::remove_all(directory_);
  std::filesystem::create_directories(directory_);
  emulator_ = std::make_unique<spotify_emulator::testkit::RunningEmulator>(
      std::move(seed),
      spotify_emulator::EmulatorOptions{.auto_approve = true, .auto_approve_user = spotify_user},
      clock_);
  const std::string client_id = "plm-" + name;
  emulator_->emulator().register_app(
      spotify_emulator::App{.client_id = client_id,
                            .client_secret = "secret",
                            .redirect_uris = {"http://127.0.0.1/api/spotify/callback"}});
  settings_ = {{"PLM_DATA_DIR", (directory_ / "data").string()},
               {"PLM_SPOTIFY_CLIENT_ID", client_id},
               {"PLM_SPOTIFY_CLIENT_SECRET", "secret"},
               {"PLM_SPOTIFY_API_URL", emulator_url() + "/v1"},
               {"PLM_SPOTIFY_ACCOUNTS_URL", emulator_url()}};
  for (const auto& [key, value] : extra_settings) settings_[key] = value;
  auto created = app::Services::open(config())->users().create_user(
      "root", app::web_crypto().hash_password(kPassword), core::Role::Admin);
  if (!created) throw std::runtime_error("cannot create root: " + created.error().message);
}

ServeStage::~ServeStage() {
  emulator_.reset();
  std::filesystem::remove_all(directory_);
}

app::Config ServeStage::config() const {
  auto config = app::build_config(settings_, {}, {}, "");
  if (!config) throw std::runtime_error(config.error().message);
  return *config;
}

nlohmann::json ServeStage::emulator_admin(const std::string& method, const std::string& path,
                                          const nlohmann::json& body) {
  test_support::HttpClient client(emulator_url());
  const auto result = client.request(method, path, {{"Content-Type", "application/json"}},
                                     body.is_null() ? "" : body.dump());
  if (result.body.empty() && result.status / 100 == 2) return nullptr;
  auto json = nlohmann::json::parse(result.body, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(json.is_discarded()) << method << " " << path << ": " << result.status << " "
                                    << result.error << " " << result.body.substr(0, 300);
  return json.is_discarded() ? nlohmann::json() : json;
}

ServeProcess::ServeProcess(const std::filesystem::path& directory,
                           std::map<std::string, std::string> settings, const std::string& name)
    : process_(serve_arguments(directory / (name + ".port")), with_defaults(std::move(settings))) {
  const auto port_file = directory / (name + ".port");
  // The port file appears once the server listens (written whole, then renamed).
  for (int attempt = 0; attempt < 1200 && port_.empty(); ++attempt) {
    std::ifstream(port_file) >> port_;
    if (port_.empty()) ::usleep(25'000);
  }
  base_url_ = "http://127.0.0.1:" + port_;
  client_ = std::make_unique<test_support::HttpClient>(base_url_);
}

std::vector<http::Field> ServeProcess::auth() const {
  return {{"Cookie", "plm_session=" + token_}, {"X-CSRF-Token", csrf_}};
}

void ServeProcess::sign_in(const std::string& username, const std::string& password) {
  const auto signed_in =
      client_->request("POST", "/api/session", {{"Content-Type", "application/json"}},
                       nlohmann::json{{"username", username}, {"password", password}}.dump());
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const std::string set_cookie(signed_in.header("Set-Cookie").value_or(""));
  token_ = set_cookie.substr(12, set_cookie.find(';') - 12);
  csrf_ = nlohmann::json::parse(signed_in.body)["csrf_token"];
}

void ServeProcess::use_session(const std::string& token, const std::string& csrf) {
  token_ = token;
  csrf_ = csrf;
}

std::int64_t ServeProcess::connect_account(const std::string& spotify_url) {
  int status = 0;
  const auto started = call("POST", "/api/accounts/connect", &status);
  EXPECT_EQ(status, 200) << started.dump();
  test_support::HttpClient spotify(spotify_url);
  const auto consent = spotify.get(started.value("authorize_url", ""));
  EXPECT_EQ(consent.status, 303) << consent.body;
  const std::string callback(consent.header("Location").value_or(""));
  if (!callback.starts_with(base_url_)) return 0;
  const auto connected = client_->request("GET", callback.substr(base_url_.size()), auth(), "");
  const std::string location(connected.header("Location").value_or(""));
  const auto at = location.find("connected=");
  return at == std::string::npos ? 0 : std::stoll(location.substr(at + 10));
}

nlohmann::json ServeProcess::call(const std::string& method, const std::string& path, int* status) {
  return call(method, path, nullptr, status);
}

nlohmann::json ServeProcess::call(const std::string& method, const std::string& path,
                                  const nlohmann::json& body, int* status) {
  auto fields = auth();
  if (!body.is_null()) fields.push_back({"Content-Type", "application/json"});
  const auto result = client_->request(method, path, fields, body.is_null() ? "" : body.dump());
  if (status) *status = result.status;
  auto json = nlohmann::json::parse(result.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    ADD_FAILURE() << method << " " << path << " answered " << result.status
                  << " without JSON: " << result.error << " " << result.body.substr(0, 300);
    return nullptr;
  }
  return json;
}

nlohmann::json poll(ServeProcess& server, const std::string& path, std::chrono::seconds deadline,
                    const std::function<bool(const nlohmann::json&)>& done) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  nlohmann::json last;
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    last = server.call("GET", path, &status);
    if (status == 200 && done(last)) return last;
    ::usleep(20'000);
  }
  ADD_FAILURE() << "gave up waiting on " << path << "; last answer: " << last.dump().substr(0, 500);
  return last;
}

bool job_finished(const nlohmann::json& details) {
  const std::string state = details["job"]["state"];
  return state == "succeeded" || state == "failed" || state == "cancelled";
}

std::vector<std::string> history_of(const nlohmann::json& details) {
  std::vector<std::string> kinds;
  for (const auto& event : details["history"]) kinds.push_back(event["kind"]);
  return kinds;
}

}  // namespace plm::web_test

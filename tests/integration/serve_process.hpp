#pragma once
// `plm serve` as a child process for process tests: started on a data directory with the given
// settings on a free port (the port file), then driven over HTTP like a browser would (sign in,
// connect a Spotify account through the emulator's auto-approved consent).

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "emulator/emulator.hpp"
#include "http/message.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "testkit/testkit.hpp"

// PLM_SANITIZED: defined under AddressSanitizer or ThreadSanitizer (GCC spells it
// __SANITIZE_*__, Clang __has_feature), where the restart proofs, timed by real latency, skip.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PLM_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define PLM_SANITIZED 1
#endif
#endif

namespace plm::web_test {

/// What a process test of `plm serve` stands on: a fresh directory, the emulator in-process (a
/// frozen clock, consent auto-approved for `spotify_user`, plm's app registered) and the settings
/// that point plm at it, with the administrator "root" (password kPassword) created. The
/// directory goes with it.
class ServeStage {
 public:
  ServeStage(const std::string& name, spotify_emulator::Seed seed, const std::string& spotify_user,
             const std::map<std::string, std::string>& extra_settings = {});
  ~ServeStage();

  const std::filesystem::path& directory() const { return directory_; }
  const std::map<std::string, std::string>& settings() const { return settings_; }
  app::Config config() const;
  std::string emulator_url() const { return emulator_->base_url(); }
  /// An emulator admin call on a connection of its own (minutes may pass between two); the JSON
  /// answer, null when there is none.
  nlohmann::json emulator_admin(const std::string& method, const std::string& path,
                                const nlohmann::json& body = nullptr);

 private:
  std::filesystem::path directory_;
  spotify_emulator::Clock clock_{spotify_emulator::testkit::kStartMs, /*frozen=*/true};
  std::unique_ptr<spotify_emulator::testkit::RunningEmulator> emulator_;
  std::map<std::string, std::string> settings_;
};

class ServeProcess {
 public:
  /// Starts `plm serve --listen 127.0.0.1:0` with `settings` (PLM_CONFIG and the access log off
  /// added) and waits for its port. `name` makes the port file's name unique in `directory`.
  ServeProcess(const std::filesystem::path& directory, std::map<std::string, std::string> settings,
               const std::string& name = "serve");

  bool listening() const { return !port_.empty(); }
  const std::string& base_url() const { return base_url_; }
  test_support::HttpClient& client() { return *client_; }
  void kill(int signal) { process_.kill(signal); }
  /// Waits for the exit (reaping the process) and returns its status and output.
  test_support::ProcessResult wait() { return process_.wait(); }

  /// Signs in; afterwards requests() carry the session cookie and the CSRF token.
  void sign_in(const std::string& username, const std::string& password);
  /// The session cookie's token (for an EventReader).
  const std::string& session_token() const { return token_; }
  /// Adopts the session of another run on the same database (sessions are stored).
  void use_session(const std::string& token, const std::string& csrf);
  const std::string& csrf() const { return csrf_; }
  /// Connects a Spotify account through the emulator at `spotify_url`; its id, or 0.
  std::int64_t connect_account(const std::string& spotify_url);
  /// A request with the session; the body parsed (null when it is not JSON).
  nlohmann::json call(const std::string& method, const std::string& path, int* status = nullptr);
  /// The same with a JSON request body.
  nlohmann::json call(const std::string& method, const std::string& path,
                      const nlohmann::json& body, int* status = nullptr);

 private:
  std::vector<http::Field> auth() const;

  test_support::Process process_;
  std::string port_;
  std::string base_url_;
  std::unique_ptr<test_support::HttpClient> client_;
  std::string token_;
  std::string csrf_;
};

/// Reads `path` until `done` says so or the deadline passes (a failure then, with the last
/// answer); polls every 20 ms: the state lives in another process, there is nothing to wait on.
nlohmann::json poll(ServeProcess& server, const std::string& path, std::chrono::seconds deadline,
                    const std::function<bool(const nlohmann::json&)>& done);
/// Whether job details (GET /api/jobs/{id}) show the job ended: succeeded, failed or cancelled.
bool job_finished(const nlohmann::json& details);
/// The kinds of the events of a job's history, oldest first.
std::vector<std::string> history_of(const nlohmann::json& details);

}  // namespace plm::web_test

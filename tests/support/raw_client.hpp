#pragma once
/// An HTTP client on a plain loopback socket, for tests that must see bytes as they arrive rather
/// than when a response ends, or send what no well-behaved client would (odd framing, a
/// connection that never sends).

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace plm::test_support {

class RawClient {
 public:
  /// Connects to 127.0.0.1:`port` from `source_address` (any address of 127.0.0.0/8 on Linux,
  /// so a test can play several clients); throws when that fails.
  explicit RawClient(std::uint16_t port, const std::string& source_address = "127.0.0.1");
  /// A socket not connected yet: it exists before connect(), e.g. while a test keeps the process
  /// from opening any new file descriptor.
  RawClient();
  void connect(std::uint16_t port, const std::string& source_address = "127.0.0.1");
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send(std::string_view bytes);
  void get(std::string_view path, std::string_view method = "GET");
  /// Ends the sending side (the server reads end of stream), keeps reading possible.
  void shut_down_sending();

  /// Reads until `done(received())` holds (true), the server closes (false unless `done` then
  /// holds), or `deadline` passes (false). The deadline is generous: only a broken server ever
  /// waits that long.
  bool read_until(const std::function<bool(const std::string&)>& done,
                  std::chrono::milliseconds deadline = std::chrono::seconds(10));
  bool read_until_contains(std::string_view text);
  /// Reads until the server closes the connection (true) or the deadline passes (false).
  bool read_until_closed();

  const std::string& received() const { return received_; }
  /// Status line and headers, with the blank line.
  std::string head() const;
  std::string body() const;
  /// The status code of the first response received; 0 when none has arrived.
  int status() const;
  void close();

 private:
  int fd_;
  std::string received_;
  bool eof_ = false;
};

}  // namespace plm::test_support

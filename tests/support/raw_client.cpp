#include "support/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace plm::test_support {

namespace {

sockaddr_in loopback(const std::string& address, std::uint16_t port) {
  sockaddr_in result{};
  result.sin_family = AF_INET;
  result.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &result.sin_addr) != 1) {
    throw std::runtime_error("not an IPv4 address: " + address);
  }
  return result;
}

}  // namespace

RawClient::RawClient() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  if (fd_ < 0) throw std::runtime_error("socket failed");
}

RawClient::RawClient(std::uint16_t port, const std::string& source_address) : RawClient() {
  connect(port, source_address);
}

void RawClient::connect(std::uint16_t port, const std::string& source_address) {
  const sockaddr_in source = loopback(source_address, 0);
  const sockaddr_in server = loopback("127.0.0.1", port);
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0 ||
      ::connect(fd_, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) {
    close();
    throw std::runtime_error("connect from " + source_address + " failed");
  }
}

void RawClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) throw std::runtime_error("send failed");
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

void RawClient::get(std::string_view path, std::string_view method) {
  send(std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n\r\n");
}

void RawClient::shut_down_sending() { ::shutdown(fd_, SHUT_WR); }

bool RawClient::read_until(const std::function<bool(const std::string&)>& done,
                           std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done(received_)) {
    if (eof_) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd poll_fd{fd_, POLLIN, 0};
    if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) {
      eof_ = true;  // closed, or reset
    } else {
      received_.append(buffer, static_cast<std::size_t>(got));
    }
  }
  return true;
}

bool RawClient::read_until_contains(std::string_view text) {
  return read_until(
      [&](const std::string& received) { return received.find(text) != std::string::npos; });
}

bool RawClient::read_until_closed() {
  read_until([&](const std::string&) { return eof_; });
  return eof_;
}

std::string RawClient::head() const { return received_.substr(0, received_.find("\r\n\r\n") + 4); }

std::string RawClient::body() const {
  const auto end = received_.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : received_.substr(end + 4);
}

int RawClient::status() const {
  // "HTTP/1.1 200 OK": the three digits after the first space.
  const auto space = received_.find(' ');
  if (space == std::string::npos || received_.size() < space + 4) return 0;
  return std::stoi(received_.substr(space + 1, 3));
}

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace plm::test_support

#pragma once
/// Reading a zip archive held in memory with the limits of core/exchange/workbook.hpp: the
/// archive behind read_zip and read_xlsx (internal to plm::exchange). Every entry is read with a
/// cap (the bytes left of kMaxUncompressedBytes), never trusting the size its header declares.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace plm::exchange {

class ZipArchive {
 public:
  /// How the messages name the file.
  struct Wording {
    std::string_view not_a_zip;  ///< "the file is not an .xlsx workbook (not a zip archive)"
    std::string_view unpacked;   ///< "the workbook" (…would unpack to more than 200 MB)
  };

  /// Opens `bytes` (which must outlive the archive). InvalidInput when the file is larger than
  /// kMaxImportFileBytes, is not a zip archive, is damaged, or declares entries that add up past
  /// kMaxUncompressedBytes.
  static core::Result<ZipArchive> open(std::string_view bytes, Wording wording);

  ZipArchive(ZipArchive&&) noexcept;
  ZipArchive& operator=(ZipArchive&&) noexcept;
  ~ZipArchive();

  /// Entry names in the archive's order (directories included, ending in '/').
  const std::vector<std::string>& names() const { return names_; }
  /// The index of the entry named `name`, if any.
  std::optional<std::size_t> find(std::string_view name) const;
  /// The bytes of entry `index`, counted against kMaxUncompressedBytes over the whole archive
  /// and refused as soon as they pass the size the entry declares (a zip bomb that lies in its
  /// headers unpacks no further than its lie). InvalidInput for a damaged or encrypted entry, or
  /// past the limit.
  /// `on_chunk`, when given, sees each chunk as it is unpacked and may refuse the entry early
  /// (the reader counts XML markup with it).
  core::Result<std::string> read(
      std::size_t index, const std::function<core::Status(std::string_view chunk)>& on_chunk = {});

 private:
  struct Handle;
  ZipArchive(std::unique_ptr<Handle> handle, std::vector<std::string> names,
             std::vector<std::optional<std::size_t>> declared_sizes, Wording wording);

  std::unique_ptr<Handle> handle_;
  std::vector<std::string> names_;
  std::vector<std::optional<std::size_t>> declared_sizes_;  ///< uncompressed, when known
  Wording wording_;
  std::size_t unpacked_bytes_ = 0;
};

/// "200 MB": a byte count in whole megabytes for messages.
std::string megabytes(std::size_t bytes);

}  // namespace plm::exchange

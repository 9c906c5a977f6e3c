// Zip archives in memory with libzip: write_zip and read_zip of xlsx.hpp, and the capped reader
// (zip_archive.hpp) that read_xlsx opens its parts with.

#include <zip.h>

#include <algorithm>
#include <array>
#include <limits>

#include "core/exchange/workbook.hpp"
#include "exchange/xlsx.hpp"
#include "exchange/xlsx_common.hpp"
#include "exchange/zip_archive.hpp"

namespace plm::exchange {

using core::ErrorCode;

namespace {

constexpr std::size_t kReadChunkBytes = 64 * 1024;

std::string zip_error_text(zip_error_t* error) { return zip_error_strerror(error); }

core::Error internal(std::string message, std::string detail = {}) {
  auto error = core::make_error(ErrorCode::Internal, std::move(message));
  error.detail = std::move(detail);
  return error;
}

struct SourceCloser {
  void operator()(zip_source_t* source) const { zip_source_free(source); }
};
using SourcePtr = std::unique_ptr<zip_source_t, SourceCloser>;

struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using FilePtr = std::unique_ptr<zip_file_t, FileCloser>;

}  // namespace

std::string megabytes(std::size_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MB"; }

struct ZipArchive::Handle {
  zip_t* archive = nullptr;
  ~Handle() {
    if (archive != nullptr) zip_discard(archive);
  }
};

ZipArchive::ZipArchive(std::unique_ptr<Handle> handle, std::vector<std::string> names,
                       std::vector<std::optional<std::size_t>> declared_sizes, Wording wording)
    : handle_(std::move(handle)),
      names_(std::move(names)),
      declared_sizes_(std::move(declared_sizes)),
      wording_(wording) {}
ZipArchive::ZipArchive(ZipArchive&&) noexcept = default;
ZipArchive& ZipArchive::operator=(ZipArchive&&) noexcept = default;
ZipArchive::~ZipArchive() = default;

core::Result<ZipArchive> ZipArchive::open(std::string_view bytes, Wording wording) {
  if (bytes.empty()) return invalid_input("the file is empty");
  if (bytes.size() > core::kMaxImportFileBytes) {
    return invalid_input("the file is larger than " + megabytes(core::kMaxImportFileBytes));
  }
  zip_error_t error;
  zip_error_init(&error);
  SourcePtr source(zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error));
  if (!source) {
    auto detail = zip_error_text(&error);
    zip_error_fini(&error);
    return internal("could not read the file", std::move(detail));
  }
  auto handle = std::make_unique<Handle>();
  // ZIP_CHECKCONS: compare each local header with the central directory, so that a damaged file
  // is refused here rather than half read.
  handle->archive = zip_open_from_source(source.get(), ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (handle->archive == nullptr) {
    const int code = zip_error_code_zip(&error);
    auto detail = zip_error_text(&error);
    zip_error_fini(&error);
    if (code == ZIP_ER_NOZIP) {
      return invalid_input(std::string(wording.not_a_zip), std::move(detail));
    }
    return invalid_input("the file is damaged: its zip archive is truncated or corrupt",
                         std::move(detail));
  }
  zip_error_fini(&error);
  (void)source.release();  // the archive owns it now

  const zip_int64_t count = zip_get_num_entries(handle->archive, 0);
  std::vector<std::string> names;
  std::vector<std::optional<std::size_t>> declared_sizes;
  names.reserve(static_cast<std::size_t>(std::max<zip_int64_t>(count, 0)));
  std::size_t declared = 0;
  for (zip_int64_t index = 0; index < count; ++index) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(handle->archive, static_cast<zip_uint64_t>(index), 0, &stat) != 0 ||
        (stat.valid & ZIP_STAT_NAME) == 0) {
      return invalid_input("the file is damaged: its zip archive is truncated or corrupt",
                           zip_strerror(handle->archive));
    }
    std::optional<std::size_t> declared_size;
    if ((stat.valid & ZIP_STAT_SIZE) != 0) {
      const auto size = static_cast<std::size_t>(
          std::min<zip_uint64_t>(stat.size, std::numeric_limits<std::size_t>::max() / 2));
      declared_size = size;
      declared += size;
      if (declared > core::kMaxUncompressedBytes) {
        return invalid_input(std::string(wording.unpacked) + " would unpack to more than " +
                                 megabytes(core::kMaxUncompressedBytes),
                             "declared uncompressed sizes add up to more than the limit");
      }
    }
    names.emplace_back(stat.name);
    declared_sizes.push_back(declared_size);
  }
  return ZipArchive(std::move(handle), std::move(names), std::move(declared_sizes), wording);
}

std::optional<std::size_t> ZipArchive::find(std::string_view name) const {
  const auto found = std::find(names_.begin(), names_.end(), name);
  if (found == names_.end()) return std::nullopt;
  return static_cast<std::size_t>(found - names_.begin());
}

core::Result<std::string> ZipArchive::read(
    std::size_t index, const std::function<core::Status(std::string_view chunk)>& on_chunk) {
  const std::string& name = names_.at(index);
  const auto damaged = [&](std::string detail) {
    return invalid_input("the file is damaged: its part “" + name + "” cannot be unpacked",
                         std::move(detail));
  };
  FilePtr file(zip_fopen_index(handle_->archive, index, 0));
  if (!file) {
    const int code = zip_error_code_zip(zip_get_error(handle_->archive));
    if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_ENCRNOTSUPP || code == ZIP_ER_WRONGPASSWD) {
      return invalid_input("the file is encrypted: save it without a password and try again",
                           zip_strerror(handle_->archive));
    }
    return damaged(zip_strerror(handle_->archive));
  }
  const auto declared = declared_sizes_.at(index);
  std::string content;
  // The declared sizes add up to less than the limit (open checked), so reserving is bounded.
  if (declared) content.reserve(*declared);
  std::array<char, kReadChunkBytes> chunk{};
  for (;;) {
    const zip_int64_t got = zip_fread(file.get(), chunk.data(), chunk.size());
    if (got < 0) return damaged(zip_file_strerror(file.get()));
    if (got == 0) break;
    if (declared && content.size() + static_cast<std::size_t>(got) > *declared) {
      return damaged("part " + name + " unpacks to more than the " + std::to_string(*declared) +
                     " bytes its header declares");
    }
    unpacked_bytes_ += static_cast<std::size_t>(got);
    if (unpacked_bytes_ > core::kMaxUncompressedBytes) {
      return invalid_input(std::string(wording_.unpacked) + " would unpack to more than " +
                               megabytes(core::kMaxUncompressedBytes),
                           "part " + name + " unpacks past the limit");
    }
    if (on_chunk) {
      if (auto accepted = on_chunk({chunk.data(), static_cast<std::size_t>(got)}); !accepted) {
        return accepted.error();
      }
    }
    content.append(chunk.data(), static_cast<std::size_t>(got));
  }
  return content;
}

core::Result<std::string> write_zip(const std::vector<std::pair<std::string, std::string>>& files) {
  zip_error_t error;
  zip_error_init(&error);
  SourcePtr buffer(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!buffer) {
    auto detail = zip_error_text(&error);
    zip_error_fini(&error);
    return internal("could not create the zip archive", std::move(detail));
  }
  // The archive frees the source it was opened from on close: keep it for reading back.
  zip_source_keep(buffer.get());
  zip_t* archive = zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error);
  if (archive == nullptr) {
    auto detail = zip_error_text(&error);
    zip_error_fini(&error);
    zip_source_free(buffer.get());  // undo the keep
    return internal("could not create the zip archive", std::move(detail));
  }
  zip_error_fini(&error);
  for (const auto& [name, content] : files) {
    zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
    if (source == nullptr) {
      auto detail = std::string(zip_strerror(archive));
      zip_discard(archive);
      return internal("could not create the zip archive", std::move(detail));
    }
    const zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      auto detail = std::string(zip_strerror(archive));
      zip_discard(archive);
      return invalid_input("cannot put “" + name + "” in a zip archive", std::move(detail));
    }
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 0);
  }
  if (zip_close(archive) != 0) {
    auto detail = std::string(zip_strerror(archive));
    zip_discard(archive);
    return internal("could not create the zip archive", std::move(detail));
  }

  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_source_stat(buffer.get(), &stat) != 0 || zip_source_open(buffer.get()) != 0) {
    return internal("could not create the zip archive",
                    zip_error_strerror(zip_source_error(buffer.get())));
  }
  std::string bytes(static_cast<std::size_t>(stat.size), '\0');
  const zip_int64_t got = zip_source_read(buffer.get(), bytes.data(), bytes.size());
  zip_source_close(buffer.get());
  if (got < 0 || static_cast<std::size_t>(got) != bytes.size()) {
    return internal("could not create the zip archive", "short read of the archive buffer");
  }
  return bytes;
}

core::Result<std::vector<std::pair<std::string, std::string>>> read_zip(std::string_view bytes) {
  auto archive = ZipArchive::open(bytes, {"the file is not a zip archive", "the archive"});
  if (!archive) return archive.error();
  std::vector<std::pair<std::string, std::string>> files;
  for (std::size_t index = 0; index < archive->names().size(); ++index) {
    const std::string& name = archive->names()[index];
    if (!name.empty() && name.back() == '/') continue;
    auto content = archive->read(index);
    if (!content) return content.error();
    files.emplace_back(name, std::move(content).value());
  }
  return files;
}

}  // namespace plm::exchange

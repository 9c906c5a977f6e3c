#include "exchange/xlsx_test_files.hpp"

#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "exchange/xlsx.hpp"

namespace plm::exchange::testing {

namespace {

constexpr const char* kMainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelationshipsNamespace =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr const char* kRelationshipTypes =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "xlsx_test_files: %s\n", why.c_str());
  std::abort();
}

std::string worksheet(const std::string& body) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"") +
         kMainNamespace + "\">" + body + "</worksheet>";
}

/// A zip source that produces `size` bytes of a repeated row, for a bomb that is never held in
/// memory whole.
struct RepeatedRows {
  std::string head = std::string("<worksheet xmlns=\"") + kMainNamespace + "\"><sheetData>";
  std::string block;  // rows repeated to about 64 kB, copied in large slices
  std::size_t size = 0;
  std::size_t offset = 0;
  zip_error_t error{};

  explicit RepeatedRows(std::size_t bytes) : size(bytes) {
    const std::string row = "<row><c><v>1</v></c></row>";
    while (block.size() < 64 * 1024) block += row;
  }

  static zip_int64_t callback(void* state, void* data, zip_uint64_t length, zip_source_cmd_t cmd) {
    auto& self = *static_cast<RepeatedRows*>(state);
    switch (cmd) {
      case ZIP_SOURCE_OPEN:
        self.offset = 0;
        return 0;
      case ZIP_SOURCE_READ: {
        auto* out = static_cast<char*>(data);
        std::size_t written = 0;
        while (written < length && self.offset < self.size) {
          const bool in_head = self.offset < self.head.size();
          const std::string& piece = in_head ? self.head : self.block;
          const std::size_t within =
              in_head ? self.offset : (self.offset - self.head.size()) % self.block.size();
          const std::size_t count =
              std::min({piece.size() - within, static_cast<std::size_t>(length) - written,
                        self.size - self.offset});
          std::memcpy(out + written, piece.data() + within, count);
          written += count;
          self.offset += count;
        }
        return static_cast<zip_int64_t>(written);
      }
      case ZIP_SOURCE_CLOSE:
        return 0;
      case ZIP_SOURCE_STAT: {
        auto* stat = static_cast<zip_stat_t*>(data);
        zip_stat_init(stat);
        stat->size = self.size;
        stat->valid |= ZIP_STAT_SIZE;
        return sizeof(zip_stat_t);
      }
      case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&self.error, data, length);
      case ZIP_SOURCE_FREE:
        return 0;
      case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
      default:
        return -1;
    }
  }
};

void put_u32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (int shift = 0; shift < 4; ++shift) {
    bytes[at + static_cast<std::size_t>(shift)] = static_cast<char>((value >> (8 * shift)) & 0xFF);
  }
}

/// Sets the uncompressed size that the local and central headers of `name` declare.
void lie_about_size(std::string& bytes, const std::string& name, std::uint32_t size) {
  const auto patch = [&](std::string_view signature, std::size_t name_length_at,
                         std::size_t header_size, std::size_t size_at) {
    for (std::size_t at = bytes.find(signature); at != std::string::npos;
         at = bytes.find(signature, at + 1)) {
      const auto name_length = static_cast<std::size_t>(
          static_cast<unsigned char>(bytes[at + name_length_at]) |
          (static_cast<unsigned char>(bytes[at + name_length_at + 1]) << 8));
      if (bytes.compare(at + header_size, name_length, name) == 0)
        put_u32(bytes, at + size_at, size);
    }
  };
  patch(std::string_view("PK\x03\x04", 4), 26, 30, 22);
  patch(std::string_view("PK\x01\x02", 4), 28, 46, 24);
}

}  // namespace

std::string package(const Parts& parts) {
  auto bytes = write_zip(parts);
  if (!bytes) fail(bytes.error().message + ": " + bytes.error().detail);
  return std::move(bytes).value();
}

Parts minimal_parts(const std::vector<std::pair<std::string, std::string>>& sheets,
                    const std::string& workbook_extra) {
  std::string list, relationships;
  Parts parts;
  for (std::size_t index = 0; index < sheets.size(); ++index) {
    const std::string number = std::to_string(index + 1);
    list += "<sheet name=\"" + sheets[index].first + "\" sheetId=\"" + number + "\" r:id=\"rId" +
            number + "\"/>";
    relationships += "<Relationship Id=\"rId" + number + "\" Type=\"" + kRelationshipTypes +
                     "worksheet\" Target=\"worksheets/sheet" + number + ".xml\"/>";
  }
  parts.emplace_back("_rels/.rels",
                     std::string("<?xml version=\"1.0\"?><Relationships xmlns=\"http://"
                                 "schemas.openxmlformats.org/package/2006/relationships\">"
                                 "<Relationship Id=\"rId1\" Type=\"") +
                         kRelationshipTypes +
                         "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
  parts.emplace_back("xl/workbook.xml", std::string("<?xml version=\"1.0\"?><workbook xmlns=\"") +
                                            kMainNamespace + "\" xmlns:r=\"" +
                                            kRelationshipsNamespace + "\">" + workbook_extra +
                                            "<sheets>" + list + "</sheets></workbook>");
  parts.emplace_back("xl/_rels/workbook.xml.rels",
                     "<?xml version=\"1.0\"?><Relationships xmlns=\"http://"
                     "schemas.openxmlformats.org/package/2006/relationships\">" +
                         relationships + "</Relationships>");
  for (std::size_t index = 0; index < sheets.size(); ++index) {
    parts.emplace_back("xl/worksheets/sheet" + std::to_string(index + 1) + ".xml",
                       worksheet(sheets[index].second));
  }
  return parts;
}

std::string rows_body(std::size_t rows) {
  std::string body = "<sheetData>";
  for (std::size_t row = 1; row <= rows; ++row) {
    const std::string r = std::to_string(row);
    body += "<row r=\"" + r + "\"><c r=\"A" + r + "\"><v>" + r + "</v></c><c r=\"B" + r +
            "\" t=\"inlineStr\"><is><t>Track " + r + "</t></is></c></row>";
  }
  return body + "</sheetData>";
}

std::string xml_bomb() {
  std::string doctype = "<!DOCTYPE worksheet [<!ENTITY lol0 \"lol\">";
  for (int level = 1; level <= 9; ++level) {
    doctype += "<!ENTITY lol" + std::to_string(level) + " \"";
    for (int copy = 0; copy < 10; ++copy) doctype += "&lol" + std::to_string(level - 1) + ";";
    doctype += "\">";
  }
  doctype += "]>";
  auto parts = minimal_parts({{"Bomb", ""}});
  parts.back().second = "<?xml version=\"1.0\"?>" + doctype + "<worksheet xmlns=\"" +
                        kMainNamespace +
                        "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;"
                        "</t></is></c></row></sheetData></worksheet>";
  return package(parts);
}

std::string zip_bomb(std::size_t uncompressed_bytes) {
  auto parts = minimal_parts({{"Bomb", ""}});
  parts.pop_back();  // the sheet part comes from the generator
  auto bytes = package(parts);
  // Add the generated part to the archive: a buffer source over the zip so far, reopened.
  zip_error_t error;
  zip_error_init(&error);
  // libzip frees the fragments it replaces when it writes: give it a copy it owns (freep = 1).
  void* copy = std::malloc(bytes.size());
  std::memcpy(copy, bytes.data(), bytes.size());
  zip_source_t* buffer = zip_source_buffer_create(copy, bytes.size(), 1, &error);
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, 0, &error);
  if (archive == nullptr) fail("zip_open_from_source");
  RepeatedRows rows(uncompressed_bytes);
  zip_source_t* source = zip_source_function(archive, &RepeatedRows::callback, &rows);
  const zip_int64_t index = zip_file_add(archive, "xl/worksheets/sheet1.xml", source, 0);
  if (index < 0) fail(zip_strerror(archive));
  zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 1);
  if (zip_close(archive) != 0) fail(zip_strerror(archive));
  zip_stat_t stat;
  zip_stat_init(&stat);
  zip_source_stat(buffer, &stat);
  std::string result(static_cast<std::size_t>(stat.size), '\0');
  zip_source_open(buffer);
  zip_source_read(buffer, result.data(), result.size());
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return result;
}

std::string with_declared_size(std::string zip, const std::string& part, std::uint32_t size) {
  lie_about_size(zip, part, size);
  return zip;
}

}  // namespace plm::exchange::testing

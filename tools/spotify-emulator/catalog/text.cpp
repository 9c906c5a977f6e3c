#include "catalog/text.hpp"

#include <array>

namespace spotify_emulator {
namespace {

// Base letters for U+00C0..U+00FF; "" means punctuation (→ space).
constexpr std::array<const char*, 64> kLatin1 = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // C0-CF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // E0-EF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // F0-FF
};

// Base letters for U+0100..U+017F (Latin Extended-A), in code point order.
constexpr std::array<const char*, 128> kLatinExtendedA = {
    "a", "a", "a",  "a",  "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",  // 0100
    "d", "d", "e",  "e",  "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",  // 0110
    "g", "g", "g",  "g",  "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",  // 0120
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",  // 0130
    "l", "l", "l",  "n",  "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",  // 0140
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",  // 0150
    "s", "s", "t",  "t",  "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",  // 0160
    "u", "u", "u",  "u",  "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",  // 0170
};

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one code point at `pos`; returns U+FFFD-like sentinel 0xFFFFFFFF for invalid input
// and always advances at least one byte.
char32_t decode_utf8(std::string_view s, std::size_t& pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  int extra = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    extra = 1;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3;
    cp = b0 & 0x07;
  } else {
    ++pos;
    return 0xFFFFFFFF;
  }
  if (pos + static_cast<std::size_t>(extra) >= s.size()) {
    ++pos;
    return 0xFFFFFFFF;
  }
  for (int i = 1; i <= extra; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + static_cast<std::size_t>(i)]);
    if ((b & 0xC0) != 0x80) {
      ++pos;
      return 0xFFFFFFFF;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  pos += static_cast<std::size_t>(extra) + 1;
  return cp;
}

bool is_combining_mark(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200B ||
         cp == 0x200C || cp == 0x200D || cp == 0xFEFF;
}

// Punctuation and symbol blocks that carry no searchable meaning.
bool is_symbol(char32_t cp) {
  return (cp >= 0x00A0 && cp <= 0x00BF) || cp == 0x00D7 || cp == 0x00F7 ||
         (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x3003) ||
         (cp >= 0x3008 && cp <= 0x3020) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0x1F000 && cp <= 0x1FAFF) || cp == 0xFFFFFFFF;
}

char32_t fold_greek(char32_t cp) {
  switch (cp) {
    case 0x0386:
    case 0x03AC:
      return 0x03B1;
    case 0x0388:
    case 0x03AD:
      return 0x03B5;
    case 0x0389:
    case 0x03AE:
      return 0x03B7;
    case 0x038A:
    case 0x03AF:
    case 0x03AA:
    case 0x03CA:
    case 0x0390:
      return 0x03B9;
    case 0x038C:
    case 0x03CC:
      return 0x03BF;
    case 0x038E:
    case 0x03CD:
    case 0x03AB:
    case 0x03CB:
    case 0x03B0:
      return 0x03C5;
    case 0x038F:
    case 0x03CE:
      return 0x03C9;
    case 0x03C2:
      return 0x03C3;  // final sigma searches like sigma
    default:
      break;
  }
  if (cp >= 0x0391 && cp <= 0x03A9) return cp + 0x20;
  return cp;
}

char32_t fold_cyrillic(char32_t cp) {
  if (cp == 0x0401 || cp == 0x0451) return 0x0435;  // Ё/ё search like е
  if (cp >= 0x0410 && cp <= 0x042F) return cp + 0x20;
  if (cp >= 0x0400 && cp <= 0x040F) return cp + 0x50;
  return cp;
}

// Vietnamese letters (U+1EA0..U+1EF9) grouped by base vowel.
const char* fold_vietnamese(char32_t cp) {
  if (cp >= 0x1EA0 && cp <= 0x1EB7) return "a";
  if (cp >= 0x1EB8 && cp <= 0x1EC7) return "e";
  if (cp >= 0x1EC8 && cp <= 0x1ECB) return "i";
  if (cp >= 0x1ECC && cp <= 0x1EE3) return "o";
  if (cp >= 0x1EE4 && cp <= 0x1EF1) return "u";
  if (cp >= 0x1EF2 && cp <= 0x1EF9) return "y";
  return nullptr;
}

const char* fold_latin_extended_b(char32_t cp) {
  switch (cp) {
    case 0x01A0:
    case 0x01A1:
    case 0x01D1:
    case 0x01D2:
      return "o";
    case 0x01AF:
    case 0x01B0:
    case 0x01D3:
    case 0x01D4:
    case 0x01D5:
    case 0x01D6:
    case 0x01D7:
    case 0x01D8:
    case 0x01D9:
    case 0x01DA:
    case 0x01DB:
    case 0x01DC:
      return "u";
    case 0x01CD:
    case 0x01CE:
      return "a";
    case 0x01CF:
    case 0x01D0:
      return "i";
    case 0x0218:
    case 0x0219:
      return "s";
    case 0x021A:
    case 0x021B:
      return "t";
    case 0x0192:
      return "f";
    default:
      return nullptr;
  }
}

}  // namespace

std::string fold_for_search(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const auto byte = static_cast<unsigned char>(utf8[pos]);
    if (byte < 0x80) {  // fast path: ASCII
      ++pos;
      if (byte >= 'A' && byte <= 'Z') {
        out.push_back(static_cast<char>(byte + 32));
      } else if ((byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') || byte == '\'') {
        out.push_back(static_cast<char>(byte));
      } else if (byte == '`') {
        out.push_back('\'');
      } else {
        out.push_back(' ');
      }
      continue;
    }
    char32_t cp = decode_utf8(utf8, pos);
    if (is_combining_mark(cp)) continue;
    if (cp == 0x2018 || cp == 0x2019 || cp == 0x201B || cp == 0x2032 || cp == 0x00B4 ||
        cp == 0x02BC) {
      out.push_back('\'');
      continue;
    }
    if (cp >= 0x00C0 && cp <= 0x00FF) {
      const char* base = kLatin1[cp - 0xC0];
      out += (*base != '\0') ? base : " ";
      continue;
    }
    if (cp >= 0x0100 && cp <= 0x017F) {
      out += kLatinExtendedA[cp - 0x100];
      continue;
    }
    if (cp == 0x00AA || cp == 0x00BA) {  // ª º are letters
      out.push_back(cp == 0x00AA ? 'a' : 'o');
      continue;
    }
    if (is_symbol(cp)) {
      out.push_back(' ');
      continue;
    }
    if (const char* base = fold_latin_extended_b(cp)) {
      out += base;
      continue;
    }
    if (const char* base = fold_vietnamese(cp)) {
      out += base;
      continue;
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E) {  // full-width ASCII, common in CJK titles
      const char ascii[2] = {static_cast<char>(cp - 0xFF01 + 0x21), '\0'};
      out += fold_for_search(ascii);
      continue;
    }
    cp = fold_cyrillic(fold_greek(cp));
    append_utf8(out, cp);
  }
  return out;
}

std::vector<std::string> search_tokens(std::string_view utf8) {
  std::vector<std::string> tokens;
  const std::string folded = fold_for_search(utf8);
  std::size_t pos = 0;
  while (pos < folded.size()) {
    while (pos < folded.size() && folded[pos] == ' ') ++pos;
    std::size_t end = pos;
    while (end < folded.size() && folded[end] != ' ') ++end;
    std::size_t first = pos;
    std::size_t last = end;
    while (first < last && folded[first] == '\'') ++first;
    while (last > first && folded[last - 1] == '\'') --last;
    if (first < last) tokens.emplace_back(folded, first, last - first);
    pos = end;
  }
  return tokens;
}

std::string base62_id(std::uint64_t seed) {
  static constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string id(22, '0');
  std::uint64_t state = seed;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i % 10 == 0) {  // 62^10 < 2^64, so each splitmix64 output yields 10 digits
      state += 0x9E3779B97F4A7C15ULL;
      value = state;
      value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
      value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
      value ^= value >> 31;
    }
    id[i] = kAlphabet[value % 62];
    value /= 62;
  }
  return id;
}

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t basis) {
  std::uint64_t hash = basis;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace spotify_emulator

#include "catalog/search.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>

#include "catalog/text.hpp"

namespace spotify_emulator {
namespace {

using TextIndex = SearchIndex::TextIndex;
using Posting = TextIndex::Posting;

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string to_upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

int release_year(std::string_view date) {
  int year = 0;
  if (date.size() < 4) return 0;
  const auto result = std::from_chars(date.data(), date.data() + 4, year);
  return result.ec == std::errc() ? year : 0;
}

std::string join(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& token : tokens) {
    if (!out.empty()) out.push_back(' ');
    out += token;
  }
  return out;
}

/// Accumulates postings while documents are added in increasing doc order.
class IndexBuilder {
 public:
  explicit IndexBuilder(TextIndex& index) : index_(index) {}

  void add(std::uint32_t doc, std::string_view text, std::uint8_t field) {
    for (std::string& token : search_tokens(text)) add_token(doc, std::move(token), field);
  }

  void add_token(std::uint32_t doc, std::string token, std::uint8_t field) {
    std::vector<Posting>& list = postings_[std::move(token)];
    if (!list.empty() && list.back().doc == doc) {
      list.back().fields |= field;
    } else {
      list.push_back(Posting{doc, field});
    }
  }

  void finish() {
    std::vector<std::pair<std::string, std::vector<Posting>>> entries(
        std::make_move_iterator(postings_.begin()), std::make_move_iterator(postings_.end()));
    postings_.clear();
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    index_.vocabulary.reserve(entries.size());
    index_.postings.reserve(entries.size());
    for (auto& [token, list] : entries) {
      index_.vocabulary.push_back(std::move(token));
      list.shrink_to_fit();
      index_.postings.push_back(std::move(list));
    }
  }

 private:
  TextIndex& index_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
};

struct Term {
  std::string token;
  std::uint8_t required = 0;  ///< the posting must have one of these field bits
  bool prefix = false;
  bool free = false;  ///< free text (counts for ranking) rather than a field filter
};

struct Criteria {
  std::vector<Term> terms;
  bool use_docs = false;  ///< restrict to `docs` (isrc:)
  std::vector<std::uint32_t> docs;
  std::optional<int> year_from, year_to;
  std::function<bool(std::uint32_t)> predicate;  ///< extra filter (tag:, upc:)
  bool impossible = false;                       ///< a filter that can match nothing
  bool has_criterion() const {
    return !terms.empty() || use_docs || year_from || year_to || predicate || impossible;
  }
};

void add_terms(Criteria& criteria, std::string_view text, std::uint8_t required, bool free) {
  for (std::string& token : search_tokens(text))
    criteria.terms.push_back(Term{std::move(token), required, false, free});
}

void add_free_terms(Criteria& criteria, const std::vector<std::string>& terms,
                    std::uint8_t required) {
  for (const std::string& term : terms) add_terms(criteria, term, required, true);
  // The last free term may be incomplete, as typed in a search box.
  for (auto it = criteria.terms.rbegin(); it != criteria.terms.rend(); ++it) {
    if (it->free) {
      it->prefix = true;
      break;
    }
  }
}

void add_year(Criteria& criteria, const SearchQuery& query) {
  criteria.year_from = query.year_from;
  criteria.year_to = query.year_to;
}

/// Runs `criteria` over `index`; returns the docs of the requested page, best first.
std::vector<std::uint32_t> evaluate(const TextIndex& index, const Criteria& criteria,
                                    std::size_t offset, std::size_t limit, std::size_t& total) {
  total = 0;
  std::vector<std::uint32_t> page;
  if (!criteria.has_criterion() || criteria.impossible) return page;
  const std::size_t doc_count = index.name_keys.size();

  // Per term: the vocabulary range it matches and a dense per-doc field mask.
  struct Range {
    std::size_t begin, end, postings;
  };
  std::vector<Range> ranges;
  for (const Term& term : criteria.terms) {
    const auto& vocabulary = index.vocabulary;
    const auto first = std::lower_bound(vocabulary.begin(), vocabulary.end(), term.token);
    auto last = first;
    if (term.prefix) {
      while (last != vocabulary.end() && last->compare(0, term.token.size(), term.token) == 0)
        ++last;
    } else if (last != vocabulary.end() && *last == term.token) {
      ++last;
    }
    Range range{static_cast<std::size_t>(first - vocabulary.begin()),
                static_cast<std::size_t>(last - vocabulary.begin()), 0};
    for (std::size_t i = range.begin; i < range.end; ++i)
      range.postings += index.postings[i].size();
    if (range.postings == 0) return page;
    ranges.push_back(range);
  }
  std::vector<std::vector<std::uint8_t>> masks(ranges.size());
  for (std::size_t t = 0; t < ranges.size(); ++t) {
    masks[t].assign(doc_count, 0);
    for (std::size_t i = ranges[t].begin; i < ranges[t].end; ++i)
      for (const Posting& posting : index.postings[i]) masks[t][posting.doc] |= posting.fields;
  }
  std::vector<std::uint8_t> allowed;  // isrc restriction as a dense set
  if (criteria.use_docs) {
    allowed.assign(doc_count, 0);
    for (const std::uint32_t doc : criteria.docs) allowed[doc] = 1;
  }

  auto matches = [&](std::uint32_t doc) {
    for (std::size_t t = 0; t < ranges.size(); ++t)
      if ((masks[t][doc] & criteria.terms[t].required) == 0) return false;
    if (criteria.use_docs && allowed[doc] == 0) return false;
    if (criteria.year_from || criteria.year_to) {
      const int from = criteria.year_from.value_or(0);
      const int to = criteria.year_to.value_or(9999);
      const auto& years = index.years[doc];
      const auto it = std::lower_bound(years.begin(), years.end(), from);
      if (it == years.end() || *it > to) return false;
    }
    return !criteria.predicate || criteria.predicate(doc);
  };

  // Ranking inputs that do not depend on the doc.
  bool any_title_term = false;
  bool has_artist_filter = false;
  for (const Term& term : criteria.terms) {
    any_title_term |= (term.free || term.required == SearchIndex::kTitle);
    has_artist_filter |= (!term.free && term.required == SearchIndex::kArtist);
  }
  auto tier = [&](std::uint32_t doc) {
    if (!any_title_term) return 0;
    bool title_all = true;
    bool artist_any = has_artist_filter;
    bool only_title_or_artist = true;
    std::string title_terms;
    for (std::size_t t = 0; t < ranges.size(); ++t) {
      const Term& term = criteria.terms[t];
      if (!term.free && term.required != SearchIndex::kTitle) continue;
      const std::uint8_t mask = masks[t][doc];
      if (term.free && (mask & SearchIndex::kArtist)) artist_any = true;
      if (mask & SearchIndex::kTitle) {
        if (!title_terms.empty()) title_terms.push_back(' ');
        title_terms += term.token;
      } else {
        title_all = false;
        if (!(mask & SearchIndex::kArtist)) only_title_or_artist = false;
      }
    }
    // Exact: the title-matching terms spell the whole title and the rest name the artist.
    if (only_title_or_artist && title_terms == index.name_keys[doc]) return 3;
    if (title_all) return 2;
    return artist_any ? 1 : 0;
  };

  struct Hit {
    std::uint32_t doc;
    int tier;
  };
  std::vector<Hit> hits;
  auto consider = [&](std::uint32_t doc) {
    if (matches(doc)) hits.push_back(Hit{doc, tier(doc)});
  };
  if (!ranges.empty()) {
    // Drive from the rarest term; a prefix term can list a doc several times.
    std::size_t driver = 0;
    for (std::size_t t = 1; t < ranges.size(); ++t)
      if (ranges[t].postings < ranges[driver].postings) driver = t;
    std::vector<std::uint8_t> seen(doc_count, 0);
    for (std::size_t i = ranges[driver].begin; i < ranges[driver].end; ++i) {
      for (const Posting& posting : index.postings[i]) {
        if (seen[posting.doc]) continue;
        seen[posting.doc] = 1;
        consider(posting.doc);
      }
    }
  } else if (criteria.use_docs) {
    std::vector<std::uint32_t> docs = criteria.docs;
    std::sort(docs.begin(), docs.end());
    docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
    for (const std::uint32_t doc : docs) consider(doc);
  } else {
    for (std::uint32_t doc = 0; doc < doc_count; ++doc) consider(doc);
  }

  total = hits.size();
  if (offset >= hits.size() || limit == 0) return page;
  const std::size_t end = std::min(hits.size(), offset + limit);
  auto better = [&](const Hit& a, const Hit& b) {
    if (a.tier != b.tier) return a.tier > b.tier;
    const int pa = index.popularity[a.doc];
    const int pb = index.popularity[b.doc];
    if (pa != pb) return pa > pb;
    if (index.ids[a.doc] != index.ids[b.doc]) return index.ids[a.doc] < index.ids[b.doc];
    return a.doc < b.doc;
  };
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(end), hits.end(),
                    better);
  for (std::size_t i = offset; i < end; ++i) page.push_back(hits[i].doc);
  return page;
}

void add_unique_year(std::vector<int>& years, int year) {
  if (year == 0) return;
  const auto it = std::lower_bound(years.begin(), years.end(), year);
  if (it == years.end() || *it != year) years.insert(it, year);
}

}  // namespace

SearchQuery parse_search_query(std::string_view q) {
  SearchQuery query;
  std::size_t pos = 0;
  auto skip_space = [&] {
    while (pos < q.size() && std::isspace(static_cast<unsigned char>(q[pos]))) ++pos;
  };
  auto read_word = [&] {
    const std::size_t start = pos;
    while (pos < q.size() && !std::isspace(static_cast<unsigned char>(q[pos]))) ++pos;
    return q.substr(start, pos - start);
  };
  auto read_quoted = [&] {  // pos is at the opening quote
    ++pos;
    const std::size_t start = pos;
    while (pos < q.size() && q[pos] != '"') ++pos;
    const std::string_view value = q.substr(start, pos - start);
    if (pos < q.size()) ++pos;
    return value;
  };
  auto append = [](std::string& target, std::string_view value) {
    if (!target.empty()) target.push_back(' ');
    target.append(value);
  };
  auto add_free = [&](std::string_view text) {
    for (std::string& token : search_tokens(text)) query.terms.push_back(std::move(token));
  };

  while (true) {
    skip_space();
    if (pos >= q.size()) break;
    if (q[pos] == '"') {
      add_free(read_quoted());
      continue;
    }
    const std::size_t start = pos;
    std::size_t colon = pos;
    while (colon < q.size() && q[colon] != ':' &&
           !std::isspace(static_cast<unsigned char>(q[colon])))
      ++colon;
    static constexpr std::string_view kFields[] = {"track", "artist", "album", "year",
                                                   "isrc",  "upc",    "genre", "tag"};
    const std::string field =
        colon < q.size() && q[colon] == ':' ? to_lower_ascii(q.substr(start, colon - start)) : "";
    const bool known =
        std::find(std::begin(kFields), std::end(kFields), field) != std::end(kFields);
    if (!known) {
      add_free(read_word());
      continue;
    }
    pos = colon + 1;
    const std::string_view value = pos < q.size() && q[pos] == '"' ? read_quoted() : read_word();
    if (value.empty()) continue;
    if (field == "track") {
      append(query.track, value);
    } else if (field == "artist") {
      append(query.artist, value);
    } else if (field == "album") {
      append(query.album, value);
    } else if (field == "isrc") {
      query.isrc = std::string(value);
    } else if (field == "upc") {
      query.upc = std::string(value);
    } else if (field == "genre") {
      append(query.genre, value);
    } else if (field == "tag") {
      const std::string tag = to_lower_ascii(value);
      query.tag_new |= tag == "new";
      query.tag_hipster |= tag == "hipster";
    } else if (field == "year") {
      int from = 0;
      int to = 0;
      const std::size_t dash = value.find('-');
      const std::string_view first = value.substr(0, dash);
      const auto r1 = std::from_chars(first.data(), first.data() + first.size(), from);
      bool ok = r1.ec == std::errc() && r1.ptr == first.data() + first.size();
      if (dash == std::string_view::npos) {
        to = from;
      } else {
        const std::string_view second = value.substr(dash + 1);
        const auto r2 = std::from_chars(second.data(), second.data() + second.size(), to);
        ok = ok && r2.ec == std::errc() && r2.ptr == second.data() + second.size();
      }
      if (ok) {
        query.year_from = std::min(from, to);
        query.year_to = std::max(from, to);
      }
    }
  }
  return query;
}

SearchIndex::SearchIndex(const Catalog& catalog) : catalog_(catalog) {
  const auto& tracks = catalog_.tracks();
  IndexBuilder track_builder(tracks_);
  IndexBuilder artist_builder(artists_);
  IndexBuilder album_builder(albums_);
  std::unordered_map<std::string_view, std::uint32_t> artist_doc;
  std::unordered_map<std::string_view, std::uint32_t> album_doc;
  tracks_.name_keys.reserve(tracks.size());

  // Artists and albums get docs in first-seen order; their postings are added per track, so
  // they are collected first and indexed afterwards in doc order.
  std::vector<std::vector<std::pair<std::string, std::uint8_t>>> artist_texts;
  std::vector<std::vector<std::pair<std::string, std::uint8_t>>> album_texts;
  auto artist_for = [&](const Artist& artist) {
    const auto [it, inserted] =
        artist_doc.emplace(artist.id, static_cast<std::uint32_t>(artist_docs_.size()));
    if (inserted) {
      artist_docs_.push_back(&artist);
      artists_.name_keys.push_back(join(search_tokens(artist.name)));
      artists_.popularity.push_back(0);
      artists_.ids.push_back(artist.id);
      artists_.years.emplace_back();
      artist_texts.push_back({{artist.name, kTitle}});
    }
    return it->second;
  };

  for (std::uint32_t doc = 0; doc < tracks.size(); ++doc) {
    const Track& track = tracks[doc];
    const int year = release_year(track.album.release_date);
    newest_year_ = std::max(newest_year_, year);
    track_builder.add(doc, track.name, kTitle);
    for (const Artist& artist : track.artists) track_builder.add(doc, artist.name, kArtist);
    track_builder.add(doc, track.album.name, kAlbum);
    for (const std::string& genre : track.genres) track_builder.add(doc, genre, kGenre);
    tracks_.name_keys.push_back(join(search_tokens(track.name)));
    tracks_.popularity.push_back(track.popularity);
    tracks_.ids.push_back(track.id);
    tracks_.years.push_back(year == 0 ? std::vector<int>{} : std::vector<int>{year});
    if (!track.isrc.empty()) isrc_[to_upper_ascii(track.isrc)].push_back(doc);

    auto visit_artist = [&](const Artist& artist) {
      const std::uint32_t a = artist_for(artist);
      artists_.popularity[a] = std::max(artists_.popularity[a], track.popularity);
      add_unique_year(artists_.years[a], year);
      for (const std::string& genre : track.genres) artist_texts[a].emplace_back(genre, kGenre);
    };
    for (const Artist& artist : track.artists) visit_artist(artist);
    for (const Artist& artist : track.album.artists) visit_artist(artist);

    if (!track.album.id.empty()) {
      const auto [it, inserted] =
          album_doc.emplace(track.album.id, static_cast<std::uint32_t>(album_docs_.size()));
      const std::uint32_t a = it->second;
      if (inserted) {
        album_docs_.push_back(&track.album);
        albums_.name_keys.push_back(join(search_tokens(track.album.name)));
        albums_.popularity.push_back(0);
        albums_.ids.push_back(track.album.id);
        albums_.years.emplace_back();
        album_texts.emplace_back();
        album_texts[a].emplace_back(track.album.name, kTitle);
        for (const Artist& artist : track.album.artists)
          album_texts[a].emplace_back(artist.name, kArtist);
      }
      albums_.popularity[a] = std::max(albums_.popularity[a], track.popularity);
      add_unique_year(albums_.years[a], year);
      for (const Artist& artist : track.artists) album_texts[a].emplace_back(artist.name, kArtist);
    }
  }
  for (std::uint32_t a = 0; a < artist_texts.size(); ++a)
    for (const auto& [text, field] : artist_texts[a]) artist_builder.add(a, text, field);
  for (std::uint32_t a = 0; a < album_texts.size(); ++a)
    for (const auto& [text, field] : album_texts[a]) album_builder.add(a, text, field);
  track_builder.finish();
  artist_builder.finish();
  album_builder.finish();
}

SearchIndex::TrackPage SearchIndex::search_tracks(const SearchQuery& query, std::size_t offset,
                                                  std::size_t limit) const {
  Criteria criteria;
  add_free_terms(criteria, query.terms, kTitle | kArtist | kAlbum);
  add_terms(criteria, query.track, kTitle, false);
  add_terms(criteria, query.artist, kArtist, false);
  add_terms(criteria, query.album, kAlbum, false);
  add_terms(criteria, query.genre, kGenre, false);
  add_year(criteria, query);
  if (!query.isrc.empty()) {
    criteria.use_docs = true;
    const auto found = isrc_.find(to_upper_ascii(query.isrc));
    if (found == isrc_.end()) {
      criteria.impossible = true;
    } else {
      criteria.docs = found->second;
    }
  }
  TrackPage page;
  for (const std::uint32_t doc : evaluate(tracks_, criteria, offset, limit, page.total))
    page.items.push_back(&catalog_.tracks()[doc]);
  return page;
}

std::vector<const Artist*> SearchIndex::search_artists(const SearchQuery& query, std::size_t offset,
                                                       std::size_t limit,
                                                       std::size_t& total) const {
  Criteria criteria;
  add_free_terms(criteria, query.terms, kTitle);
  add_terms(criteria, query.artist, kTitle, false);
  add_terms(criteria, query.genre, kGenre, false);
  add_year(criteria, query);
  std::vector<const Artist*> items;
  for (const std::uint32_t doc : evaluate(artists_, criteria, offset, limit, total))
    items.push_back(artist_docs_[doc]);
  return items;
}

std::vector<const Album*> SearchIndex::search_albums(const SearchQuery& query, std::size_t offset,
                                                     std::size_t limit, std::size_t& total) const {
  Criteria criteria;
  add_free_terms(criteria, query.terms, kTitle | kArtist);
  add_terms(criteria, query.album, kTitle, false);
  add_terms(criteria, query.artist, kArtist, false);
  add_year(criteria, query);
  criteria.impossible = !query.upc.empty();  // the catalog data carries no UPCs
  if (query.tag_new || query.tag_hipster) {
    const bool tag_new = query.tag_new;
    const bool tag_hipster = query.tag_hipster;
    criteria.predicate = [this, tag_new, tag_hipster](std::uint32_t doc) {
      if (tag_new &&
          !std::binary_search(albums_.years[doc].begin(), albums_.years[doc].end(), newest_year_))
        return false;
      return !tag_hipster || albums_.popularity[doc] <= 10;
    };
  }
  std::vector<const Album*> items;
  for (const std::uint32_t doc : evaluate(albums_, criteria, offset, limit, total))
    items.push_back(album_docs_[doc]);
  return items;
}

}  // namespace spotify_emulator

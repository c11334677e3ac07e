// The browser client's files, as served: read once and kept in memory, compressed with gzip once,
// named by a content hash (ETag), and reloaded when the file changes on disk. HTML pages name their
// scripts and style sheets with the hash as a version ("/js/pages/join.js?v=3f2a..."), so those can
// be cached for a year while a changed file still reaches every browser at once. No sockets: the
// HTTP session (http_session.cpp) picks the representation with the helpers below.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace everyvoice::net {

struct StaticAsset {
  std::string body;           // as served without compression (HTML with versioned links)
  std::string gzip;           // gzip of body, or "" when it does not pay (images, tiny files)
  std::string etag;           // "\"<hash>\"" of body; the gzip representation adds "-gz"
  std::string last_modified;  // IMF-fixdate of the file's modification time (a page: or of its newest link)
  std::int64_t modified = 0;  // that time, in seconds
  std::string content_type;
  std::string version;        // what "?v=" must say for the year-long cache
};

class StaticFiles {
 public:
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}

  // Files above this are not kept in memory (the session streams them from disk, uncompressed).
  static constexpr std::uintmax_t max_cached_bytes = 4 * 1024 * 1024;

  // The asset at `path` (a file the router resolved under the client folder), loaded or reloaded
  // if the file changed since; nullptr when there is none or it is too large to keep.
  std::shared_ptr<const StaticAsset> get(const std::string& path);

 private:
  struct Entry {
    std::shared_ptr<const StaticAsset> asset;
    std::uintmax_t size = 0;
    std::int64_t mtime = 0;
    std::vector<std::pair<std::string, std::string>> links;  // HTML: (file, version) it names
  };
  std::shared_ptr<const StaticAsset> load(const std::string& path, int depth);
  bool fresh(const Entry& e, const std::string& path, int depth);

  std::string root_;
  std::mutex mutex_;  // held across a load: files are few and small, loads rare
  std::unordered_map<std::string, Entry> entries_;
};

std::string_view content_type_of(std::string_view path);
// Whether an Accept-Encoding value takes gzip (a "gzip" or "*" coding whose q is not 0).
bool accepts_gzip(std::string_view accept_encoding);
// Whether an If-None-Match value names this ETag (weak or strong, or "*").
bool etag_matches(std::string_view if_none_match, std::string_view etag);
// gzip (RFC 1952) of `data` at the best compression.
std::string gzip_compress(std::string_view data);
// `html` with each src="/x.js" and href="/x.css" (absolute paths on this server) given "?v=VERSION"
// by `version_of(path)` ("" leaves it alone). Pure.
std::string version_links(std::string_view html, const std::function<std::string(const std::string&)>& version_of);

}  // namespace everyvoice::net

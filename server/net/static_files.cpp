#include "net/static_files.hpp"

#include <sys/stat.h>
#include <zlib.h>

#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>

#include "core/sha256.hpp"
#include "net/hosts.hpp"

namespace everyvoice::net {
namespace {

bool compressible(std::string_view type) {
  return type.rfind("text/", 0) == 0 || type.rfind("application/json", 0) == 0 || type.rfind("image/svg+xml", 0) == 0;
}

std::string http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  const auto n = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buffer, n);
}

struct FileStat {
  bool regular = false;
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
  std::time_t mtime = 0;
};

FileStat stat_file(const std::string& path) {
  struct stat st {};
  FileStat out;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return out;
  out.regular = true;
  out.size = static_cast<std::uintmax_t>(st.st_size);
  out.mtime = st.st_mtim.tv_sec;
  out.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return out;
}

bool is_html(std::string_view path) {
  return path.size() >= 5 && path.substr(path.size() - 5) == ".html";
}

}  // namespace

std::string_view content_type_of(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot);
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt" || ext == ".md") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool accepts_gzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    std::string_view coding = item, params;
    if (const auto semi = item.find(';'); semi != std::string_view::npos) {
      coding = item.substr(0, semi);
      params = item.substr(semi + 1);
    }
    coding = trim_ows(coding);
    if (!iequals(coding, "gzip") && !iequals(coding, "x-gzip") && coding != "*") continue;
    // q=0, q=0.0, q=0.000 refuse it; any other weight takes it.
    params = trim_ows(params);
    if (params.size() >= 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=') {
      const std::string_view q = trim_ows(params.substr(2));
      if (!q.empty() && q.find_first_not_of("0.") == std::string_view::npos) return false;
    }
    return true;
  }
  return false;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    std::string_view tag = trim_ows(if_none_match.substr(0, comma));
    if_none_match = comma == std::string_view::npos ? std::string_view() : if_none_match.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

std::string gzip_compress(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

std::string version_links(std::string_view html, const std::function<std::string(const std::string&)>& version_of) {
  std::string out;
  out.reserve(html.size() + 256);
  std::size_t at = 0;
  while (at < html.size()) {
    std::size_t best = std::string_view::npos, attr_len = 0;
    for (std::string_view attr : {std::string_view("src=\"/"), std::string_view("href=\"/")}) {
      const auto found = html.find(attr, at);
      if (found < best) {
        best = found;
        attr_len = attr.size() - 1;  // up to the quote
      }
    }
    if (best == std::string_view::npos) break;
    const std::size_t value_start = best + attr_len;
    const std::size_t close = html.find('"', value_start);
    if (close == std::string_view::npos) break;
    const std::string link(html.substr(value_start, close - value_start));
    out.append(html.substr(at, close - at));
    const bool plain = link.size() > 1 && link[1] != '/' && link.find_first_of("?#") == std::string::npos &&
                       (link.ends_with(".js") || link.ends_with(".css"));
    if (plain) {
      const std::string version = version_of(link);
      if (!version.empty()) out += "?v=" + version;
    }
    at = close;
  }
  out.append(html.substr(at));
  return out;
}

std::shared_ptr<const StaticAsset> StaticFiles::get(const std::string& path) {
  std::lock_guard lock(mutex_);
  return load(path, 0);
}

bool StaticFiles::fresh(const Entry& e, const std::string& path, int depth) {
  const FileStat st = stat_file(path);
  if (!st.regular || st.size != e.size || st.mtime_ns != e.mtime) return false;
  for (const auto& [file, version] : e.links) {
    const auto linked = load(file, depth + 1);
    if ((linked ? linked->version : std::string()) != version) return false;
  }
  return true;
}

std::shared_ptr<const StaticAsset> StaticFiles::load(const std::string& path, int depth) {
  if (depth > 1) return nullptr;  // a page names scripts; a script names nothing we rewrite
  if (auto it = entries_.find(path); it != entries_.end()) {
    Entry& known = it->second;  // a reference survives the rehashing that loading a linked file may do
    if (fresh(known, path, depth)) return known.asset;
  }
  entries_.erase(path);
  const FileStat st = stat_file(path);
  if (!st.regular || st.size > max_cached_bytes) return nullptr;
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream read;
  read << in.rdbuf();
  auto asset = std::make_shared<StaticAsset>();
  asset->body = std::move(read).str();
  if (asset->body.size() != st.size) return nullptr;  // changed while read: the next request tries again
  Entry entry;
  entry.size = st.size;
  entry.mtime = st.mtime_ns;
  std::time_t modified = st.mtime;
  if (is_html(path)) {
    asset->body = version_links(asset->body, [&](const std::string& link) {
      const auto linked = load(root_ + link, depth + 1);
      if (linked && linked->modified > modified) modified = static_cast<std::time_t>(linked->modified);
      const std::string version = linked ? linked->version : std::string();
      entry.links.emplace_back(root_ + link, version);
      return version;
    });
  }
  const std::string hash = core::sha256_hex(asset->body);
  asset->version = hash.substr(0, 16);
  asset->etag = "\"" + hash.substr(0, 32) + "\"";
  asset->modified = modified;
  asset->last_modified = http_date(modified);
  asset->content_type = std::string(content_type_of(path));
  if (compressible(asset->content_type) && asset->body.size() >= 256) {
    std::string packed = gzip_compress(asset->body);
    if (!packed.empty() && packed.size() < asset->body.size()) asset->gzip = std::move(packed);
  }
  entry.asset = asset;
  entries_[path] = std::move(entry);
  return asset;
}

}  // namespace everyvoice::net

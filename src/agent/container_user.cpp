#include "agent/container_user.hpp"

#include <cerrno>
#include <vector>

#include "common/numbers.hpp"
#include "runtime/linux/file_in_root.hpp"

namespace berth::agent {
namespace {

constexpr std::size_t k_max_account_file_bytes = 1 << 20;

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  while (true) {
    const auto at = text.find(separator);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + 1);
  }
}

struct AccountFile {
  std::string path;    // "/etc/passwd", "/etc/group"
  std::string content;
};

// The image's `path`; std::nullopt if it has none.
Result<std::optional<AccountFile>> read_account_file(const std::string& rootfs, const std::string& path) {
  auto content = runtime::read_file_in_root(rootfs, path, k_max_account_file_bytes);
  if (!content && content.error().sys_errno == ENOENT) return std::optional<AccountFile>();
  if (!content) return fail(Code::client, "cannot read " + path + ": " + content.error().message);
  return std::optional<AccountFile>(AccountFile{path, std::move(*content)});
}

// The fields of the first line of `file` whose name (or, with `match_id`, whose id field) is
// `key`; std::nullopt if there is none.
std::optional<std::vector<std::string_view>> find_entry(const AccountFile& file, std::string_view key, bool match_id) {
  for (const auto line : split(file.content, '\n')) {
    auto fields = split(line, ':');
    if (fields.size() < 3) continue;
    if (fields[0] == key || (match_id && fields[2] == key)) return fields;
  }
  return std::nullopt;
}

Result<std::uint32_t> id_field(const AccountFile& file, std::string_view entry, std::string_view what,
                               std::string_view text) {
  if (auto id = parse_id(text)) return *id;
  return fail(Code::client, "the image's " + file.path + " gives '" + std::string(entry) + "' the invalid " +
                                std::string(what) + " '" + std::string(text) + "'");
}

Result<void> resolve_name(std::string_view name, const std::string& rootfs, ContainerUser& out) {
  const bool numeric = parse_id(name).has_value();
  BERTH_ASSIGN(const auto passwd, read_account_file(rootfs, "/etc/passwd"));
  const auto entry = passwd ? find_entry(*passwd, name, numeric) : std::nullopt;
  if (numeric) {
    out.uid = *parse_id(name);
    out.gid = out.uid;
    if (entry && entry->size() >= 4 && !(*entry)[3].empty()) {
      BERTH_ASSIGN(out.gid, id_field(*passwd, name, "gid", (*entry)[3]));
    }
    return {};
  }
  if (!entry) return fail(Code::client, "user '" + std::string(name) + "' does not exist in the image");
  BERTH_ASSIGN(out.uid, id_field(*passwd, name, "uid", (*entry)[2]));
  out.gid = out.uid;
  if (entry->size() >= 4 && !(*entry)[3].empty()) {
    BERTH_ASSIGN(out.gid, id_field(*passwd, name, "gid", (*entry)[3]));
  }
  return {};
}

Result<std::uint32_t> resolve_group(std::string_view group, const std::string& rootfs) {
  if (const auto id = parse_id(group)) return *id;
  BERTH_ASSIGN(const auto file, read_account_file(rootfs, "/etc/group"));
  const auto entry = file ? find_entry(*file, group, false) : std::nullopt;
  if (!entry) return fail(Code::client, "group '" + std::string(group) + "' does not exist in the image");
  return id_field(*file, group, "gid", (*entry)[2]);
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::optional<std::uint32_t> parse_id(std::string_view text) {
  if (!all_digits(text)) return std::nullopt;
  const auto id = parse_integer<std::uint32_t>(text);
  if (!id || *id == UINT32_MAX) return std::nullopt;
  return id;
}

Result<ContainerUser> resolve_container_user(std::string_view user, const std::string& image_rootfs) {
  const auto colon = user.find(':');
  const std::string_view name = user.substr(0, colon);
  const std::optional<std::string_view> group =
      colon == std::string_view::npos ? std::nullopt : std::optional(user.substr(colon + 1));
  const auto invalid_id = [&](std::string_view part) -> bool { return all_digits(part) && !parse_id(part); };
  if (name.empty() || (group && group->empty()) || invalid_id(name) || (group && invalid_id(*group))) {
    return fail(Code::client, "user '" + std::string(user) +
                                  "' is not valid: use name, uid, name:group or uid:gid, ids below 4294967295");
  }
  ContainerUser out;
  if (group && parse_id(name)) {
    out.uid = *parse_id(name);  // uid:gid or uid:group: the image's passwd has no say
  } else {
    BERTH_TRY(resolve_name(name, image_rootfs, out));
  }
  if (group) {
    BERTH_ASSIGN(out.gid, resolve_group(*group, image_rootfs));
  }
  return out;
}

}  // namespace berth::agent

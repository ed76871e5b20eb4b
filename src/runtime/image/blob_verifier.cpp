#include "runtime/image/blob_verifier.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {

bool BlobVerifier::add(std::string_view bytes) {
  if (bytes.size() > m_size - m_bytes) return false;
  m_hasher.update(bytes);
  m_bytes += bytes.size();
  return true;
}

Result<void> BlobVerifier::add_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return sys_fail("open " + path);
  char buffer[64 * 1024];
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_fail("read " + path);
    if (n == 0) return {};
    if (!add(std::string_view(buffer, static_cast<std::size_t>(n)))) {
      return fail(Code::server, path + " holds more than the " + std::to_string(m_size) + " bytes of blob " + m_digest);
    }
  }
}

Result<void> BlobVerifier::verdict() {
  if (m_bytes != m_size) {
    return fail(Code::server, "blob " + m_digest + " ended after " + std::to_string(m_bytes) + " of " +
                                  std::to_string(m_size) + " bytes");
  }
  const std::string actual = "sha256:" + m_hasher.hex_digest();
  if (actual != m_digest) {
    return fail(Code::server, "blob " + m_digest + " does not match its digest (got " + actual +
                                  "); the registry served corrupt data");
  }
  return {};
}

}  // namespace berth::runtime

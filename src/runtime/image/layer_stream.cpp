#include "runtime/image/layer_stream.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace berth::runtime {

LayerStream::LayerStream(std::string spill_path, std::size_t memory_limit, std::chrono::milliseconds spill_after)
    : m_spill_path(std::move(spill_path)), m_memory_limit(std::max<std::size_t>(memory_limit, 1)), m_spill_after(spill_after) {}

LayerStream::~LayerStream() {
  MutexLock lock(m_mutex);
  if (m_spill_fd >= 0) ::close(m_spill_fd);
}

bool LayerStream::open_named(bool create) {
  const int fd = ::open(m_spill_path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
  if (fd < 0) return false;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  m_spill_fd = fd;
  m_spill_named = true;
  return true;
}

Result<std::uint64_t> LayerStream::adopt_spill(std::uint64_t max_bytes) {
  MutexLock lock(m_mutex);
  if (!open_named(false)) return std::uint64_t{0};  // none, or another stream's
  struct stat st {};
  if (::fstat(m_spill_fd, &st) != 0) return sys_fail("stat " + m_spill_path);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    if (::ftruncate(m_spill_fd, 0) != 0) return sys_fail("truncate " + m_spill_path);
    return std::uint64_t{0};
  }
  m_spilled = static_cast<std::uint64_t>(st.st_size);
  return m_spilled;
}

bool LayerStream::spill(std::string_view bytes) {
  if (m_spill_fd < 0) {
    if (open_named(true)) {
      if (::ftruncate(m_spill_fd, 0) != 0) {
        m_error = Error{Code::server, "cannot truncate " + m_spill_path + ": " + std::strerror(errno), errno};
        return false;
      }
    } else {
      // Another stream spills this blob: a private file, gone from the directory at once.
      const std::string dir = m_spill_path.substr(0, m_spill_path.rfind('/') + 1);
      m_spill_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
      if (m_spill_fd < 0) {
        m_error = Error{Code::server, "cannot create a spill file in " + dir + ": " + std::strerror(errno), errno};
        return false;
      }
    }
  }
  while (!bytes.empty()) {
    // pwrite at the end we keep (O_APPEND is not set on the private file).
    const ssize_t n = ::pwrite(m_spill_fd, bytes.data(), bytes.size(), static_cast<off_t>(m_spilled));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      m_error = Error{Code::server, "cannot write " + m_spill_path + " (disk full?)", n < 0 ? errno : ENOSPC};
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    m_spilled += static_cast<std::uint64_t>(n);
  }
  return true;
}

bool LayerStream::write(std::string_view bytes) {
  MutexLock lock(m_mutex);
  if (m_error) return false;
  // Spilling already (the file must stay the blob's prefix): the rest follows it there.
  if (!m_attached && m_spilled > 0) return spill(bytes);
  while (!bytes.empty()) {
    // A reader busy with the spill file: wait for it to reach the end, so that the rest goes
    // through memory (in order, and not to the disk); then wait for room in the ring. Without a
    // reader, wait for one only up to m_spill_after past the moment the ring filled: then the
    // ring's bytes and the rest go to the spill file, and the download is not held up longer.
    const auto full_since = std::chrono::steady_clock::now();
    while (!m_error && (m_spill_read < m_spilled || m_held == m_memory_limit)) {
      if (!m_attached && std::chrono::steady_clock::now() >= full_since + m_spill_after) {
        std::string held(m_held, '\0');
        for (std::size_t done = 0; done < m_held;) {
          const std::size_t take = std::min(m_held - done, m_memory_limit - (m_ring_head + done) % m_memory_limit);
          std::memcpy(held.data() + done, m_ring.data() + (m_ring_head + done) % m_memory_limit, take);
          done += take;
        }
        m_held = 0;
        m_ring_head = 0;
        std::vector<char>().swap(m_ring);  // the file holds the bytes now: so much memory less
        return spill(held) && spill(bytes);
      }
      m_writer_waits = true;
      if (m_attached) {
        lock.wait(m_writable);
      } else {
        lock.wait_until(m_writable, full_since + m_spill_after);
      }
    }
    m_writer_waits = false;
    if (m_error) return false;
    if (m_ring.empty()) m_ring.resize(m_memory_limit);
    const std::size_t tail = (m_ring_head + m_held) % m_memory_limit;
    const std::size_t take = std::min({bytes.size(), m_memory_limit - m_held, m_memory_limit - tail});
    std::memcpy(m_ring.data() + tail, bytes.data(), take);
    bytes.remove_prefix(take);
    m_held += take;
    m_peak = std::max(m_peak, m_held);
    // Once per network read (httplib hands over up to 64 KiB at a time), or when the ring is full.
    if (m_reader_waits && (bytes.empty() || m_held == m_memory_limit)) m_readable.notify_one();
  }
  return true;
}

void LayerStream::finish(Result<void> verdict) {
  MutexLock lock(m_mutex);
  if (!verdict && !m_error) m_error = verdict.error();
  m_finished = true;
  m_readable.notify_all();
  m_writable.notify_all();
}

void LayerStream::attach() {
  MutexLock lock(m_mutex);
  m_attached = true;
  m_writable.notify_all();  // a writer waiting for a reader stops counting down to the spill
}

Result<std::size_t> LayerStream::read(char* out, std::size_t n) {
  if (n == 0) return std::size_t{0};
  std::uint64_t offset = 0;
  std::size_t want = 0;
  int fd = -1;
  {
    MutexLock lock(m_mutex);
    while (!m_error && m_held == 0 && m_spill_read == m_spilled && !m_finished) {
      m_reader_waits = true;
      lock.wait(m_readable);
    }
    m_reader_waits = false;
    if (m_error) return std::unexpected(*m_error);
    if (m_spill_read == m_spilled) {
      // Memory holds only bytes that came after the whole spill file was read.
      std::size_t done = 0;
      while (done < n && m_held > 0) {
        const std::size_t take = std::min({n - done, m_held, m_memory_limit - m_ring_head});
        std::memcpy(out + done, m_ring.data() + m_ring_head, take);
        done += take;
        m_held -= take;
        m_ring_head = (m_ring_head + take) % m_memory_limit;
      }
      if (m_writer_waits && m_memory_limit - m_held >= m_memory_limit / 4) m_writable.notify_one();
      return done;  // 0: finished and all read
    }
    offset = m_spill_read;
    want = static_cast<std::size_t>(std::min<std::uint64_t>(n, m_spilled - m_spill_read));
    fd = m_spill_fd;
  }
  // The file is only appended to (and closed only by the destructor), and only this thread
  // advances m_spill_read: read it unlocked.
  ssize_t got;
  do {
    got = ::pread(fd, out, want, static_cast<off_t>(offset));
  } while (got < 0 && errno == EINTR);
  if (got <= 0) {
    return fail(Code::server, "cannot read " + m_spill_path + (got < 0 ? std::string(": ") + std::strerror(errno) : ""));
  }
  MutexLock lock(m_mutex);
  m_spill_read += static_cast<std::uint64_t>(got);
  if (m_writer_waits && m_spill_read == m_spilled) m_writable.notify_one();  // it goes on through memory
  return static_cast<std::size_t>(got);
}

Result<void> LayerStream::drain() {
  char buffer[64 * 1024];
  while (true) {
    BERTH_ASSIGN(std::size_t got, read(buffer, sizeof buffer));
    if (got == 0) return {};
  }
}

void LayerStream::cancel(const Error& why) {
  MutexLock lock(m_mutex);
  if (!m_error) m_error = why;
  m_readable.notify_all();
  m_writable.notify_all();
}

void LayerStream::close() {
  MutexLock lock(m_mutex);
  std::vector<char>().swap(m_ring);
  m_held = 0;
  if (m_spill_fd >= 0) ::close(m_spill_fd);  // lets go of its lock, too
  m_spill_fd = -1;
  m_spill_named = false;
  if (!m_error) m_error = Error{Code::server, "the layer stream was closed"};
}

void LayerStream::remove_spill() {
  MutexLock lock(m_mutex);
  if (m_spill_named) ::unlink(m_spill_path.c_str());  // still locked by us: nobody else's file
}

std::uint64_t LayerStream::spilled_bytes() const {
  MutexLock lock(m_mutex);
  return m_spilled;
}

std::size_t LayerStream::peak_memory() const {
  MutexLock lock(m_mutex);
  return m_peak;
}

}  // namespace berth::runtime

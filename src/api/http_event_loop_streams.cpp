// The streaming phase of HttpEventLoop (HttpResponse::stream, api/http_stream.hpp): after its
// head, a stream's connection holds no thread; every stream_poll_interval a worker asks the
// stream for its next piece, which comes back through the completion queue to be written.
#include <sys/epoll.h>

#include <exception>

#include "api/http_event_loop_impl.hpp"
#include "common/log.hpp"

namespace berth::api {

using http_loop::final_reply;

void HttpEventLoop::Impl::admit_stream(Connection& c, Completion& completion) {
  if (streams_open >= options.max_streams) {
    completion.bytes = final_reply(503, "The API has " + std::to_string(options.max_streams) +
                                            " event streams open (dashboards, log tails); close one or retry later.");
    completion.keep_alive = false;
    return;
  }
  c.stream = std::move(completion.stream);
  ++streams_open;
}

void HttpEventLoop::Impl::begin_stream(std::uint64_t id, Connection& c) {
  c.phase = Connection::Phase::streaming;
  c.parser = HttpRequestParser(options.limits);
  std::string().swap(c.pending_input);
  update_buffered(c);
  // The first piece is asked for at once: what happened between the head and the first poll.
  set_deadline(c, Clock::now());
  set_interest(id, c, EPOLLIN);
}

// Called by expire() when a streaming connection's deadline is due.
void HttpEventLoop::Impl::poll_stream(std::uint64_t id, Connection& c) {
  if (c.stream_polling) {
    log_error("API: a stream gave no piece within " + std::to_string(options.handler_timeout.count()) +
              " ms; its connection is closed.");
    return close_connection(id);
  }
  // A client that reads nothing of its stream for a request timeout is gone for our purposes.
  if (c.output_sent < c.output.size()) return close_connection(id);
  const bool submitted = pool.try_submit([id, stream = c.stream, queue = queue] {
    Completion piece{id, "", false, {}, {}, true, false};
    try {
      auto next = stream->next();
      piece.stream_ended = !next;
      if (next) piece.bytes = std::move(*next);
    } catch (const std::exception& e) {
      log_error(std::string("API: a stream failed: ") + e.what());
      piece.stream_ended = true;
    } catch (...) {
      piece.stream_ended = true;
    }
    queue->push(std::move(piece));
  });
  if (!submitted) {
    // The workers are busy with requests: they come first, the stream is asked next time.
    set_deadline(c, Clock::now() + options.stream_poll_interval);
    return;
  }
  c.stream_polling = true;
  set_deadline(c, Clock::now() + options.handler_timeout);
}

void HttpEventLoop::Impl::take_stream_piece(std::uint64_t id, Connection& c, Completion& piece) {
  if (c.phase != Connection::Phase::streaming) return;
  c.stream_polling = false;
  if (piece.stream_ended || stopping) return begin_linger(id, c);
  set_deadline(c, Clock::now() + (piece.bytes.empty() ? options.stream_poll_interval : options.request_timeout));
  if (piece.bytes.empty()) return;
  c.output = std::move(piece.bytes);
  c.output_sent = 0;
  flush(id, c);
}

}  // namespace berth::api

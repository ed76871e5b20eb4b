// Binds a typed use case into the JSON call the API dispatches: decode the shape-checked request
// (the one place it is validated), run the use case on the typed value, encode its typed reply.
// Stateless; thread-safe.
#pragma once

#include <functional>
#include <type_traits>
#include <utility>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "svc/context.hpp"

namespace berth::api {

// A use case as dispatch runs it: shape-checked request body in, reply body out.
using UseCase = Result<model::Json> (*)(svc::Context&, const model::Json&);

// `decode`: Result<Request>(const Json&). `handle`: Result<Reply>(svc::Context&, const Request&).
// `encode`: Json(const Reply&) or Json(const Reply&, const ArnScope&) (replies carry names; the
// encoder writes their ARNs).
template <auto decode, auto handle, auto encode>
Result<model::Json> typed_use_case(svc::Context& ctx, const model::Json& body) {
  auto request = decode(body);
  if (!request) return std::unexpected(std::move(request.error()));
  auto reply = handle(ctx, *request);
  if (!reply) return std::unexpected(std::move(reply.error()));
  if constexpr (std::is_invocable_v<decltype(encode), decltype(*reply), const ArnScope&>) {
    return encode(*reply, ctx.arns);
  } else {
    return encode(*reply);
  }
}

// A use case whose reply may come later (a parked long poll): it calls `done` once, before
// returning or from another thread.
using ReplyLater = std::function<void(Result<model::Json>)>;
using DeferredUseCase = void (*)(svc::Context&, const model::Json&, ReplyLater done);

// `start`: void(svc::Context&, const Request&, std::function<void(Result<Reply>)>); `decode` and
// `encode` as for typed_use_case (the encoder runs on the thread that answers).
template <auto decode, auto start, auto encode>
void typed_deferred_use_case(svc::Context& ctx, const model::Json& body, ReplyLater done) {
  auto request = decode(body);
  if (!request) return done(std::unexpected(std::move(request.error())));
  start(ctx, *request, [done = std::move(done), arns = ctx.arns](auto reply) {
    if (!reply) return done(std::unexpected(std::move(reply.error())));
    if constexpr (std::is_invocable_v<decltype(encode), decltype(*reply), const ArnScope&>) {
      done(encode(*reply, arns));
    } else {
      done(encode(*reply));
    }
  });
}

}  // namespace berth::api

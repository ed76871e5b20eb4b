// Use cases for API access keys: create (the secret is returned once), list, delete, and the
// lookup the API's authentication does. The policy document is validated by the caller (api/
// parses IAM policies); here it is stored as given. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/access_key.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// berth refuses to hold more keys than this (a gateway has a few operators and fleet tools).
inline constexpr std::size_t k_max_access_keys = 100;

// Creates a key for `user_name` (IAM user-name rules: 1-64 of [A-Za-z0-9+=,.@_-]; not "ci-...",
// which names joined instances' keys) carrying the policy `policy_name` ("admin", "read-only" or
// "custom" with `policy_document`). Returns the stored key, secret included.
[[nodiscard]] Result<model::AccessKey> create_access_key(Context& ctx, const std::string& user_name,
                                                         const std::string& policy_name,
                                                         const std::string& policy_document);
// Returns a new key (not stored yet) for `user_name`, checked as create_access_key checks it but
// for the instance users' reserved names (model::is_instance_user), which this may make.
[[nodiscard]] Result<model::AccessKey> new_access_key(const Context& ctx, const std::string& user_name,
                                                     const std::string& policy_name, const std::string& policy_document);
// Returns the keys of `user_name` (all when nullopt), secrets included: callers show only ids.
[[nodiscard]] Result<std::vector<model::AccessKey>> list_access_keys(Context& ctx,
                                                                     const std::optional<std::string>& user_name);
// Deletes the key; ResourceNotFoundException if there is none.
[[nodiscard]] Result<void> delete_access_key(Context& ctx, const std::string& access_key_id);
// At first start (berth holds no key yet) creates an admin key for user "admin" and returns
// it; returns nullopt, writing nothing, once any key exists.
[[nodiscard]] Result<std::optional<model::AccessKey>> create_first_admin_key(Context& ctx);
// Returns the key, or nullopt.
[[nodiscard]] Result<std::optional<model::AccessKey>> find_access_key(Context& ctx, const std::string& access_key_id);

}  // namespace berth::svc

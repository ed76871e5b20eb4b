#include "model/join_tokens.hpp"

#include "common/sha256.hpp"
#include "model/request_members.hpp"
#include "model/request_shapes.hpp"

namespace berth::model {

std::string join_token_hash(std::string_view token) {
  Sha256 hasher;
  hasher.update(token);
  return hasher.hex_digest();
}

const Shape& create_join_token_shape() {
  static const Shape k_string = string_shape();
  static const Shape k_ttl = integer_shape(1, k_max_join_token_ttl_seconds);
  static const Shape k_shape = structure({{"cluster", &k_string}, {"ttlSeconds", &k_ttl}});
  return k_shape;
}

const Shape& join_cluster_shape() {
  // RegisterContainerInstance's members but the cluster (the token's) and containerInstanceArn
  // (a joining node is new), plus the token. Built on first use: the ECS shapes are statics of
  // another translation unit.
  static const Shape k_string = string_shape();
  static const Shape k_shape = [] {
    Shape shape = request_shapes::register_container_instance;
    std::erase_if(shape.members, [](const Member& m) { return m.name == "cluster" || m.name == "containerInstanceArn"; });
    shape.members.push_back({"joinToken", &k_string, true});
    return shape;
  }();
  return k_shape;
}

Result<CreateJoinTokenRequest> decode_create_join_token(const Json& body) {
  CreateJoinTokenRequest request;
  request.cluster = optional_string(body, "cluster");
  request.ttl_seconds = body.value("ttlSeconds", k_default_join_token_ttl_seconds);
  return request;
}

Result<JoinClusterRequest> decode_join_cluster(const Json& body) {
  JoinClusterRequest request;
  request.token = body["joinToken"].get<std::string>();
  Json registration = body;
  registration.erase("joinToken");
  BERTH_ASSIGN(request.registration, decode_register_container_instance(registration));
  return request;
}

Json encode_create_join_token(const CreateJoinTokenReply& reply, const ArnScope& arns) {
  return {{"joinToken", reply.token},
          {"clusterArn", arns.cluster(reply.cluster)},
          {"expiresAt", epoch_seconds(reply.expires_at)}};
}

Json encode_join_cluster(const JoinClusterReply& reply, const ArnScope& arns) {
  return {{"clusterArn", arns.cluster(reply.cluster)},
          {"containerInstanceArn", arns.container_instance(reply.cluster, reply.instance_id)},
          {"accessKeyId", reply.access_key_id},
          {"secretAccessKey", reply.secret_access_key},
          {"region", reply.region},
          {"pollWaitSeconds", reply.poll_wait_seconds},
          {"lostAfterSeconds", reply.lost_after_seconds}};
}

}  // namespace berth::model

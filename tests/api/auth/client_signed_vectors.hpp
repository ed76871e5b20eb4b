// Requests signed by the real AWS signers, as they reach berth (test data). First by botocore
// itself (Debian 12's python3-botocore 1.29.27):
// an ECS JSON 1.1 POST, Scheduler REST GETs (a query, a percent-encoded path label) and a
// presigned Scheduler GET. Key AKIDBERTHTEST / "berth/Secret+Key0123456789abcdefEXAMPLE", region
// "local", signed at 2026-12-01T21:50:15Z. Regenerate with /usr/bin/python3 and this script (it
// signs at the current time: set k_botocore_signing_time_ms to the X-Amz-Date it prints):
//
//   import json
//   from botocore.auth import SigV4Auth, SigV4QueryAuth
//   from botocore.awsrequest import AWSRequest
//   from botocore.credentials import Credentials
//   creds = Credentials('AKIDBERTHTEST', 'berth/Secret+Key0123456789abcdefEXAMPLE')
//   EP = 'http://127.0.0.1:51678'
//   def wire(req):
//       p = req.prepare()  # what goes on the wire: adds Content-Length, keeps every header
//       path, _, query = p.url[len(EP):].partition('?')
//       headers = [('Host', '127.0.0.1:51678')] + list(p.headers.items()) + [('User-Agent', 'aws-cli/2.9.19')]
//       body = p.body or b''
//       if isinstance(body, str): body = body.encode()
//       return p.method, path, query, headers, body.decode()
//   ecs = AWSRequest(method='POST', url=EP + '/', data=json.dumps({'cluster': 'plant-7',
//                    'taskDefinition': 'hello:1', 'count': 1}),
//                    headers={'Content-Type': 'application/x-amz-json-1.1',
//                             'X-Amz-Target': 'AmazonEC2ContainerServiceV20141113.RunTask'})
//   SigV4Auth(creds, 'ecs', 'local').add_auth(ecs)
//   sched = AWSRequest(method='GET', url=EP + '/schedules?NamePrefix=night%20ly&MaxResults=10&State=ENABLED')
//   SigV4Auth(creds, 'scheduler', 'local').add_auth(sched)
//   label = AWSRequest(method='GET', url=EP + '/schedules/plant-7%3Abackup?groupName=default')
//   SigV4Auth(creds, 'scheduler', 'local').add_auth(label)
//   presigned = AWSRequest(method='GET', url=EP + '/schedules?MaxResults=5')
//   SigV4QueryAuth(creds, 'scheduler', 'local', expires=900).add_auth(presigned)
//   def cxx(s): return 'R"v(' + s + ')v"'
//   for name, req in [('ecs_run_task', ecs), ('scheduler_list', sched),
//                     ('scheduler_get_label', label), ('scheduler_presigned', presigned)]:
//       method, path, query, headers, body = wire(req)
//       print(f'inline const SignedVector k_{name}{{')
//       print(f'    {cxx(method)}, {cxx(path)}, {cxx(query)},')
//       print('    {' + ',\n     '.join(f'{{{cxx(k)}, {cxx(v)}}}' for k, v in headers) + '},')
//       print(f'    {cxx(body)}}};')
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace berth::api::auth::testing {

struct SignedVector {
  std::string method, path, query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

inline constexpr std::int64_t k_botocore_signing_time_ms = 1796161815000;  // 2026-12-01T21:50:15Z
inline constexpr const char* k_botocore_key_id = "AKIDBERTHTEST";
inline constexpr const char* k_botocore_secret = "berth/Secret+Key0123456789abcdefEXAMPLE";

inline const SignedVector k_ecs_run_task{
    R"v(POST)v", R"v(/)v", R"v()v",
    {{R"v(Host)v", R"v(127.0.0.1:51678)v"},
     {R"v(Content-Type)v", R"v(application/x-amz-json-1.1)v"},
     {R"v(X-Amz-Target)v", R"v(AmazonEC2ContainerServiceV20141113.RunTask)v"},
     {R"v(X-Amz-Date)v", R"v(20261201T215015Z)v"},
     {R"v(Authorization)v", R"v(AWS4-HMAC-SHA256 Credential=AKIDBERTHTEST/20261201/local/ecs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=906f1a8f6eedc1269da07145d4a4c27f3345853dbb4acd2ba060aa61995090b0)v"},
     {R"v(Content-Length)v", R"v(63)v"},
     {R"v(User-Agent)v", R"v(aws-cli/2.9.19)v"}},
    R"v({"cluster": "plant-7", "taskDefinition": "hello:1", "count": 1})v"};
inline const SignedVector k_scheduler_list{
    R"v(GET)v", R"v(/schedules)v", R"v(NamePrefix=night%20ly&MaxResults=10&State=ENABLED)v",
    {{R"v(Host)v", R"v(127.0.0.1:51678)v"},
     {R"v(X-Amz-Date)v", R"v(20261201T215015Z)v"},
     {R"v(Authorization)v", R"v(AWS4-HMAC-SHA256 Credential=AKIDBERTHTEST/20261201/local/scheduler/aws4_request, SignedHeaders=host;x-amz-date, Signature=f6b1fc9c75cfd00a54d0dcf57bc25246545bd3d5e02d9be97bb80c7567171a12)v"},
     {R"v(User-Agent)v", R"v(aws-cli/2.9.19)v"}},
    R"v()v"};
inline const SignedVector k_scheduler_get_label{
    R"v(GET)v", R"v(/schedules/plant-7%3Abackup)v", R"v(groupName=default)v",
    {{R"v(Host)v", R"v(127.0.0.1:51678)v"},
     {R"v(X-Amz-Date)v", R"v(20261201T215015Z)v"},
     {R"v(Authorization)v", R"v(AWS4-HMAC-SHA256 Credential=AKIDBERTHTEST/20261201/local/scheduler/aws4_request, SignedHeaders=host;x-amz-date, Signature=abd5571a4a1e599c2f74949aff1e56d74375132e15fbb653ddcc0b1eb4a4abd2)v"},
     {R"v(User-Agent)v", R"v(aws-cli/2.9.19)v"}},
    R"v()v"};
inline const SignedVector k_scheduler_presigned{
    R"v(GET)v", R"v(/schedules)v", R"v(MaxResults=5&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDBERTHTEST%2F20261201%2Flocal%2Fscheduler%2Faws4_request&X-Amz-Date=20261201T215015Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=6b0c50836c3d253f68263dec01625f2d9b2ffcb6ad49f3b78802b3425f51a236)v",
    {{R"v(Host)v", R"v(127.0.0.1:51678)v"},
     {R"v(User-Agent)v", R"v(aws-cli/2.9.19)v"}},
    R"v()v"};

// The same kind of requests signed by the AWS SDK for JavaScript v3's signer (@smithy/signature-v4
// 2.3.0 with @aws-crypto/sha256-js 5, as @aws-sdk/client-ecs uses it: it also signs
// x-amz-content-sha256, content-length and the amz-sdk-* headers), signed at 2026-12-01T22:30:00Z.
// Regenerate with `npm install @smithy/signature-v4@2 @aws-crypto/sha256-js@5 @smithy/protocol-http@3`
// and `node gen.mjs`:
//
//   // Signs requests with the AWS SDK for JavaScript v3 signer and prints them as C++ test data.
//   import { SignatureV4 } from "@smithy/signature-v4";
//   import { Sha256 } from "@aws-crypto/sha256-js";
//   import { HttpRequest } from "@smithy/protocol-http";
//
//   const credentials = { accessKeyId: "AKIDBERTHTEST", secretAccessKey: "berth/Secret+Key0123456789abcdefEXAMPLE" };
//   const signingDate = new Date("2026-12-01T22:30:00Z");
//   const signer = (service) => new SignatureV4({ credentials, region: "local", service, sha256: Sha256, uriEscapePath: true });
//   // As the SDK's fetch/node handler writes the query: escapeUri of each key and value.
//   const wireQuery = (query) => Object.keys(query).map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k])}`).join("&");
//   const cxx = (s) => `R"v(${s})v"`;
//
//   const body = JSON.stringify({ cluster: "plant-7", taskDefinition: "hello:1", count: 1 });
//   const requests = [
//     ["ecs_run_task", "ecs", new HttpRequest({ method: "POST", protocol: "http:", hostname: "127.0.0.1", port: 51678, path: "/",
//       headers: { host: "127.0.0.1:51678", "content-type": "application/x-amz-json-1.1",
//                  "x-amz-target": "AmazonEC2ContainerServiceV20141113.RunTask", "content-length": String(body.length),
//                  "amz-sdk-invocation-id": "5f6b7a1e-0000-4000-8000-000000000001", "amz-sdk-request": "attempt=1; max=3",
//                  "user-agent": "aws-sdk-js/3.0.0" }, body })],
//     ["scheduler_get_label", "scheduler", new HttpRequest({ method: "GET", protocol: "http:", hostname: "127.0.0.1", port: 51678,
//       path: "/schedules/plant-7%3Abackup", query: { groupName: "default", NamePrefix: "night ly" },
//       headers: { host: "127.0.0.1:51678", "user-agent": "aws-sdk-js/3.0.0" } })],
//   ];
//   for (const [name, service, request] of requests) {
//     const signed = await signer(service).sign(request, { signingDate });
//     const headers = Object.entries(signed.headers).map(([k, v]) => `{${cxx(k)}, ${cxx(v)}}`).join(",\n     ");
//     console.log(`inline const SignedVector k_js_${name}{\n    ${cxx(signed.method)}, ${cxx(signed.path)}, ${cxx(wireQuery(signed.query ?? {}))},`);
//     console.log(`    {${headers}},\n    ${cxx(signed.body ?? "")}};`);
//   }
inline constexpr std::int64_t k_js_signing_time_ms = 1796164200000;  // 2026-12-01T22:30:00Z

inline const SignedVector k_js_ecs_run_task{
    R"v(POST)v", R"v(/)v", R"v()v",
    {{R"v(host)v", R"v(127.0.0.1:51678)v"},
     {R"v(content-type)v", R"v(application/x-amz-json-1.1)v"},
     {R"v(x-amz-target)v", R"v(AmazonEC2ContainerServiceV20141113.RunTask)v"},
     {R"v(content-length)v", R"v(58)v"},
     {R"v(amz-sdk-invocation-id)v", R"v(5f6b7a1e-0000-4000-8000-000000000001)v"},
     {R"v(amz-sdk-request)v", R"v(attempt=1; max=3)v"},
     {R"v(user-agent)v", R"v(aws-sdk-js/3.0.0)v"},
     {R"v(x-amz-date)v", R"v(20261201T223000Z)v"},
     {R"v(x-amz-content-sha256)v", R"v(2eb9dae2fdf968c4133005eee08790251fc4d7a8fa975c5a8411eec81fef178d)v"},
     {R"v(authorization)v", R"v(AWS4-HMAC-SHA256 Credential=AKIDBERTHTEST/20261201/local/ecs/aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=0bf54192e909da7826cd4975128eabf008562d7db45b2fd545f6004a6301cbce)v"}},
    R"v({"cluster":"plant-7","taskDefinition":"hello:1","count":1})v"};
inline const SignedVector k_js_scheduler_get_label{
    R"v(GET)v", R"v(/schedules/plant-7%3Abackup)v", R"v(groupName=default&NamePrefix=night%20ly)v",
    {{R"v(host)v", R"v(127.0.0.1:51678)v"},
     {R"v(user-agent)v", R"v(aws-sdk-js/3.0.0)v"},
     {R"v(x-amz-date)v", R"v(20261201T223000Z)v"},
     {R"v(x-amz-content-sha256)v", R"v(e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)v"},
     {R"v(authorization)v", R"v(AWS4-HMAC-SHA256 Credential=AKIDBERTHTEST/20261201/local/scheduler/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=f4355b532f50e784f51391924f6113f806cc22f77af9d935bab24d4c02b62443)v"}},
    R"v()v"};

}  // namespace berth::api::auth::testing

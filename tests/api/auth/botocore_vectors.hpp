// Requests signed by botocore itself (Debian 12's python3-botocore 1.29.27), as they reach berth:
// an ECS JSON 1.1 POST, Scheduler REST GETs (a query, a percent-encoded path label) and a
// presigned Scheduler GET. Key AKIDBERTHTEST / "berth/Secret+Key0123456789abcdefEXAMPLE", region
// "local", signed at 2026-12-01T21:50:15Z. Regenerate with /usr/bin/python3 and this script:
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
//       print(f'inline const BotocoreVector k_{name}{{')
//       print(f'    {cxx(method)}, {cxx(path)}, {cxx(query)},')
//       print('    {' + ',\n     '.join(f'{{{cxx(k)}, {cxx(v)}}}' for k, v in headers) + '},')
//       print(f'    {cxx(body)}}};')
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace berth::api::auth::testing {

struct BotocoreVector {
  std::string method, path, query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

inline constexpr std::int64_t k_botocore_signing_time_ms = 1796161815000;  // 2026-12-01T21:50:15Z
inline constexpr const char* k_botocore_key_id = "AKIDBERTHTEST";
inline constexpr const char* k_botocore_secret = "berth/Secret+Key0123456789abcdefEXAMPLE";

inline const BotocoreVector k_ecs_run_task{
    R"v(POST)v", R"v(/)v", R"v()v",
    {{R"v(Host)v", R"v(127.0.0.1:51678)v"},
     {R"v(Content-Type)v", R"v(application/x-amz-json-1.1)v"},
     {R"v(X-Amz-Target)v", R"v(AmazonEC2ContainerServiceV20141113.RunTask)v"},
     {R"v(X-Amz-Date)v", R"v(20261201T215015Z)v"},
     {R"v(Authorization)v", R"v(AWS4-HMAC-SHA256 Credential=AKIDBERTHTEST/20261201/local/ecs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=906f1a8f6eedc1269da07145d4a4c27f3345853dbb4acd2ba060aa61995090b0)v"},
     {R"v(Content-Length)v", R"v(63)v"},
     {R"v(User-Agent)v", R"v(aws-cli/2.9.19)v"}},
    R"v({"cluster": "plant-7", "taskDefinition": "hello:1", "count": 1})v"};
inline const BotocoreVector k_scheduler_list{
    R"v(GET)v", R"v(/schedules)v", R"v(NamePrefix=night%20ly&MaxResults=10&State=ENABLED)v",
    {{R"v(Host)v", R"v(127.0.0.1:51678)v"},
     {R"v(X-Amz-Date)v", R"v(20261201T215015Z)v"},
     {R"v(Authorization)v", R"v(AWS4-HMAC-SHA256 Credential=AKIDBERTHTEST/20261201/local/scheduler/aws4_request, SignedHeaders=host;x-amz-date, Signature=f6b1fc9c75cfd00a54d0dcf57bc25246545bd3d5e02d9be97bb80c7567171a12)v"},
     {R"v(User-Agent)v", R"v(aws-cli/2.9.19)v"}},
    R"v()v"};
inline const BotocoreVector k_scheduler_get_label{
    R"v(GET)v", R"v(/schedules/plant-7%3Abackup)v", R"v(groupName=default)v",
    {{R"v(Host)v", R"v(127.0.0.1:51678)v"},
     {R"v(X-Amz-Date)v", R"v(20261201T215015Z)v"},
     {R"v(Authorization)v", R"v(AWS4-HMAC-SHA256 Credential=AKIDBERTHTEST/20261201/local/scheduler/aws4_request, SignedHeaders=host;x-amz-date, Signature=abd5571a4a1e599c2f74949aff1e56d74375132e15fbb653ddcc0b1eb4a4abd2)v"},
     {R"v(User-Agent)v", R"v(aws-cli/2.9.19)v"}},
    R"v()v"};
inline const BotocoreVector k_scheduler_presigned{
    R"v(GET)v", R"v(/schedules)v", R"v(MaxResults=5&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDBERTHTEST%2F20261201%2Flocal%2Fscheduler%2Faws4_request&X-Amz-Date=20261201T215015Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=6b0c50836c3d253f68263dec01625f2d9b2ffcb6ad49f3b78802b3425f51a236)v",
    {{R"v(Host)v", R"v(127.0.0.1:51678)v"},
     {R"v(User-Agent)v", R"v(aws-cli/2.9.19)v"}},
    R"v()v"};

}  // namespace berth::api::auth::testing

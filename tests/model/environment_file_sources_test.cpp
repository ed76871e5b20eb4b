#include "model/environment_file_sources.hpp"

#include <catch2/catch.hpp>

namespace environment_file_sources_test {

using namespace berth::model;

TEST_CASE("environment file values: instance files, secret ARNs, S3 and the rest", "[model][envfiles]") {
  CHECK(environment_file_source("/etc/app.env") == EnvironmentFileSource::local_file);
  CHECK(environment_file_source("arn:aws:secretsmanager:local:000000000000:secret:app-AbCdEf") == EnvironmentFileSource::secret);
  CHECK(environment_file_source("arn:aws:ssm:local:000000000000:parameter/app/env") == EnvironmentFileSource::secret);
  CHECK(environment_file_source("arn:aws:s3:::bucket/app.env") == EnvironmentFileSource::s3);
  for (const char* bad : {"app.env", "/etc/app", "/etc/../root/.env", "/.env", "file:///etc/app.env", "arn:aws:iam::1:role/r",
                          "arn:aws", ""}) {
    INFO(bad);
    CHECK(environment_file_source(bad) == EnvironmentFileSource::invalid);
  }
}

TEST_CASE("environment file refusals name the value; an override may not name an instance file", "[model][envfiles]") {
  CHECK(environment_file_refusal("/etc/app.env", false) == "");
  CHECK(environment_file_refusal("arn:aws:ssm:r:1:parameter/p", false) == "");
  // RunTask and StartTask check no access to secrets: an override may not name one.
  CHECK(environment_file_refusal("arn:aws:ssm:r:1:parameter/p", true) ==
        "environmentFiles 'arn:aws:ssm:r:1:parameter/p': a secret cannot be named in an override (RunTask and "
        "StartTask check no access to secrets, so any key that may run the task could read it); name it in the task "
        "definition.");
  CHECK(environment_file_refusal("/etc/app.env", true).starts_with(
      "environmentFiles '/etc/app.env': a file on the instance cannot be named in an override"));
  CHECK(environment_file_refusal("arn:aws:s3:::b/a.env", false) == "environmentFiles 'arn:aws:s3:::b/a.env': S3 does not exist on a berth gateway.");
  CHECK(environment_file_refusal("relative.env", false) ==
        "environmentFiles 'relative.env' is neither an absolute path of a .env file on the instance nor a Secrets "
        "Manager or SSM parameter ARN.");
}

}  // namespace environment_file_sources_test

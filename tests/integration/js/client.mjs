// Runs AWS SDK for JavaScript v3 calls against berth for the Python integration tests.
// stdin: {"endpoint": "http://127.0.0.1:PORT", "region": "local",
//         "credentials": {"accessKeyId": "...", "secretAccessKey": "..."},
//         "operations": [{"service": "ecs"|"secretsmanager"|"ssm", "operation": "CreateCluster", "input": {...}}]}
// stdout: one JSON array, one result per operation, in order:
//   {"ok": true, "status": 200, "output": {...}}   (the SDK's output without $metadata)
//   {"ok": false, "name": "InvalidSignatureException", "status": 400, "message": "..."}
// Exits 0 when every call was made (a service error is a result), 2 on bad input.
import * as ecs from "@aws-sdk/client-ecs";
import * as secretsManager from "@aws-sdk/client-secrets-manager";
import * as ssm from "@aws-sdk/client-ssm";

const services = {
  ecs: { module: ecs, client: ecs.ECSClient },
  secretsmanager: { module: secretsManager, client: secretsManager.SecretsManagerClient },
  ssm: { module: ssm, client: ssm.SSMClient },
};

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

async function run(request) {
  const clients = {};
  const results = [];
  for (const { service, operation, input } of request.operations) {
    const known = services[service];
    const Command = known && known.module[`${operation}Command`];
    if (!Command) throw new Error(`unknown operation ${service}.${operation}`);
    clients[service] ??= new known.client({
      endpoint: request.endpoint,
      region: request.region,
      credentials: request.credentials,
      maxAttempts: 1,  // a test sees the first answer, never a retried one
    });
    try {
      const { $metadata, ...output } = await clients[service].send(new Command(input ?? {}));
      results.push({ ok: true, status: $metadata.httpStatusCode, output });
    } catch (error) {
      results.push({ ok: false, name: error.name, status: error.$metadata?.httpStatusCode, message: error.message });
    }
  }
  for (const client of Object.values(clients)) client.destroy();
  return results;
}

try {
  const results = await run(await readStdin());
  process.stdout.write(JSON.stringify(results) + "\n");
} catch (error) {
  process.stderr.write(`client.mjs: ${error.message}\n`);
  process.exit(2);
}

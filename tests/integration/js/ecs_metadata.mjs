// Runs OpenTelemetry's AWS ECS resource detector (@opentelemetry/resource-detector-aws, the
// metadata helper most ECS apps use to label their telemetry) against the task metadata endpoint
// named by ECS_CONTAINER_METADATA_URI_V4, and prints the attributes it found as JSON. The
// detector swallows its own errors (it then finds nothing), so the caller checks what is there.
import { awsEcsDetector } from '@opentelemetry/resource-detector-aws';
import { detectResources } from '@opentelemetry/resources';

const resource = detectResources({ detectors: [awsEcsDetector] });
await resource.waitForAsyncAttributes?.();
process.stdout.write(JSON.stringify(resource.attributes));

/**
 * The demo shop's services: who they are, what they run on, and the OTLP resources and
 * instrumentation scopes their spans carry. Built once per generator; the Resource and Scope
 * objects are shared by every span batch the generator returns, so treat them as read-only.
 */

import type { KeyValue, Resource, Scope } from '../model/index.js';
import { Prng } from './prng.js';
import type { Endpoint } from './shop-attributes.js';
import { int, str } from './shop-attributes.js';

export type Language = 'nodejs' | 'go' | 'java' | 'python' | 'dotnet' | 'ruby' | 'cpp';

/**
 * Which HTTP semantic conventions a service's instrumentation emits: `old` (`http.method`,
 * `http.status_code`, `net.peer.name`), `new` (stable: `http.request.method`,
 * `http.response.status_code`, `server.address`), or `dup` (both, as with
 * `OTEL_SEMCONV_STABILITY_OPT_IN=http/dup`).
 */
export type HttpConvention = 'old' | 'new' | 'dup';

/** The instrumentation libraries a span can come from. */
export type ScopeRole = 'http' | 'httpClient' | 'grpc' | 'pg' | 'redis' | 'kafka' | 'manual';

export interface ServiceNode {
  /** Position in `Shop.all`. */
  readonly index: number;
  readonly name: string;
  readonly language: Language;
  readonly conv: HttpConvention;
  /** How other services reach it: its Kubernetes DNS name and port. */
  readonly endpoint: Endpoint;
  /** One resource per replica (pod). */
  readonly resources: readonly Resource[];
  readonly scopes: Readonly<Record<ScopeRole, Scope>>;
}

export interface Shop {
  readonly frontend: ServiceNode;
  readonly gateway: ServiceNode;
  readonly auth: ServiceNode;
  readonly catalog: ServiceNode;
  readonly recommendation: ServiceNode;
  readonly cart: ServiceNode;
  readonly checkout: ServiceNode;
  readonly payment: ServiceNode;
  readonly currency: ServiceNode;
  readonly inventory: ServiceNode;
  readonly shipping: ServiceNode;
  readonly email: ServiceNode;
  readonly all: readonly ServiceNode[];
}

interface ServiceDef {
  readonly key: Exclude<keyof Shop, 'all'>;
  readonly name: string;
  readonly version: string;
  readonly language: Language;
  readonly conv: HttpConvention;
  readonly port: number;
  readonly replicas: number;
}

const SERVICES: readonly ServiceDef[] = [
  {
    key: 'frontend',
    name: 'frontend',
    version: '2.14.0',
    language: 'nodejs',
    conv: 'dup',
    port: 3000,
    replicas: 3,
  },
  {
    key: 'gateway',
    name: 'api-gateway',
    version: '1.9.3',
    language: 'go',
    conv: 'old',
    port: 8080,
    replicas: 2,
  },
  {
    key: 'auth',
    name: 'auth',
    version: '3.2.1',
    language: 'go',
    conv: 'old',
    port: 9090,
    replicas: 2,
  },
  {
    key: 'catalog',
    name: 'catalog',
    version: '1.22.0',
    language: 'go',
    conv: 'old',
    port: 9090,
    replicas: 3,
  },
  {
    key: 'recommendation',
    name: 'recommendation',
    version: '0.9.4',
    language: 'python',
    conv: 'new',
    port: 9090,
    replicas: 2,
  },
  {
    key: 'cart',
    name: 'cart',
    version: '4.1.0',
    language: 'dotnet',
    conv: 'new',
    port: 9090,
    replicas: 2,
  },
  {
    key: 'checkout',
    name: 'checkout',
    version: '5.3.2',
    language: 'java',
    conv: 'new',
    port: 8080,
    replicas: 2,
  },
  {
    key: 'payment',
    name: 'payment',
    version: '2.7.1',
    language: 'nodejs',
    conv: 'old',
    port: 9090,
    replicas: 2,
  },
  {
    key: 'currency',
    name: 'currency',
    version: '1.4.0',
    language: 'cpp',
    conv: 'new',
    port: 9090,
    replicas: 1,
  },
  {
    key: 'inventory',
    name: 'inventory',
    version: '3.0.5',
    language: 'java',
    conv: 'new',
    port: 9090,
    replicas: 2,
  },
  {
    key: 'shipping',
    name: 'shipping',
    version: '1.12.0',
    language: 'python',
    conv: 'new',
    port: 9090,
    replicas: 1,
  },
  {
    key: 'email',
    name: 'email',
    version: '1.3.7',
    language: 'ruby',
    conv: 'old',
    port: 9090,
    replicas: 1,
  },
];

/** SDK and runtime per language: [sdk version, runtime name, runtime version]. */
const RUNTIMES: Readonly<Record<Language, readonly [string, string, string]>> = {
  nodejs: ['1.30.1', 'nodejs', '20.18.1'],
  go: ['1.33.0', 'go', 'go1.23.4'],
  java: ['1.45.0', 'OpenJDK Runtime Environment', '21.0.5+11-LTS'],
  python: ['1.29.0', 'cpython', '3.12.8'],
  dotnet: ['1.10.0', '.NET', '8.0.11'],
  ruby: ['1.4.1', 'ruby', '3.3.6'],
  cpp: ['1.18.0', '', ''],
};

type ScopeTable = Readonly<Record<Exclude<ScopeRole, 'manual'>, readonly [string, string]>>;

const NODE_SCOPES: ScopeTable = {
  http: ['@opentelemetry/instrumentation-http', '0.57.2'],
  httpClient: ['@opentelemetry/instrumentation-undici', '0.10.1'],
  grpc: ['@opentelemetry/instrumentation-grpc', '0.57.2'],
  pg: ['@opentelemetry/instrumentation-pg', '0.50.0'],
  redis: ['@opentelemetry/instrumentation-ioredis', '0.46.0'],
  kafka: ['@opentelemetry/instrumentation-kafkajs', '0.7.0'],
};
const GO_SCOPES: ScopeTable = {
  http: ['go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', '0.58.0'],
  httpClient: ['go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', '0.58.0'],
  grpc: ['go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc', '0.58.0'],
  pg: ['github.com/exaring/otelpgx', '0.8.0'],
  redis: ['github.com/redis/go-redis/extra/redisotel', '9.7.0'],
  kafka: ['github.com/IBM/sarama/otelsarama', '0.58.0'],
};
const JAVA_SCOPES: ScopeTable = {
  http: ['io.opentelemetry.tomcat-10.0', '2.11.0-alpha'],
  httpClient: ['io.opentelemetry.java-http-client', '2.11.0-alpha'],
  grpc: ['io.opentelemetry.grpc-1.6', '2.11.0-alpha'],
  pg: ['io.opentelemetry.jdbc', '2.11.0-alpha'],
  redis: ['io.opentelemetry.lettuce-5.1', '2.11.0-alpha'],
  kafka: ['io.opentelemetry.kafka-clients-2.6', '2.11.0-alpha'],
};
const PYTHON_SCOPES: ScopeTable = {
  http: ['opentelemetry.instrumentation.flask', '0.50b0'],
  httpClient: ['opentelemetry.instrumentation.requests', '0.50b0'],
  grpc: ['opentelemetry.instrumentation.grpc', '0.50b0'],
  pg: ['opentelemetry.instrumentation.psycopg', '0.50b0'],
  redis: ['opentelemetry.instrumentation.redis', '0.50b0'],
  kafka: ['opentelemetry.instrumentation.confluent_kafka', '0.50b0'],
};
const DOTNET_SCOPES: ScopeTable = {
  http: ['Microsoft.AspNetCore', '8.0.11'],
  httpClient: ['System.Net.Http', '8.0.11'],
  grpc: ['Microsoft.AspNetCore', '8.0.11'],
  pg: ['Npgsql', '8.0.6'],
  redis: ['OpenTelemetry.Instrumentation.StackExchangeRedis', '1.10.0-beta.1'],
  kafka: ['Confluent.Kafka.Extensions.OpenTelemetry', '0.4.0'],
};
const RUBY_SCOPES: ScopeTable = {
  http: ['OpenTelemetry::Instrumentation::Rack', '0.25.0'],
  httpClient: ['OpenTelemetry::Instrumentation::Net::HTTP', '0.22.8'],
  grpc: ['OpenTelemetry::Instrumentation::Grpc', '0.1.1'],
  pg: ['OpenTelemetry::Instrumentation::PG', '0.29.1'],
  redis: ['OpenTelemetry::Instrumentation::Redis', '0.25.7'],
  kafka: ['OpenTelemetry::Instrumentation::RdKafka', '0.4.9'],
};
const CPP_SCOPES: ScopeTable = {
  http: ['opentelemetry-cpp', '1.18.0'],
  httpClient: ['opentelemetry-cpp', '1.18.0'],
  grpc: ['opentelemetry-cpp', '1.18.0'],
  pg: ['opentelemetry-cpp', '1.18.0'],
  redis: ['opentelemetry-cpp', '1.18.0'],
  kafka: ['opentelemetry-cpp', '1.18.0'],
};

const SCOPES: Readonly<Record<Language, ScopeTable>> = {
  nodejs: NODE_SCOPES,
  go: GO_SCOPES,
  java: JAVA_SCOPES,
  python: PYTHON_SCOPES,
  dotnet: DOTNET_SCOPES,
  ruby: RUBY_SCOPES,
  cpp: CPP_SCOPES,
};

/** The nodes of the cluster, as the cloud names them. */
const HOSTS: readonly string[] = [
  'ip-10-0-12-41.eu-west-1.compute.internal',
  'ip-10-0-12-187.eu-west-1.compute.internal',
  'ip-10-0-13-9.eu-west-1.compute.internal',
  'ip-10-0-13-142.eu-west-1.compute.internal',
  'ip-10-0-14-77.eu-west-1.compute.internal',
  'ip-10-0-14-203.eu-west-1.compute.internal',
];

/** The characters Kubernetes uses in generated name suffixes. */
const K8S_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Pod and host names do not depend on the generator's seed: the cluster stays the same. */
const CLUSTER_SEED = 0x5eed;

function k8sSuffix(prng: Prng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += K8S_ALPHABET.charAt(prng.int(K8S_ALPHABET.length));
  return out;
}

function makeScope(name: string, version: string): Scope {
  return { name, version, attributes: [], droppedAttributesCount: 0 };
}

function makeScopes(def: ServiceDef): Record<ScopeRole, Scope> {
  const table = SCOPES[def.language];
  const out = { manual: makeScope(`shop.${def.name}`, def.version) } as Record<ScopeRole, Scope>;
  for (const role of Object.keys(table) as Array<keyof ScopeTable>) {
    const [name, version] = table[role];
    out[role] = makeScope(name, version);
  }
  return out;
}

function runtimeAttributes(language: Language): KeyValue[] {
  const [sdkVersion, runtimeName, runtimeVersion] = RUNTIMES[language];
  const out = [
    str('telemetry.sdk.name', 'opentelemetry'),
    str('telemetry.sdk.language', language),
    str('telemetry.sdk.version', sdkVersion),
  ];
  // The C++ SDK does not detect a process runtime.
  if (runtimeName !== '') {
    out.push(
      str('process.runtime.name', runtimeName),
      str('process.runtime.version', runtimeVersion),
    );
  }
  if (language === 'java')
    out.push(str('telemetry.distro.name', 'opentelemetry-java-instrumentation'));
  return out;
}

function makeResource(def: ServiceDef, prng: Prng, replica: number): Resource {
  const pod = `${def.name}-${k8sSuffix(prng, 9)}-${k8sSuffix(prng, 5)}`;
  const attributes = [
    str('service.name', def.name),
    str('service.version', def.version),
    str('service.namespace', 'shop'),
    str('service.instance.id', `${pod}/${def.name}`),
    str('deployment.environment', 'production'),
    str(
      'host.name',
      HOSTS[(def.port + def.name.length * 7 + replica * 5) % HOSTS.length] as string,
    ),
    str('k8s.namespace.name', 'shop'),
    str('k8s.deployment.name', def.name),
    str('k8s.pod.name', pod),
    str('cloud.provider', 'aws'),
    str('cloud.region', 'eu-west-1'),
    int('process.pid', 1 + prng.int(400)),
    ...runtimeAttributes(def.language),
  ];
  return { attributes, droppedAttributesCount: 0 };
}

function makeService(def: ServiceDef, index: number, prng: Prng): ServiceNode {
  const resources: Resource[] = [];
  for (let r = 0; r < def.replicas; r++) resources.push(makeResource(def, prng, r));
  return {
    index,
    name: def.name,
    language: def.language,
    conv: def.conv,
    endpoint: { scheme: 'http', host: `${def.name}.shop.svc.cluster.local`, port: def.port },
    resources,
    scopes: makeScopes(def),
  };
}

/** Builds the shop's services; the same every time (pod names come from a fixed seed). */
export function buildShop(): Shop {
  const prng = new Prng(CLUSTER_SEED);
  const all = SERVICES.map((def, i) => makeService(def, i, prng));
  const byKey = {} as Record<ServiceDef['key'], ServiceNode>;
  SERVICES.forEach((def, i) => (byKey[def.key] = all[i] as ServiceNode));
  return { ...byKey, all };
}

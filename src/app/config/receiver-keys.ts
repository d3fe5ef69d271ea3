/**
 * Keys of `distributor.receivers`, which Tempo hands to the OpenTelemetry Collector's receivers
 * (otlp, jaeger, zipkin; opencensus and kafka are Tempo receivers Vivace does not have).
 * Data table. Server settings follow the Collector's `configgrpc.ServerConfig`,
 * `confighttp.ServerConfig` and the Jaeger receiver's UDP server settings.
 */

import type { KeySection } from './key-tree.js';

const L = 'leaf';
const M = 'map';
const A = 'list';
const X = 'any';

const GRPC_SERVER: KeySection = {
  auth: X,
  dialer: X,
  endpoint: L,
  include_metadata: L,
  keepalive: X,
  max_concurrent_streams: L,
  max_recv_msg_size_mib: L,
  middlewares: A,
  read_buffer_size: L,
  tls: X,
  transport: L,
  write_buffer_size: L,
};

const HTTP_SERVER: KeySection = {
  auth: X,
  compression_algorithms: A,
  cors: X,
  endpoint: L,
  idle_timeout: L,
  include_metadata: L,
  keep_alives_enabled: L,
  max_request_body_size: L,
  middlewares: A,
  read_header_timeout: L,
  read_timeout: L,
  response_headers: M,
  tls: X,
  write_timeout: L,
};

const UDP_SERVER: KeySection = {
  endpoint: L,
  max_packet_size: L,
  queue_size: L,
  socket_buffer_size: L,
  workers: L,
};

export const RECEIVER_KEYS: KeySection = {
  jaeger: {
    protocols: {
      grpc: GRPC_SERVER,
      thrift_binary: UDP_SERVER,
      thrift_compact: UDP_SERVER,
      thrift_http: HTTP_SERVER,
    },
    remote_sampling: X,
  },
  kafka: X,
  opencensus: X,
  otlp: {
    protocols: {
      grpc: GRPC_SERVER,
      http: { ...HTTP_SERVER, logs_url_path: L, metrics_url_path: L, traces_url_path: L },
    },
  },
  zipkin: { ...HTTP_SERVER, parse_string_tags: L },
};

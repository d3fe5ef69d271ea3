/**
 * Jaeger agent receivers on UDP: each datagram is one `Agent.emitBatch` call, in the compact
 * (6831) or binary (6832) thrift protocol. Nothing is answered (the protocol is one-way): a
 * datagram that is malformed or refused is counted by reason and logged, at most once a minute
 * per reason, and the receiver goes on.
 */
import { createSocket, type Socket } from 'node:dgram';
import { VivaceError, SINGLE_TENANT, type SpanSink } from '../../model/index.js';

export interface JaegerUdpOptions {
  sink: SpanSink;
  protocol: 'compact' | 'binary';
  /** Longest datagram accepted; the kernel cuts longer ones, which then fail to decode. */
  maxPacketBytes: number;
  /** Multi-tenancy needs `X-Scope-OrgID`, which UDP cannot carry: datagrams are then refused. */
  multitenancy: boolean;
  /** Counts a datagram that was not taken, by reason (an error code, or `multitenancy`). */
  refused: (receiver: string, reason: string) => void;
  log: (msg: string, err?: unknown) => void;
}

const LOG_EVERY_MS = 60_000;

/** A running UDP receiver. */
export interface JaegerUdpReceiver {
  port: number;
  close(): Promise<void>;
}

/** Binds the receiver and starts taking datagrams. */
export async function startJaegerUdp(
  host: string,
  port: number,
  opts: JaegerUdpOptions,
): Promise<JaegerUdpReceiver> {
  const receiver = `jaeger_thrift_${opts.protocol}`;
  const format = opts.protocol === 'compact' ? 'jaeger-agent-compact' : 'jaeger-agent-binary';
  const socket: Socket = createSocket({
    type: host.includes(':') ? 'udp6' : 'udp4',
    recvBufferSize: 4 * 1024 * 1024,
  });
  const lastLogged = new Map<string, number>();
  const refuse = (reason: string, message: string, err?: unknown) => {
    opts.refused(receiver, reason);
    const now = Date.now();
    if (now - (lastLogged.get(reason) ?? 0) < LOG_EVERY_MS) return;
    lastLogged.set(reason, now);
    opts.log(`Jaeger ${opts.protocol} UDP: datagram dropped: ${message}`, err);
  };
  socket.on('message', (msg, rinfo) => {
    if (rinfo.size > opts.maxPacketBytes) {
      refuse('too_large', `${rinfo.size} bytes is over max_packet_size (${opts.maxPacketBytes})`);
      return;
    }
    if (opts.multitenancy) {
      refuse('multitenancy', 'multi-tenancy is on and UDP cannot carry X-Scope-OrgID');
      return;
    }
    opts.sink.pushRaw(SINGLE_TENANT, { format, body: msg, receiver }).then(
      () => undefined,
      (err: unknown) => {
        if (err instanceof VivaceError) refuse(err.code, err.message);
        else refuse('internal', 'unexpected error', err);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', (err) => opts.log(`Jaeger ${opts.protocol} UDP socket error`, err));
  return {
    port: socket.address().port,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/**
 * The checkout: the biggest trace of the shop. The checkout service loads the customer and the
 * cart, prices every item (one call per item), quotes shipping, reserves stock, charges the card
 * through the payment service (which asks the uninstrumented fraud-check service), stores the
 * order, and publishes an `order-events` message that the email and inventory services consume.
 */

import type { Span } from '../model/index.js';
import type { Endpoint } from './shop-attributes.js';
import type { Handler, Step } from './shop-calls.js';
import type { Outcome } from './shop-faults.js';
import type { ServiceNode } from './shop-services.js';
import type { Visit } from './shop-flows.js';
import type { TraceBuilder } from './trace-builder.js';
import { bool, dbl, int, kafkaAttributes, rpc, str } from './shop-attributes.js';
import { convert, emptyCart, getCart, getProduct, priceOf } from './shop-backends.js';
import { grpcCall, httpCall, leaf, peerCall, pgQuery, sequence, within } from './shop-calls.js';
import { EXCEPTIONS, failed, ok } from './shop-faults.js';
import { request, userOf, webRequest } from './shop-flows.js';
import { KIND } from './trace-builder.js';

/** Share of charges whose fraud check takes over a second, and whose fraud check times out. */
export const SLOW_FRAUD_CHECK_RATE = 0.05;
export const FRAUD_TIMEOUT_RATE = 0.015;
/** Share of charges the card issuer declines, and of reservations that find too little stock. */
export const DECLINE_RATE = 0.03;
export const OUT_OF_STOCK_RATE = 0.02;

const GET_QUOTE = rpc('shop.shipping.v1.ShippingService', 'GetQuote');
const RESERVE = rpc('shop.inventory.v1.InventoryService', 'ReserveStock');
const CHARGE = rpc('shop.payment.v1.PaymentService', 'Charge');
const TOPIC = 'order-events';
const FRAUD_CHECK: Endpoint = { scheme: 'https', host: 'fraud-check.risk.internal', port: 443 };
const CARD_TYPES: readonly string[] = ['visa', 'visa', 'mastercard', 'amex'];

const SELECT_CUSTOMER = 'SELECT id, email, name, address_id FROM users WHERE id = ?';
const RESERVE_SQL =
  'UPDATE inventory SET available = available - ? WHERE product_id = ? AND available >= ?';
const LOCK_SQL = 'SELECT product_id, available FROM inventory WHERE product_id = ? FOR UPDATE';
const INSERT_PAYMENT =
  'INSERT INTO payments (id, order_id, amount_cents, status) VALUES ($1, $2, $3, $4)';
const INSERT_ORDER =
  'INSERT INTO orders (id, user_id, total_cents, currency, status) VALUES (?, ?, ?, ?, ?)';
const INSERT_LEDGER = 'INSERT INTO stock_ledger (order_id, product_id, delta) VALUES (?, ?, ?)';

interface Order {
  readonly id: string;
  readonly user: string;
  readonly items: readonly string[];
  readonly currency: string;
  /** Total in USD. */
  readonly amount: number;
}

function makeOrder(b: TraceBuilder, v: Visit): Order {
  let cents = 0;
  for (const id of v.productIds) cents += Math.round(priceOf(id) * 100);
  return {
    id: `ord-${b.prng.hex32()}`,
    user: userOf(v),
    items: v.productIds,
    currency: v.currency,
    amount: cents / 100,
  };
}

/** A checkout from the browser's click to the order's confirmation page. */
export function checkoutFlow(b: TraceBuilder, v: Visit, at: number): Outcome {
  const s = b.shop;
  const order = makeOrder(b, v);
  const page = request('POST', '/checkout', '/checkout');
  const api = request('POST', '/api/checkout', '/api/checkout');
  const place = request('POST', '/api/v1/orders', '/api/v1/orders');
  const attrs = [
    str('user.id', order.user),
    str('app.order.id', order.id),
    int('app.order.items', order.items.length),
  ];
  attrs.push(dbl('app.order.amount', order.amount));
  return webRequest(
    b,
    v,
    { page, api, view: 'order-confirmation', authenticate: true },
    at,
    (gw, t) =>
      httpCall(b, gw, s.gateway, s.checkout, place, 'Go-http-client/1.1', t, (server, t2) =>
        within(
          b,
          server,
          s.checkout,
          'OrderService.placeOrder',
          t2,
          (span, t3) => placeOrder(b, order, span, t3),
          attrs,
        ),
      ),
  );
}

function placeOrder(b: TraceBuilder, order: Order, span: Span, at: number): Outcome {
  const co = b.shop.checkout;
  const steps: Step[] = [
    (t) => pgQuery(b, span, co, 'SELECT', 'users', SELECT_CUSTOMER, t),
    (t) => getCart(b, span, co, order.user, t, 0.002),
  ];
  for (const id of order.items) steps.push((t) => getProduct(b, span, co, id, t));
  if (order.currency !== 'USD') steps.push((t) => convert(b, span, co, order.currency, t));
  steps.push(
    (t) => quoteShipping(b, span, order, t),
    (t) => reserveStock(b, span, order, t),
    (t) => charge(b, span, order, t),
    (t) => pgQuery(b, span, co, 'INSERT', 'orders', INSERT_ORDER, t),
    (t) => publishOrder(b, span, order, t),
    (t) => emptyCart(b, span, co, order.user, t),
  );
  const result = sequence(b, at, steps);
  if (result.fault === 'declined' || result.fault === 'unavailable') {
    b.fail(span, result.end, EXCEPTIONS.paymentFailed.message, EXCEPTIONS.paymentFailed);
  } else if (result.fault !== undefined) {
    b.fail(span, result.end, result.message);
  }
  return result;
}

function quoteShipping(b: TraceBuilder, parent: Span, order: Order, at: number): Outcome {
  const svc = b.shop.shipping;
  return grpcCall(b, parent, b.shop.checkout, svc, GET_QUOTE, at, (server, t) => {
    server.attributes.push(str('app.order.id', order.id));
    const cost = Math.round((4.9 + order.items.length * 1.25) * 100) / 100;
    return leaf(b, server, svc, 'calculate-rates', t, b.work(3), [dbl('app.shipping.cost', cost)]);
  });
}

function reserveStock(b: TraceBuilder, parent: Span, order: Order, at: number): Outcome {
  const svc = b.shop.inventory;
  return grpcCall(b, parent, b.shop.checkout, svc, RESERVE, at, (server, t) => {
    server.attributes.push(
      str('app.order.id', order.id),
      int('app.order.items', order.items.length),
    );
    if (!b.prng.chance(OUT_OF_STOCK_RATE))
      return pgQuery(b, server, svc, 'UPDATE', 'inventory', RESERVE_SQL, t);
    const locked = pgQuery(b, server, svc, 'SELECT', 'inventory', LOCK_SQL, t);
    b.recordException(server, locked.end, EXCEPTIONS.outOfStock);
    return failed(locked.end, 'conflict', EXCEPTIONS.outOfStock.message);
  });
}

function charge(b: TraceBuilder, parent: Span, order: Order, at: number): Outcome {
  const svc = b.shop.payment;
  return grpcCall(b, parent, b.shop.checkout, svc, CHARGE, at, (server, t) => {
    const attrs = [
      str('user.id', order.user),
      str('app.order.id', order.id),
      dbl('app.payment.amount', order.amount),
      str('app.payment.currency', 'USD'),
      str('app.payment.card_type', b.prng.pick(CARD_TYPES)),
      bool('app.payment.three_d_secure', b.prng.chance(0.3)),
    ];
    return within(b, server, svc, 'Charge', t, (span, t2) => chargeCard(b, span, t2), attrs);
  });
}

/** The `Charge` span's work: fraud check (sometimes slow, rarely timing out), then the payment row. */
function chargeCard(b: TraceBuilder, span: Span, at: number): Outcome {
  const svc = b.shop.payment;
  const score = request('POST', '/v2/score', '/v2/score');
  const roll = b.prng.float();
  if (roll < FRAUD_TIMEOUT_RATE) {
    const end = at + 3_000_000_000 + b.work(0.5);
    peerCall(b, span, svc, 'fraud-check', FRAUD_CHECK, score, at, end - at, 0);
    b.fail(span, end, EXCEPTIONS.fraudTimeout.message, EXCEPTIONS.fraudTimeout);
    return failed(end, 'unavailable', 'fraud check timed out');
  }
  const slow = roll < FRAUD_TIMEOUT_RATE + SLOW_FRAUD_CHECK_RATE;
  const duration = slow ? b.work(1_400, 0.2) : b.work(45, 0.5);
  peerCall(b, span, svc, 'fraud-check', FRAUD_CHECK, score, at, duration, 200);
  const t = at + duration + b.gap();
  if (b.prng.chance(DECLINE_RATE)) {
    b.fail(span, t, EXCEPTIONS.cardDeclined.message, EXCEPTIONS.cardDeclined);
    return failed(t, 'declined', EXCEPTIONS.cardDeclined.message);
  }
  span.statusCode = 1;
  return pgQuery(b, span, svc, 'INSERT', 'payments', INSERT_PAYMENT, t);
}

/** Publishes the order; its consumers run asynchronously, possibly after the producer span ends. */
function publishOrder(b: TraceBuilder, parent: Span, order: Order, at: number): Outcome {
  const co = b.shop.checkout;
  const partition = b.prng.int(b.kafkaOffsets.length);
  const attrs = kafkaAttributes(TOPIC, 'publish', order.id, partition);
  attrs.push(
    int('messaging.message.body.size', b.prng.range(280, 900)),
    str('messaging.client_id', 'checkout-producer-1'),
  );
  const producer = b.span(parent, co, 'kafka', `${TOPIC} publish`, KIND.producer, at, attrs);
  const end = at + b.work(1.2, 0.5);
  b.end(producer, end);
  const offset = b.kafkaOffsets[partition] ?? 0;
  b.kafkaOffsets[partition] = offset + 1;
  const consume = (svc: ServiceNode, group: string, lagMs: number, work: Handler): void =>
    consumeOrder(
      b,
      producer,
      svc,
      { group, partition, offset, order },
      end + b.work(lagMs, 0.8),
      work,
    );
  consume(b.shop.email, 'email-sender', 12, (span, t) => sendConfirmation(b, span, t));
  consume(b.shop.inventory, 'inventory-ledger', 6, (span, t) =>
    pgQuery(b, span, b.shop.inventory, 'INSERT', 'stock_ledger', INSERT_LEDGER, t),
  );
  return ok(end);
}

interface Delivery {
  readonly group: string;
  readonly partition: number;
  readonly offset: number;
  readonly order: Order;
}

/** The message processed by one consumer group: a consumer span linked to its producer. */
function consumeOrder(
  b: TraceBuilder,
  producer: Span,
  svc: ServiceNode,
  d: Delivery,
  at: number,
  work: Handler,
): void {
  const attrs = kafkaAttributes(TOPIC, 'process', d.order.id, d.partition);
  attrs.push(str('messaging.consumer.group.name', d.group));
  attrs.push(int('messaging.kafka.message.offset', d.offset));
  const span = b.span(producer, svc, 'kafka', `${TOPIC} process`, KIND.consumer, at, attrs);
  b.link(span, producer);
  const result = work(span, at + b.gap());
  b.end(span, result.end + b.gap());
}

/** The email service renders the confirmation and hands it to the (uninstrumented) SMTP relay. */
function sendConfirmation(b: TraceBuilder, parent: Span, at: number): Outcome {
  const svc = b.shop.email;
  const rendered = leaf(b, parent, svc, 'render order-confirmation', at, b.work(4));
  const t = rendered.end + b.gap();
  const attrs = [
    str('peer.service', 'smtp-relay'),
    str('server.address', 'smtp.sendgrid.net'),
    int('server.port', 587),
    str('network.transport', 'tcp'),
  ];
  const smtp = b.span(parent, svc, 'manual', 'smtp send', KIND.client, t, attrs);
  const end = t + b.work(110, 0.4);
  b.end(smtp, end);
  return ok(end);
}

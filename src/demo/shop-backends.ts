/**
 * The shop's backend services as callers see them: each function makes the gRPC call from
 * `from` and plays the callee's part (its cache and database work, its failures).
 */

import type { Span } from '../model/index.js';
import type { Outcome } from './shop-faults.js';
import type { ServiceNode } from './shop-services.js';
import type { TraceBuilder } from './trace-builder.js';
import { dbl, int, rpc, str } from './shop-attributes.js';
import { grpcCall, leaf, parallel, pgQuery, redisCommand, sequence } from './shop-calls.js';
import { EXCEPTIONS, failed, ok } from './shop-faults.js';
import { KIND } from './trace-builder.js';

const VALIDATE_TOKEN = rpc('shop.auth.v1.AuthService', 'ValidateToken');
const LOGIN = rpc('shop.auth.v1.AuthService', 'Login');
const LIST_PRODUCTS = rpc('shop.catalog.v1.CatalogService', 'ListProducts');
const GET_PRODUCT = rpc('shop.catalog.v1.CatalogService', 'GetProduct');
const LIST_RECOMMENDATIONS = rpc(
  'shop.recommendation.v1.RecommendationService',
  'ListRecommendations',
);
const GET_STOCK = rpc('shop.inventory.v1.InventoryService', 'GetStock');
const CONVERT = rpc('shop.currency.v1.CurrencyService', 'Convert');
const GET_CART = rpc('shop.cart.v1.CartService', 'GetCart');
const ADD_ITEM = rpc('shop.cart.v1.CartService', 'AddItem');
const EMPTY_CART = rpc('shop.cart.v1.CartService', 'EmptyCart');
const GET_SHIPMENT = rpc('shop.shipping.v1.ShippingService', 'GetShipmentStatus');

const SELECT_USER = 'SELECT id, email, password_hash, address_id FROM users WHERE id = $1';
const SELECT_PRODUCT = 'SELECT id, name, price_cents, currency FROM products WHERE id = $1';
const SELECT_FEATURED =
  'SELECT id, name, price_cents, currency FROM products WHERE featured ORDER BY rank LIMIT $1';
const SELECT_STOCK = 'SELECT product_id, available FROM inventory WHERE product_id = $1';

/** Checks a logged-in user's session token: Redis first, the users table on a miss. */
export function validateToken(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  userId: string,
  at: number,
): Outcome {
  const svc = b.shop.auth;
  return grpcCall(b, parent, from, svc, VALIDATE_TOKEN, at, (server, t) => {
    server.attributes.push(str('user.id', userId));
    const hit = b.prng.chance(0.85);
    const cached = redisCommand(b, server, svc, 'GET', `session:${userId}`, t, hit);
    if (hit) return cached;
    const loaded = pgQuery(b, server, svc, 'SELECT', 'users', SELECT_USER, cached.end + b.gap());
    if (b.prng.chance(0.01)) return failed(loaded.end, 'unauthenticated', 'session expired');
    return loaded;
  });
}

/** A login: the user row, a password check, and a new session in Redis. */
export function login(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  userId: string,
  at: number,
): Outcome {
  const svc = b.shop.auth;
  return grpcCall(b, parent, from, svc, LOGIN, at, (server, t) => {
    server.attributes.push(str('user.id', userId));
    const loaded = pgQuery(b, server, svc, 'SELECT', 'users', SELECT_USER, t);
    const check = leaf(b, server, svc, 'bcrypt.compare', loaded.end + b.gap(), b.work(55, 0.2));
    if (b.prng.chance(0.06)) {
      b.fail(server, check.end, 'invalid credentials', EXCEPTIONS.invalidPassword);
      return failed(check.end, 'unauthenticated', 'invalid credentials');
    }
    return redisCommand(b, server, svc, 'SET', `session:${userId}`, check.end + b.gap());
  });
}

/** The featured products, cached in Redis for a minute. */
export function listProducts(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  at: number,
): Outcome {
  const svc = b.shop.catalog;
  return grpcCall(b, parent, from, svc, LIST_PRODUCTS, at, (server, t) => {
    const hit = b.prng.chance(0.7);
    const cached = redisCommand(b, server, svc, 'GET', 'products:featured', t, hit);
    if (hit) return cached;
    return sequence(b, cached.end + b.gap(), [
      (t2) => pgQuery(b, server, svc, 'SELECT', 'products', SELECT_FEATURED, t2),
      (t2) => redisCommand(b, server, svc, 'SET', 'products:featured', t2),
    ]);
  });
}

/** One product; `missingRate` is the chance it no longer exists (a stale link). */
export function getProduct(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  productId: string,
  at: number,
  missingRate = 0,
): Outcome {
  const svc = b.shop.catalog;
  return grpcCall(b, parent, from, svc, GET_PRODUCT, at, (server, t) => {
    server.attributes.push(str('app.product.id', productId));
    const hit = b.prng.chance(0.75);
    let result = redisCommand(b, server, svc, 'GET', `product:${productId}`, t, hit);
    if (!hit)
      result = pgQuery(b, server, svc, 'SELECT', 'products', SELECT_PRODUCT, result.end + b.gap());
    if (b.prng.chance(missingRate))
      return failed(result.end, 'not_found', `product ${productId} not found`);
    server.attributes.push(dbl('app.product.price', priceOf(productId)));
    return result;
  });
}

/** A product's price in USD, fixed per product. */
export function priceOf(productId: string): number {
  let h = 7;
  for (let i = 0; i < productId.length; i++) h = (h * 31 + productId.charCodeAt(i)) % 100_003;
  return Math.round(499 + (h % 24_000)) / 100;
}

/** Recommendations: a scoring pass (a legacy span with no kind) and a Redis lookup. */
export function recommendations(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  at: number,
): Outcome {
  const svc = b.shop.recommendation;
  return grpcCall(b, parent, from, svc, LIST_RECOMMENDATIONS, at, (server, t) => {
    const candidates = b.prng.range(20, 400);
    const attrs = [
      int('app.recommendation.candidates', candidates),
      dbl('app.recommendation.top_score', 0.5 + b.prng.float() / 2),
    ];
    const scored = leaf(
      b,
      server,
      svc,
      'compute-scores',
      t,
      b.work(6, 0.6),
      attrs,
      KIND.unspecified,
    );
    return redisCommand(b, server, svc, 'MGET', 'reco:similar', scored.end + b.gap(), true);
  });
}

/** Stock of one product. */
export function getStock(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  productId: string,
  at: number,
): Outcome {
  const svc = b.shop.inventory;
  return grpcCall(b, parent, from, svc, GET_STOCK, at, (server, t) => {
    server.attributes.push(str('app.product.id', productId));
    return pgQuery(b, server, svc, 'SELECT', 'inventory', SELECT_STOCK, t);
  });
}

/** A price conversion from USD; the currency service does it in memory. */
export function convert(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  currency: string,
  at: number,
): Outcome {
  return grpcCall(b, parent, from, b.shop.currency, CONVERT, at, (server, t) => {
    server.attributes.push(str('app.currency.from', 'USD'), str('app.currency.to', currency));
    return ok(t + b.work(0.08, 0.4));
  });
}

/** The user's cart; `timeoutRate` is the chance Redis times out. */
export function getCart(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  userId: string,
  at: number,
  timeoutRate: number,
): Outcome {
  const svc = b.shop.cart;
  return grpcCall(b, parent, from, svc, GET_CART, at, (server, t) => {
    server.attributes.push(str('user.id', userId));
    return redisCommand(
      b,
      server,
      svc,
      'HGETALL',
      `cart:${userId}`,
      t,
      undefined,
      b.prng.chance(timeoutRate),
    );
  });
}

/** Adds an item to the user's cart (read, then write). */
export function addItem(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  userId: string,
  at: number,
): Outcome {
  const svc = b.shop.cart;
  return grpcCall(b, parent, from, svc, ADD_ITEM, at, (server, t) => {
    server.attributes.push(str('user.id', userId), int('app.cart.quantity', b.prng.range(1, 3)));
    const timeout = b.prng.chance(0.006);
    return sequence(b, t, [
      (t2) => redisCommand(b, server, svc, 'HGETALL', `cart:${userId}`, t2, undefined, timeout),
      (t2) => redisCommand(b, server, svc, 'HSET', `cart:${userId}`, t2),
    ]);
  });
}

export function emptyCart(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  userId: string,
  at: number,
): Outcome {
  const svc = b.shop.cart;
  return grpcCall(b, parent, from, svc, EMPTY_CART, at, (server, t) => {
    server.attributes.push(str('user.id', userId));
    return redisCommand(b, server, svc, 'DEL', `cart:${userId}`, t);
  });
}

/** Where the user's latest order is. */
export function shipmentStatus(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  orderId: string,
  at: number,
): Outcome {
  const svc = b.shop.shipping;
  return grpcCall(b, parent, from, svc, GET_SHIPMENT, at, (server, t) => {
    server.attributes.push(str('app.order.id', orderId));
    return redisCommand(b, server, svc, 'GET', `shipment:${orderId}`, t, true);
  });
}

/** Product details for a list of items, fetched concurrently. */
export function getProducts(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  productIds: readonly string[],
  at: number,
): Outcome {
  return parallel(
    b,
    at,
    productIds.map((id) => (t: number) => getProduct(b, parent, from, id, t)),
  );
}

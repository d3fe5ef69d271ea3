/**
 * The shop's traces, one function per kind of visit. Each starts at `at` (ns from the trace's
 * base) and makes a whole trace with exactly one root span.
 */

import type { Span } from '../model/index.js';
import type { Endpoint, HttpRequest } from './shop-attributes.js';
import type { Handler, Step } from './shop-calls.js';
import type { Outcome } from './shop-faults.js';
import type { TraceBuilder } from './trace-builder.js';
import { httpServerAttributes, int, str, strArray } from './shop-attributes.js';
import {
  addItem,
  convert,
  getCart,
  getProduct,
  getProducts,
  getStock,
  listProducts,
  login,
  recommendations,
  shipmentStatus,
  validateToken,
} from './shop-backends.js';
import {
  endHttpServer,
  httpCall,
  leaf,
  parallel,
  peerCall,
  pgQuery,
  sequence,
} from './shop-calls.js';
import { EXCEPTIONS, failed, ok, relay } from './shop-faults.js';
import { KIND } from './trace-builder.js';

/** Who is visiting and with what browser. */
export interface Visit {
  /** `u-<n>`, or undefined for an anonymous visitor. */
  readonly userId: string | undefined;
  readonly userAgent: string;
  readonly accept: readonly string[];
  readonly currency: string;
  /** Products the visit is about (the page's product, the cart's items). */
  readonly productIds: readonly string[];
}

/** The public address of the shop, as the frontend sees itself. */
const PUBLIC: Endpoint = { scheme: 'https', host: 'shop.example.com', port: 443 };

export function request(method: string, route: string, path: string): HttpRequest {
  return { method, route, path };
}

/** A user in a cart or checkout flow: those always log in first. */
export function userOf(v: Visit): string {
  return v.userId ?? 'u-1';
}

function firstProduct(v: Visit): string {
  return v.productIds[0] ?? 'p-0001';
}

interface WebRequest {
  readonly page: HttpRequest;
  readonly api: HttpRequest;
  /** The template the frontend renders on success, if any. */
  readonly view: string | undefined;
  /** Whether the gateway checks the session first (every call of a logged-in user but login). */
  readonly authenticate: boolean;
}

/**
 * A browser request: the frontend's server span (the trace's root) calls the API gateway, which
 * validates the session and runs `handler`; the frontend then renders the page.
 */
export function webRequest(
  b: TraceBuilder,
  v: Visit,
  req: WebRequest,
  at: number,
  handler: Handler,
): Outcome {
  const s = b.shop;
  const attrs = httpServerAttributes(s.frontend.conv, req.page, PUBLIC, v.userAgent);
  attrs.push(strArray('http.request.header.accept', v.accept));
  if (v.userId !== undefined) attrs.push(str('user.id', v.userId));
  const name = `${req.page.method} ${req.page.route}`;
  const root = b.span(undefined, s.frontend, 'http', name, KIND.server, at, attrs);
  const t = at + b.work(0.3);
  const api = b.prng.chance(0.003)
    ? hangUp(b, root, req.api, t)
    : httpCall(b, root, s.frontend, s.gateway, req.api, v.userAgent, t, (gw, t2) =>
        atGateway(b, v, req.authenticate, gw, t2, handler),
      );
  let end = api.end + b.gap();
  if (api.fault === undefined && req.view !== undefined) {
    end = leaf(b, root, s.frontend, `render ${req.view}`, end, b.work(2.5, 0.7)).end + b.gap();
  }
  endHttpServer(b, root, s.frontend.conv, api, end);
  return relay(api, end);
}

/** The gateway's connection was reset before it answered (a pod being replaced). */
function hangUp(b: TraceBuilder, root: Span, api: HttpRequest, at: number): Outcome {
  const s = b.shop;
  const end = at + b.work(4);
  const client = peerCall(
    b,
    root,
    s.frontend,
    'api-gateway',
    s.gateway.endpoint,
    api,
    at,
    end - at,
    0,
  );
  b.fail(client, end, EXCEPTIONS.socketHangUp.message, EXCEPTIONS.socketHangUp);
  return failed(end, 'unavailable', 'socket hang up');
}

function atGateway(
  b: TraceBuilder,
  v: Visit,
  authenticate: boolean,
  gw: Span,
  at: number,
  handler: Handler,
): Outcome {
  if (v.userId === undefined || !authenticate) return handler(gw, at);
  gw.attributes.push(str('user.id', v.userId));
  const auth = validateToken(b, gw, b.shop.gateway, v.userId, at);
  if (auth.fault !== undefined) return auth;
  return handler(gw, auth.end + b.gap());
}

/** The home page: featured products and recommendations, fetched concurrently. */
export function homeFlow(b: TraceBuilder, v: Visit, at: number): Outcome {
  const gw = b.shop.gateway;
  const req = {
    page: request('GET', '/', '/'),
    api: request('GET', '/api/products/featured', '/api/products/featured'),
  };
  return webRequest(b, v, { ...req, view: 'home', authenticate: true }, at, (server, t) =>
    parallel(b, t, [
      (t2) => listProducts(b, server, gw, t2),
      (t2) => recommendations(b, server, gw, t2),
    ]),
  );
}

/** A product page: the product, then its stock, recommendations and local price concurrently. */
export function productFlow(b: TraceBuilder, v: Visit, at: number): Outcome {
  const gw = b.shop.gateway;
  const id = firstProduct(v);
  const page = request('GET', '/product/:id', `/product/${id}`);
  const api = request('GET', '/api/products/{id}', `/api/products/${id}`);
  return webRequest(b, v, { page, api, view: 'product', authenticate: true }, at, (server, t) => {
    const product = getProduct(b, server, gw, id, t, 0.02);
    if (product.fault !== undefined) return product;
    // The gateway caches recommendations per product for a while.
    const steps = [(t2: number) => getStock(b, server, gw, id, t2)];
    if (b.prng.chance(0.5)) steps.push((t2) => recommendations(b, server, gw, t2));
    if (v.currency !== 'USD') steps.push((t2) => convert(b, server, gw, v.currency, t2));
    return parallel(b, product.end + b.gap(), steps);
  });
}

/** Adding a product to the cart: product, stock, then the cart itself. */
export function addToCartFlow(b: TraceBuilder, v: Visit, at: number): Outcome {
  const gw = b.shop.gateway;
  const id = firstProduct(v);
  const user = userOf(v);
  const req = {
    page: request('POST', '/cart', '/cart'),
    api: request('POST', '/api/cart/items', '/api/cart/items'),
  };
  return webRequest(b, v, { ...req, view: undefined, authenticate: true }, at, (server, t) =>
    sequence(b, t, [
      (t2) => getProduct(b, server, gw, id, t2),
      (t2) => getStock(b, server, gw, id, t2),
      (t2) => addItem(b, server, gw, user, t2),
    ]),
  );
}

/** The cart page: the cart, the details of each item, and prices in the user's currency. */
export function viewCartFlow(b: TraceBuilder, v: Visit, at: number): Outcome {
  const gw = b.shop.gateway;
  const user = userOf(v);
  const req = {
    page: request('GET', '/cart', '/cart'),
    api: request('GET', '/api/cart', '/api/cart'),
  };
  return webRequest(b, v, { ...req, view: 'cart', authenticate: true }, at, (server, t) => {
    const steps = [
      (t2: number) => getCart(b, server, gw, user, t2, 0.004),
      (t2: number) => getProducts(b, server, gw, v.productIds, t2),
    ];
    if (v.currency !== 'USD') steps.push((t2) => convert(b, server, gw, v.currency, t2));
    return sequence(b, t, steps);
  });
}

/** A login form post. */
export function loginFlow(b: TraceBuilder, v: Visit, at: number): Outcome {
  const user = userOf(v);
  const req = {
    page: request('POST', '/login', '/login'),
    api: request('POST', '/api/login', '/api/login'),
  };
  return webRequest(b, v, { ...req, view: undefined, authenticate: false }, at, (server, t) =>
    login(b, server, b.shop.gateway, user, t),
  );
}

/** The order history: the checkout service's orders API and the latest shipment's status. */
export function ordersFlow(b: TraceBuilder, v: Visit, at: number): Outcome {
  const s = b.shop;
  const user = userOf(v);
  const orderId = `ord-${b.prng.hex32()}`;
  const req = {
    page: request('GET', '/account/orders', '/account/orders'),
    api: request('GET', '/api/orders', '/api/orders'),
  };
  const orders = request('GET', '/api/v1/orders', '/api/v1/orders');
  return webRequest(b, v, { ...req, view: 'orders', authenticate: true }, at, (gw, t) =>
    httpCall(b, gw, s.gateway, s.checkout, orders, 'Go-http-client/1.1', t, (server, t2) => {
      server.attributes.push(str('user.id', user));
      return sequence(b, t2, [
        (t3) => pgQuery(b, server, s.checkout, 'SELECT', 'orders', ORDERS_SQL, t3),
        (t3) => pgQuery(b, server, s.checkout, 'SELECT', 'order_items', ORDER_ITEMS_SQL, t3),
        (t3) => shipmentStatus(b, server, s.checkout, orderId, t3),
      ]);
    }),
  );
}

const ORDERS_SQL =
  'SELECT id, placed_at, total_cents, status FROM orders WHERE user_id = ? ORDER BY placed_at DESC LIMIT ?';
const ORDER_ITEMS_SQL =
  'SELECT order_id, product_id, quantity FROM order_items WHERE order_id IN (?, ?, ?)';

/** A Kubernetes liveness probe on the gateway: a one-span trace. */
export function healthFlow(b: TraceBuilder, at: number): Outcome {
  const gw = b.shop.gateway;
  const req = request('GET', '/healthz', '/healthz');
  const span = b.span(
    undefined,
    gw,
    'http',
    'GET /healthz',
    KIND.server,
    at,
    httpServerAttributes(gw.conv, req, gw.endpoint, 'kube-probe/1.31'),
  );
  const end = at + b.work(0.05, 0.3);
  const result = ok(end);
  endHttpServer(b, span, gw.conv, result, end);
  return result;
}

/** The inventory's scheduled job: read stale stock, then update row by row (an N+1 pattern). */
export function stockSyncFlow(b: TraceBuilder, at: number): Outcome {
  const inv = b.shop.inventory;
  const rows = b.prng.range(5, 40);
  const attrs = [str('app.job.name', 'stock-sync'), int('app.job.rows', rows)];
  const root = b.span(undefined, inv, 'manual', 'StockSync.run', KIND.internal, at, attrs);
  const steps: Step[] = [(t) => pgQuery(b, root, inv, 'SELECT', 'inventory', STALE_SQL, t)];
  for (let i = 0; i < rows; i++) {
    steps.push((t) => pgQuery(b, root, inv, 'UPDATE', 'inventory', UPDATE_STOCK_SQL, t));
  }
  const result = sequence(b, at + b.gap(), steps);
  b.end(root, result.end);
  return result;
}

const STALE_SQL = 'SELECT product_id, available FROM inventory WHERE synced_at < ? LIMIT ?';
const UPDATE_STOCK_SQL = 'UPDATE inventory SET available = ?, synced_at = ? WHERE product_id = ?';

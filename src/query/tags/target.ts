/**
 * What a tag request names: scopes, the static intrinsic list, and the tag of a tag-values
 * request (a TraceQL identifier) resolved to where its values live. Pure.
 */
import type { TagAttributeScope, TagIntrinsicColumn } from '../../blocks/index.js';
import { parseTraceQL, type AttributeScope, type IntrinsicName } from '../../traceql/index.js';

/** The scopes of `/api/v2/search/tags` (`scope=` and the `name` of each returned scope). */
export type TagScope = TagAttributeScope | 'intrinsic';

/** Attribute scopes, in the order responses list them. */
export const ATTRIBUTE_SCOPES: readonly TagAttributeScope[] = [
  'resource',
  'span',
  'event',
  'link',
  'instrumentation',
];

/**
 * Tempo's static intrinsic list (`search.GetVirtualIntrinsicValues`), sorted as its collector
 * returns it (`DistinctString.Strings` sorts). Nested-set intrinsics are left out, as there.
 */
export const INTRINSIC_TAGS: readonly string[] = [
  'duration',
  'event:name',
  'event:timeSinceStart',
  'instrumentation:name',
  'instrumentation:version',
  'kind',
  'link:spanID',
  'link:traceID',
  'name',
  'rootName',
  'rootServiceName',
  'span:duration',
  'span:id',
  'span:kind',
  'span:name',
  'span:parentID',
  'span:status',
  'span:statusMessage',
  'status',
  'statusMessage',
  'trace:duration',
  'trace:id',
  'trace:rootName',
  'trace:rootService',
  'traceDuration',
];

/** The tag of a tag-values request. */
export type TagTarget =
  | {
      readonly kind: 'attribute';
      readonly scope: AttributeScope;
      readonly name: string;
      /** `parent.` attributes parse but have no values (Tempo does not support them). */
      readonly parent: boolean;
    }
  | { readonly kind: 'intrinsic'; readonly intrinsic: IntrinsicName };

/**
 * The tag named by a TraceQL identifier (`resource.service.name`, `.a`, `span."a b"`, `name`,
 * `span:status`), as Tempo's `traceql.ParseIdentifier`: the text must parse as the whole body of
 * a `{…}`. Undefined when it does not.
 */
export function parseTagIdentifier(text: string): TagTarget | undefined {
  let root;
  try {
    root = parseTraceQL(`{ ${text} }`);
  } catch {
    return undefined;
  }
  if (root.query.kind !== 'Pipeline' || root.hints.length > 0) return undefined;
  const [only, ...rest] = root.query.elements;
  if (only?.kind !== 'SpansetFilter' || rest.length > 0) return undefined;
  const e = only.expr;
  if (e.kind === 'Attribute') {
    return { kind: 'attribute', scope: e.scope, name: e.name, parent: e.parent };
  }
  if (e.kind === 'Intrinsic') return { kind: 'intrinsic', intrinsic: e.intrinsic };
  return undefined;
}

/** Where an attribute tag's values are read: `.x` is a span or resource attribute, as in TraceQL. */
export function attributeScopes(scope: AttributeScope): readonly TagAttributeScope[] {
  return scope === 'unscoped' ? ['span', 'resource'] : [scope];
}

/**
 * How an intrinsic's values are found: a fixed keyword list (Tempo's
 * `search.GetVirtualTagValuesV2`, in its order), a block column, or nothing (durations, which
 * Tempo answers with an empty list, and the tree numbers, which are not stored).
 */
export type IntrinsicSource =
  | { readonly kind: 'keywords'; readonly values: readonly string[] }
  | { readonly kind: 'column'; readonly column: TagIntrinsicColumn }
  | { readonly kind: 'none' };

const STATUS_KEYWORDS = ['ok', 'error', 'unset'];
const KIND_KEYWORDS = ['client', 'server', 'producer', 'consumer', 'internal', 'unspecified'];

export function intrinsicSource(name: IntrinsicName): IntrinsicSource {
  switch (name) {
    case 'status':
      return { kind: 'keywords', values: STATUS_KEYWORDS };
    case 'kind':
      return { kind: 'keywords', values: KIND_KEYWORDS };
    case 'name':
    case 'statusMessage':
    case 'rootName':
    case 'rootServiceName':
    case 'traceId':
    case 'spanId':
    case 'parentId':
    case 'eventName':
    case 'linkTraceId':
    case 'linkSpanId':
    case 'instrumentationName':
    case 'instrumentationVersion':
      return { kind: 'column', column: name };
    case 'duration':
    case 'traceDuration':
    case 'eventTimeSinceStart':
    case 'childCount':
    case 'nestedSetLeft':
    case 'nestedSetRight':
    case 'nestedSetParent':
    case 'parent':
      return { kind: 'none' };
  }
}

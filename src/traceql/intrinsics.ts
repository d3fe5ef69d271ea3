/**
 * The intrinsic catalogue: how each intrinsic is written (legacy and scoped spellings) and its
 * static type. The parser, the printer and the validator all read it from here.
 */

import type { FieldType, IntrinsicName } from './ast.js';

export interface IntrinsicInfo {
  /** The unscoped keyword (`duration`), when there is one. */
  readonly legacy: string | undefined;
  /** The scoped form (`span:duration`), when there is one. */
  readonly scoped: string | undefined;
  readonly type: FieldType;
}

const info = (
  legacy: string | undefined,
  scoped: string | undefined,
  type: FieldType,
): IntrinsicInfo => ({
  legacy,
  scoped,
  type,
});

/** Every intrinsic, by name. */
export const INTRINSICS: Readonly<Record<IntrinsicName, IntrinsicInfo>> = {
  duration: info('duration', 'span:duration', 'duration'),
  name: info('name', 'span:name', 'string'),
  status: info('status', 'span:status', 'status'),
  statusMessage: info('statusMessage', 'span:statusMessage', 'string'),
  kind: info('kind', 'span:kind', 'kind'),
  spanId: info(undefined, 'span:id', 'string'),
  parentId: info(undefined, 'span:parentID', 'string'),
  childCount: info(undefined, 'span:childCount', 'int'),
  traceId: info(undefined, 'trace:id', 'string'),
  traceDuration: info('traceDuration', 'trace:duration', 'duration'),
  rootName: info('rootName', 'trace:rootName', 'string'),
  rootServiceName: info('rootServiceName', 'trace:rootService', 'string'),
  eventName: info(undefined, 'event:name', 'string'),
  eventTimeSinceStart: info(undefined, 'event:timeSinceStart', 'duration'),
  linkTraceId: info(undefined, 'link:traceID', 'string'),
  linkSpanId: info(undefined, 'link:spanID', 'string'),
  instrumentationName: info(undefined, 'instrumentation:name', 'string'),
  instrumentationVersion: info(undefined, 'instrumentation:version', 'string'),
  nestedSetLeft: info('nestedSetLeft', undefined, 'int'),
  nestedSetRight: info('nestedSetRight', undefined, 'int'),
  nestedSetParent: info('nestedSetParent', undefined, 'int'),
  parent: info('parent', undefined, 'nil'),
};

const ENTRIES = Object.entries(INTRINSICS) as [IntrinsicName, IntrinsicInfo][];

/** Legacy keyword → intrinsic (`rootServiceName` → `rootServiceName`). */
export const LEGACY_INTRINSICS: ReadonlyMap<string, IntrinsicName> = new Map(
  ENTRIES.flatMap(([name, i]) => (i.legacy === undefined ? [] : [[i.legacy, name] as const])),
);

/** Scoped spelling → intrinsic (`trace:rootService` → `rootServiceName`). */
export const SCOPED_INTRINSICS: ReadonlyMap<string, IntrinsicName> = new Map(
  ENTRIES.flatMap(([name, i]) => (i.scoped === undefined ? [] : [[i.scoped, name] as const])),
);

/** The words a scope accepts, in Tempo's order (for "expecting …" in syntax errors). */
export const SCOPE_WORDS: Readonly<Record<string, readonly string[]>> = {
  'trace:': ['duration', 'rootName', 'rootService', 'id'],
  'span:': ['duration', 'childCount', 'name', 'status', 'statusMessage', 'kind', 'id', 'parentID'],
  'event:': ['name', 'timeSinceStart'],
  'link:': ['traceID', 'spanID'],
  'instrumentation:': ['name', 'version'],
};

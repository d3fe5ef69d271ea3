import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkKeys } from './check-keys.js';
import type { KeyCatalogue } from './check-keys.js';

const catalogue: KeyCatalogue = {
  keys: {
    ingester: {
      max_block_bytes: 'leaf',
      max_block_duration: 'leaf',
      lifecycler: { ring: { replication_factor: 'leaf' } },
    },
    compactor: { compaction: { block_retention: 'leaf' } },
    labels: 'map',
    list: 'list',
    generator: { registry: { external_labels: 'map', collection_interval: 'leaf' } },
    target: 'leaf',
  },
  implemented: new Set([
    'ingester.max_block_bytes',
    'ingester.max_block_duration',
    'compactor.compaction.block_retention',
  ]),
  implementedSections: new Set(['ingester', 'compactor', 'compactor.compaction']),
  notes: { generator: 'generator is not available yet', target: 'target: runs everything' },
};

describe('checkKeys', () => {
  const cases: Array<{
    name: string;
    input: Record<string, unknown>;
    warnings?: string[];
    errors?: string[];
  }> = [
    {
      name: 'implemented keys',
      input: { ingester: { max_block_bytes: 1, max_block_duration: '5m' } },
    },
    { name: 'empty section', input: { ingester: null, compactor: {} } },
    {
      name: 'typo at the same level',
      input: { ingester: { max_block_byte: 1 } },
      errors: ['ingester.max_block_byte: unknown key; did you mean ingester.max_block_bytes?'],
    },
    {
      name: 'typo at the top',
      input: { ingestor: {} },
      errors: ['ingestor: unknown key; did you mean ingester?'],
    },
    {
      name: 'key that belongs one section deeper',
      input: { compactor: { block_retention: '1h' } },
      errors: [
        'compactor.block_retention: unknown key; did you mean compactor.compaction.block_retention?',
      ],
    },
    { name: 'nothing close', input: { zzzzzz: 1 }, errors: ['zzzzzz: unknown key'] },
    {
      name: 'known key not used',
      input: { ingester: { lifecycler: { ring: { replication_factor: 1 } } } },
      warnings: ['ingester.lifecycler.ring.replication_factor: accepted but not used by Vivace'],
    },
    {
      name: 'unused section given a scalar',
      input: { ingester: { lifecycler: 5 } },
      warnings: ['ingester.lifecycler: accepted but not used by Vivace'],
    },
    {
      name: 'implemented section given a scalar',
      input: { ingester: 'big', compactor: [1] },
      errors: [
        'ingester: expected a mapping, got "big"',
        'compactor: expected a mapping, got a list',
      ],
    },
    {
      name: 'open-ended map and list',
      input: { labels: { anything: 1 }, list: [{ x: 1 }] },
      warnings: [
        'labels: accepted but not used by Vivace',
        'list: accepted but not used by Vivace',
      ],
    },
    { name: 'note on a scalar', input: { target: 'all' }, warnings: ['target: runs everything'] },
    {
      name: 'note on a section: once, keys still checked',
      input: {
        generator: {
          registry: {
            external_labels: { a: 'b' },
            collection_interval: '15s',
            collection_intervl: 1,
          },
        },
      },
      warnings: ['generator is not available yet'],
      errors: [
        'generator.registry.collection_intervl: unknown key; did you mean generator.registry.collection_interval?',
      ],
    },
    {
      name: 'note on an empty section',
      input: { generator: null },
      warnings: ['generator is not available yet'],
    },
    {
      name: 'every problem, in file order',
      input: { a: 1, ingester: { b: 2, max_block_bytes: 3, lifecycler: {} }, target: 'all', c: 4 },
      warnings: ['target: runs everything'],
      errors: ['a: unknown key', 'ingester.b: unknown key', 'c: unknown key'],
    },
  ];
  for (const { name, input, warnings = [], errors = [] } of cases) {
    it(name, () => assert.deepEqual(checkKeys(input, catalogue), { warnings, errors }));
  }
});

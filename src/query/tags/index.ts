/** Tag names and tag values (Tempo's tag search APIs) over the head and the blocks. */
export {
  searchTagNames,
  searchTagValues,
  type TagNamesOptions,
  type TagNamesResult,
  type TagSearchOptions,
  type TagSources,
  type TagValuesResult,
} from './tags.js';
export {
  ATTRIBUTE_SCOPES,
  INTRINSIC_TAGS,
  parseTagIdentifier,
  type TagScope,
  type TagTarget,
} from './target.js';
export {
  capValues,
  DEFAULT_MAX_TAG_BYTES,
  goFloatText,
  textSize,
  type TagValue,
  type TagValueType,
} from './values.js';

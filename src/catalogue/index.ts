/**
 * The event catalogue: the one description of LimaCharlie event types, their fields and families,
 * from which validation (zod.ts), promotion of hunting properties (promote.ts) and the GraphQL
 * types follow.
 */
export { type Basis, type EventTypeSpec } from './events';
export { type FieldWarning, type FitResult, type FittedBody, fitBody, fitEvent } from './fit';
export { FAMILIES, type Family, families } from './families';
export { type FieldMap, type FieldSpec, type FieldType, type ScalarKind, fieldsOf } from './fields';
export { allEventTypes, eventTypeSpec, familyOf, isProcessType } from './lookup';
export { fitScalar } from './scalars';
export { camelCase, GRAPHQL_NAME, pascalCase } from './names';
export { type ObjectTypeSpec, allObjectTypes, objectTypeSpec } from './objects';
export {
  type PromotedProperty,
  type PromotedValues,
  type PromoteMap,
  fieldAtPath,
  PROMOTED_PROPERTIES,
  promotedValues,
  readPath,
} from './promote';
export {
  type EventBody,
  type Routing,
  type ValidatedEvent,
  type Validation,
  bodySchemaFor,
  objectSchema,
  routingSchema,
  validateBody,
  validateEvent,
  validateRouting,
} from './zod';

import type { z } from 'zod';
import type { operations } from '../generated/openapi.js';

// The request schemas are written in zod, the published contract in api-spec/openapi.yaml. These helpers tie
// each schema to what openapi-typescript generated from the spec, so that tsc fails when the two drift. They
// return the schema unchanged; all the work is in the types.

/** An operationId of the published spec. */
export type OperationId = keyof operations;

/** The query parameters operation `Op` publishes. */
export type SpecQuery<Op extends OperationId> = NonNullable<operations[Op]['parameters']['query']>;

/** The path parameters operation `Op` publishes. */
export type SpecPath<Op extends OperationId> = NonNullable<operations[Op]['parameters']['path']>;

/** The JSON request body operation `Op` publishes. */
export type SpecBody<Op extends OperationId> = operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

type Leaf = string | number | boolean | bigint | symbol | null | undefined;
type KeysOf<T> = T extends unknown ? keyof T : never;
type ValueAt<T, K> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;
type ElementOf<T> = T extends readonly (infer E)[] ? E : never;
type Fitting<S, I> = I extends unknown ? ([S] extends [I] ? I : never) : never;
/** The schema's counterpart of one spec member: the members of `I` a value of `S` fits, else all of `I`. */
type Counterpart<S, I> = [Fitting<S, I>] extends [never] ? I : Fitting<S, I>;
type Field<P extends string, K> = `${P}${P extends '' ? '' : '.'}${K & string}`;

/**
 * The fields, at every depth, that one side has and the other lacks (`spec` is the spec's type, `schema` what
 * the zod schema takes). A spec union is compared member by member with the schema members it fits; objects
 * with an index signature (a JWK's open members) are left to the assignability checks.
 */
type FieldDrift<Spec, Schema, P extends string = ''> = Spec extends Leaf
  ? never
  : Spec extends readonly unknown[]
    ? FieldDrift<ElementOf<Spec>, ElementOf<Exclude<Schema, Leaf>>, `${P}[]`>
    : string extends keyof Spec
      ? never
      : Counterpart<Spec, Exclude<Schema, Leaf>> extends infer C
        ? [C] extends [never]
          ? `${P extends '' ? 'the body' : P} is an object in the spec only`
          :
              | { [K in Exclude<keyof Spec, KeysOf<C>>]-?: `${Field<P, K>} is in the spec, not in the schema` }[Exclude<keyof Spec, KeysOf<C>>]
              | { [K in Exclude<KeysOf<C>, keyof Spec>]-?: `${Field<P, K>} is in the schema, not in the spec` }[Exclude<KeysOf<C>, keyof Spec>]
              | { [K in keyof Spec & KeysOf<C>]-?: FieldDrift<Exclude<Spec[K], undefined>, Exclude<ValueAt<C, K>, undefined>, Field<P, K>> }[keyof Spec & KeysOf<C>]
        : never;

/**
 * Every way schema `Z` and the spec's type `T` disagree, as readable strings; `never` when they agree:
 * every request the spec allows fits the schema's input type, what the schema lets through (as parsed, or
 * as given when a field is transformed, e.g. a timestamp to epoch milliseconds) fits the spec, and both
 * name the same fields at every depth. Constraints beyond types (lengths, patterns) are not compared.
 */
export type SpecDrift<Z extends z.ZodType, T> =
  | ([T] extends [z.input<Z>] ? never : 'the spec allows a request the schema refuses by type')
  | ([z.output<Z>] extends [T] ? never : [z.input<Z>] extends [T] ? never : 'the schema lets through what the spec does not allow')
  | FieldDrift<T, z.input<Z>>;

/** `unknown` when `Z` matches `T`; otherwise a member that no schema has, naming the drift in the error. */
type Matching<Z extends z.ZodType, T> = [SpecDrift<Z, T>] extends [never] ? unknown : { spec_drift: SpecDrift<Z, T> };

/** For each operation of `Ops`, the drift of `Z` from what `Of` says that operation takes. */
type DriftPerOperation<Z extends z.ZodType, Ops extends OperationId, Of extends 'query' | 'path' | 'body'> = Ops extends unknown
  ? SpecDrift<Z, Of extends 'query' ? SpecQuery<Ops> : Of extends 'path' ? SpecPath<Ops> : SpecBody<Ops>> extends infer D extends string
    ? `${Ops}: ${D}`
    : never
  : never;

type MatchingAll<Z extends z.ZodType, Ops extends OperationId, Of extends 'query' | 'path' | 'body'> = [DriftPerOperation<Z, Ops, Of>] extends [never]
  ? unknown
  : { spec_drift: DriftPerOperation<Z, Ops, Of> };

/**
 * Ties a request-body schema to the spec's body of operation(s) `Ops`:
 * `specBody<'createProduct'>()(z.strictObject({…}))`. tsc fails, naming the drift, when they disagree.
 */
export function specBody<Ops extends OperationId>() {
  return <Z extends z.ZodType>(schema: Z & MatchingAll<Z, Ops, 'body'>): Z => schema;
}

/** Ties a query schema to the query parameters of operation(s) `Ops`, as {@link specBody} does for bodies. */
export function specQuery<Ops extends OperationId>() {
  return <Z extends z.ZodType>(schema: Z & MatchingAll<Z, Ops, 'query'>): Z => schema;
}

/** Ties a path-parameter schema to the path parameters of operation(s) `Ops`. */
export function specPath<Ops extends OperationId>() {
  return <Z extends z.ZodType>(schema: Z & MatchingAll<Z, Ops, 'path'>): Z => schema;
}

/** Ties a schema to a named spec type `T` (a component schema), for parts shared by several bodies. */
export function specType<T>() {
  return <Z extends z.ZodType>(schema: Z & Matching<Z, T>): Z => schema;
}

/**
 * The values of a spec enum `T`, written once in code: `specEnum<S['RejectionReason']>()(['credit_insufficient', …])`.
 * tsc fails while the list lacks a value of the spec's enum (a value added to the spec), and a value not in it
 * is refused as the list is written.
 */
export function specEnum<T extends string>() {
  return <const V extends readonly T[]>(values: V & ([Exclude<T, V[number]>] extends [never] ? unknown : { missing: Exclude<T, V[number]> })): V =>
    values;
}

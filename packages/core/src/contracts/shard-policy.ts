/**
 * The auto-shard policy names, as tf.data.experimental.AutoShardPolicy spells them, and
 * what a policy resolves to once the source and worker count are known (see shard.ts).
 */

/** OFF: no sharding; AUTO: FILE if possible, else DATA; FILE: shard files; DATA: shard elements. */
export type AutoShardPolicy = 'OFF' | 'AUTO' | 'FILE' | 'DATA';

/** A policy after AUTO is decided (and anything with one worker becomes OFF). */
export type ResolvedShardPolicy = 'OFF' | 'FILE' | 'DATA';

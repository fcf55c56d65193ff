//! attention-dynamics kernel: hardmax, localmax and softmax self-attention
//! steps (SPEC.md §1) over n tokens in R^d, in row blocks so that no n x n
//! matrix ever exists. Zero dependencies; compiles on Rust 1.63.
//!
//! Modules, each importing only those listed before it:
//! - `error`: `StepError`, why a step could not run.
//! - `alloc`: fallible zeroed buffers (`try_zeroed`).
//! - `prng`: SplitMix64, identical to ts/prng.ts.
//! - `simd`: the hot loops, each written once over a lane trait implemented
//!   for f64x2 and f32x4 (wasm32 simd128), with a scalar twin elsewhere.
//! - `tree`: the kd-tree of the threshold rules in low dimension.
//! - `attend`: the attention pass (alignments, weights, means) shared by all models.
//! - `sim`: one simulation's buffers, models, updates and integrators.
//! - `abi`: the handle-based C ABI used by the TypeScript glue; decodes the
//!   model, update and integrator codes.
//!
//! Cargo feature `bench`: adds the multiply-add peak exports `ad_peak_f64` /
//! `ad_peak_f32` (simd/peak.rs) for bench/run.mjs; the shipped kernel.wasm is
//! built without it.

pub mod abi;
pub mod alloc;
pub mod attend;
pub mod error;
pub mod prng;
pub mod sim;
pub mod simd;
pub mod tree;

#[cfg(test)]
mod tests;

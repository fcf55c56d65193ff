//! attention-dynamics kernel: hardmax, localmax and softmax self-attention
//! steps (SPEC.md §1) over n tokens in R^d, in row blocks so that no n x n
//! matrix ever exists. Zero dependencies; compiles on Rust 1.63.
//!
//! - `lanes`: the hot loops (scalar twin + wasm32 simd128 bodies).
//! - `attend`: the attention pass (alignments, weights, means) shared by all models.
//! - `prng`: SplitMix64, identical to ts/prng.ts.
//! - `sim`: one simulation's buffers, updates and integrators.
//! - `abi`: the handle-based C ABI used by the TypeScript glue.

pub mod abi;
pub mod attend;
pub mod lanes;
pub mod prng;
pub mod sim;

#[cfg(test)]
mod tests;

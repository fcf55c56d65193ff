//! attention-dynamics kernel: hardmax, localmax and softmax self-attention
//! steps (SPEC.md §1) over n tokens in R^d, in row blocks so that no n x n
//! matrix ever exists. Zero dependencies; compiles on Rust 1.63.
//!
//! - `lanes`: the hot loops (scalar twin + wasm32 simd128 bodies).
//! - `sim`: one simulation's buffers and the step algorithm.
//! - `abi`: the handle-based C ABI used by the TypeScript glue.

pub mod abi;
pub mod lanes;
pub mod sim;

#[cfg(test)]
mod tests;

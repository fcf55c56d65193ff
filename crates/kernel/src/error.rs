//! Why a step could not run: the one error type of the kernel, shared by the
//! attention pass (attend.rs), the simulation (sim.rs) and the C ABI (abi.rs),
//! which turns it into a status code.

/// Why a step could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepError {
    /// A parameter is out of range or the model needs buffers it was not created with.
    BadArgument,
    /// An alignment row, a weight scale or an updated token was not finite
    /// (overflow); the failing step was undone.
    NonFinite,
    /// A token had norm 0 where it had to be projected to the sphere; the failing step was undone.
    ZeroNorm,
}
